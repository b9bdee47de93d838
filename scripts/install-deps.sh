#!/usr/bin/env bash
# Installs the Debian packages mcn-tui builds and tests against, only those missing.
set -euo pipefail
packages=(libopenblas-dev libavformat-dev libavcodec-dev libswscale-dev libavutil-dev
          libncurses-dev pkg-config tmux ffmpeg)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    echo "note: swift is at /opt/swift/usr/bin; add it to PATH" >&2
  else
    echo "error: Swift 6 toolchain not found (expected 'swift' on PATH or /opt/swift/usr/bin)" >&2
    exit 1
  fi
fi
