/* pcscope BIOS: the ATA disk on the primary IDE channel (master), by PIO and by PIIX bus-master
 * DMA (ATA/ATAPI-6 for the commands; "PIIX3 IDE bus master" in the 82371SB datasheet for BM).
 * Everything is polled: IRQ14 stays masked at the PIC. Failures are logged with the LBA. */
#include "bios.h"

#define ATA_DATA 0x1f0
#define ATA_ERROR 0x1f1
#define ATA_FEATURES 0x1f1
#define ATA_NSECT 0x1f2
#define ATA_LBA0 0x1f3
#define ATA_LBA1 0x1f4
#define ATA_LBA2 0x1f5
#define ATA_DEVICE 0x1f6
#define ATA_STATUS 0x1f7
#define ATA_COMMAND 0x1f7
#define ATA_ALTSTATUS 0x3f6
#define ATA_DEVCTL 0x3f6

#define ST_ERR 0x01
#define ST_DRQ 0x08
#define ST_DF 0x20
#define ST_BSY 0x80
#define DEVCTL_SRST 0x04
#define DEV_MASTER 0xa0
#define DEV_LBA 0x40

#define CMD_READ_SECTORS 0x20
#define CMD_READ_SECTORS_EXT 0x24
#define CMD_READ_DMA_EXT 0x25
#define CMD_WRITE_SECTORS 0x30
#define CMD_WRITE_SECTORS_EXT 0x34
#define CMD_WRITE_DMA_EXT 0x35
#define CMD_READ_DMA 0xc8
#define CMD_WRITE_DMA 0xca
#define CMD_IDENTIFY 0xec
#define CMD_SET_FEATURES 0xef
#define FEAT_XFER_MODE 0x03
#define XFER_MWDMA2 0x22

#define BM_COMMAND 0
#define BM_STATUS 2
#define BM_PRD 4
#define BM_CMD_START 0x01
#define BM_CMD_TO_MEMORY 0x08   /* the controller writes memory: a disk read */
#define BM_ST_ACTIVE 0x01
#define BM_ST_ERROR 0x02
#define BM_ST_INTR 0x04
#define PRD_EOT 0x8000
#define PRD_MAX 8

#define SPIN_LIMIT 5000000u     /* status polls before a command counts as timed out */
#define SECTOR 512
#define CHUNK 128               /* sectors per ATA command */
#define LBA28_LIMIT 0x10000000ull

/* INT 13h status codes returned by ata_transfer. */
#define DISK_RET_EADDRNOTFOUND 0x02
#define DISK_RET_ENOTFOUND 0x04  /* sector not found */
#define DISK_RET_EBOUNDARY 0x09
#define DISK_RET_ECONTROLLER 0x20
#define DISK_RET_ETIMEOUT 0x80

struct prd {
  u32 addr;
  u16 count;
  u16 flags;
} __attribute__((packed));

struct ata_drive ata_disk;
static struct prd prd_table[PRD_MAX] __attribute__((aligned(8)));

/* Waits until BSY clears; returns the status, or -1 after SPIN_LIMIT reads. */
static int ata_wait_not_busy(void) {
  for (u32 i = 0; i < SPIN_LIMIT; i++) {
    u8 st = inb(ATA_STATUS);
    if (!(st & ST_BSY)) return st;
  }
  return -1;
}

/* The 400 ns settle time after a command or device select: four alternate status reads. */
static void ata_settle(void) {
  for (int i = 0; i < 4; i++) inb(ATA_ALTSTATUS);
}

/* Copies IDENTIFY's byte-swapped model string, without trailing blanks. */
static void ata_model(const u16 *id, char *out) {
  for (int i = 0; i < 20; i++) {
    out[2 * i] = (char)(id[27 + i] >> 8);
    out[2 * i + 1] = (char)id[27 + i];
  }
  int n = 40;
  while (n > 0 && out[n - 1] == ' ') n--;
  out[n] = 0;
}

