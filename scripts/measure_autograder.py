"""Wall time and peak memory of one autograder run, its whole process tree together.

    python scripts/measure_autograder.py ROOT
runs ``ROOT/run_autograder`` (a tree laid out like Gradescope's: source/, submission/, results/)
and samples the proportional set size (PSS) of every process under it, the sandboxed worker
included, every 0.2 s. Prints wall seconds, the peak of the summed PSS, and the score.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path


def _children(pid: int) -> list[int]:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    out = []
    for tid in tasks:
        try:
            out += [int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
        except OSError:
            pass
    return out


def tree_pss_kib(root: int) -> int:
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += _children(pid)
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            pass
    return total


def main(root: str) -> int:
    root_dir = Path(root).resolve()
    env = dict(os.environ, DLCOURSE_AUTOGRADER_ROOT=str(root_dir))
    start = time.monotonic()
    proc = subprocess.Popen([str(root_dir / "run_autograder")], cwd=root_dir, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_pss_kib(proc.pid))
        time.sleep(0.2)
    wall = time.monotonic() - start
    results = json.loads((root_dir / "results" / "results.json").read_text(encoding="utf-8"))
    print(f"wall {wall:.1f} s  peak memory {peak / 1024:.0f} MiB (PSS, all processes)  score {results['score']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
