/* pcscope BIOS: QEMU's fw_cfg interface (selector 0x510, data 0x511; the "Firmware Configuration
 * (fw_cfg) Device" spec in QEMU's docs/specs/fw_cfg.txt). Only the traditional I/O interface. */
#include "bios.h"

#define FW_CFG_SELECTOR 0x510
#define FW_CFG_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR 0x0019
#define FW_CFG_FILE_NAME_LEN 56

/* One entry of the file directory (big-endian fields). */
struct fw_cfg_file {
  u32 size_be;
  u16 select_be;
  u16 reserved;
  char name[FW_CFG_FILE_NAME_LEN];
} __attribute__((packed));

/* Big-endian to host order (fw_cfg's directory is big-endian). */
static u32 be32(u32 v) { return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24); }
static u16 be16(u16 v) { return (u16)((v >> 8) | (v << 8)); }

/* Selects item `select` and reads `len` bytes of it from the start. */
void fw_cfg_read(u16 select, void *buf, u32 len) {
  outw(select, FW_CFG_SELECTOR);
  u8 *p = buf;
  while (len--) *p++ = inb(FW_CFG_DATA);
}

/* Reads the next `len` bytes of the selected item. */
static void fw_cfg_read_more(void *buf, u32 len) {
  u8 *p = buf;
  while (len--) *p++ = inb(FW_CFG_DATA);
}

/* True when the signature item reads "QEMU". */
int fw_cfg_present(void) {
  char sig[4];
  fw_cfg_read(FW_CFG_SIGNATURE, sig, 4);
  return sig[0] == 'Q' && sig[1] == 'E' && sig[2] == 'M' && sig[3] == 'U';
}

/* Looks `name` up in the file directory; on success stores its selector and size, returns 1. */
int fw_cfg_find_file(const char *name, u16 *select, u32 *size) {
  u32 count_be;
  fw_cfg_read(FW_CFG_FILE_DIR, &count_be, 4);
  u32 count = be32(count_be);
  for (u32 i = 0; i < count; i++) {
    struct fw_cfg_file f;
    fw_cfg_read_more(&f, sizeof f);
    f.name[FW_CFG_FILE_NAME_LEN - 1] = 0;
    if (strcmp(f.name, name) == 0) {
      *select = be16(f.select_be);
      *size = be32(f.size_be);
      return 1;
    }
  }
  return 0;
}