/* Resets the primary channel, identifies the master and reads its size and geometry. */
void ata_setup(void) {
  u16 id[256];
  outb(DEVCTL_SRST, ATA_DEVCTL);
  ata_settle();
  outb(0, ATA_DEVCTL);
  ata_settle();
  outb(DEV_MASTER, ATA_DEVICE);
  ata_settle();
  int st = ata_wait_not_busy();
  if (st < 0 || st == 0xff || st == 0x7f) {
    LOG("primary master: nothing there (status 0x%02x)", st & 0xff);
    return;
  }
  outb(CMD_IDENTIFY, ATA_COMMAND);
  ata_settle();
  st = ata_wait_not_busy();
  if (st <= 0 || (st & ST_ERR) || !(st & ST_DRQ)) {
    LOG("primary master: no ATA disk (IDENTIFY status 0x%02x, error 0x%02x)", st & 0xff, inb(ATA_ERROR));
    return;
  }
  insw(ATA_DATA, id, 256);
  ata_disk.present = 1;
  ata_disk.cyls = id[1];
  ata_disk.heads = id[3];
  ata_disk.spt = id[6];
  ata_disk.lba48 = (id[83] >> 10) & 1;
  ata_disk.sectors = ata_disk.lba48 ? ((u64)id[103] << 48 | (u64)id[102] << 32 | (u32)id[101] << 16 | id[100])
                                    : ((u32)id[61] << 16 | id[60]);
  ata_model(id, ata_disk.model);
  LOG("primary master: \"%s\", %u sectors (%u MiB), CHS %u/%u/%u, LBA48 %s", ata_disk.model, (u32)ata_disk.sectors,
      (u32)(ata_disk.sectors >> 11), ata_disk.cyls, ata_disk.heads, ata_disk.spt, ata_disk.lba48 ? "yes" : "no");
  if (ide_bm_base) {
    outb(FEAT_XFER_MODE, ATA_FEATURES);
    outb(XFER_MWDMA2, ATA_NSECT);
    outb(CMD_SET_FEATURES, ATA_COMMAND);
    ata_settle();
    st = ata_wait_not_busy();
    LOG("SET FEATURES transfer mode MWDMA2: status 0x%02x; requests of %u+ sectors use bus-master DMA at 0x%04x",
        st & 0xff, DMA_MIN_SECTORS, ide_bm_base);
  }
}

/* Loads the device and LBA registers for `count` sectors at `lba` (LBA48 when `ext`). */
static void ata_load_regs(u64 lba, u32 count, int ext) {
  if (ext) {
    outb(DEV_LBA | DEV_MASTER, ATA_DEVICE);
    ata_settle();
    outb((u8)(count >> 8), ATA_NSECT);
    outb((u8)(lba >> 24), ATA_LBA0);
    outb((u8)(lba >> 32), ATA_LBA1);
    outb((u8)(lba >> 40), ATA_LBA2);
  } else {
    outb(DEV_LBA | DEV_MASTER | ((u8)(lba >> 24) & 0x0f), ATA_DEVICE);
    ata_settle();
  }
  outb((u8)count, ATA_NSECT);
  outb((u8)lba, ATA_LBA0);
  outb((u8)(lba >> 8), ATA_LBA1);
  outb((u8)(lba >> 16), ATA_LBA2);
}

/* Reports a failed command; returns the INT 13h status for it. */
static int ata_fail(const char *who, int st, u64 lba, const char *how) {
  if (st < 0) {
    dprintf("%s: ATA timeout (%s) at LBA %u\n", who, how, (u32)lba);
    return DISK_RET_ETIMEOUT;
  }
  u8 err = inb(ATA_ERROR);
  dprintf("%s: ATA error 0x%02x at LBA %u (status 0x%02x, %s)\n", who, err, (u32)lba, st, how);
  return (err & 0x10) ? DISK_RET_ENOTFOUND : DISK_RET_ECONTROLLER;
}

/* Moves `count` (<= CHUNK) sectors between the disk and flat address `buf` by PIO. */
static int ata_pio(u64 lba, u32 count, u32 buf, int write, const char *who) {
  int ext = lba + count > LBA28_LIMIT;
  int st = ata_wait_not_busy();
  if (st < 0) return ata_fail(who, st, lba, "busy before command");
  ata_load_regs(lba, count, ext);
  outb(write ? (ext ? CMD_WRITE_SECTORS_EXT : CMD_WRITE_SECTORS) : (ext ? CMD_READ_SECTORS_EXT : CMD_READ_SECTORS),
       ATA_COMMAND);
  ata_settle();
  for (u32 i = 0; i < count; i++, buf += SECTOR) {
    st = ata_wait_not_busy();
    if (st < 0 || (st & (ST_ERR | ST_DF)) || !(st & ST_DRQ)) return ata_fail(who, st, lba + i, "PIO");
    if (write) outsw(ATA_DATA, (const void *)buf, SECTOR / 2);
    else insw(ATA_DATA, (void *)buf, SECTOR / 2);
    ata_settle();
  }
  st = ata_wait_not_busy();
  if (st < 0 || (st & (ST_ERR | ST_DF))) return ata_fail(who, st, lba, "PIO completion");
  return 0;
}

