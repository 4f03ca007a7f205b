/* pcscope demo guest, second stage: real-mode C (gcc -m16) at 0000:7E00, using only BIOS calls
 * and, for FLUSH CACHE, the ATA registers. It prints a banner and what the BIOS reports (memory,
 * E820, disk geometry, EDD), reads its own sectors back, writes recognisable patterns (small
 * requests, which pcscope's BIOS does by PIO, and a 64-sector one, done by bus-master DMA), reads
 * them back, flushes the disk cache, prints a summary and halts.
 * Patterns left on the disk, for qemu-io:  read -P 0x5a 1M 512; read -P 0x3c 1536K 2K;
 * read -P 0xa5 2M 32K. */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

struct bios_regs {
  u32 eax, ebx, ecx, edx, esi, edi;
  u16 es, ds, flags;
} __attribute__((packed));

struct edd_packet {
  u8 size, reserved;
  u16 count, buf_off, buf_seg;
  u64 lba;
} __attribute__((packed));

struct e820_entry {
  u64 addr, len;
  u32 type;
} __attribute__((packed));

void bios_int10(struct bios_regs *r);
void bios_int12(struct bios_regs *r);
void bios_int13(struct bios_regs *r);
void bios_int15(struct bios_regs *r);
void bios_int16(struct bios_regs *r);
void bios_int1a(struct bios_regs *r);
void far_fill(u16 seg, u8 value, u16 len);
u32 far_mismatches(u16 seg, u8 value, u16 len);

extern u8 demo_reset_mode;     /* boot.S, at 0x7db0 */
extern u8 stage2_sectors[];    /* demo.lds: its address is the count */
extern u8 boot_start[];
extern u8 stage2_end[];        /* demo.lds: end of stage 2's loaded bytes */

#define FLAG_CF 0x0001
#define FLAG_ZF 0x0040
#define SECTOR 512
#define BOOT_SECTOR ((u8 *)0x7c00)
#define STAGE2 ((u8 *)0x7e00)
#define NEAR_BUF ((u8 *)0xa000)  /* up to 0xf000: reads of our own sectors */
#define WRITE_SEG 0x1000         /* 0x10000: the 32 KiB write buffer */
#define READ_SEG 0x2000          /* 0x20000: the 32 KiB read-back buffer */
#define PIO_LBA 2048             /* 1 MiB: 1 sector of 0x5a, by CHS write */
#define PIO_PATTERN 0x5a
#define EDD_SMALL_LBA 3072       /* 1.5 MiB: 4 sectors of 0x3c, by EDD write */
#define EDD_SMALL_COUNT 4
#define EDD_SMALL_PATTERN 0x3c
#define DMA_LBA 4096             /* 2 MiB: 64 sectors of 0xa5, by EDD write */
#define DMA_COUNT 64
#define DMA_PATTERN 0xa5
#define RESET_DONE 0x80
#define RESET_CF9 1
#define RESET_I8042 2
#define RESET_WAIT_TICKS 36      /* about 2 s of 18.2 Hz timer ticks */
#define ATA_DEVICE 0x1f6
#define ATA_STATUS 0x1f7
#define ATA_COMMAND 0x1f7
#define ATA_ERROR 0x1f1
#define ATA_CMD_FLUSH_CACHE 0xe7
#define ATA_ST_BSY 0x80
#define ATA_ST_ERR 0x01
#define ATA_DEV_MASTER 0xa0

static u8 drive;
static u16 heads, spt;
static u32 errors, requests, sectors_written, sectors_read;

static inline void outb(u8 v, u16 port) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) {
  u8 v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}

/* Prints one character with INT 10h teletype. */
static void putc(char c) {
  struct bios_regs r = {0};
  r.eax = 0x0e00 | (u8)c;
  r.ebx = 0x0007;
  bios_int10(&r);
}

/* Prints a string, turning \n into CR LF. */
static void puts(const char *s) {
  for (; *s; s++) {
    if (*s == '\n') putc('\r');
    putc(*s);
  }
}

/* Prints v in decimal. */
static void putdec(u32 v) {
  char buf[11];
  int n = 0;
  do buf[n++] = (char)('0' + v % 10), v /= 10;
  while (v);
  while (n) putc(buf[--n]);
}

/* Prints v in hex, `digits` digits. */
static void puthex(u32 v, int digits) {
  while (digits--) putc("0123456789abcdef"[(v >> (digits * 4)) & 0xf]);
}

/* Compares n bytes of two near buffers. */
static int memeq(const u8 *a, const u8 *b, u32 n) {
  while (n--)
    if (*a++ != *b++) return 0;
  return 1;
}

