/* pcscope BIOS: the few C library functions gcc may call even when freestanding. String
 * instructions move dwords, which keeps the 128 KiB shadow copy and check short. Position
 * independent (shadow_copy_in_rom runs them from the ROM at 0xfffe0000). */
#include "bios.h"

/* Copies n bytes forwards; dst and src may be equal but must not otherwise overlap. */
void *memcpy(void *dst, const void *src, u32 n) {
  void *d = dst;
  u32 words = n >> 2, rest = n & 3;
  __asm__ volatile("rep movsl\n\tmovl %3, %%ecx\n\trep movsb"
                   : "+D"(d), "+S"(src), "+c"(words)
                   : "r"(rest)
                   : "memory");
  return dst;
}

/* Fills n bytes with c. */
void *memset(void *dst, int c, u32 n) {
  void *d = dst;
  u32 words = n >> 2, rest = n & 3;
  u32 v = (u8)c * 0x01010101u;
  __asm__ volatile("rep stosl\n\tmovl %3, %%ecx\n\trep stosb" : "+D"(d), "+c"(words) : "a"(v), "r"(rest) : "memory");
  return dst;
}

/* Compares n bytes: <0, 0 or >0 like the C library's. Skips equal dwords with repe cmpsl. */
int memcmp(const void *a, const void *b, u32 n) {
  const u8 *x = a, *y = b;
  u32 words = n >> 2;
  if (words) {
    __asm__ volatile("repe cmpsl\n\tje 1f\n\tsubl $4, %0\n\tsubl $4, %1\n\tincl %2\n1:"
                     : "+S"(x), "+D"(y), "+c"(words)
                     :
                     : "memory", "cc");
    n = (words << 2) | (n & 3);
  }
  for (; n; n--, x++, y++)
    if (*x != *y) return *x - *y;
  return 0;
}

/* Compares two NUL-terminated strings. */
int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (u8)*a - (u8)*b;
}
