#!/bin/sh
# End-to-end run with a real one-node Pacemaker cluster (needs root):
#   scripts/e2e-cluster.sh [--remote ours|real|both] [--keep]
# See test/e2e/harness/scenario.ts for what it checks.
cd "$(dirname "$0")/.." || exit 1
exec node --import tsx test/e2e/harness/cli.ts "$@"
