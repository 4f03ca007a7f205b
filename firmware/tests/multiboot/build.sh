#!/bin/sh
# Builds the multiboot test kernel reproducibly: kernel.asm -> kernel.elf (nasm -f elf32, then
# ld -m elf_i386 with a fixed linker script and no build id; neither tool embeds a timestamp).
# Usage: firmware/tests/multiboot/build.sh [OUTDIR]   (default: next to the source)
set -eu
src=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:-$src}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Relative source name: nasm records it in the object's symbol table.
cd "$src"
nasm -f elf32 -o "$tmp/kernel.o" kernel.asm
ld -m elf_i386 -T kernel.ld --build-id=none -nostdlib -z noexecstack --no-warn-rwx-segments \
  -o "$out/kernel.elf" "$tmp/kernel.o"
