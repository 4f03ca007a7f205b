/* pcscope BIOS: INT 19h (bootstrap loader) and INT 18h (no bootable device). */
#include "bios.h"

#define BOOT_ADDR 0x7c00u
#define BOOT_SIGNATURE 0xaa55

/* INT 19h: loads LBA 0 of the first hard disk to 0000:7C00 and checks its 55 AA signature; the
 * stub in entry.S then jumps there. When there is nothing to boot it says why and halts. */
void int19_handler(struct bregs *r) {
  (void)r;
  if (!ata_disk.present) {
    LOG("no bootable disk: no ATA drive on the primary IDE channel; halting");
    halt_forever();
  }
  int ret = ata_transfer(0, 1, BOOT_ADDR, 0, "int19");
  if (ret) {
    LOG("reading the boot sector failed (status 0x%02x); halting", ret);
    halt_forever();
  }
  u16 sig = *(volatile u16 *)(BOOT_ADDR + 510);
  if (sig != BOOT_SIGNATURE) {
    LOG("disk 0x80 is not bootable: LBA 0 ends with %04x, not 55 aa; halting", sig);
    halt_forever();
  }
  LOG("booting from disk 0x80: jumping to 0000:7c00 with DL=0x80");
}

/* INT 18h: called when booting failed. */
void int18_handler(struct bregs *r) {
  (void)r;
  LOG("boot failed: no bootable device; halting");
  halt_forever();
}
