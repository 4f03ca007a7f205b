/* pcscope BIOS: shadowing the BIOS into RAM with the i440FX PAM registers, and the warm-boot check.
 * PAM0 (config 0x59, high nibble) controls 0xf0000-0xfffff; PAM5/PAM6 (0x5e, 0x5f) control
 * 0xe0000-0xeffff in 16 KiB nibbles. Per nibble, RE (bit 0) sends reads to RAM and WE (bit 1) sends
 * writes to RAM; otherwise they go to the PCI side, where QEMU's isa-bios alias shows the ROM.
 * A reset does not clear the PAM registers (Intel 82441FX datasheet, "PAM registers"; seed 002),
 * so after a reboot the CPU runs the RAM copy left by the last boot: POST detects that and first
 * restores the RAM copy from the pristine ROM at 0xfffe0000. */
#include "bios.h"

#define PAM0 0x59
#define PAM5 0x5e
#define PAM6 0x5f
#define PAM_COUNT 7
#define PAM_RE 0x1
#define PAM_WE 0x2
#define PAM_BOTH(x) ((x) | (x) << 4)
#define SHADOW_MAGIC 0x50435342u   /* "BSCP": this RAM copy already ran POST */
#define HOST_DEV 0
#define I440FX_ID 0x12378086u

/* Lives in the ROM image (0 there) and so in its RAM copy; set once POST has shadowed the BIOS. */
static volatile u32 shadow_post_flag __attribute__((section(".shadowvar"))) = 0;

/* True when 00:00.0 is the i440FX host bridge that owns the PAM registers. */
static int host_is_i440fx(void) { return pci_read32(HOST_DEV, 0, 0) == I440FX_ID; }

/* Sets the access mode (PAM_RE/PAM_WE bits) of 0xe0000-0xfffff. */
static void pam_set_ef(u8 mode) {
  pci_write8(HOST_DEV, 0, PAM0, (u8)(mode << 4));
  pci_write8(HOST_DEV, 0, PAM5, PAM_BOTH(mode));
  pci_write8(HOST_DEV, 0, PAM6, PAM_BOTH(mode));
}

/* Logs the seven PAM registers with `what` in front. */
static void pam_log(const char *who, const char *what) {
  u8 p[PAM_COUNT];
  for (u8 i = 0; i < PAM_COUNT; i++) p[i] = pci_read8(HOST_DEV, 0, PAM0 + i);
  dprintf("%s: %s: PAM 0x59-0x5f = %02x %02x %02x %02x %02x %02x %02x\n", who, what, p[0], p[1], p[2], p[3],
          p[4], p[5], p[6]);
}

/* Makes 0xe0000-0xfffff RAM (read and write) and copies the pristine ROM from 0xfffe0000 into it.
 * Must run from the ROM at 0xfffe0000, not from its alias below 1 MiB: once PAM maps RAM there,
 * the low copy is whatever RAM holds (QEMU maps RAM for reads as soon as WE is set, so there is no
 * "read ROM, write RAM" mode to lean on, as SeaBIOS's make_bios_writable_intel notes). Uses only
 * relative calls and immediates, so it works at either address. */
static void __attribute__((noinline)) shadow_copy_in_rom(void) {
  pam_set_ef(PAM_RE | PAM_WE);
  memcpy((void *)BIOS_SHADOW_START, (const void *)BIOS_PRISTINE_START, BIOS_SHADOW_SIZE);
}

/* Calls shadow_copy_in_rom at its address in the pristine ROM. */
static void shadow_copy(void) {
  void (*in_rom)(void) = (void (*)(void))((u32)shadow_copy_in_rom + (BIOS_PRISTINE_START - BIOS_SHADOW_START));
  in_rom();
}

/* Runs first in POST. On a cold boot only logs. On a warm boot (this code is the RAM copy from the
 * last boot: its shadow flag is set) copies the pristine ROM from 0xfffe0000 over 0xe0000-0xfffff
 * and checks the flag is clear afterwards; if it is not, there is no pristine copy to restore from
 * (seed 002's RHEL-6 case), and it says so and halts rather than run on stale state. */
void pam_warm_boot_check(void) {
  if (!host_is_i440fx()) {
    LOG("no i440FX host bridge at 00:00.0: no PAM, cold boot assumed");
    return;
  }
  if (shadow_post_flag != SHADOW_MAGIC) {
    pam_log(__func__, "cold boot (shadow flag clear)");
    return;
  }
  pam_log(__func__, "warm boot: POST already ran in this RAM copy and PAM still maps RAM");
  shadow_copy();
  if (shadow_post_flag == SHADOW_MAGIC) {
    LOG("the ROM at 0x%08x is not pristine (no working PAM?): cannot restore; halting", BIOS_PRISTINE_START);
    halt_forever();
  }
  LOG("restored 0x%05x-0x%05x from the pristine copy at 0x%08x; shadow flag now clear", BIOS_SHADOW_START,
      BIOS_SHADOW_START + BIOS_SHADOW_SIZE - 1, BIOS_PRISTINE_START);
}

/* Copies the ROM into the RAM below 1 MiB (PAM read/write, running from the high ROM), marks the
 * copy with the shadow flag and locks it read-only. Checks the copy and the lock. */
void pam_shadow_bios(void) {
  if (!host_is_i440fx()) {
    LOG("no i440FX host bridge: BIOS stays in ROM");
    return;
  }
  shadow_copy();
  if (memcmp((void *)BIOS_SHADOW_START, (const void *)BIOS_PRISTINE_START, BIOS_SHADOW_SIZE) != 0) {
    LOG("shadow copy differs from the ROM after the copy (PAM write-enable not working?)");
  } else {
    pam_log(__func__, "RAM read/write");
    LOG("copied 0x%08x-0x%08x to RAM at 0x%05x-0x%05x", BIOS_PRISTINE_START, BIOS_PRISTINE_START + BIOS_SHADOW_SIZE - 1,
        BIOS_SHADOW_START, BIOS_SHADOW_START + BIOS_SHADOW_SIZE - 1);
  }
  shadow_post_flag = SHADOW_MAGIC;
  pam_set_ef(PAM_RE);
  shadow_post_flag = 0;
  if (shadow_post_flag != SHADOW_MAGIC) {
    LOG("PAM lock failed: a write to the shadow still reached RAM");
    shadow_post_flag = SHADOW_MAGIC;
    return;
  }
  pam_log(__func__, "locked read-only (a test write to the shadow was ignored)");
}
