#!/usr/bin/env bash
# Rebuilds runtime-asm/runtime.o from the nasm sources (regenerating the .inc files first when
# the compiled scripts exist), and beside it runtime.cfi.json, the runtime's call frame
# information (scripts/gen-runtime-cfi.ts; needs objdump). Run from anywhere; needs nasm. The
# output is reproducible: the same sources give the same bytes (a test checks it against the
# checked-in files).
set -euo pipefail
cd "$(dirname "$0")/../runtime-asm"
if [ -f ../dist/scripts/gen-runtime-inc.js ]; then node ../dist/scripts/gen-runtime-inc.js; fi
out="${1:-runtime.o}"
nasm -f elf64 -O2 -o "$out" runtime.asm
node ../dist/scripts/gen-runtime-cfi.js "$out" "${out%.o}.cfi.json"
