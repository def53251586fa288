#!/usr/bin/env bash
# Proves scripts/check-citations.py can fail: a citation of a section that
# does not exist, a citation of a document outside the repository and a bare
# section without a document must each be refused; a clean tree must pass.
set -euo pipefail
checker="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mk() {
  mkdir -p "$tmp/$1/src/core" "$tmp/$1/docs"
  printf '# PoB\n\n## §5 Phase 1\n\n### §5.3 Sampling\n' >"$tmp/$1/docs/pob.md"
  printf '# R\n\n## #2 Invalid signatures\n' >"$tmp/$1/docs/reliability.md"
}
mk good
printf '// Sampling (docs/pob.md §5.3, §5; reliability.md #2).\n// more (pob.md\n// §5.3)\n' >"$tmp/good/src/core/a.h"
python3 "$checker" "$tmp/good" || { echo "clean tree was refused"; exit 1; }
mk missing
printf '// see docs/pob.md §9\n' >"$tmp/missing/src/core/a.h"
if out=$(python3 "$checker" "$tmp/missing" 2>&1); then echo "missing section not caught"; exit 1; fi
grep -q "has no section §9" <<<"$out" || { echo "unexpected message: $out"; exit 1; }
mk outside
printf '// see DESIGN.md\n' >"$tmp/outside/src/core/a.h"
if python3 "$checker" "$tmp/outside" >/dev/null 2>&1; then echo "outside document not caught"; exit 1; fi
mk bare
printf 'int x;  // (§5.3)\n' >"$tmp/bare/src/core/a.h"
if python3 "$checker" "$tmp/bare" >/dev/null 2>&1; then echo "bare section not caught"; exit 1; fi
echo "citations_test: ok"
