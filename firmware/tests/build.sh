#!/bin/sh
# Builds every test ROM (firmware/tests/NAME.asm -> NAME.bin) and the benchmark ROMs
# (bench/roms/NAME.asm -> NAME.bin) with nasm, reproducibly (fixed include path, no listing).
set -eu
cd "$(dirname "$0")/../.."
for src in firmware/tests/*.asm bench/roms/*.asm; do
  [ -e "$src" ] || continue
  dir=$(dirname "$src")
  nasm -f bin -I "$dir/" -I firmware/tests/ -o "${src%.asm}.bin" "$src"
done
