#!/usr/bin/env bash
# Proves scripts/check-layering.sh can fail: an upward include and a cycle in
# a scratch tree must each be reported, and a clean tree must pass.
set -euo pipefail
checker="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mk() { mkdir -p "$tmp/$1/src/util" "$tmp/$1/src/crypto" "$tmp/$1/src/core" "$tmp/$1/src/storage"; }

mk good
echo '#include <util/bytes.h>' >"$tmp/good/src/crypto/a.h"
echo '#include <crypto/a.h>' >"$tmp/good/src/core/b.h"
"$checker" "$tmp/good" >/dev/null || { echo "clean tree was refused"; exit 1; }

mk upward
echo '#include <core/b.h>' >"$tmp/upward/src/crypto/a.h"
if out=$("$checker" "$tmp/upward" 2>&1); then echo "upward include not caught"; exit 1; fi
grep -q "module 'crypto' may not include 'core'" <<<"$out" || { echo "unexpected message: $out"; exit 1; }

mk skip
echo '#include <crypto/keys.h>' >"$tmp/skip/src/storage/s.h"   # storage may not use crypto (docs/architecture.md §1)
if "$checker" "$tmp/skip" >/dev/null 2>&1; then echo "storage->crypto not caught"; exit 1; fi

mk unknown
mkdir -p "$tmp/unknown/src/gadgets"
if "$checker" "$tmp/unknown" >/dev/null 2>&1; then echo "unknown module not caught"; exit 1; fi
echo "layering_test: ok"
