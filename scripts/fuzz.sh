#!/usr/bin/env bash
# Bounded fuzz run of the AIS codec: each target for SECONDS (default 60).
#
#   scripts/fuzz.sh [SECONDS]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). No nightly needed:
# RUSTC_BOOTSTRAP=1 lets the stable compiler accept the sanitizer flags.
# New inputs go to a scratch corpus, so the committed seeds in
# fuzz/corpus/ stay small; crashes are kept in fuzz/artifacts/.
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz missing: cargo install cargo-fuzz --locked" >&2
    exit 1
fi

cd "$root/fuzz"
for target in sentence decode; do
    echo "== fuzzing $target for ${seconds}s" >&2
    mkdir -p "$scratch/$target"
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "$scratch/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=1024
done
echo "fuzz: no crashes in ${seconds}s per target" >&2
