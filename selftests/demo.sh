#!/bin/bash
# make demo: boot the stock Debian kernel in QEMU and tell the two-site story
# (selftests/demo_story.sh).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec "$here/qemu/run.sh" -t 180 "$here/demo_story.sh"
