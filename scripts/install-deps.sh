#!/usr/bin/env bash
# Installs the Debian packages edgetwin builds with, and only those that are missing.
# Non-interactive; uses sudo when not root. Safe to run again.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libboost-graph-dev libboost-program-options-dev
  nlohmann-json3-dev
  libhdf5-dev hdf5-tools
  libtbb-dev libeigen3-dev
  zlib1g-dev dataset-fashion-mnist
  libgtest-dev libgmock-dev libbenchmark-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "edgetwin: installing missing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
