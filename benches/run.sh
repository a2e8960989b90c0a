#!/usr/bin/env bash
# Times the whole slipway process where users run it, beside its peer, in one run: every workload with
# `out/` on tmpfs (/dev/shm) and on the machine's disk (target/bench-disk), and jrsonnet rendering the same
# objects as Slipway's simple workload from benches/simple.jsonnet. Medians of hyperfine runs after warm-ups;
# peak RSS with GNU time; then each stage in-process (examples/stage_timings.rs). Beside each number, the
# target of issue 15.
#
# Workloads (generated platforms, examples/gen_platform.rs):
#   simple N=1000 x 1 environment, `build` into an empty out/   Slipway and jrsonnet, tmpfs and disk
#   full N=1000 x 3 environments, `check` with out/ current     tmpfs and disk
#   full N=1000 x 3, `build` with nothing changed               disk, in pairs with `check`
#   full N=1000 x 3, `set-image` of one service                 disk, in pairs with `check` (each timed run
#                                                               changes its files)
#   full N=5000 x 3, `check`, and its growth from N=1000        tmpfs, in pairs with `check` at N=1000
#   peak RSS of `check` at N=1000 x 3
#   full mode only: `check` and `build` into an empty out/ at N=14, 100 and 1000 x 3 on tmpfs (the README's
#   table)
#
# Usage: benches/run.sh [--quick]
#   --quick   two runs per workload, no warm-up, no N=5000 and no scale table: proves the script works, in
#             a few minutes; the numbers are not worth quoting.
#   RUNS=N    runs per workload in full mode (default 10).
# Needs hyperfine and GNU time (`apt-get install hyperfine time`), python3, and cargo: jrsonnet is
# installed once with `cargo install --locked` into benches/.tools (ignored by git), at the version below.
set -euo pipefail
cd "$(dirname "$0")/.."

JRSONNET_VERSION=0.5.0-pre98
quick=false
case "${1:-}" in
  --quick) quick=true ;;
  "") ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
if $quick; then runs=2 warmup=0; else runs=${RUNS:-10} warmup=2; fi
# A median ratio of pairs varies more than a median time: twice as many pairs, and one more.
pair_runs=$((2 * runs + 1))

command -v hyperfine >/dev/null || { echo "benches/run.sh needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "benches/run.sh needs GNU time (apt-get install time)" >&2; exit 2; }

jrsonnet=$PWD/benches/.tools/bin/jrsonnet
if [ ! -x "$jrsonnet" ]; then
  echo "installing jrsonnet $JRSONNET_VERSION into benches/.tools (once)..." >&2
  cargo install --locked --quiet --root benches/.tools jrsonnet --version "$JRSONNET_VERSION"
fi
cargo build --release --locked --quiet --bin slipway --example gen_platform --example stage_timings
slipway=$PWD/target/release/slipway
gen=$PWD/target/release/examples/gen_platform

# The two places out/ lives: tmpfs, and a directory on the disk (checked to be neither tmpfs nor ramfs).
fstype() { stat -f -c %T "$1"; }
tmpfs=$(mktemp -d -p /dev/shm slipway-bench.XXXXXX)
mkdir -p target/bench-disk
disk=$(mktemp -d -p "$PWD/target/bench-disk" run.XXXXXX)
trap 'rm -rf "$tmpfs" "$disk"' EXIT
[ "$(fstype "$tmpfs")" = tmpfs ] || { echo "/dev/shm is not tmpfs here" >&2; exit 2; }
case "$(fstype "$disk")" in
  tmpfs | ramfs) echo "target/bench-disk is on $(fstype "$disk"), not on a disk" >&2; exit 2 ;;
esac
echo "tmpfs: $tmpfs ($(fstype "$tmpfs")); disk: $disk ($(fstype "$disk"), $(df --output=source "$disk" | tail -1))"
echo "$(nproc) cores, $(uname -r), jrsonnet $("$jrsonnet" --version 2>/dev/null | head -1), $(date -u +%Y-%m-%d)"
$quick && echo "QUICK MODE: $runs runs, no warm-up; not numbers to quote"

# Median wall time of a command, in ms; the optional second command runs untimed before each run.
median() {
  local json=$tmpfs/hyperfine.json
  hyperfine --style none --warmup "$warmup" --runs "$runs" --prepare "${2:-true}" --export-json "$json" "$1" \
    >/dev/null 2>&1 || { echo "failed: $1" >&2; return 1; }
  python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$json"
}

rss() { # peak resident set size of a command, in MB
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }'
}

ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$1" "$2"; }

# A ratio target measured in interleaved pairs: `check`, then the command (after its untimed preparation),
# again and again. This VM drifts by 10-30% within minutes, so two medians taken one after the other can
# differ by more than the target allows; pairs see the same machine. Prints the median of each (ms) and
# the median of the pairs' ratios.
pairs() { # check-command command [preparation]
  python3 - "$pair_runs" "$warmup" "$1" "$2" "${3:-true}" <<'PY'
import statistics, subprocess, sys, time
runs, warmup, check, command, prepare = int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:]
def timed(line):
    start = time.perf_counter()
    subprocess.run(line, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start
checks, commands = [], []
for index in range(warmup + runs):
    c = timed(check)
    subprocess.run(prepare, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t = timed(command)
    if index >= warmup:
        checks.append(c)
        commands.append(t)
ratios = [t / c for c, t in zip(checks, commands)]
print(round(statistics.median(checks) * 1000), round(statistics.median(commands) * 1000), f"{statistics.median(ratios):.2f}")
PY
}

row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }

platform() { # generates a platform at root/name with gen_platform arguments, and builds it once
  local dir=$1/$2; shift 2
  "$gen" "$@" "$dir" >/dev/null
  (cd "$dir" && "$slipway" build >/dev/null)
  echo "$dir"
}

