#!/usr/bin/env bash
# Installs the Debian packages Hako needs when they are missing (idempotent, quiet when all are present).
#   scripts/system-deps.sh run    what the engine and console need to run
#   scripts/system-deps.sh test   plus what the test suite needs (a browser, a PostgreSQL, reference tools)
set -euo pipefail
run_pkgs=(gcc make libc6-dev util-linux mount attr procps zstd)
test_pkgs=(chromium postgresql busybox-static runc curl docker-registry skopeo apache2-utils openssl iperf3)
pkgs=("${run_pkgs[@]}")
[ "${1:-run}" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run as root, or install them: apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
