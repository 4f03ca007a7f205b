/* pcscope BIOS: RAM size (fw_cfg etc/e820, else CMOS) and the E820 map that INT 15h E820 hands
 * out. The map: low RAM up to the BIOS private area, that area and the BIOS shadow reserved, RAM
 * from 1 MiB, the ROM at the top of 4 GiB reserved, and any RAM fw_cfg reports above 4 GiB. */
#include "bios.h"

#define E820_MAX 16
#define CMOS_EXT_MEM_LO 0x30    /* KiB above 1 MiB, up to 64 MiB */
#define CMOS_EXT_MEM_HI 0x31
#define CMOS_MEM_ABOVE16M_LO 0x34  /* 64 KiB units above 16 MiB */
#define CMOS_MEM_ABOVE16M_HI 0x35
#define ONE_MIB 0x100000u
#define SIXTEEN_MIB 0x1000000u

struct e820_entry e820_map[E820_MAX];
u32 e820_count;
u32 ram_below_4g;
static u64 ram_above_4g;

/* Sets ram_below_4g (and RAM above 4 GiB) from fw_cfg's etc/e820, or from CMOS without fw_cfg. */
void ram_size_detect(void) {
  u16 sel;
  u32 size;
  if (fw_cfg_present() && fw_cfg_find_file("etc/e820", &sel, &size)) {
    u32 n = size / sizeof(struct e820_entry);
    LOG("fw_cfg signature QEMU; etc/e820 has %u entries", n);
    struct e820_entry tbl[E820_MAX];
    if (n > E820_MAX) n = E820_MAX;
    fw_cfg_read(sel, tbl, n * sizeof(struct e820_entry));
    for (u32 i = 0; i < n; i++) {
      const struct e820_entry e = tbl[i];
      LOG("  fw_cfg e820: %016llx-%016llx type %u", e.addr, e.addr + e.len - 1, e.type);
      if (e.type != E820_RAM) continue;
      if (e.addr == 0 && e.len <= 0x100000000ull) ram_below_4g = (u32)e.len;
      else if (e.addr == 0x100000000ull) ram_above_4g = e.len;
    }
  }
  if (!ram_below_4g) {
    u32 kib = cmos_read(CMOS_EXT_MEM_LO) | (u32)cmos_read(CMOS_EXT_MEM_HI) << 8;
    u32 blocks = cmos_read(CMOS_MEM_ABOVE16M_LO) | (u32)cmos_read(CMOS_MEM_ABOVE16M_HI) << 8;
    ram_below_4g = blocks ? SIXTEEN_MIB + (blocks << 16) : ONE_MIB + (kib << 10);
    LOG("no fw_cfg etc/e820; CMOS says %u KiB above 1 MiB, %u x 64 KiB above 16 MiB", kib, blocks);
  }
  LOG("RAM below 4 GiB: %u MiB (0x%08x bytes)", ram_below_4g >> 20, ram_below_4g);
}

/* Appends one entry to the map. */
static void e820_add(u64 addr, u64 len, u32 type) {
  if (e820_count == E820_MAX) return;
  e820_map[e820_count].addr = addr;
  e820_map[e820_count].len = len;
  e820_map[e820_count].type = type;
  e820_count++;
}

/* Builds and logs the E820 map from the RAM size. */
void e820_setup(void) {
  e820_count = 0;
  e820_add(0, BIOS_PRIVATE_START, E820_RAM);
  e820_add(BIOS_PRIVATE_START, BIOS_PRIVATE_END - BIOS_PRIVATE_START, E820_RESERVED);
  e820_add(BIOS_SHADOW_START, BIOS_SHADOW_SIZE, E820_RESERVED);
  if (ram_below_4g > ONE_MIB) e820_add(ONE_MIB, ram_below_4g - ONE_MIB, E820_RAM);
  e820_add(BIOS_PRISTINE_START, BIOS_SHADOW_SIZE, E820_RESERVED);
  if (ram_above_4g) e820_add(0x100000000ull, ram_above_4g, E820_RAM);
  for (u32 i = 0; i < e820_count; i++)
    LOG("E820 %u: %016llx-%016llx %s", i, e820_map[i].addr, e820_map[i].addr + e820_map[i].len - 1,
        e820_map[i].type == E820_RAM ? "RAM" : "reserved");
}