/* Reports a failed INT 13h call and counts it. */
static void disk_error(const char *what, const struct bios_regs *r) {
  puts("demo: ERROR: ");
  puts(what);
  puts(" failed, AH=");
  puthex((r->eax >> 8) & 0xff, 2);
  puts("\n");
  errors++;
}

/* INT 13h AH=02h/03h: `count` sectors at `lba` (converted to CHS) to/from seg:off. */
static int disk_chs(int write, u32 lba, u8 count, u16 seg, u16 off) {
  u32 cyl = lba / (heads * spt), head = (lba / spt) % heads, sector = lba % spt + 1;
  struct bios_regs r = {0};
  r.eax = (write ? 0x0300 : 0x0200) | count;
  r.ecx = ((cyl & 0xff) << 8) | ((cyl >> 2) & 0xc0) | sector;
  r.edx = (head << 8) | drive;
  r.es = seg;
  r.ebx = off;
  bios_int13(&r);
  requests++;
  if (r.flags & FLAG_CF) {
    disk_error(write ? "INT 13h AH=03h (CHS write)" : "INT 13h AH=02h (CHS read)", &r);
    return 0;
  }
  return 1;
}

/* INT 13h AH=42h/43h: `count` sectors at `lba` to/from seg:off. */
static int disk_edd(int write, u32 lba, u16 count, u16 seg, u16 off) {
  struct edd_packet p = {sizeof p, 0, count, off, seg, lba};
  struct bios_regs r = {0};
  r.eax = write ? 0x4300 : 0x4200;
  r.edx = drive;
  r.esi = (u16)(u32)&p;
  bios_int13(&r);
  requests++;
  if (r.flags & FLAG_CF) {
    disk_error(write ? "INT 13h AH=43h (EDD write)" : "INT 13h AH=42h (EDD read)", &r);
    return 0;
  }
  if (write) sectors_written += count;
  else sectors_read += count;
  return 1;
}

/* Prints conventional memory (INT 12h), extended memory (INT 15h AH=88h) and the E820 map. */
static void show_memory(void) {
  struct bios_regs r = {0};
  bios_int12(&r);
  puts("demo: INT 12h: ");
  putdec(r.eax & 0xffff);
  puts(" KiB conventional; ");
  r = (struct bios_regs){0};
  r.eax = 0x8800;
  bios_int15(&r);
  puts("INT 15h AH=88h: ");
  putdec(r.eax & 0xffff);
  puts(" KiB above 1 MiB\n");
  static struct e820_entry e;
  u32 next = 0;
  do {
    r = (struct bios_regs){0};
    r.eax = 0xe820;
    r.ebx = next;
    r.ecx = sizeof e;
    r.edx = 0x534d4150;
    r.edi = (u16)(u32)&e;
    bios_int15(&r);
    if (r.flags & FLAG_CF) {
      puts("demo: INT 15h E820 failed\n");
      errors++;
      return;
    }
    puts("demo: E820 ");
    puthex((u32)(e.addr >> 32), 8);
    puthex((u32)e.addr, 8);
    puts(" +");
    puthex((u32)e.len, 8);
    puts(e.type == 1 ? " RAM\n" : " reserved\n");
    next = r.ebx;
  } while (next);
}

/* Reads the geometry (AH=08h) and the EDD version and size (AH=41h, AH=48h). */
static void show_disk(void) {
  struct bios_regs r = {0};
  r.eax = 0x0800;
  r.edx = drive;
  bios_int13(&r);
  if (r.flags & FLAG_CF) {
    disk_error("INT 13h AH=08h (drive parameters)", &r);
    return;
  }
  u32 cyls = (((r.ecx & 0xc0) << 2) | ((r.ecx >> 8) & 0xff)) + 1;
  heads = (u16)(((r.edx >> 8) & 0xff) + 1);
  spt = (u16)(r.ecx & 0x3f);
  puts("demo: disk 0x");
  puthex(drive, 2);
  puts(": CHS ");
  putdec(cyls);
  putc('/');
  putdec(heads);
  putc('/');
  putdec(spt);
  r = (struct bios_regs){0};
  r.eax = 0x4100;
  r.ebx = 0x55aa;
  r.edx = drive;
  bios_int13(&r);
  if ((r.flags & FLAG_CF) || (r.ebx & 0xffff) != 0xaa55) {
    puts(", no EDD\n");
    return;
  }
  puts(", EDD version ");
  puthex((r.eax >> 8) & 0xff, 2);
  static struct {
    u16 size, info;
    u32 cyls, heads, spt;
    u64 sectors;
    u16 bps;
  } __attribute__((packed)) params;
  params.size = sizeof params;
  r = (struct bios_regs){0};
  r.eax = 0x4800;
  r.edx = drive;
  r.esi = (u16)(u32)&params;
  bios_int13(&r);
  if (r.flags & FLAG_CF) {
    disk_error("INT 13h AH=48h (EDD parameters)", &r);
    return;
  }
  puts(", ");
  putdec((u32)params.sectors);
  puts(" sectors of ");
  putdec(params.bps);
  puts(" bytes\n");
}

