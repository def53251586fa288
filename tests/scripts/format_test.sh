#!/usr/bin/env bash
# Proves scripts/check-format.sh can fail: a scratch tree with one badly
# formatted file must be refused (and the file named), the same tree
# formatted must pass.
set -euo pipefail
checker="$1"
style="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/util"
cp "$style" "$tmp/.clang-format"
printf 'int  f( int x ){return x+1;}\n' >"$tmp/src/util/bad.cpp"
if out=$("$checker" "$tmp" 2>&1); then echo "unformatted file not caught"; exit 1; fi
grep -q "src/util/bad.cpp" <<<"$out" || { echo "unexpected message: $out"; exit 1; }
clang-format -i "$tmp/src/util/bad.cpp"
"$checker" "$tmp" >/dev/null || { echo "formatted tree was refused"; exit 1; }
echo "format_test: ok"
