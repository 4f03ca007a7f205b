#!/bin/sh
# Builds the Multiboot option ROM reproducibly: multiboot.asm -> multiboot.bin (firmware/optionrom.sh).
# Usage: firmware/multiboot/build.sh [OUTDIR]   (default: next to the source)
set -eu
src=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:-$src}" && pwd)
"$src/../optionrom.sh" "$src/multiboot.asm" "$out"
