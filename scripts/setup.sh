#!/usr/bin/env bash
# Sets mcn-tui up on a Debian machine: system packages (only those missing), then a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
scripts/install-deps.sh
swift build -c release --product mcn-tui
echo "built: .build/release/mcn-tui"
