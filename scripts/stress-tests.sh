#!/usr/bin/env bash
# Runs README's test command three times each: on the machine as it is, beside two CPU-bound processes, and pinned
# to one core (taskset -c 0). Prints the failures of each run and a summary; exits 1 if any run failed.
# No test is retried. On two cores it takes about 9 runs × 4-8 minutes.
#   scripts/stress-tests.sh [runs per condition, default 3] [extra pytest arguments...]
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
python=.venv/bin/python
out=$(mktemp -d)
hogs=()

stop_hogs() {
  for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null; done
  wait "${hogs[@]}" 2>/dev/null
  hogs=()
}
trap stop_hogs EXIT

run() {  # run NAME PREFIX...
  local name=$1; shift
  local log="$out/$name.log" started=$SECONDS
  "$@" "$python" -m pytest -q -p no:cacheprovider "${extra[@]}" >"$log" 2>&1
  local status=$?
  local summary
  summary=$(grep -E '^=+ .*(passed|failed|error).* =+$|^[0-9]+ (passed|failed)' "$log" | tail -1)
  printf '%-10s exit %d in %4d s  %s\n' "$name" "$status" $((SECONDS - started)) "$summary"
  grep -E '^(FAILED|ERROR) ' "$log" | sed 's/^/           /'
  [ "$status" -eq 0 ]
}

extra=("$@")
failed=0
for n in $(seq "$runs"); do run "idle-$n" || failed=1; done
for n in $(seq "$runs"); do
  for _ in 1 2; do python3 -c 'while True: pass' & hogs+=($!); done
  run "hogs-$n" || failed=1
  stop_hogs
done
for n in $(seq "$runs"); do run "one-core-$n" taskset -c 0 || failed=1; done
echo "logs: $out"
exit "$failed"