/* Fills the PRD table for `bytes` at flat address `buf`, splitting at 64 KiB boundaries.
 * Returns 0, or -1 when the table is too small. */
static int ata_build_prd(u32 buf, u32 bytes) {
  u32 n = 0;
  while (bytes) {
    if (n == PRD_MAX) return -1;
    u32 room = 0x10000 - (buf & 0xffff);
    u32 len = bytes < room ? bytes : room;
    prd_table[n].addr = buf;
    prd_table[n].count = (u16)len; /* 0 means 64 KiB */
    prd_table[n].flags = 0;
    buf += len;
    bytes -= len;
    n++;
  }
  prd_table[n - 1].flags = PRD_EOT;
  return 0;
}

/* Moves `count` (<= CHUNK) sectors by bus-master DMA: PRD table, ATA DMA command, start, poll the
 * bus-master status until the transfer ends, stop, check both status registers. */
static int ata_dma(u64 lba, u32 count, u32 buf, int write, const char *who) {
  int ext = lba + count > LBA28_LIMIT;
  u16 bm = ide_bm_base;
  u8 dir = write ? 0 : BM_CMD_TO_MEMORY;
  if (ata_build_prd(buf, count * SECTOR) < 0) {
    dprintf("%s: buffer 0x%08x too fragmented for the PRD table at LBA %u\n", who, buf, (u32)lba);
    return DISK_RET_EBOUNDARY;
  }
  int st = ata_wait_not_busy();
  if (st < 0) return ata_fail(who, st, lba, "busy before command");
  outb(0, bm + BM_COMMAND);
  outl((u32)prd_table, bm + BM_PRD);
  outb(BM_ST_ERROR | BM_ST_INTR, bm + BM_STATUS);
  outb(dir, bm + BM_COMMAND);
  ata_load_regs(lba, count, ext);
  outb(write ? (ext ? CMD_WRITE_DMA_EXT : CMD_WRITE_DMA) : (ext ? CMD_READ_DMA_EXT : CMD_READ_DMA), ATA_COMMAND);
  outb(dir | BM_CMD_START, bm + BM_COMMAND);
  u8 bst = 0;
  u32 i;
  for (i = 0; i < SPIN_LIMIT; i++) {
    bst = inb(bm + BM_STATUS);
    if (bst & (BM_ST_INTR | BM_ST_ERROR)) break;
    if (!(bst & BM_ST_ACTIVE) && !(inb(ATA_ALTSTATUS) & ST_BSY)) break;
  }
  outb(dir, bm + BM_COMMAND);
  st = i == SPIN_LIMIT ? -1 : inb(ATA_STATUS);
  outb(BM_ST_ERROR | BM_ST_INTR, bm + BM_STATUS);
  if (st < 0 || (st & (ST_ERR | ST_DF | ST_BSY))) return ata_fail(who, st, lba, "DMA");
  if (bst & BM_ST_ERROR) {
    dprintf("%s: bus-master error (BM status 0x%02x) at LBA %u\n", who, bst, (u32)lba);
    return DISK_RET_ECONTROLLER;
  }
  return 0;
}

/* Reads or writes `count` sectors at `lba` to/from flat address `buf`: bus-master DMA for requests
 * of DMA_MIN_SECTORS or more (when the controller has BAR4 and the buffer is word aligned), PIO
 * otherwise. Returns 0 or an INT 13h status, after logging what failed and where as `who`. */
int ata_transfer(u64 lba, u32 count, u32 buf, int write, const char *who) {
  if (!ata_disk.present) {
    dprintf("%s: no ATA disk on the primary channel\n", who);
    return DISK_RET_EADDRNOTFOUND;
  }
  if (lba + count > ata_disk.sectors) {
    dprintf("%s: LBA %u count %u is beyond the disk's %u sectors\n", who, (u32)lba, count, (u32)ata_disk.sectors);
    return DISK_RET_ENOTFOUND;
  }
  int dma = count >= DMA_MIN_SECTORS && ide_bm_base && !(buf & 1);
  dprintf("%s: %s LBA %u count %u %s 0x%08x by %s\n", who, write ? "write" : "read", (u32)lba, count,
          write ? "from" : "to", buf, dma ? "bus-master DMA" : "PIO");
  while (count) {
    u32 n = count < CHUNK ? count : CHUNK;
    int ret = dma ? ata_dma(lba, n, buf, write, who) : ata_pio(lba, n, buf, write, who);
    if (ret) return ret;
    lba += n;
    buf += n * SECTOR;
    count -= n;
  }
  return 0;
}
