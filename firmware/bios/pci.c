/* pcscope BIOS: PCI configuration mechanism #1 (0xcf8/0xcfc) and the scan of bus 0. Finds the
 * i440FX host bridge (8086:1237) and sets up the PIIX3 IDE function (8086:7010): legacy decode on
 * both channels, BAR4 (bus-master registers) at a fixed I/O address, I/O and bus-master enabled. */
#include "bios.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_ENABLE 0x80000000u
#define PCI_VENDOR_ID 0x00
#define PCI_COMMAND 0x04
#define PCI_CLASS_REVISION 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR4 0x20
#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MASTER 0x0004
#define PCI_HEADER_MULTIFUNCTION 0x80
#define PIIX_IDETIM_PRIMARY 0x40
#define PIIX_IDETIM_SECONDARY 0x42
#define PIIX_IDETIM_DECODE_ENABLE 0x8000
#define VENDOR_INTEL 0x8086
#define DEVICE_I440FX 0x1237
#define DEVICE_PIIX3_IDE 0x7010
#define IDE_BM_BASE 0xc000

int pci_host_found;
u16 ide_bm_base;

/* The CONFIG_ADDRESS value for bus 0, device `dev`, function `fn`, dword register `reg`. */
static u32 pci_addr(u8 dev, u8 fn, u8 reg) {
  return PCI_ENABLE | (u32)dev << 11 | (u32)fn << 8 | (reg & 0xfc);
}

/* Configuration reads and writes of bus 0, device `dev`, function `fn`, register `reg` (naturally
 * aligned for its width). A missing function reads all ones. */
u32 pci_read32(u8 dev, u8 fn, u8 reg) {
  outl(pci_addr(dev, fn, reg), PCI_CONFIG_ADDRESS);
  return inl(PCI_CONFIG_DATA);
}
u16 pci_read16(u8 dev, u8 fn, u8 reg) {
  outl(pci_addr(dev, fn, reg), PCI_CONFIG_ADDRESS);
  return inw(PCI_CONFIG_DATA + (reg & 2));
}
u8 pci_read8(u8 dev, u8 fn, u8 reg) {
  outl(pci_addr(dev, fn, reg), PCI_CONFIG_ADDRESS);
  return inb(PCI_CONFIG_DATA + (reg & 3));
}
void pci_write32(u8 dev, u8 fn, u8 reg, u32 v) {
  outl(pci_addr(dev, fn, reg), PCI_CONFIG_ADDRESS);
  outl(v, PCI_CONFIG_DATA);
}
void pci_write16(u8 dev, u8 fn, u8 reg, u16 v) {
  outl(pci_addr(dev, fn, reg), PCI_CONFIG_ADDRESS);
  outw(v, PCI_CONFIG_DATA + (reg & 2));
}
void pci_write8(u8 dev, u8 fn, u8 reg, u8 v) {
  outl(pci_addr(dev, fn, reg), PCI_CONFIG_ADDRESS);
  outb(v, PCI_CONFIG_DATA + (reg & 3));
}

/* Sets up the PIIX3 IDE function: decode both legacy channels, bus-master registers at
 * IDE_BM_BASE, I/O space and bus mastering on. */
static void pci_setup_ide(u8 dev, u8 fn) {
  pci_write16(dev, fn, PIIX_IDETIM_PRIMARY, PIIX_IDETIM_DECODE_ENABLE);
  pci_write16(dev, fn, PIIX_IDETIM_SECONDARY, PIIX_IDETIM_DECODE_ENABLE);
  pci_write32(dev, fn, PCI_BAR4, IDE_BM_BASE | 1);
  u16 cmd = pci_read16(dev, fn, PCI_COMMAND);
  pci_write16(dev, fn, PCI_COMMAND, cmd | PCI_COMMAND_IO | PCI_COMMAND_MASTER);
  u32 bar4 = pci_read32(dev, fn, PCI_BAR4);
  ide_bm_base = (u16)(bar4 & 0xfffc);
  LOG("00:%02x.%u PIIX3 IDE: legacy ports 0x1f0/0x170, BAR4 = 0x%08x (bus master at 0x%04x), "
      "command 0x%04x",
      dev, fn, bar4, ide_bm_base, pci_read16(dev, fn, PCI_COMMAND));
}

/* Lists every function on bus 0 and sets up the ones the BIOS uses. */
void pci_scan(void) {
  for (u8 dev = 0; dev < 32; dev++) {
    for (u8 fn = 0; fn < 8; fn++) {
      u32 id = pci_read32(dev, fn, PCI_VENDOR_ID);
      if ((id & 0xffff) == 0xffff) {
        if (fn == 0) break;
        continue;
      }
      u16 vendor = id & 0xffff, device = id >> 16;
      u32 class_rev = pci_read32(dev, fn, PCI_CLASS_REVISION);
      u8 header = pci_read8(dev, fn, PCI_HEADER_TYPE);
      LOG("00:%02x.%u %04x:%04x class %06x rev %02x", dev, fn, vendor, device, class_rev >> 8, class_rev & 0xff);
      if (vendor == VENDOR_INTEL && device == DEVICE_I440FX) pci_host_found = 1;
      if (vendor == VENDOR_INTEL && device == DEVICE_PIIX3_IDE) pci_setup_ide(dev, fn);
      if (fn == 0 && !(header & PCI_HEADER_MULTIFUNCTION)) break;
    }
  }
  if (!pci_host_found) LOG("no i440FX host bridge (8086:1237) on bus 0: PAM shadowing unavailable");
  if (!ide_bm_base) LOG("no PIIX3 IDE (8086:7010) on bus 0: disks use PIO only");
}
