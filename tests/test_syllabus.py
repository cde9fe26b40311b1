"""docs/syllabus.md, the instructor's map of the syllabus, still points at what the notebooks hold.

Each row of its tables names an assignment (`NN_name`), a section heading of that assignment's source
notebook (the exact `## ...` line), and how it is taught; graded names in the "how" column (`graded
`name``) must still be graded in that notebook. A renamed or removed section fails here: update the map.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAP = ROOT / "docs" / "syllabus.md"
# Syllabus headings the map must keep (issue 18 reviewed them one by one).
REQUIRED = ["1.2", "2.1", "2.2", "2.6", "3.11", "4.4", "4.5", "4.14"]


def rows() -> list[dict]:
    """Every table row of the map: syllabus item, assignment, section heading, how."""
    found = []
    for number, line in enumerate(MAP.read_text(encoding="utf-8").split("\n"), 1):
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not re.fullmatch(r"`\d\d_[a-z0-9_]+`", cells[1]):
            continue
        found.append({"line": number, "item": cells[0], "assignment": cells[1].strip("`"),
                      "section": cells[2], "how": cells[3]})
    return found


def notebook(assignment: str) -> dict:
    path = ROOT / "source" / assignment / f"{assignment}.ipynb"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"cells": []}


def text(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else str(s)


def sections(nb: dict) -> set[str]:
    return {line.strip() for c in nb["cells"] if c.get("cell_type") == "markdown"
            for line in text(c).split("\n") if line.startswith("## ")}


def graded_names(nb: dict) -> set[str]:
    return {c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
            if c.get("cell_type") == "code" and (c.get("metadata", {}).get("nbgrader") or {}).get("solution")}


def named_as_graded(how: str) -> list[str]:
    """The names after 'graded' in a "how" cell: graded `a`, `b`, `c`."""
    names = []
    for group in re.findall(r"\bgraded ((?:`\w+`(?:,\s*)?)+)", how):
        names += re.findall(r"`(\w+)`", group)
    return names


MAP_ROWS = rows()
ASSIGNMENTS = sorted({r["assignment"] for r in MAP_ROWS})


def test_the_map_has_rows_for_every_assignment_and_the_reviewed_headings():
    assert MAP_ROWS, f"{MAP} has no table rows | syllabus | `NN_name` | ## section | how |"
    on_disk = sorted(p.name for p in (ROOT / "source").iterdir() if (p / f"{p.name}.ipynb").is_file())
    missing = [a for a in on_disk if a not in ASSIGNMENTS]
    assert not missing, f"docs/syllabus.md maps nothing to {missing}: add the rows that say what they teach"
    unknown = [a for a in ASSIGNMENTS if a not in on_disk]
    assert not unknown, f"docs/syllabus.md names assignments that do not exist: {unknown}"
    items = " ".join(r["item"] for r in MAP_ROWS)
    absent = [n for n in REQUIRED if not re.search(rf"(^|\s){re.escape(n)}\s", items)]
    assert not absent, f"docs/syllabus.md lost the rows of syllabus headings {absent} (issue 18)"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_section_the_map_names_is_in_the_notebook(assignment):
    nb = notebook(assignment)
    held, graded = sections(nb), graded_names(nb)
    problems = []
    for row in (r for r in MAP_ROWS if r["assignment"] == assignment):
        where = f"docs/syllabus.md line {row['line']} ({row['item'][:50]!r})"
        if not row["section"].startswith("## "):
            problems.append(f"{where}: the section column must be a '## ...' heading, not {row['section'][:40]!r}")
        elif row["section"] not in held:
            problems.append(f"{where}: source/{assignment}/{assignment}.ipynb has no section {row['section']!r}; "
                            "update the map to the section that now teaches it")
        for name in named_as_graded(row["how"]):
            if name not in graded:
                problems.append(f"{where}: `{name}` is not a graded name of {assignment} any more")
    assert not problems, "\n".join(problems)
