#!/usr/bin/env bash
# `npm run test:e2e`: the end-to-end suite (test/e2e/e2e.spec.ts, node:test) against a throwaway local control
# plane. Needs the toolchain built once (scripts/e2e/toolchain.sh); refuses to start without it.
# Two suites, each on a fresh control plane: e2e.spec.ts (the steps of issue 7) and scale.spec.ts (a fresh stack
# with E2E_SCALE_USERS users). Environment: E2E_SCALE_USERS (default 30),
# E2E_REPORT (JSON file for the timings), E2E_KEEP_STATE=1 (keep the control plane's state dir).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=lib.sh
source scripts/e2e/lib.sh
if ! missing="$(scripts/e2e/toolchain.sh --check)"; then
  echo "e2e: toolchain not built — $missing. Build it once with scripts/e2e/toolchain.sh (see scripts/e2e/README.md)." >&2
  exit 1
fi
eval "$(scripts/e2e/toolchain.sh --env)"
command -v openssl >/dev/null || { echo "e2e: openssl is needed (apt-get install openssl)" >&2; exit 1; }
export E2E_REPORT="${E2E_REPORT:-$(mktemp "${TMPDIR:-/tmp}/vibecode-e2e-report.XXXXXX.json")}"
t0=$(date +%s)
set +e
rc=0
out="$(mktemp "${TMPDIR:-/tmp}/vibecode-e2e-output.XXXXXX")"
# Each suite gets a control plane of its own.
for spec in test/e2e/e2e.spec.ts test/e2e/scale.spec.ts; do
  scripts/e2e/control-plane.sh run -- node --import tsx --test --test-reporter=spec "$spec" 2>&1 | tee -a "$out" || rc=1
done
count() { grep -E "^ℹ $1 [0-9]+$" "$out" | awk '{n += $3} END {print n + 0}'; }
summary="e2e: $(count pass) passed, $(count fail) failed, $(count skipped) skipped"
rm -f "$out"
set -e
echo "e2e: finished in $(( $(date +%s) - t0 ))s; pulumi up timings: $E2E_REPORT"
echo "$summary"
exit "$rc"
