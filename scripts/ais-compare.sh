#!/usr/bin/env bash
# Side-by-side speed of AIS decoders producing JSON from the same NMEA file:
# `porttrack ais decode`, and where installed `gpsdecode -j` (Debian
# gpsd-clients) and pyais (pip). Prints wall times and ratios.
#
#   scripts/ais-compare.sh [FILE]
#
# Without FILE it decodes a generated file of realistic sentences (the
# encoder's corpus: class A and B positions, two-part static data), so it
# runs without any capture. Uses hyperfine when installed, else `time`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "building porttrack (release)..." >&2
cargo build --quiet --release --manifest-path "$root/Cargo.toml" -p porttrack
porttrack="$target/release/porttrack"

file="${1:-}"
if [[ -z "$file" ]]; then
    cargo build --quiet --release --manifest-path "$root/Cargo.toml" \
        -p porttrack-ais --example ais_corpus
    file="$work/corpus.nmea"
    "$target/release/examples/ais_corpus" 200000 1 >"$file"
    echo "generated $(wc -l <"$file") lines in $file" >&2
fi
[[ -r "$file" ]] || { echo "cannot read $file" >&2; exit 1; }

cat >"$work/pyais_decode.py" <<'PY'
import json, sys
from pyais.stream import FileReaderStream
out = sys.stdout
for msg in FileReaderStream(sys.argv[1]):
    try:
        out.write(json.dumps(msg.decode().asdict(), default=str) + "\n")
    except Exception:
        pass
PY

names=("porttrack")
cmds=("$porttrack ais decode '$file' >/dev/null 2>&1")
if command -v gpsdecode >/dev/null; then
    names+=("gpsdecode")
    cmds+=("gpsdecode -j <'$file' >/dev/null 2>&1")
else
    echo "gpsdecode not found (apt-get install gpsd-clients): skipped" >&2
fi
if python3 -c 'import pyais' 2>/dev/null; then
    names+=("pyais")
    cmds+=("python3 '$work/pyais_decode.py' '$file' >/dev/null 2>&1")
else
    echo "pyais not found (pip install pyais): skipped" >&2
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "file: $file ($(wc -l <"$file") lines)"
echo "porttrack messages: $("$porttrack" ais decode "$file" 2>/dev/null | wc -l)"
if command -v gpsdecode >/dev/null; then
    echo "gpsdecode messages: $(gpsdecode -j <"$file" 2>/dev/null | wc -l)"
fi

if command -v hyperfine >/dev/null; then
    args=()
    for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
    # Slow decoders (pyais) get fewer runs; hyperfine's summary gives ratios.
    hyperfine --warmup 1 --min-runs 3 --max-runs 10 "${args[@]}"
else
    declare -a secs
    for i in "${!cmds[@]}"; do
        start=$(date +%s.%N)
        bash -c "${cmds[$i]}"
        end=$(date +%s.%N)
        secs[$i]=$(echo "$end - $start" | bc -l)
        printf '%-10s %8.3f s\n' "${names[$i]}" "${secs[$i]}"
    done
    for i in "${!cmds[@]}"; do
        [[ $i -eq 0 ]] && continue
        printf 'porttrack is %.1fx faster than %s\n' \
            "$(echo "${secs[$i]} / ${secs[0]}" | bc -l)" "${names[$i]}"
    done
fi
