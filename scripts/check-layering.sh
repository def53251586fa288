#!/usr/bin/env bash
# Enforces docs/architecture.md §1: a module under src/ may include only the modules its
# row allows, and the actual module graph must be acyclic. Exits 1 with every
# offending file:line on failure.
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"   # optional argument: a tree to check (used by the test)

declare -A ALLOW=(
  [util]=""
  [crypto]="util"
  [core]="crypto util"
  [ledger]="core crypto util"
  [consensus]="core crypto util"
  [storage]="core util"
  [net]="core crypto util"
  [vm]="ledger core crypto util"
  [node]="vm ledger consensus storage net core crypto util"
  [rpc]="node vm ledger consensus storage core crypto util"
  [wallet]="core crypto util"
  [devnet]="wallet core crypto util"
  [loadgen]="devnet node net wallet core crypto util"
  [app]="*"
)
MODULES="${!ALLOW[*]}"

fail=0
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT

for dir in src/*/; do
  mod=$(basename "$dir")
  if [[ -z "${ALLOW[$mod]+x}" ]]; then
    echo "layering: unknown module directory src/$mod (add it to docs/architecture.md §1 and this script)"
    fail=1
    continue
  fi
  while IFS= read -r hit; do
    file=${hit%%:*}; rest=${hit#*:}; line=${rest%%:*}; text=${rest#*:}
    dep=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([a-z_]+)\/.*/\1/' <<<"$text")
    [[ " $MODULES " == *" $dep "* ]] || continue   # a system or third-party header
    [[ "$dep" == "$mod" ]] && continue
    echo "$mod $dep" >>"$edges"
    [[ "${ALLOW[$mod]}" == "*" ]] && continue
    if [[ " ${ALLOW[$mod]} " != *" $dep "* ]]; then
      echo "layering: $file:$line: module '$mod' may not include '$dep' (allowed: ${ALLOW[$mod]:-nothing})"
      fail=1
    fi
  done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"][a-z_]+/' "$dir" --include='*.h' --include='*.cpp' || true)
done

# Cycle check over the include graph actually present.
if [[ -s "$edges" ]]; then
  if ! sort -u "$edges" | awk '{print $2, $1}' | tsort >/dev/null 2>"$edges.err"; then
    echo "layering: module include cycle:"; cat "$edges.err"; fail=1
  fi
  rm -f "$edges.err"
fi

if ((fail)); then exit 1; fi
echo "layering: ok"
