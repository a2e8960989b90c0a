#!/usr/bin/env bash
# Times the whole slipway process on generated platforms: `check` when out/ is current (the pull-request
# case) and `build` into an empty out/, at N = 14, 100, 1000 and 5000 services x 3 environments, plus the
# simple workload other tools were measured on (N = 1000, one environment). Reports the median of several
# runs after a warm-up (hyperfine) and the peak RSS (/usr/bin/time -v). Then times each stage in-process.
#
# Usage: benches/run.sh [N ...]      (needs hyperfine and GNU time: apt-get install hyperfine time)
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(14 100 1000 5000)
command -v hyperfine >/dev/null || { echo "benches/run.sh needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "benches/run.sh needs GNU time (apt-get install time)" >&2; exit 2; }

cargo build --release --locked --quiet --bin slipway --example gen_platform --example stage_timings
slipway=$PWD/target/release/slipway
# On tmpfs when there is one, so that the numbers measure Slipway rather than the disk.
work=$(mktemp -d -p "$( [ -d /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")")
trap 'rm -rf "$work"' EXIT

rss() { # peak resident set size of a command, in MB
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }'
}

median() { # median wall time of a command, in ms; an optional second command runs untimed before each run
  hyperfine --style none --warmup 2 --runs "${RUNS:-10}" --prepare "${2:-true}" --export-json "$work/h.json" "$1" >/dev/null 2>&1
  python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["results"][0]["median"]*1000, 1))' "$work/h.json"
}

printf '| workload | files | check (current out/) | build (empty out/) | peak RSS check | peak RSS build |\n'
printf '|---|---:|---:|---:|---:|---:|\n'
run() { # name, generator arguments
  local name=$1; shift
  local dir="$work/$name"
  ./target/release/examples/gen_platform "$@" "$dir" >/dev/null
  (cd "$dir" && "$slipway" build >/dev/null)
  local files; files=$(find "$dir/out" -type f | wc -l)
  local check; check=$(median "cd '$dir' && '$slipway' check")
  local build; build=$(median "cd '$dir' && '$slipway' build" "rm -rf '$dir/out'")
  local check_rss; check_rss=$(cd "$dir" && rss "$slipway" check)
  rm -rf "$dir/out"
  local build_rss; build_rss=$(cd "$dir" && rss "$slipway" build)
  printf '| %s | %s | %s ms | %s ms | %s MB | %s MB |\n' "$name" "$files" "$check" "$build" "$check_rss" "$build_rss"
}
for n in "${sizes[@]}"; do
  run "N=$n x 3 environments" "$n"
done
run "simple N=1000 x 1 environment" 1000 --simple

echo
echo "Stages, N=1000 x 3 environments:"
./target/release/examples/gen_platform 1000 "$work/stages" >/dev/null
(cd "$work/stages" && "$slipway" build >/dev/null)
./target/release/examples/stage_timings "$work/stages/platform/platform.toml" "$work/stages/out"
