"""Write the result of benchmarks/ci_time.sh to docs/benchmarks.md (section `ci`)."""
from __future__ import annotations

import argparse
import sys

from .common import machine, machine_lines, write_section

TARGET_MIN = 25


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--wall", type=float, required=True, help="seconds .ci/run took (with --split: setup too)")
    p.add_argument("--rc", type=int, required=True)
    p.add_argument("--load", required=True, help="/proc/loadavg's first three fields when the run started")
    p.add_argument("--commit", required=True)
    p.add_argument("--setup", default="", help="seconds of scripts/setup.sh, when timed apart")
    p.add_argument("--summary", default="", help="pytest's last summary line")
    p.add_argument("--command", default="bash benchmarks/ci_time.sh")
    args = p.parse_args(argv)
    info = machine()
    info["load"] = [float(x) for x in args.load.split()]  # at the start, not now
    info["loaded"] = info["load"][0] > 0.5
    info["commit"] = f"{args.commit} (a clean clone of it)"
    verdict = "met" if args.rc == 0 and args.wall <= TARGET_MIN * 60 else "NOT met"
    lines = ["### (e) CI wall time on a clean clone", "", f"Command: `{args.command}`", "", *machine_lines(info),
             f"- `.ci/run` (set up `.venv` from the lock, then `make test`: pytest -n 2) exit {args.rc}"
             + (f"; pytest: `{args.summary.strip('= ')}`" if args.summary else ""), "",
             f"**{args.wall / 60:.1f} min** ({args.wall:.0f} s) wall"
             + (f", of which setup {float(args.setup) / 60:.1f} min" if args.setup else "")
             + f"; target ≤ {TARGET_MIN} min: {verdict}."]
    write_section("ci", "\n".join(lines))
    print("written to docs/benchmarks.md (section ci)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
