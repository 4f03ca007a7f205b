#!/bin/bash
# Rebuilds pcscope's own firmware reproducibly with gcc and binutils (no libc, no host headers,
# no build ids, no timestamps, sorted inputs, source paths relative to the repository):
#   firmware/bios/out/bios.bin   the 128 KiB BIOS ROM      firmware/bios/out/bios.elf  with DWARF
#   firmware/demo/out/demo.bin   the demo disk's sectors   firmware/demo/out/demo.elf  with DWARF
#   symbols/pcscope-bios.nm, symbols/demo.nm               nm -n listings for the UI
# Usage: firmware/build.sh [OUTDIR]   (with OUTDIR, every output goes there instead, flat).
set -euo pipefail
export LC_ALL=C SOURCE_DATE_EPOCH=0
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${1:-}
bios_out=${out:-firmware/bios/out}
demo_out=${out:-firmware/demo/out}
sym_out=${out:-symbols}
mkdir -p "$bios_out" "$demo_out" "$sym_out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for tool in gcc ld objcopy nm; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool not found (apt-get install -y gcc binutils)" >&2; exit 1; }
done

common=(-ffreestanding -fno-pic -fno-pie -nostdlib -nostdinc -g -Os -Wall -Wextra -Werror
  -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none -fno-common
  -fno-strict-aliasing -fno-delete-null-pointer-checks -march=i386 -mtune=generic -mno-sse -mno-mmx -mno-80387
  --param=min-pagesize=0 "-ffile-prefix-map=$root=." -fno-ident)

# build_elf NAME MODE LDS OUT SOURCES...: compiles SOURCES (C and .S) with -mMODE, links with LDS.
build_elf() {
  local name=$1 mode=$2 lds=$3 elf=$4
  shift 4
  local objs=()
  for src in $(printf '%s\n' "$@" | sort); do
    local obj="$tmp/$name-$(basename "$src").o"
    gcc "-m$mode" "${common[@]}" -c "$src" -o "$obj"
    objs+=("$obj")
  done
  ld -m elf_i386 -T "$lds" --build-id=none -nostdlib -z noexecstack --no-warn-rwx-segments -o "$elf" "${objs[@]}"
}

# BIOS: 32-bit C for POST and the services, a 16-bit assembly entry.
build_elf bios 32 firmware/bios/bios.lds "$bios_out/bios.elf" firmware/bios/*.c firmware/bios/entry.S
objcopy -O binary "$bios_out/bios.elf" "$bios_out/bios.bin"
size=$(wc -c < "$bios_out/bios.bin")
[ "$size" -eq 131072 ] || { echo "build.sh: bios.bin is $size bytes, expected 131072" >&2; exit 1; }
nm -n "$bios_out/bios.elf" > "$sym_out/pcscope-bios.nm"

# Demo guest: a boot sector (assembly) and a real-mode C second stage (-m16), one image.
if [ -d firmware/demo ] && [ -f firmware/demo/demo.lds ]; then
  build_elf demo 16 firmware/demo/demo.lds "$demo_out/demo.elf" firmware/demo/*.c firmware/demo/*.S
  objcopy -O binary "$demo_out/demo.elf" "$demo_out/demo.bin"
  size=$(wc -c < "$demo_out/demo.bin")
  truncate -s $(((size + 511) / 512 * 512)) "$demo_out/demo.bin"
  nm -n "$demo_out/demo.elf" > "$sym_out/demo.nm"
fi
