/* pcscope BIOS: INT 10h, a text console without a display: teletype output goes to the debug
 * console and COM1. Enough for boot loaders: teletype, write string, cursor and mode queries. */
#include "bios.h"

#define TEXT_COLUMNS 80
#define TEXT_MODE_80X25 0x03

/* INT 10h entry: dispatches on AH. */
void int10_handler(struct bregs *r) {
  switch (r->ah) {
  case 0x0e: /* teletype output of AL */
    console_putc((char)r->al);
    break;
  case 0x13: { /* write string ES:BP, CX characters (AL bit 1: with attributes) */
    const char *s = rm_ptr(r->es, r->bp);
    u32 step = (r->al & 2) ? 2 : 1;
    for (u32 i = 0; i < r->cx; i++) console_putc(s[i * step]);
    break;
  }
  case 0x0f: /* video mode: AL mode, AH columns, BH page */
    r->al = TEXT_MODE_80X25;
    r->ah = TEXT_COLUMNS;
    r->bh = 0;
    break;
  case 0x03: /* cursor position and shape of page BH */
    r->dx = 0;
    r->cx = 0x0607;
    break;
  case 0x00: /* set mode */
  case 0x01: /* cursor shape */
  case 0x02: /* set cursor position */
  case 0x05: /* active page */
  case 0x06: /* scroll up */
  case 0x07: /* scroll down */
  case 0x09: /* write character and attribute */
  case 0x0a: /* write character */
    break;
  default:
    dprintf("int10: unsupported function AH=%02xh (AX=%04x)\n", r->ah, r->ax);
  }
}

/* INT 11h: the BDA equipment word. */
void int11_handler(struct bregs *r) { r->ax = *(volatile u16 *)(BDA_BASE + 0x10); }

/* INT 12h: KiB of conventional memory, from the BDA. */
void int12_handler(struct bregs *r) { r->ax = *(volatile u16 *)(BDA_BASE + 0x13); }
