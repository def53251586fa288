#!/usr/bin/env bash
# Installs the Debian packages the build and tests need. Idempotent: when
# everything is present it prints nothing and exits 0. Needs root (or sudo)
# only when something is missing.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev clang-format
  libsodium-dev libsecp256k1-dev libssl-dev
  librocksdb-dev
  libboost-dev libboost-system-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  libspdlog-dev libfmt-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  python3-grpcio python3-protobuf python3-grpc-tools python3-cryptography
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
  nodejs npm libnode-dev node-acorn node-bignumber
  gnuplot-nox python3 curl iproute2 procps faketime
  chromium
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    case "$p" in nodejs | npm | libnode-dev | node-acorn | node-bignumber) continue ;; esac # handled below
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# JavaScript contracts (src/vm) embed V8 from Debian's libnode-dev, which
# depends on Debian's own nodejs of the same version. A nodejs from elsewhere
# (NodeSource's 20.x in some base images) blocks it, so switch to the Debian
# archive's nodejs (18.x, a downgrade) + libnode-dev + Debian's npm, and the
# pure-JS libraries the contract VM embeds (node-acorn, node-bignumber). Skipped
# when Debian's nodejs and libnode-dev are already installed at one version.
deb_node_ver="$(apt-cache madison nodejs 2>/dev/null | awk -F'|' '$3 ~ /debian/ {gsub(/ /, "", $2); print $2; exit}')"
inst_node_ver="$(dpkg-query -W -f='${Version}' nodejs 2>/dev/null || true)"
inst_libnode_ver="$(dpkg-query -W -f='${Status} ${Version}' libnode-dev 2>/dev/null | awk '/install ok installed/ {print $4}' || true)"
inst_npm="$(dpkg-query -W -f='${Status}' npm node-acorn node-bignumber 2>/dev/null || true)"
case "$inst_node_ver" in *dfsg*) node_is_debian=1 ;; *) node_is_debian=0 ;; esac
if [ "$node_is_debian" = 0 ] || [ -z "$inst_libnode_ver" ] || [ "$inst_libnode_ver" != "$inst_node_ver" ] ||
  [ "$(printf '%s' "$inst_npm" | grep -o "install ok installed" | wc -l)" != 3 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$deb_node_ver" ]; then
    $SUDO apt-get update -qq
    deb_node_ver="$(apt-cache madison nodejs | awk -F'|' '$3 ~ /debian/ {gsub(/ /, "", $2); print $2; exit}')"
  fi
  if [ -z "$deb_node_ver" ]; then
    echo "install-deps: no Debian nodejs in the apt sources" >&2
    exit 1
  fi
  echo "install-deps: switching to Debian nodejs $deb_node_ver + libnode-dev + npm"
  $SUDO apt-get install -y -qq --no-install-recommends --allow-downgrades \
    "nodejs=$deb_node_ver" "libnode-dev=$deb_node_ver" npm node-acorn node-bignumber >/dev/null
fi

# The official IOST JavaScript SDK, used by test-vector generation and the
# SDK functional tests. Installed locally under tests/vectors/node_modules.
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -f "$root/tests/vectors/package.json" ] && [ ! -d "$root/tests/vectors/node_modules/iost" ]; then
  echo "install-deps: npm install (tests/vectors)"
  (cd "$root/tests/vectors" && npm install --no-audit --no-fund --silent >/dev/null)
fi
# playwright-core (no browser download: it drives Debian's chromium) for the
# explorer's browser test, tests/functional/sdk/explorer.test.js.
# Pinned to 1.61.1, the newest that runs on Debian's Node 18 (later ones need
# Node 20); an installed copy of another version is replaced.
pw_dir="$root/tests/functional/browser"
pw_want="$(node -p "require('$pw_dir/package.json').dependencies['playwright-core']" 2>/dev/null || true)"
pw_have="$(node -p "require('$pw_dir/node_modules/playwright-core/package.json').version" 2>/dev/null || true)"
if [ -f "$pw_dir/package.json" ] && [ "$pw_want" != "$pw_have" ]; then
  echo "install-deps: npm install (tests/functional/browser)"
  (cd "$root/tests/functional/browser" && npm install --no-audit --no-fund --silent >/dev/null)
fi
exit 0
