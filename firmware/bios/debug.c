/* pcscope BIOS: the debug console (QEMU's isa-debugcon at port 0x402, as SeaBIOS uses) and a
 * small printf. Every POST stage and every failure is reported here, prefixed by the function. */
#include "bios.h"

#define DEBUG_PORT 0x402

/* Writes one character to the debug console. */
static void debug_putc(char c) { outb((u8)c, DEBUG_PORT); }

/* Writes one character of guest output (INT 10h) to the debug console (without CRs, so the log
 * is plain lines) and to COM1. */
void console_putc(char c) {
  if (c != '\r') debug_putc(c);
  serial_putc(c);
}

/* Writes `v` in `base` (10 or 16), at least `width` digits, padded with `pad`. */
static void put_uint(u32 v, u32 base, int width, char pad) {
  char buf[12];
  int n = 0;
  do {
    u32 d = v % base;
    buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
    v /= base;
  } while (v);
  while (width-- > n) debug_putc(pad);
  while (n) debug_putc(buf[--n]);
}

/* printf to the debug console: %s %c %d %u %x with optional 0-padding and width, %llx for u64. */
void dprintf(const char *fmt, ...) {
  __builtin_va_list ap;
  __builtin_va_start(ap, fmt);
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      debug_putc(*fmt);
      continue;
    }
    fmt++;
    char pad = ' ';
    int width = 0;
    if (*fmt == '0') pad = '0', fmt++;
    while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    int is64 = 0;
    while (*fmt == 'l') is64++, fmt++;
    switch (*fmt) {
    case 's': {
      const char *s = __builtin_va_arg(ap, const char *);
      int len = 0;
      while (s[len]) len++;
      while (width-- > len) debug_putc(' ');
      while (*s) debug_putc(*s++);
      break;
    }
    case 'c':
      debug_putc((char)__builtin_va_arg(ap, int));
      break;
    case 'd': {
      s32 v = __builtin_va_arg(ap, s32);
      if (v < 0) debug_putc('-'), v = -v;
      put_uint((u32)v, 10, width, pad);
      break;
    }
    case 'u':
      put_uint(__builtin_va_arg(ap, u32), 10, width, pad);
      break;
    case 'x':
      if (is64 >= 2) {
        u64 v = __builtin_va_arg(ap, u64);
        if (v >> 32) {
          put_uint((u32)(v >> 32), 16, width > 8 ? width - 8 : 0, pad);
          put_uint((u32)v, 16, 8, '0');
        } else {
          put_uint((u32)v, 16, width, pad);
        }
      } else {
        put_uint(__builtin_va_arg(ap, u32), 16, width, pad);
      }
      break;
    default:
      debug_putc('%');
      debug_putc(*fmt);
    }
  }
  __builtin_va_end(ap);
}
