#!/bin/sh
# Builds the Linux boot option ROM reproducibly: linuxboot.asm -> linuxboot.bin (firmware/optionrom.sh).
# Usage: firmware/linuxboot/build.sh [OUTDIR]   (default: next to the source)
set -eu
src=$(cd "$(dirname "$0")" && pwd)
out=$(cd "${1:-$src}" && pwd)
"$src/../optionrom.sh" "$src/linuxboot.asm" "$out"
