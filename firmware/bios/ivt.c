/* pcscope BIOS: the BIOS data area (0040:0000), the EBDA and the real-mode interrupt vector table. */
#include "bios.h"

#define IVT_ENTRIES 256
#define BDA_COM1 0x400
#define BDA_EBDA_SEG 0x40e
#define BDA_EQUIPMENT 0x410
#define BDA_BASE_MEM_KIB 0x413
#define BDA_TICKS 0x46c
#define BDA_HARD_DISKS 0x475
#define EQUIP_FPU 0x0002
#define EQUIP_VIDEO_80X25_COLOR 0x0020
#define EQUIP_SERIAL_SHIFT 9
#define EBDA_SIZE_KIB ((BIOS_PRIVATE_END - BIOS_PRIVATE_START) >> 10)
#define PIT_HZ_NUM 1193182u
#define CMOS_SECONDS 0x00
#define CMOS_MINUTES 0x02
#define CMOS_HOURS 0x04

extern char int10_entry[], int11_entry[], int12_entry[], int13_entry[], int15_entry[], int16_entry[];
extern char int18_entry[], int19_entry[], int1a_entry[], irq0_entry[], irq_master_entry[], irq_slave_entry[];
extern char iret_entry[];

/* A BCD byte from the RTC as binary. */
static u32 bcd(u8 v) { return (v >> 4) * 10 + (v & 0xf); }

/* Fills the BDA: COM1, the EBDA segment, equipment, conventional memory, the tick count (from
 * the RTC time), one hard disk. Marks the EBDA with its size in KiB. */
void bda_setup(void) {
  memset((void *)BDA_BASE, 0, 0x100);
  u16 com1 = serial_port();
  *(volatile u16 *)BDA_COM1 = com1;
  *(volatile u16 *)BDA_EBDA_SEG = EBDA_SEG;
  *(volatile u16 *)BDA_EQUIPMENT = EQUIP_FPU | EQUIP_VIDEO_80X25_COLOR | (com1 ? 1 << EQUIP_SERIAL_SHIFT : 0);
  *(volatile u16 *)BDA_BASE_MEM_KIB = BIOS_PRIVATE_START >> 10;
  *(volatile u8 *)BDA_HARD_DISKS = 1;
  *(volatile u8 *)BIOS_PRIVATE_START = EBDA_SIZE_KIB;
  u32 secs = bcd(cmos_read(CMOS_HOURS)) * 3600 + bcd(cmos_read(CMOS_MINUTES)) * 60 + bcd(cmos_read(CMOS_SECONDS));
  *(volatile u32 *)BDA_TICKS = secs * 18 + ((secs * (PIT_HZ_NUM - 18 * 65536)) >> 16);
  LOG("BDA: %u KiB conventional memory, EBDA at %04x:0000 (%u KiB)", BIOS_PRIVATE_START >> 10, EBDA_SEG,
      EBDA_SIZE_KIB);
}

/* Points vector `n` at F000:`entry`. */
static void ivt_set(u8 n, const char *entry) {
  volatile u16 *v = (volatile u16 *)(n * 4);
  v[0] = (u16)((u32)entry - BIOS_SEG_BASE);
  v[1] = BIOS_SEG;
}

/* Fills all 256 vectors: the BIOS services, IRQ handlers for both PICs, IRET elsewhere. */
void ivt_setup(void) {
  for (u32 n = 0; n < IVT_ENTRIES; n++) ivt_set((u8)n, iret_entry);
  for (u8 n = 0x09; n <= 0x0f; n++) ivt_set(n, irq_master_entry);
  for (u8 n = 0x70; n <= 0x77; n++) ivt_set(n, irq_slave_entry);
  ivt_set(0x08, irq0_entry);
  ivt_set(0x10, int10_entry);
  ivt_set(0x11, int11_entry);
  ivt_set(0x12, int12_entry);
  ivt_set(0x13, int13_entry);
  ivt_set(0x15, int15_entry);
  ivt_set(0x16, int16_entry);
  ivt_set(0x18, int18_entry);
  ivt_set(0x19, int19_entry);
  ivt_set(0x1a, int1a_entry);
  LOG("IVT: 256 vectors; 08h=F000:%04x 10h=F000:%04x 13h=F000:%04x 15h=F000:%04x 19h=F000:%04x, others IRET",
      *(volatile u16 *)(0x08 * 4), *(volatile u16 *)(0x10 * 4), *(volatile u16 *)(0x13 * 4),
      *(volatile u16 *)(0x15 * 4), *(volatile u16 *)(0x19 * 4));
}
