/* pcscope BIOS: INT 16h, a minimal keyboard polling the i8042 output buffer directly (no IRQ1):
 * scan code set 1 make codes for letters, digits, Enter, Space, Backspace, Esc and Tab. */
#include "bios.h"

#define I8042_DATA 0x60
#define I8042_STATUS 0x64
#define I8042_OBF 0x01
#define I8042_AUX 0x20
#define SC_BREAK 0x80

static const char scancode_ascii[0x3a] = {
    0,   0x1b, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', 0x08, '\t', 'q', 'w', 'e', 'r',
    't', 'y',  'u', 'i', 'o', 'p', '[', ']', '\r', 0,  'a', 's', 'd', 'f', 'g', 'h',  'j',  'k', 'l', ';',
    '\'', '`', 0,   '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0,   '*',  0,    ' '};

static u16 pending_key; /* a key seen by AH=01h and not yet taken by AH=00h */

/* Returns the next key press as (scan code << 8 | ASCII), or 0 when none is waiting. */
static u16 poll_key(void) {
  if (pending_key) return pending_key;
  while (inb(I8042_STATUS) & I8042_OBF) {
    u8 st = inb(I8042_STATUS);
    u8 sc = inb(I8042_DATA);
    if ((st & I8042_AUX) || (sc & SC_BREAK) || sc >= sizeof scancode_ascii) continue;
    pending_key = (u16)(sc << 8 | (u8)scancode_ascii[sc]);
    return pending_key;
  }
  return 0;
}

/* INT 16h entry: AH=00h/10h wait for a key, 01h/11h peek (ZF set when none), 02h shift flags. */
void int16_handler(struct bregs *r) {
  switch (r->ah) {
  case 0x00:
  case 0x10: {
    u16 k;
    while (!(k = poll_key())) __asm__ volatile("pause");
    pending_key = 0;
    r->ax = k;
    break;
  }
  case 0x01:
  case 0x11: {
    u16 k = poll_key();
    if (k) {
      r->ax = k;
      r->flags &= ~FLAG_ZF;
    } else {
      r->flags |= FLAG_ZF;
    }
    break;
  }
  case 0x02:
    r->al = 0;
    break;
  default:
    dprintf("int16: unsupported function AH=%02xh\n", r->ah);
  }
}
