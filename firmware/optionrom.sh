#!/bin/sh
# Builds one of pcscope's option ROMs reproducibly: SRC.asm -> OUTDIR/SRC.bin with nasm (include
# path firmware/, for optionrom.inc), then sets the last byte so that the ROM's bytes sum to 0 mod 256
# (SeaBIOS rejects a ROM with a bad checksum).
# Usage: firmware/optionrom.sh SRC.asm OUTDIR
set -eu
src=$1
out=$2
firmware=$(cd "$(dirname "$0")" && pwd)
bin="$out/$(basename "$src" .asm).bin"
nasm -f bin -I "$firmware/" -o "$bin" "$src"
node -e '
const fs = require("node:fs");
const path = process.argv[1];
const rom = fs.readFileSync(path);
let sum = 0;
for (let i = 0; i < rom.length - 1; i++) sum = (sum + rom[i]) & 0xff;
rom[rom.length - 1] = (256 - sum) & 0xff;
fs.writeFileSync(path, rom);
' "$bin"