/* The smaller services: INT 13h reset, disk type and last status; a request for a drive that does
 * not exist (the BIOS logs it and fails it); INT 16h keystroke check (no key is waiting). */
static void probe_services(void) {
  struct bios_regs r = {0};
  r.edx = drive;
  bios_int13(&r); /* AH=00h reset */
  int reset_ok = !(r.flags & FLAG_CF);
  r = (struct bios_regs){0};
  r.eax = 0x1500;
  r.edx = drive;
  bios_int13(&r);
  puts("demo: INT 13h AH=00h reset ");
  puts(reset_ok ? "ok" : "FAILED");
  puts("; AH=15h type ");
  putdec((r.eax >> 8) & 0xff);
  puts(", ");
  putdec((r.ecx & 0xffff) << 16 | (r.edx & 0xffff));
  puts(" sectors\n");
  r = (struct bios_regs){0};
  r.eax = 0x0201;
  r.ecx = 0x0001;
  r.edx = 0x81;
  r.ebx = (u16)(u32)NEAR_BUF;
  bios_int13(&r);
  puts((r.flags & FLAG_CF) ? "demo: INT 13h AH=02h for drive 0x81 refused, AH=" : "demo: ERROR: drive 0x81 answered, AH=");
  puthex((r.eax >> 8) & 0xff, 2);
  if (!(r.flags & FLAG_CF) || !reset_ok) errors++;
  r = (struct bios_regs){0};
  r.eax = 0x0100;
  bios_int16(&r);
  puts((r.flags & FLAG_ZF) ? "; INT 16h AH=01h: no key waiting\n" : "; INT 16h AH=01h: a key is waiting\n");
}

/* Reads LBA 0 (CHS) and stage 2 (EDD) back and compares them with what is in memory. */
static void read_self(void) {
  u32 n = (u32)stage2_sectors;
  if (disk_chs(0, 0, 1, 0, (u16)(u32)NEAR_BUF)) {
    sectors_read += 1;
    int same = memeq(NEAR_BUF, BOOT_SECTOR, SECTOR);
    puts(same ? "demo: boot sector read back (1 sector): matches 0000:7c00\n"
              : "demo: ERROR: boot sector read back differs from 0000:7c00\n");
    if (!same) errors++;
  }
  if (disk_edd(0, 1, (u16)n, 0, (u16)(u32)NEAR_BUF)) {
    int same = memeq(NEAR_BUF, STAGE2, (u32)stage2_end - (u32)STAGE2);
    puts(same ? "demo: stage 2 read back (" : "demo: ERROR: stage 2 read back differs (");
    putdec(n);
    puts(" sectors)");
    puts(same ? ": matches 0000:7e00\n" : "\n");
    if (!same) errors++;
  }
}

/* The warm-reset test: when demo_reset_mode asks for a reset that has not happened yet, marks it
 * done on disk (LBA 0, byte 0x1b0) and resets the machine through port 0xcf9 or the i8042. */
static void maybe_reset(void) {
  u8 mode = demo_reset_mode;
  if (!mode) return;
  if (mode & RESET_DONE) {
    puts("demo: this boot follows the warm reset the previous boot asked for\n");
    return;
  }
  if (mode != RESET_CF9 && mode != RESET_I8042) {
    puts("demo: ERROR: demo_reset_mode 0x");
    puthex(mode, 2);
    puts(" is neither 1 (port 0xcf9) nor 2 (i8042); not resetting\n");
    errors++;
    return;
  }
  for (u32 i = 0; i < SECTOR; i++) NEAR_BUF[i] = BOOT_SECTOR[i];
  NEAR_BUF[(u32)&demo_reset_mode - (u32)boot_start] = mode | RESET_DONE;
  if (!disk_chs(1, 0, 1, 0, (u16)(u32)NEAR_BUF)) return;
  if (mode == RESET_CF9) {
    puts("demo: warm reset now, through port 0xcf9 (PIIX3 reset control)\n");
    outb(0x02, 0xcf9);
    outb(0x06, 0xcf9);
  } else {
    puts("demo: warm reset now, through the i8042 (0xfe to port 0x64)\n");
    outb(0xfe, 0x64);
  }
  for (u32 ticks = 0; ticks < RESET_WAIT_TICKS; ticks++) __asm__ volatile("hlt"); /* IRQ0 wakes it */
  puts("demo: ERROR: the machine did not reset; going on\n");
  errors++;
}

