"""The typical-mistakes tables of docs/fidelity.md hold: each mistake the curriculum names has a
mutant that exists, and each graded name has at least one mutant whose `breaks:` line names it."""
import re
from pathlib import Path

import pytest

from dlcourse.course import Course
from dlcourse.verify import mutant_breaks, notebook_points

ROOT = Path(__file__).resolve().parents[1]
COURSE = Course.load(ROOT)
ASSIGNMENTS = COURSE.assignments()

# Assignments whose check cannot pass yet, with exactly what is missing (empty: all hold).
PENDING: dict[str, str] = {}


def tables() -> dict[str, list[tuple[str, list[str]]]]:
    """{assignment: [(mistake, [mutant stems])]} from the "## Typical mistakes" section."""
    text = (ROOT / "docs" / "fidelity.md").read_text(encoding="utf-8")
    section = text.split("## Typical mistakes", 1)[1]
    section = re.split(r"^## ", section, flags=re.MULTILINE)[0]
    out: dict[str, list] = {}
    current = None
    for line in section.splitlines():
        heading = re.match(r"^### (\S+)\s*$", line)
        if heading:
            current = out.setdefault(heading.group(1), [])
            continue
        if current is None or not line.startswith("|") or re.match(r"^\|\s*-", line):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or cells[0] == "Mistake":
            continue
        current.append((cells[0], re.findall(r"`([A-Za-z0-9_]+)`", cells[1])))
    return out


TABLES = tables()


def _pending(assignment):
    if assignment in PENDING:
        pytest.xfail(PENDING[assignment])


def test_every_assignment_has_a_table():
    missing = [a for a in ASSIGNMENTS if not TABLES.get(a)]
    assert not missing, f"no typical-mistakes table in docs/fidelity.md for {missing}"
    unknown = [a for a in TABLES if a not in ASSIGNMENTS]
    assert not unknown, f"tables for unknown assignments {unknown}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_table_rows_name_existing_mutants(assignment):
    _pending(assignment)
    folder = ROOT / "tests" / "mutants" / assignment
    problems = []
    for mistake, mutants in TABLES.get(assignment, []):
        if not mutants:
            problems.append(f"{mistake!r}: no mutant listed")
        problems += [f"{mistake!r}: tests/mutants/{assignment}/{m}.py does not exist"
                     for m in mutants if not (folder / f"{m}.py").is_file()]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_graded_name_has_a_mutant(assignment):
    _pending(assignment)
    broken = set()
    for path in (ROOT / "tests" / "mutants" / assignment).glob("*.py"):
        broken.update(mutant_breaks(path))
    missing = sorted(set(notebook_points(COURSE, assignment)) - broken)
    assert not missing, f"{assignment}: no mutant's breaks: line names {missing}"
