#!/usr/bin/env bash
# (e) CI wall time on a clean clone: clone this repository's committed HEAD into a temporary
# folder and time its `.ci/run` there (set up .venv from the lock, then the whole test suite),
# then write the result to docs/benchmarks.md (section `ci`) of this checkout.
#
#   bash benchmarks/ci_time.sh            # time .ci/run as CI runs it
#   bash benchmarks/ci_time.sh --split    # time scripts/setup.sh first, then .ci/run (setup is then a no-op)
#   KEEP=1 bash benchmarks/ci_time.sh     # keep the clone (it is removed after a passing run)
#   CI_CMD=true NO_DOC=1 bash benchmarks/ci_time.sh   # check the script itself in seconds
#
# It takes 30+ minutes and installs a full environment (~8 GB) into the clone: run it on an
# idle machine. Uncommitted changes of this checkout are not in the clone.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
split=0
[ "${1:-}" = "--split" ] && split=1
work=$(mktemp -d /tmp/dlcourse-ci-XXXXXX)
clone="$work/clone"
log="$repo/run/bench/ci_time.log"
mkdir -p "$repo/run/bench"
load=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git -C "$repo" rev-parse --short HEAD)
echo "ci_time: cloning $repo ($commit) into $clone; log in $log"
git clone --quiet --no-hardlinks "$repo" "$clone" || exit 1
now() { date +%s.%N; }
setup_s=""
start=$(now)
{
  if [ "$split" = 1 ]; then
    s0=$(now)
    (cd "$clone" && bash scripts/setup.sh)
    setup_s=$(awk "BEGIN{print $(now) - $s0}")
    echo "ci_time: setup took ${setup_s} s"
  fi
  (cd "$clone" && ${CI_CMD:-.ci/run})
} >"$log" 2>&1
rc=$?
wall=$(awk "BEGIN{print $(now) - $start}")
summary=$(grep -E "^=+ .*(passed|failed|error).* =+$" "$log" | tail -1)
echo "ci_time: ${CI_CMD:-.ci/run} exit $rc after ${wall} s: ${summary:-no pytest summary line}"
[ -n "${NO_DOC:-}" ] || (cd "$repo" && .venv/bin/python -m benchmarks.ci_record --wall "$wall" --rc "$rc" --load "$load" --commit "$commit" \
  --setup "${setup_s:-}" --summary "$summary" --command "bash benchmarks/ci_time.sh${1:+ $1}")
if [ "$rc" = 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "ci_time: clone kept in $clone"; fi
exit "$rc"
