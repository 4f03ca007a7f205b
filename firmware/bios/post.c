/* pcscope BIOS: the power-on self test, in 32-bit flat protected mode (entered from the reset
 * vector through call32 in entry.S). Each stage logs to the debug console, naming its function. */
#include "bios.h"

#define PORT_A20 0x92
#define A20_ENABLE 0x02

/* Turns on the A20 gate with the fast A20 bit of port 0x92. */
static void a20_enable(void) {
  outb(inb(PORT_A20) | A20_ENABLE, PORT_A20);
  LOG("A20 gate enabled through port 0x92");
}

/* POST: needs only the BIOS stack set up by call32; leaves the machine ready for INT 19h. */
void post_main(void) {
  memset((void *)BIOS_BSS_START, 0, BIOS_STACK_BOTTOM - BIOS_BSS_START); /* .bss, whatever RAM held */
  u32 cr0;
  __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
  LOG("pcscope BIOS POST, 32-bit flat protected mode (CR0=%08x), stack in 0x%05x-0x%05x", cr0, BIOS_STACK_BOTTOM,
      BIOS_PRIVATE_END);
  pam_warm_boot_check();
  a20_enable();
  serial_setup();
  pic_setup();
  pit_setup();
  ram_size_detect();
  pci_scan();
  pam_shadow_bios();
  e820_setup();
  bda_setup();
  ivt_setup();
  ata_setup();
  LOG("POST done; back to 16-bit real mode for INT 19h");
}
