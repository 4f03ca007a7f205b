/* pcscope BIOS: the two 8259 PICs, the 8254 PIT and the CMOS/RTC. */
#include "bios.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT_ICW4 0x11   /* edge triggered, cascade, ICW4 follows */
#define ICW4_8086 0x01
#define PIC1_VECTOR 0x08      /* IRQ0-7 -> INT 08h-0Fh, the PC/AT layout */
#define PIC2_VECTOR 0x70      /* IRQ8-15 -> INT 70h-77h */
#define PIC1_MASK 0xfa        /* only IRQ0 (timer) and IRQ2 (cascade) unmasked */
#define PIC2_MASK 0xff

#define PIT_CH0 0x40
#define PIT_MODE 0x43
#define PIT_CH0_LOHI_MODE2 0x34  /* channel 0, lobyte/hibyte, mode 2 (rate generator), binary */
#define PIT_DIVISOR 0            /* 65536: 1193182 Hz / 65536 = 18.2 Hz */

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_NMI_DISABLE 0x80

/* Programs both PICs for the PC/AT vectors and masks every IRQ but the timer and the cascade
 * (the BIOS polls its disks, so IRQ14 stays masked). */
void pic_setup(void) {
  outb(ICW1_INIT_ICW4, PIC1_CMD);
  outb(ICW1_INIT_ICW4, PIC2_CMD);
  outb(PIC1_VECTOR, PIC1_DATA);
  outb(PIC2_VECTOR, PIC2_DATA);
  outb(1 << 2, PIC1_DATA);   /* master: slave on IRQ2 */
  outb(2, PIC2_DATA);        /* slave: cascade identity 2 */
  outb(ICW4_8086, PIC1_DATA);
  outb(ICW4_8086, PIC2_DATA);
  outb(PIC1_MASK, PIC1_DATA);
  outb(PIC2_MASK, PIC2_DATA);
  LOG("8259 PICs: IRQ0-7 -> INT %02xh, IRQ8-15 -> INT %02xh, masks %02x/%02x", PIC1_VECTOR, PIC2_VECTOR,
      inb(PIC1_DATA), inb(PIC2_DATA));
}

/* Starts PIT channel 0 at 18.2 Hz for the INT 08h tick. */
void pit_setup(void) {
  outb(PIT_CH0_LOHI_MODE2, PIT_MODE);
  outb(PIT_DIVISOR & 0xff, PIT_CH0);
  outb(PIT_DIVISOR >> 8, PIT_CH0);
  LOG("8254 PIT channel 0: mode 2, divisor 65536 (18.2 Hz) on IRQ0");
}

/* Reads one CMOS register with NMI kept disabled. */
u8 cmos_read(u8 index) {
  outb(index | CMOS_NMI_DISABLE, CMOS_INDEX);
  return inb(CMOS_DATA);
}
