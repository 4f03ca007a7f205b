/* pcscope BIOS: INT 15h system services: the E820 memory map (ACPI spec, "INT 15H, E820H"),
 * E801h and 88h memory sizes, and the A20 gate functions. */
#include "bios.h"

#define SMAP 0x534d4150u   /* "SMAP" */
#define E820_ENTRY_SIZE 20
#define RET_UNSUPPORTED 0x86
#define ONE_MIB 0x100000u
#define SIXTEEN_MIB 0x1000000u
#define PORT_A20 0x92
#define A20_ENABLE 0x02

/* AX=E820h: entry EBX of the map to ES:DI; EBX = next index, 0 after the last. */
static void e820_next(struct bregs *r) {
  if (r->edx != SMAP || r->ecx < E820_ENTRY_SIZE || r->ebx >= e820_count) {
    dprintf("int15: bad E820 call (EDX=%08x ECX=%u EBX=%u)\n", r->edx, r->ecx, r->ebx);
    set_fail(r, RET_UNSUPPORTED);
    return;
  }
  memcpy(rm_ptr(r->es, r->di), &e820_map[r->ebx], E820_ENTRY_SIZE);
  r->ebx = r->ebx + 1 == e820_count ? 0 : r->ebx + 1;
  r->eax = SMAP;
  r->ecx = E820_ENTRY_SIZE;
  r->flags &= ~FLAG_CF;
}

/* INT 15h entry: dispatches on AX/AH. */
void int15_handler(struct bregs *r) {
  u32 ext_kib = ram_below_4g > ONE_MIB ? (ram_below_4g - ONE_MIB) >> 10 : 0;
  if (r->ax == 0xe820) {
    e820_next(r);
    return;
  }
  switch (r->ax) {
  case 0xe801: { /* AX/CX: KiB 1-16 MiB, BX/DX: 64 KiB blocks above 16 MiB */
    u32 low = ext_kib > 15 * 1024 ? 15 * 1024 : ext_kib;
    u32 high = ram_below_4g > SIXTEEN_MIB ? (ram_below_4g - SIXTEEN_MIB) >> 16 : 0;
    r->ax = r->cx = (u16)low;
    r->bx = r->dx = (u16)high;
    r->flags &= ~FLAG_CF;
    return;
  }
  case 0x2400: /* A20 off: refused, the BIOS needs A20 */
    set_fail(r, RET_UNSUPPORTED);
    return;
  case 0x2401: /* A20 on */
    outb(inb(PORT_A20) | A20_ENABLE, PORT_A20);
    set_ok(r);
    return;
  case 0x2402: /* A20 status */
    set_ok(r);
    r->al = (inb(PORT_A20) & A20_ENABLE) ? 1 : 0;
    return;
  case 0x2403: /* A20 support: port 0x92 */
    set_ok(r);
    r->bx = 2;
    return;
  }
  switch (r->ah) {
  case 0x88: /* KiB above 1 MiB, at most 0xffff */
    r->ax = ext_kib > 0xffff ? 0xffff : (u16)ext_kib;
    r->flags &= ~FLAG_CF;
    return;
  case 0x86: /* wait CX:DX microseconds: returns at once */
    set_ok(r);
    return;
  default:
    dprintf("int15: unsupported function AX=%04xh\n", r->ax);
    set_fail(r, RET_UNSUPPORTED);
  }
}
