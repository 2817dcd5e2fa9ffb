#!/usr/bin/env bash
# Installs the Debian 12 packages OpLens builds and tests with, when any is missing (as root, or through sudo).
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-base-dev-tools
  qt6-svg-dev                    # QSvgGenerator: the HTML report's timeline as inline SVG
  libsimdjson-dev nlohmann-json3-dev
  libmicrohttpd-dev              # the agent's HTTP(S) listener (with GnuTLS)
  qtkeychain-qt6-dev             # remote sources' secrets in the desktop keychain
  xvfb xauth fonts-dejavu-core   # the console under a virtual display, with readable text
  jq                             # only compared against by the benchmark
  poppler-utils                  # pdftotext and pdftoppm: the tests read the exported PDF reports
  nginx-light openssl            # the agent behind nginx with TLS, in the tests
  clang-14 libclang-rt-14-dev    # the libFuzzer targets (scripts/fuzz.sh)
  openssh-client openssh-server  # ssh:// sources: the system's ssh, and sshd on loopback in the tests
  prometheus                     # promtool: the tests check the alerting rules, the dashboard's queries and /metrics
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
