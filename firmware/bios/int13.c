/* pcscope BIOS: INT 13h, the disk services, for drive 0x80 (the ATA primary master): reset,
 * status, CHS read/write, drive parameters, disk type, and the EDD extensions 41h/42h/43h/48h
 * ("BIOS Enhanced Disk Drive Specification" 1.1/3.0). Requests go to ata_transfer, which picks PIO
 * or bus-master DMA by size. */
#include "bios.h"

#define HARD_DISK 0x80
#define BDA_DISK_STATUS 0x474

#define DISK_RET_SUCCESS 0x00
#define DISK_RET_EPARAM 0x01

#define EDD_VERSION_21 0x21
#define EDD_SUPPORT_ACCESS 0x0001   /* 42h-44h, 47h, 48h */
#define EDD_SUPPORT_ENHANCED 0x0004 /* 48h, 4Eh */
#define EDD_INFO_GEOMETRY_VALID 0x0002
#define EDD_FLAT_BUFFER 0xffffffffu

/* The EDD disk address packet of AH=42h/43h. */
struct edd_packet {
  u8 size;
  u8 reserved;
  u16 count;
  u16 buf_off, buf_seg;
  u64 lba;
  u64 flat_buf; /* when size >= 0x18 and buf_seg:buf_off is FFFF:FFFF */
} __attribute__((packed));

/* The result buffer of AH=48h (EDD 2.x layout, 0x1e bytes). */
struct edd_params {
  u16 size;
  u16 info;
  u32 cyls, heads, spt;
  u64 sectors;
  u16 bytes_per_sector;
  u32 dpte; /* FFFF:FFFF: no device parameter table extension */
} __attribute__((packed));

/* Records `status` as the last status (AH=01h) and returns it through AH/CF. */
static void disk_ret(struct bregs *r, u8 status) {
  *(volatile u8 *)BDA_DISK_STATUS = status;
  if (status) set_fail(r, status);
  else set_ok(r);
}

/* AH=02h/03h: CHS read/write of AL sectors at CH/CL/DH into ES:BX. */
static void disk_rw_chs(struct bregs *r, int write) {
  u32 count = r->al;
  u32 cyl = r->ch | ((u32)(r->cl & 0xc0) << 2);
  u32 sector = r->cl & 0x3f;
  u32 head = r->dh;
  if (!count || !sector || sector > ata_disk.spt || head >= ata_disk.heads || cyl >= ata_disk.cyls) {
    dprintf("int13: bad CHS request: C/H/S %u/%u/%u count %u (geometry %u/%u/%u)\n", cyl, head, sector, count,
            ata_disk.cyls, ata_disk.heads, ata_disk.spt);
    disk_ret(r, DISK_RET_EPARAM);
    return;
  }
  u32 lba = (cyl * ata_disk.heads + head) * ata_disk.spt + sector - 1;
  int ret = ata_transfer(lba, count, (u32)rm_ptr(r->es, r->bx), write, "int13");
  if (ret) r->al = 0;
  disk_ret(r, (u8)ret);
}

/* AH=42h/43h: EDD read/write described by the packet at DS:SI; on failure the packet's count
 * says 0 sectors were transferred. */
static void disk_rw_edd(struct bregs *r, int write) {
  struct edd_packet *p = rm_ptr(r->ds, r->si);
  if (p->size < 0x10) {
    dprintf("int13: EDD packet at %04x:%04x has size 0x%02x (< 0x10)\n", r->ds, r->si, p->size);
    disk_ret(r, DISK_RET_EPARAM);
    return;
  }
  u32 buf = (u32)rm_ptr(p->buf_seg, p->buf_off);
  if (p->size >= 0x18 && ((u32)p->buf_seg << 16 | p->buf_off) == EDD_FLAT_BUFFER) buf = (u32)p->flat_buf;
  if (!p->count) {
    disk_ret(r, DISK_RET_SUCCESS);
    return;
  }
  int ret = ata_transfer(p->lba, p->count, buf, write, "int13");
  if (ret) p->count = 0;
  disk_ret(r, (u8)ret);
}

