#!/bin/sh
# Builds the Multiboot option ROM reproducibly: multiboot.asm -> multiboot.bin (nasm -f bin), then
# sets the last byte so that the ROM's bytes sum to 0 mod 256 (SeaBIOS rejects a bad checksum).
# Usage: firmware/multiboot/build.sh [OUTDIR]   (default: next to the source)
set -eu
src=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:-$src}" && pwd)
nasm -f bin -o "$out/multiboot.bin" "$src/multiboot.asm"
node -e '
const fs = require("node:fs");
const path = process.argv[1];
const rom = fs.readFileSync(path);
let sum = 0;
for (let i = 0; i < rom.length - 1; i++) sum = (sum + rom[i]) & 0xff;
rom[rom.length - 1] = (256 - sum) & 0xff;
fs.writeFileSync(path, rom);
' "$out/multiboot.bin"
