#!/usr/bin/env bash
# Fails when a C++ file under src/, tests/ or bench/ differs from what
# clang-format (Debian's clang-format 14, the repository's .clang-format)
# would write. Prints every offending file and how to fix it. Optional
# argument: a tree to check (used by tests/scripts/format_test.sh).
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
CLANG_FORMAT="${CLANG_FORMAT:-clang-format}"
if ! command -v "$CLANG_FORMAT" >/dev/null 2>&1; then
  echo "check-format: $CLANG_FORMAT not found (apt-get install clang-format)" >&2
  exit 1
fi
bad=()
while IFS= read -r -d '' f; do
  if ! "$CLANG_FORMAT" --dry-run -Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
done < <(find src tests bench -path tests/vectors/node_modules -prune -o \
           \( -name '*.h' -o -name '*.cpp' \) -print0 2>/dev/null)
if ((${#bad[@]})); then
  printf 'check-format: not formatted: %s\n' "${bad[@]}" >&2
  echo "check-format: run 'make format' (clang-format -i) on these files" >&2
  exit 1
fi
