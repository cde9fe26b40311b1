"""A grading stand-in for tests/test_loop.py, in a module of its own: the loop's grading processes
import it (spawned, they import only this and dlcourse.report, so they start in a second or two)."""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from dlcourse.report import Result


def fake_grade(job) -> Result:
    """Full marks; ``FAKE-WRONG`` loses them all; ``FAKE-SLEEP=s`` takes s seconds; ``FAKE-DIE`` kills its process.

    The markers are read from the notebook's last cell; each grading appends a line to fake-gradings.log.
    """
    assignment, path, root = job
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    marker = "".join(cells[-1]["source"])
    if "FAKE-DIE" in marker:
        os._exit(3)
    if "FAKE-SLEEP=" in marker:
        time.sleep(float(re.search(r"FAKE-SLEEP=([\d.]+)", marker).group(1)))
    wrong = "FAKE-WRONG" in marker
    tests = []
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            points = float(meta["points"])
            tests.append({"name": "test_it_works", "function": meta["grade_id"].removeprefix("check_"),
                          "points": 0.0 if wrong else points, "max_points": points,
                          "outcome": "failed" if wrong else "passed", "message": "it does not work" if wrong else "",
                          "seconds": 0.0})
    student = Path(path).parent.parent.name
    with open(Path(root) / "fake-gradings.log", "a") as fh:
        fh.write(json.dumps({"student": student, "t": time.time(), "marker": marker}) + "\n")
    return Result(assignment, str(path), sum(t["points"] for t in tests), sum(t["max_points"] for t in tests), tests)