/* AH=08h: the largest CHS address (cylinders capped at 1024) and the number of hard disks. */
static void disk_params(struct bregs *r) {
  u32 cyls = ata_disk.cyls > 1024 ? 1024 : ata_disk.cyls;
  u32 max_cyl = cyls - 1;
  r->ch = (u8)max_cyl;
  r->cl = (u8)(((max_cyl >> 2) & 0xc0) | (ata_disk.spt & 0x3f));
  r->dh = (u8)(ata_disk.heads - 1);
  r->dl = 1;
  disk_ret(r, DISK_RET_SUCCESS);
}

/* AH=48h: EDD drive parameters into the buffer at DS:SI (its first word gives its size). */
static void disk_edd_params(struct bregs *r) {
  struct edd_params *p = rm_ptr(r->ds, r->si);
  if (p->size < 0x1a) {
    dprintf("int13: AH=48h buffer at %04x:%04x is 0x%04x bytes (< 0x1a)\n", r->ds, r->si, p->size);
    disk_ret(r, DISK_RET_EPARAM);
    return;
  }
  u16 size = p->size >= sizeof(*p) ? sizeof(*p) : 0x1a;
  p->size = size;
  p->info = EDD_INFO_GEOMETRY_VALID;
  p->cyls = ata_disk.cyls;
  p->heads = ata_disk.heads;
  p->spt = ata_disk.spt;
  p->sectors = ata_disk.sectors;
  p->bytes_per_sector = 512;
  if (size >= sizeof(*p)) p->dpte = EDD_FLAT_BUFFER;
  disk_ret(r, DISK_RET_SUCCESS);
}

/* INT 13h entry (from int13_entry in entry.S): dispatches on AH for drive DL. */
void int13_handler(struct bregs *r) {
  u8 fn = r->ah;
  if (r->dl != HARD_DISK || !ata_disk.present) {
    if (fn == 0x00 || fn == 0x01 || fn == 0x08 || fn == 0x15) {
      /* Probes of absent drives are normal: answer "no such drive" quietly. */
      disk_ret(r, DISK_RET_EPARAM);
      return;
    }
    dprintf("int13: AH=%02xh for drive 0x%02x: no such drive\n", fn, r->dl);
    disk_ret(r, DISK_RET_EPARAM);
    return;
  }
  switch (fn) {
  case 0x00: /* reset */
  case 0x0c: /* seek */
  case 0x0d: /* alternate reset */
  case 0x10: /* test unit ready */
  case 0x11: /* recalibrate */
    disk_ret(r, DISK_RET_SUCCESS);
    break;
  case 0x01: { /* status of the last operation */
    u8 last = *(volatile u8 *)BDA_DISK_STATUS;
    r->al = last;
    disk_ret(r, DISK_RET_SUCCESS);
    break;
  }
  case 0x02:
    disk_rw_chs(r, 0);
    break;
  case 0x03:
    disk_rw_chs(r, 1);
    break;
  case 0x08:
    disk_params(r);
    break;
  case 0x15: /* disk type: 3 = hard disk, CX:DX = sectors */
    r->cx = (u16)(ata_disk.sectors >> 16);
    r->dx = (u16)ata_disk.sectors;
    disk_ret(r, DISK_RET_SUCCESS);
    r->ah = 3;
    break;
  case 0x41: /* EDD installation check */
    if (r->bx != 0x55aa) {
      disk_ret(r, DISK_RET_EPARAM);
      break;
    }
    disk_ret(r, DISK_RET_SUCCESS);
    r->ah = EDD_VERSION_21;
    r->bx = 0xaa55;
    r->cx = EDD_SUPPORT_ACCESS | EDD_SUPPORT_ENHANCED;
    break;
  case 0x42:
    disk_rw_edd(r, 0);
    break;
  case 0x43:
    disk_rw_edd(r, 1);
    break;
  case 0x48:
    disk_edd_params(r);
    break;
  default:
    dprintf("int13: unsupported function AH=%02xh (AX=%04x) for drive 0x%02x\n", fn, r->ax, r->dl);
    disk_ret(r, DISK_RET_EPARAM);
  }
}