/* Writes the three patterns and reads each back. */
static void write_patterns(void) {
  for (u32 i = 0; i < SECTOR; i++) NEAR_BUF[i] = PIO_PATTERN;
  if (disk_chs(1, PIO_LBA, 1, 0, (u16)(u32)NEAR_BUF)) {
    sectors_written += 1;
    puts("demo: wrote 1 sector of 0x5a at LBA 2048 (INT 13h AH=03h, CHS)\n");
  }
  maybe_reset();
  far_fill(WRITE_SEG, EDD_SMALL_PATTERN, EDD_SMALL_COUNT * SECTOR);
  if (disk_edd(1, EDD_SMALL_LBA, EDD_SMALL_COUNT, WRITE_SEG, 0))
    puts("demo: wrote 4 sectors of 0x3c at LBA 3072 (INT 13h AH=43h)\n");
  far_fill(WRITE_SEG, DMA_PATTERN, DMA_COUNT * SECTOR);
  if (disk_edd(1, DMA_LBA, DMA_COUNT, WRITE_SEG, 0))
    puts("demo: wrote 64 sectors of 0xa5 at LBA 4096 (INT 13h AH=43h)\n");

  static const struct {
    u32 lba;
    u16 count;
    u8 pattern;
  } checks[] = {{PIO_LBA, 1, PIO_PATTERN}, {EDD_SMALL_LBA, EDD_SMALL_COUNT, EDD_SMALL_PATTERN}, {DMA_LBA, DMA_COUNT, DMA_PATTERN}};
  for (u32 i = 0; i < sizeof checks / sizeof checks[0]; i++) {
    far_fill(READ_SEG, 0, checks[i].count * SECTOR);
    if (!disk_edd(0, checks[i].lba, checks[i].count, READ_SEG, 0)) continue;
    u32 bad = far_mismatches(READ_SEG, checks[i].pattern, checks[i].count * SECTOR);
    puts(bad ? "demo: ERROR: read back LBA " : "demo: read back LBA ");
    putdec(checks[i].lba);
    puts(" x");
    putdec(checks[i].count);
    puts(bad ? ": bytes differ from 0x" : ": all 0x");
    puthex(checks[i].pattern, 2);
    puts("\n");
    if (bad) errors++;
  }
}

/* FLUSH CACHE (ATA 0xE7) straight to the primary channel's registers. */
static void flush_cache(void) {
  u32 spins = 0;
  while ((inb(ATA_STATUS) & ATA_ST_BSY) && ++spins < 10000000) {
  }
  outb(ATA_DEV_MASTER, ATA_DEVICE);
  outb(ATA_CMD_FLUSH_CACHE, ATA_COMMAND);
  u8 st;
  spins = 0;
  while (((st = inb(ATA_STATUS)) & ATA_ST_BSY) && ++spins < 10000000) {
  }
  if (st & (ATA_ST_BSY | ATA_ST_ERR)) {
    puts("demo: ERROR: FLUSH CACHE failed, status 0x");
    puthex(st, 2);
    puts(" error 0x");
    puthex(inb(ATA_ERROR), 2);
    puts("\n");
    errors++;
    return;
  }
  puts("demo: FLUSH CACHE (out 0x1f7, 0xe7): status 0x");
  puthex(st, 2);
  puts("\n");
}

/* Stage 2's C entry (from start.S, DL = boot drive); start.S halts when it returns. */
void demo_main(u32 boot_drive) {
  drive = (u8)boot_drive;
  puts("\npcscope demo guest: stage 2, real-mode C at 0000:7e00 (gcc -m16)\n");
  show_memory();
  show_disk();
  if (!heads || !spt) {
    puts("demo: no usable disk geometry; halting\n");
    return;
  }
  probe_services();
  read_self();
  write_patterns();
  flush_cache();
  struct bios_regs r = {0};
  bios_int1a(&r); /* the tick count is read, not printed: the log must not depend on time */
  puts("demo: summary: ");
  putdec(requests);
  puts(" INT 13h disk requests, ");
  putdec(sectors_read);
  puts(" sectors read, ");
  putdec(sectors_written);
  puts(" written, ");
  putdec(errors);
  puts(errors == 1 ? " error\n" : " errors\n");
  puts("demo: done; halting (cli; hlt)\n");
}
