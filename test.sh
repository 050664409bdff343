#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what the tests need that is missing,
# then runs every test. Usage: ./test.sh
set -euo pipefail
cd "$(dirname "$0")"
export RUST_BACKTRACE=0

# Browser, Node packages and anything else the HTTP and page tests need.
if [ -x scripts/install-test-deps.sh ]; then
  scripts/install-test-deps.sh
fi

# The independent Python verifier of the format vectors needs `cryptography`.
python3 -c 'import cryptography' 2>/dev/null || python3 -m pip install --quiet cryptography
python3 scripts/check_vectors.py

cargo fmt --all -- --check
cargo build --workspace --all-targets

# Run every test, then close with one summary line over all test binaries.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