echo
echo '| workload | where out/ lives | median | target |'
echo '|---|---|---:|---|'

# Simple, N=1000 x 1, into an empty out/: Slipway against jrsonnet on each file system. Before each run the
# last run's output is moved aside, not deleted: on ext4, a file created within seconds of thousands of
# deletions waits while the allocator skips every recently freed inode (`recently_deleted` in the kernel's
# profile), which made both tools' times swing from 0.2 s to 4 s with the deletions of the run before.
for where in tmpfs disk; do
  root=${!where}
  simple=$(platform "$root" simple 1000 --simple)
  mkdir -p "$root/aside"
  aside() { echo "if [ -e '$1' ]; then mv '$1' \"\$(mktemp -d -p '$root/aside')\"; fi"; }
  s=$(median "cd '$simple' && '$slipway' build" "$(aside "$simple/out")")
  j=$(median "'$jrsonnet' --tla-code n=1000 -S -m '$root/jsonnet-out' '$PWD/benches/simple.jsonnet'" \
    "$(aside "$root/jsonnet-out") && mkdir '$root/jsonnet-out'")
  files=$(find "$simple/out" -type f | wc -l) jfiles=$(find "$root/jsonnet-out" -type f | wc -l)
  if [ "$where" = tmpfs ]; then target="Slipway at least 3 x faster"; else target="Slipway faster"; fi
  row "simple N=1000, \`build\` into an empty out/: Slipway ($files files)" "$where" "$s ms" ""
  row "simple N=1000, same objects: jrsonnet ($jfiles files, YAML)" "$where" "$j ms" \
    "$target: jrsonnet / Slipway = $(ratio "$j" "$s")"
done

# Full, N=1000 x 3.
full_tmpfs=$(platform "$tmpfs" full 1000)
full_disk=$(platform "$disk" full 1000)
check_tmpfs=$(median "cd '$full_tmpfs' && '$slipway' check")
row "full N=1000 x 3, \`check\`, out/ current" tmpfs "$check_tmpfs ms" "at most 400 ms"
check_disk=$(median "cd '$full_disk' && '$slipway' check")
row "full N=1000 x 3, \`check\`, out/ current" disk "$check_disk ms" ""
read -r paired_check unchanged unchanged_ratio < <(pairs "cd '$full_disk' && '$slipway' check" \
  "cd '$full_disk' && '$slipway' build")
row "full N=1000 x 3, \`build\` with nothing changed" disk "$unchanged ms" \
  "no slower than \`check\`: build / check = $unchanged_ratio ($pair_runs interleaved pairs; \`check\` $paired_check ms in them)"
# Each timed run moves one service's tag from 1.0.0 to 2.0.0; the untimed preparation moves it back, so
# every timed run rewrites the service's files in every environment.
service=$(sed -n 's/^\[services\.\([^].]*\)\]$/\1/p;T;q' "$full_disk/platform/platform.toml")
(cd "$full_disk" && "$slipway" set-image "$service" 1.0.0 >/dev/null)
read -r paired_check bump bump_ratio < <(pairs "cd '$full_disk' && '$slipway' check" \
  "cd '$full_disk' && '$slipway' set-image '$service' 2.0.0" "cd '$full_disk' && '$slipway' set-image '$service' 1.0.0")
(cd "$full_disk" && "$slipway" set-image "$service" 1.0.0 >/dev/null)
changed=$(cd "$full_disk" && "$slipway" set-image "$service" 2.0.0 2>&1 | awk 'match($0, /[0-9]+ changed/) { print substr($0, RSTART, RLENGTH) }')
grep -q "$service:2.0.0" "$full_disk/out/dev/services/$service/deployment-$service.yaml" \
  || { echo "set-image did not change the Deployment of $service" >&2; exit 1; }
row "full N=1000 x 3, \`set-image\` of one service ($changed)" disk "$bump ms" \
  "at most 1.2 x \`check\`: set-image / check = $bump_ratio ($pair_runs interleaved pairs; \`check\` $paired_check ms in them)"
check_rss=$(cd "$full_tmpfs" && rss "$slipway" check)
row "full N=1000 x 3, peak RSS of \`check\`" tmpfs "$check_rss MB" "at most 200 MB"

if ! $quick; then
  big=$(platform "$tmpfs" big 5000)
  read -r paired_small check_big growth < <(pairs "cd '$full_tmpfs' && '$slipway' check" "cd '$big' && '$slipway' check")
  row "full N=5000 x 3, \`check\`, out/ current" tmpfs "$check_big ms" \
    "growth from N=1000 at most 5.5 x: $growth x ($pair_runs interleaved pairs; N=1000 $paired_small ms in them)"
  rm -rf "$big"

  echo
  echo "Scale, on tmpfs (the README's table):"
  echo
  echo '| workload | files | `check` (out/ current) | `build` (empty out/) | peak RSS of `check` |'
  echo '|---|---:|---:|---:|---:|'
  for n in 14 100 1000; do
    dir=$(platform "$tmpfs" "scale-$n" "$n")
    files=$(find "$dir/out" -type f | wc -l)
    c=$(median "cd '$dir' && '$slipway' check")
    b=$(median "cd '$dir' && '$slipway' build" "rm -rf '$dir/out'")
    m=$(cd "$dir" && rss "$slipway" check)
    printf '| N=%s x 3 environments | %s | %s ms | %s ms | %s MB |\n' "$n" "$files" "$c" "$b" "$m"
    rm -rf "$dir"
  done
fi

echo
echo "Stages, N=1000 x 3 environments, out/ on tmpfs:"
./target/release/examples/stage_timings "$full_tmpfs/platform/platform.toml" "$full_tmpfs/out"
