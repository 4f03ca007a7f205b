/* pcscope BIOS: shared types, port I/O, the register frame of a BIOS call, and the memory map.
 * Freestanding: no host headers. The 32-bit C code runs in flat protected mode (CS/DS/SS base 0),
 * entered from 16-bit real mode by call32 in entry.S. */
#ifndef PCSCOPE_BIOS_H
#define PCSCOPE_BIOS_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int s32;


/* Memory map (see firmware/README.md). */
#define BIOS_PRIVATE_START 0x9c000u   /* BIOS .bss and its 32-bit stack live here, up to 640 KiB */
#define BIOS_PRIVATE_END 0xa0000u
#define BIOS_BSS_START 0x9c400u       /* .bss (bios.lds), after the EBDA's first KiB */
#define BIOS_STACK_BOTTOM 0x9e000u    /* the C stack (entry.S) grows down from BIOS_PRIVATE_END */
#define BIOS_SHADOW_START 0xe0000u    /* the 128 KiB ROM as seen below 1 MiB (isa-bios / PAM) */
#define BIOS_SHADOW_SIZE 0x20000u
#define BIOS_PRISTINE_START 0xfffe0000u /* the same ROM at the top of 4 GiB: never shadowed */
#define BIOS_SEG 0xf000u
#define BIOS_SEG_BASE 0xf0000u
#define BDA_BASE 0x400u
#define EBDA_SEG (BIOS_PRIVATE_START >> 4)

/* The register frame an interrupt stub in entry.S builds on the caller's stack: segment registers,
 * pushal order, then the frame the INT instruction pushed. C handlers read and change it; the stub
 * pops it back, so changing flags here changes the caller's flags after IRET. */
struct bregs {
  u16 ds, es;
  union { u32 edi; u16 di; };
  union { u32 esi; u16 si; };
  union { u32 ebp; u16 bp; };
  u32 esp_unused;
  union { u32 ebx; u16 bx; struct { u8 bl, bh; }; };
  union { u32 edx; u16 dx; struct { u8 dl, dh; }; };
  union { u32 ecx; u16 cx; struct { u8 cl, ch; }; };
  union { u32 eax; u16 ax; struct { u8 al, ah; }; };
  u16 ip, cs, flags;
} __attribute__((packed));

#define FLAG_CF 0x0001u
#define FLAG_ZF 0x0040u

/* Sets CF and AH = status (an error return of a BIOS service). */
static inline void set_fail(struct bregs *r, u8 status) {
  r->ah = status;
  r->flags |= FLAG_CF;
}

/* Clears CF and AH (a successful return). */
static inline void set_ok(struct bregs *r) {
  r->ah = 0;
  r->flags &= ~FLAG_CF;
}

/* The flat address of a real-mode seg:off pointer. */
static inline void *rm_ptr(u16 seg, u16 off) {
  return (void *)(((u32)seg << 4) + off);
}

static inline void outb(u8 v, u16 port) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(u16 v, u16 port) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(u32 v, u16 port) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) {
  u8 v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
static inline u16 inw(u16 port) {
  u16 v;
  __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
static inline u32 inl(u16 port) {
  u32 v;
  __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
/* Reads `count` 16-bit words from `port` into `buf` (rep insw). */
static inline void insw(u16 port, void *buf, u32 count) {
  __asm__ volatile("rep insw" : "+D"(buf), "+c"(count) : "d"(port) : "memory");
}
/* Writes `count` 16-bit words from `buf` to `port` (rep outsw). */
static inline void outsw(u16 port, const void *buf, u32 count) {
  __asm__ volatile("rep outsw" : "+S"(buf), "+c"(count) : "d"(port) : "memory");
}

/* Stops the CPU for good with interrupts off (after a message saying why). */
static inline __attribute__((noreturn)) void halt_forever(void) {
  for (;;) __asm__ volatile("cli; hlt");
}

/* string.c */
void *memcpy(void *dst, const void *src, u32 n);
void *memset(void *dst, int c, u32 n);
int memcmp(const void *a, const void *b, u32 n);
int strcmp(const char *a, const char *b);

/* debug.c: the debug console (port 0x402) and the guest console (debug console + COM1). */
void dprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define LOG(fmt, ...) dprintf("%s: " fmt "\n", __func__, ##__VA_ARGS__)
void console_putc(char c);

/* serial.c */
void serial_setup(void);
void serial_putc(char c);
u16 serial_port(void);

/* timer.c: PIC, PIT and CMOS */
u8 cmos_read(u8 index);
void pic_setup(void);
void pit_setup(void);

/* fwcfg.c */
int fw_cfg_present(void);
int fw_cfg_find_file(const char *name, u16 *select, u32 *size);
void fw_cfg_read(u16 select, void *buf, u32 len);

/* e820.c */
struct e820_entry {
  u64 addr, len;
  u32 type;
} __attribute__((packed));
#define E820_RAM 1
#define E820_RESERVED 2
extern struct e820_entry e820_map[];
extern u32 e820_count;
extern u32 ram_below_4g;
void ram_size_detect(void);
void e820_setup(void);

/* pci.c */
u32 pci_read32(u8 dev, u8 fn, u8 reg);
u16 pci_read16(u8 dev, u8 fn, u8 reg);
u8 pci_read8(u8 dev, u8 fn, u8 reg);
void pci_write32(u8 dev, u8 fn, u8 reg, u32 v);
void pci_write16(u8 dev, u8 fn, u8 reg, u16 v);
void pci_write8(u8 dev, u8 fn, u8 reg, u8 v);
void pci_scan(void);
extern int pci_host_found; /* the 8086:1237 host bridge is on bus 0 */
extern u16 ide_bm_base;  /* bus-master I/O base (BAR4) of the PIIX IDE, 0 when absent */

/* pam.c */
void pam_warm_boot_check(void);
void pam_shadow_bios(void);

/* ata.c */
struct ata_drive {
  int present;
  int lba48;
  u64 sectors;
  u16 cyls, heads, spt;
  char model[41];
};
extern struct ata_drive ata_disk;
void ata_setup(void);
int ata_transfer(u64 lba, u32 count, u32 buf, int write, const char *who);
#define DMA_MIN_SECTORS 8 /* requests of at least this many sectors use bus-master DMA */

/* ivt.c */
void bda_setup(void);
void ivt_setup(void);

/* Interrupt handlers (C side of the stubs in entry.S). */
void int10_handler(struct bregs *r);
void int11_handler(struct bregs *r);
void int12_handler(struct bregs *r);
void int13_handler(struct bregs *r);
void int15_handler(struct bregs *r);
void int16_handler(struct bregs *r);
void int18_handler(struct bregs *r);
void int19_handler(struct bregs *r);
void int1a_handler(struct bregs *r);

#endif
