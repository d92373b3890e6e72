#!/usr/bin/env bash
# Rebuilds runtime-asm/runtime.o from the nasm sources (regenerating the .inc files first when
# the compiled scripts exist). Run from anywhere; needs nasm. The output is reproducible: the
# same sources give the same bytes (a test checks it against the checked-in object).
set -euo pipefail
cd "$(dirname "$0")/../runtime-asm"
if [ -f ../dist/scripts/gen-runtime-inc.js ]; then node ../dist/scripts/gen-runtime-inc.js; fi
nasm -f elf64 -O2 -o "${1:-runtime.o}" runtime.asm
