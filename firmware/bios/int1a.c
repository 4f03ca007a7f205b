/* pcscope BIOS: INT 1Ah, the time of day: the BDA tick count kept by IRQ0 and the RTC in CMOS. */
#include "bios.h"

#define BDA_TICKS 0x46c
#define BDA_MIDNIGHT 0x470
#define CMOS_SECONDS 0x00
#define CMOS_MINUTES 0x02
#define CMOS_HOURS 0x04
#define CMOS_DAY 0x07
#define CMOS_MONTH 0x08
#define CMOS_YEAR 0x09
#define CMOS_CENTURY 0x32

/* INT 1Ah entry: AH=00h read ticks (CX:DX, AL = midnight flag, cleared), 01h set ticks,
 * 02h RTC time (CH:CL:DH BCD), 04h RTC date (CX century/year, DH month, DL day, BCD). */
void int1a_handler(struct bregs *r) {
  volatile u32 *ticks = (volatile u32 *)BDA_TICKS;
  volatile u8 *midnight = (volatile u8 *)BDA_MIDNIGHT;
  switch (r->ah) {
  case 0x00:
    r->cx = (u16)(*ticks >> 16);
    r->dx = (u16)*ticks;
    r->al = *midnight;
    *midnight = 0;
    r->flags &= ~FLAG_CF;
    break;
  case 0x01:
    *ticks = (u32)r->cx << 16 | r->dx;
    *midnight = 0;
    set_ok(r);
    break;
  case 0x02:
    r->ch = cmos_read(CMOS_HOURS);
    r->cl = cmos_read(CMOS_MINUTES);
    r->dh = cmos_read(CMOS_SECONDS);
    r->dl = 0;
    set_ok(r);
    break;
  case 0x04:
    r->ch = cmos_read(CMOS_CENTURY);
    r->cl = cmos_read(CMOS_YEAR);
    r->dh = cmos_read(CMOS_MONTH);
    r->dl = cmos_read(CMOS_DAY);
    set_ok(r);
    break;
  default:
    dprintf("int1a: unsupported function AH=%02xh\n", r->ah);
    set_fail(r, 0x86);
  }
}
