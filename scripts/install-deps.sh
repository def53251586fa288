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
  nodejs npm
  gnuplot-nox python3 curl iproute2 procps faketime
  chromium
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    # nodejs/npm may come from outside Debian (e.g. a preinstalled node); accept a working binary.
    case "$p" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
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

# The official IOST JavaScript SDK, used by test-vector generation and the
# SDK functional tests. Installed locally under tests/vectors/node_modules.
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -f "$root/tests/vectors/package.json" ] && [ ! -d "$root/tests/vectors/node_modules/iost" ]; then
  echo "install-deps: npm install (tests/vectors)"
  (cd "$root/tests/vectors" && npm install --no-audit --no-fund --silent >/dev/null)
fi
# playwright-core (no browser download: it drives Debian's chromium) for the
# explorer's browser test, tests/functional/sdk/explorer.test.js.
if [ -f "$root/tests/functional/browser/package.json" ] &&
  [ ! -d "$root/tests/functional/browser/node_modules/playwright-core" ]; then
  echo "install-deps: npm install (tests/functional/browser)"
  (cd "$root/tests/functional/browser" && npm install --no-audit --no-fund --silent >/dev/null)
fi
exit 0
