#!/usr/bin/env bash
# Mutation testing of the core (bot/core): mutmut changes the code one small way at a time and checks that some
# test fails. Slow (tens of minutes for the whole core): run it by hand, never in CI.
#
#   scripts/mutation.sh          # every module of bot/core
#   scripts/mutation.sh habit    # one module: bot/core/habit.py (features.lessons for bot/core/features/lessons.py)
#
# Prints the share of mutants the suite kills; `.venv/bin/mutmut results` lists the survivors, and
# `.venv/bin/mutmut show NAME` shows one.
set -euo pipefail
cd "$(dirname "$0")/.."
module="${1:-}"
only="bot.core.${module:+$module.}*"
rm -rf mutants
.venv/bin/mutmut run --max-children "${MUTMUT_CHILDREN:-2}" "$only" >/dev/null 2>&1 || true
.venv/bin/mutmut results --all true 2>/dev/null | awk -v only="$only" '
  /: killed$/ {killed++} /: survived$/ {survived++} /: (timeout|suspicious)$/ {other++} /: no tests$/ {untested++}
  END {
    total = killed + survived + other + untested
    if (total == 0) { print "no mutants were run"; exit 1 }
    printf "%s: %d mutants, %d killed (%.0f%%), %d survived, %d without tests, %d timed out or suspicious\n",
           only, total, killed, 100 * killed / total, survived, untested, other
  }'
