#!/bin/sh
# Rebuilds firmware/gdb-demo/gdb-demo.bin and symbols/gdb-demo.nm reproducibly (nasm, GNU ld,
# objcopy, nm; no build ids, no timestamps). Run from anywhere.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nasm -f elf32 -o "$tmp/gdb-demo.o" "$here/gdb-demo.asm"
ld -m elf_i386 -Ttext=0xf0000 -e start --build-id=none -o "$tmp/gdb-demo.elf" "$tmp/gdb-demo.o"
objcopy -O binary "$tmp/gdb-demo.elf" "$here/gdb-demo.bin"
nm -n "$tmp/gdb-demo.elf" > "$root/symbols/gdb-demo.nm"
size=$(wc -c < "$here/gdb-demo.bin")
[ "$size" -eq 65536 ] || { echo "gdb-demo.bin is $size bytes, expected 65536" >&2; exit 1; }
