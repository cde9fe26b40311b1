"""Every source notebook meets the notebook standard (issue 17; docs/authoring.md "Notebook standard").

One test per assignment and per point of the standard, so each notebook reports separately:

1. opening cell: ``# NN — Title``, an intro, ``**Learning outcomes** — after this notebook you can:``
   with 3-6 numbered outcomes each starting with a checkable verb, ``**Prerequisites:**``, ``**Time:**``;
2. exercise headings ``### Exercise N — `name` (P points, ~M min)``: P = the points of the check
   cells of those names, every graded name in exactly one heading;
3. ``*Worked example:* §K`` in each exercise's cell, K an earlier ``## K.`` section with a code cell;
4. closing cells, in order at the end: ``## Summary``, ``## Further reading`` (≥ 3 items, each with a
   year), ``## Check your understanding`` (2-3 questions), the ``instructor-only`` answers cell —
   present in the source, absent from the release;
5. a solution region longer than 10 lines has a ``# TODO 1`` scaffold outside the region;
6. the release runs to the end: no module-level or class-body ``raise NotImplementedError``, and
   ``needs`` is imported wherever it is used, only under ``if __name__ == "__main__":``;
7. every ``figure:<name>`` cell is followed by a markdown cell showing ``figures/<name>.png``, which
   exists in source/<a>/figures/ and release/<a>/figures/; every ``expected-output`` cell by a
   ``**Expected output**`` block.

The checker is proved on a tiny notebook that meets the standard (``tiny_assignment``), and on one
broken copy of it per rule, each of which must be rejected by the rule it breaks.
"""
from __future__ import annotations

import ast
import copy
import json
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from conftest import NOT_YET_STANDARD, ROOT, known_gaps

# ------------------------------------------------------------------------------------------------
# reading notebooks


def src(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else str(s)


def tags(cell) -> list:
    t = (cell.get("metadata") or {}).get("tags") or []
    return t if isinstance(t, list) else []


def nbg(cell) -> dict:
    return (cell.get("metadata") or {}).get("nbgrader") or {}


def is_solution(cell) -> bool:
    return cell.get("cell_type") == "code" and bool(nbg(cell).get("solution"))


def is_check(cell) -> bool:
    meta = nbg(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_ordinary_code(cell) -> bool:
    return (cell.get("cell_type") == "code" and not nbg(cell).get("grade") and not nbg(cell).get("solution")
            and "visible-checks" not in tags(cell) and bool(src(cell).strip()))


def python_of(cell) -> str:
    """A code cell's source as Python: IPython magics and shell lines commented out."""
    text = src(cell)
    if text.lstrip().startswith("%%"):
        return ""
    return "\n".join(re.sub(r"^(\s*)([%!])", r"\1# \2", line) for line in text.split("\n"))


class Assignment:
    """What the checks read of one assignment: its source and release notebooks and folders."""

    def __init__(self, name: str, source_dir: Path, release_dir: Path, known: list[str]):
        self.name, self.source_dir, self.release_dir, self.known = name, source_dir, release_dir, known
        self.source = json.loads((source_dir / f"{name}.ipynb").read_text(encoding="utf-8"))
        release = release_dir / f"{name}.ipynb"
        self.release = json.loads(release.read_text(encoding="utf-8")) if release.is_file() else None

    @property
    def cells(self) -> list:
        return self.source["cells"]

    def graded_names(self) -> list[str]:
        return [nbg(c)["grade_id"] for c in self.cells if is_solution(c)]

    def check_points(self) -> dict[str, float]:
        return {nbg(c)["grade_id"]: float(nbg(c).get("points", 0)) for c in self.cells if is_check(c)}


# ------------------------------------------------------------------------------------------------
# 1. the opening cell

OUTCOMES_LINE = "**Learning outcomes** — after this notebook you can:"
# outcomes a grader cannot check: "Understand ...", "Know ...", "Be familiar with ..."
VAGUE = {"understand", "know", "learn", "appreciate", "be", "become", "get", "gain", "see", "familiarise",
         "familiarize", "grasp", "realise", "realize", "recall", "remember", "discover", "explore", "meet",
         "feel", "have", "master", "the", "a", "an", "you", "how", "what", "why", "that", "this"}


def numbered_items(lines: list[str], start: int) -> list[tuple[int, str]]:
    """The numbered list (``1. ...``) that begins at or after ``lines[start]`` (blank lines skipped
    before it); indented lines continue an item."""
    i = start
    while i < len(lines) and not lines[i].strip():
        i += 1
    items: list[tuple[int, str]] = []
    while i < len(lines):
        m = re.match(r"^(\d+)\.\s+(\S.*)$", lines[i])
        if m:
            items.append((int(m.group(1)), m.group(2)))
        elif items and lines[i].startswith((" ", "\t")) and lines[i].strip():
            items[-1] = (items[-1][0], items[-1][1] + " " + lines[i].strip())
        else:
            break
        i += 1
    return items


def check_opening(a: Assignment) -> list[str]:
    first = next((c for c in a.cells if c["cell_type"] == "markdown"), None)
    if first is None:
        return ["no markdown cell: the notebook must open with its title cell"]
    lines = src(first).split("\n")
    found = []
    nn = a.name[:2]
    if not re.match(rf"^# {re.escape(nn)} — \S", lines[0]):
        found.append(f"the first markdown cell must start with the title line '# {nn} — Title' (got {lines[0][:60]!r})")
    marker = [i for i, line in enumerate(lines) if line.strip() == OUTCOMES_LINE]
    if not marker:
        found.append(f"no line {OUTCOMES_LINE!r} in the opening cell")
    else:
        if not any(line.strip() for line in lines[1:marker[0]]):
            found.append("no intro between the title and the learning outcomes")
        items = numbered_items(lines, marker[0] + 1)
        if not 3 <= len(items) <= 6:
            found.append(f"{len(items)} learning outcomes after {OUTCOMES_LINE!r}; the standard asks for 3-6 numbered items")
        if [n for n, _ in items] != list(range(1, len(items) + 1)):
            found.append("the learning outcomes must be numbered 1., 2., 3., ...")
        for n, text in items:
            word = re.match(r"[A-Za-z][A-Za-z-]*", text)
            verb = word.group(0) if word else text[:15]
            if not word or not verb[0].isupper() or verb.lower() in VAGUE or verb.lower().endswith("ing"):
                found.append(f"outcome {n} starts with {verb!r}: start it with a verb a grader could check "
                             "(Explain, Write, Build, Measure, Choose, Debug ...)")
    prereq = [line for line in lines if line.startswith("**Prerequisites:**")]
    if not prereq:
        found.append("no line starting '**Prerequisites:**' in the opening cell")
    else:
        text = prereq[0][len("**Prerequisites:**"):]
        named = re.findall(r"\b(\d\d_[a-z0-9_]+)", text)
        if not named and "none" not in text.lower():
            found.append("**Prerequisites:** must name earlier assignments by folder (e.g. 01_tf_tensors_graphs) or say none")
        for other in named:
            if other not in a.known:
                found.append(f"**Prerequisites:** names {other}, which is no assignment of the course")
            elif other[:2] >= nn:
                found.append(f"**Prerequisites:** names {other}, which does not come before {a.name}")
    time_line = [line for line in lines if line.startswith("**Time:**")]
    if not time_line:
        found.append("no line starting '**Time:**' in the opening cell")
    elif not re.search(r"\d+\s*(h|min)\b", time_line[0]):
        found.append("the **Time:** line must give the whole notebook's time, e.g. 'about 2 h 30 min (...)'")
    return found


# ------------------------------------------------------------------------------------------------
# 2. exercise headings

NAME = r"`[A-Za-z_]\w*`"
HEADING = re.compile(rf"^### Exercise (\d+) — ({NAME}(?:(?:, | and ){NAME})*) \((\d+(?:\.\d+)?) points?, ~(\d+) min\)$")


def exercises(a: Assignment) -> list[dict]:
    """Each exercise heading: its cell index, number, names, points, minutes (None if malformed)."""
    out = []
    for index, cell in enumerate(a.cells):
        if cell["cell_type"] != "markdown":
            continue
        for line in src(cell).split("\n"):
            if re.match(r"^#{1,6}\s*Exercise\b", line.strip()):
                m = HEADING.match(line.strip())
                out.append({"index": index, "line": line.strip(), "ok": bool(m),
                            "number": int(m.group(1)) if m else None,
                            "names": re.findall(r"`(\w+)`", m.group(2)) if m else [],
                            "points": float(m.group(3)) if m else None})
    return out


def check_exercise_headings(a: Assignment) -> list[str]:
    found, seen = [], {}
    heads = exercises(a)
    graded = a.graded_names()
    points = a.check_points()
    if graded and not heads:
        found.append("no exercise headings '### Exercise N — `name` (P points, ~M min)'")
    for head in heads:
        if not head["ok"]:
            found.append(f"malformed exercise heading {head['line'][:80]!r}: write "
                         "'### Exercise N — `name` (P points, ~M min)' (two names: `a` and `b`)")
            continue
        for name in head["names"]:
            seen.setdefault(name, []).append(head["number"])
            if name not in graded:
                found.append(f"Exercise {head['number']} names `{name}`, which is no graded name (solution cell grade_id)")
        want = sum(points.get(f"check_{name}", 0.0) for name in head["names"])
        missing = [name for name in head["names"] if f"check_{name}" not in points]
        if missing:
            found.append(f"Exercise {head['number']}: no check cell check_{missing[0]} (nbgrader grade cell)")
        elif abs(want - head["points"]) > 1e-9:
            found.append(f"Exercise {head['number']} says {head['points']:g} points; its check cells give {want:g}")
    numbers = [h["number"] for h in heads if h["ok"]]
    if numbers != list(range(1, len(numbers) + 1)):
        found.append(f"exercises are numbered {numbers}; number them 1, 2, 3, ... in order")
    for name in graded:
        if len(seen.get(name, [])) != 1:
            found.append(f"graded name `{name}` appears in {len(seen.get(name, []))} exercise headings; it must be in exactly one")
    return found


# ------------------------------------------------------------------------------------------------
# 3. a worked example before each exercise

SECTION = re.compile(r"^## (\d+)\.\s+\S")


def check_worked_examples(a: Assignment) -> list[str]:
    found = []
    headings = {}  # K -> cell index of '## K. ...'
    for index, cell in enumerate(a.cells):
        if cell["cell_type"] == "markdown":
            for line in src(cell).split("\n"):
                m = SECTION.match(line)
                if m:
                    headings.setdefault(int(m.group(1)), index)

    def section_end(start: int) -> int:
        for index in range(start + 1, len(a.cells)):
            cell = a.cells[index]
            if cell["cell_type"] == "markdown" and any(re.match(r"^#{1,2} ", line) for line in src(cell).split("\n")):
                return index
        return len(a.cells)

    for head in exercises(a):
        if not head["ok"]:
            continue
        text = src(a.cells[head["index"]])
        lines = [line for line in text.split("\n") if line.strip().startswith("*Worked example:*")]
        refs = [int(k) for line in lines for k in re.findall(r"§\s*(\d+)", line)]
        if not refs:
            found.append(f"Exercise {head['number']}: no line '*Worked example:* §K' in its cell")
            continue
        for k in refs:
            start = headings.get(k)
            if start is None:
                found.append(f"Exercise {head['number']}: *Worked example:* §{k}, but there is no section '## {k}. ...'")
            elif start >= head["index"]:
                found.append(f"Exercise {head['number']}: *Worked example:* §{k} comes after the exercise")
            elif not any(is_ordinary_code(c) for c in a.cells[start + 1:min(section_end(start), head["index"])]):
                found.append(f"Exercise {head['number']}: section §{k} holds no code cell (before the exercise) "
                             "that demonstrates the technique")
    return found


# ------------------------------------------------------------------------------------------------
# 4. closing cells

ANSWERS = "**Answers (instructor only)**"


def bullet_items(text: str) -> list[str]:
    items: list[str] = []
    for line in text.split("\n"):
        if re.match(r"^\s{0,3}[-*]\s+\S", line):
            items.append(line.strip()[1:].strip())
        elif items and line.startswith((" ", "\t")) and line.strip():
            items[-1] += " " + line.strip()
    return items


def check_closing_cells(a: Assignment) -> list[str]:
    cells = a.cells
    if len(cells) < 4:
        return ["the notebook must end with ## Summary, ## Further reading, ## Check your understanding and the answers cell"]
    summary, reading, questions, answers = cells[-4:]
    found = []
    order = "the last four cells must be, in order: '## Summary', '## Further reading', " \
            "'## Check your understanding', the instructor-only answers cell"
    for cell, title in ((summary, "## Summary"), (reading, "## Further reading"), (questions, "## Check your understanding")):
        if cell["cell_type"] != "markdown" or src(cell).split("\n")[0].strip() != title:
            found.append(f"{order} (found {src(cell).split(chr(10))[0][:50]!r} where {title!r} belongs)")
            return found
    if not bullet_items(src(summary)):
        found.append("## Summary has no bullet points")
    items = bullet_items(src(reading))
    if len(items) < 3:
        found.append(f"## Further reading has {len(items)} items; the standard asks for at least 3")
    for item in items:
        year = re.search(r"\b(19|20)\d\d\b", item)
        if not year or not re.search(r"[A-Za-z]{2}", item[:year.start()]):
            found.append(f"further-reading item without author/organisation and year: {item[:70]!r}")
    asked = numbered_items(src(questions).split("\n"), 1)
    if not 2 <= len(asked) <= 3:
        found.append(f"## Check your understanding has {len(asked)} numbered questions; the standard asks for 2-3")
    if answers["cell_type"] != "markdown" or "instructor-only" not in tags(answers) \
            or not src(answers).startswith(ANSWERS):
        found.append(f"the last cell must be a markdown cell tagged instructor-only starting {ANSWERS!r}")
    if a.release is None:
        found.append(f"release/{a.name}/{a.name}.ipynb is missing: run `dlcourse build {a.name}`")
    else:
        if any("instructor-only" in tags(c) or ANSWERS in src(c) for c in a.release["cells"]):
            found.append("the release still holds the instructor-only answers: run `dlcourse build`")
        titles = [src(c).split("\n")[0].strip() for c in a.release["cells"][-3:]]
        if titles != ["## Summary", "## Further reading", "## Check your understanding"]:
            found.append(f"the release does not end with Summary, Further reading, Check your understanding: {titles}")
    return found


# ------------------------------------------------------------------------------------------------
# 5. heavy exercises are scaffolded


def solution_regions(text: str) -> tuple[list[list[str]], list[str]]:
    """(the lines of each solution region, the lines outside every region)."""
    regions, outside, current = [], [], None
    for line in text.split("\n"):
        if "### BEGIN SOLUTION" in line:
            current = []
        elif "### END SOLUTION" in line:
            regions.append(current or [])
            current = None
        elif current is not None:
            current.append(line)
        else:
            outside.append(line)
    return regions, outside


def check_scaffolds(a: Assignment) -> list[str]:
    found = []
    released = {nbg(c).get("grade_id"): src(c) for c in (a.release or {}).get("cells", []) if is_solution(c)}
    for cell in a.cells:
        if not is_solution(cell):
            continue
        name = nbg(cell)["grade_id"]
        regions, outside = solution_regions(src(cell))
        longest = max((sum(1 for line in r if line.strip()) for r in regions), default=0)
        if longest <= 10:
            continue
        todos = [int(n) for line in outside for n in re.findall(r"#\s*TODO (\d+)\b", line)]
        if 1 not in todos:
            found.append(f"`{name}`: a {longest}-line solution needs a step-by-step scaffold: '# TODO 1: ...', "
                         "'# TODO 2: ...' outside the solution region")
        elif sorted(set(todos)) != list(range(1, max(todos) + 1)):
            found.append(f"`{name}`: the TODO steps are numbered {sorted(set(todos))}; number them 1, 2, 3, ...")
        elif a.release is not None and not re.search(r"#\s*TODO 1\b", released.get(name, "")):
            found.append(f"`{name}`: the release has lost its '# TODO 1' scaffold: run `dlcourse build`")
    return found


# ------------------------------------------------------------------------------------------------
# 6. Run All reaches the end of the release


def _is_not_implemented(node) -> bool:
    if not isinstance(node, ast.Raise) or node.exc is None:
        return False
    exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def import_time_raises(tree: ast.AST) -> list[int]:
    """Lines of the ``raise NotImplementedError`` statements that run when the cell runs: at
    module level or in a class body (not inside a function)."""
    lines = []

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if _is_not_implemented(child):
                lines.append(child.lineno)
            visit(child)

    visit(tree)
    return lines


def _is_main_guard(node) -> bool:
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
            and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__")


def unguarded_needs(tree: ast.Module) -> list[int]:
    """Lines where ``needs(...)`` runs at import time outside ``if __name__ == "__main__":``."""
    lines = []

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) or _is_main_guard(child):
                continue
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id == "needs":
                lines.append(child.lineno)
            visit(child)

    visit(tree)
    return lines


def check_run_all(a: Assignment) -> list[str]:
    if a.release is None:
        return [f"release/{a.name}/{a.name}.ipynb is missing: run `dlcourse build {a.name}`"]
    found = []
    uses_needs = False
    number = 0
    for cell in a.release["cells"]:
        if cell["cell_type"] != "code":
            continue
        number += 1
        try:
            tree = ast.parse(python_of(cell))
        except SyntaxError as exc:
            found.append(f"release code cell {number} (id {cell.get('id')}) does not parse: {exc.msg}")
            continue
        for line in import_time_raises(tree):
            found.append(f"release code cell {number} (id {cell.get('id')}) raises NotImplementedError at module level "
                         f"or in a class body (line {line}): Run All stops there; put the stub inside the functions/methods")
        if any(isinstance(n, ast.Name) and n.id == "needs" for n in ast.walk(tree)) and "visible-checks" not in tags(cell):
            uses_needs = True
            for line in unguarded_needs(tree):
                found.append(f"release code cell {number} (id {cell.get('id')}) calls needs(...) outside "
                             "`if __name__ == \"__main__\":` (grading imports the notebook without `checks`)")
    if uses_needs:
        imports = "\n".join(src(c) for c in a.release["cells"] if "visible-checks" in tags(c))
        if not re.search(r"from checks import [^\n]*\bneeds\b", imports):
            found.append("the notebook uses needs(...) but its visible-checks cell does not `from checks import check, needs`")
        checks = a.release_dir / "checks.py"
        if not checks.is_file() or not re.search(r"^needs = checks\.needs\s*$", checks.read_text(encoding="utf-8"), re.M):
            found.append("checks.py must end with `needs = checks.needs`")
    return found


# ------------------------------------------------------------------------------------------------
# 7. figures and expected outputs

FIGURE_TAG = re.compile(r"^figure:([a-z0-9_]+)$")


def check_figures(a: Assignment) -> list[str]:
    found = []
    cells = a.cells
    for index, cell in enumerate(cells):
        after = cells[index + 1] if index + 1 < len(cells) else None
        for tag in tags(cell):
            if not str(tag).startswith("figure:"):
                continue
            m = FIGURE_TAG.match(str(tag))
            if not m:
                found.append(f"tag {tag!r} (cell id {cell.get('id')}): a figure name is [a-z0-9_]+")
                continue
            name = m.group(1)
            if cell["cell_type"] != "code":
                found.append(f"figure:{name} tags a {cell['cell_type']} cell; tag the code cell that draws it")
            if after is None or after["cell_type"] != "markdown" or \
                    not re.search(rf"!\[[^\]\n]*\S[^\]\n]*\]\(figures/{name}\.png\)", src(after)):
                found.append(f"figure:{name}: the markdown cell right after it must show "
                             f"![<what you should see>](figures/{name}.png)")
            for folder, what in ((a.source_dir, "source"), (a.release_dir, "release")):
                path = folder / "figures" / f"{name}.png"
                if not path.is_file():
                    hint = f"dlcourse figures {a.name}" if what == "source" else f"dlcourse build {a.name}"
                    found.append(f"figure:{name}: {what}/{a.name}/figures/{name}.png is missing (run `{hint}`)")
        if "expected-output" in tags(cell):
            text = src(after) if after is not None and after["cell_type"] == "markdown" else ""
            if not re.search(r"\*\*Expected output\*\*[^\n]*\n(\s*\n)*\s*```text\n(.*\n)*?\s*```", text + "\n"):
                found.append(f"expected-output cell id {cell.get('id')}: the markdown cell right after it must hold "
                             "a line **Expected output** followed by a ```text block")
    return found


STANDARD = {
    "1-opening": check_opening,
    "2-exercise-headings": check_exercise_headings,
    "3-worked-examples": check_worked_examples,
    "4-closing-cells": check_closing_cells,
    "5-scaffolds": check_scaffolds,
    "6-run-all": check_run_all,
    "7-figures": check_figures,
}


def check_all(a: Assignment) -> dict[str, list[str]]:
    return {point: fn(a) for point, fn in STANDARD.items()}


# ------------------------------------------------------------------------------------------------
# the course's notebooks


def _assignments() -> list[str]:
    return sorted(p.name for p in (ROOT / "source").iterdir() if (p / f"{p.name}.ipynb").is_file())


@pytest.mark.parametrize("point", list(STANDARD))
@pytest.mark.parametrize("assignment", known_gaps(_assignments(), NOT_YET_STANDARD))
def test_notebook_meets_the_standard(assignment, point):
    a = Assignment(assignment, ROOT / "source" / assignment, ROOT / "release" / assignment, _assignments())
    problems = STANDARD[point](a)
    assert not problems, f"{assignment} breaks the notebook standard ({point}):\n  " + "\n  ".join(problems)


# ------------------------------------------------------------------------------------------------
# the checker itself, on a tiny notebook that meets the standard and on broken copies of it

TINY = "00_tiny"


def md(cid, text, *tag_list):
    cell = {"cell_type": "markdown", "id": cid, "metadata": {}, "source": text}
    if tag_list:
        cell["metadata"]["tags"] = list(tag_list)
    return cell


def code(cid, text, *tag_list, nbgrader=None):
    cell = {"cell_type": "code", "execution_count": None, "id": cid, "metadata": {}, "outputs": [], "source": text}
    if tag_list:
        cell["metadata"]["tags"] = list(tag_list)
    if nbgrader:
        cell["metadata"]["nbgrader"] = dict(nbgrader, schema_version=3)
    return cell


def solution(grade_id):
    return {"grade": False, "grade_id": grade_id, "locked": False, "solution": True}


def graded(grade_id, points):
    return {"grade": True, "grade_id": grade_id, "locked": True, "points": points, "solution": False}


RUNNING_TOTAL = '''def running_total(xs):
    """The running totals of the numbers xs, as a list."""
    # TODO 1: start an empty list of totals and a total of 0
    # TODO 2: add each number to the total and append the total to the list
    # TODO 3: return the list
    ### BEGIN SOLUTION
    totals = []
    total = 0
    for x in xs:
        if not isinstance(x, (int, float)):
            raise TypeError("numbers only")
        total = total + x
        totals.append(total)
    if not totals:
        return []
    assert len(totals) == len(xs)
    assert totals[-1] == total
    return totals
    ### END SOLUTION'''

CHECKS_PY = '''"""Visible checks of 00_tiny."""
from dlcourse.visible import Checks

checks = Checks()


@checks.of("double")
def _(double):
    checks.expect(double(2) == 4, f"double(2) gave {double(2)}, expected 4")


@checks.of("running_total")
def _(running_total):
    checks.expect(running_total([1, 2, 3]) == [1, 3, 6], "running_total([1, 2, 3]) should be [1, 3, 6]")


check = checks.check
needs = checks.needs
'''


def tiny_notebook() -> dict:
    """A small notebook that meets every point of the standard (pure Python and matplotlib)."""
    cells = [
        md("t01", "# 00 — Tiny: doubling and running totals\n\nA two-exercise notebook that shows the standard.\n\n"
                  f"{OUTCOMES_LINE}\n1. Write a function that doubles a number.\n"
                  "2. Compute running totals of a list.\n3. Plot a running total and read it off the plot.\n\n"
                  "**Prerequisites:** none\n\n"
                  "**Time:** about 25 min (reading and examples 10 min, exercises 15 min)."),
        code("t02", "import matplotlib.pyplot as plt"),
        code("t03", "from checks import check, needs", "visible-checks"),
        md("t04", "## 1. Doubling\n\nMultiplying by two:"),
        code("t05", "for n in (1, 2, 3):\n    print(n, '->', 2 * n)", "expected-output"),
        md("t06", f"**Expected output**\n```text\n(filled in by dlcourse figures)\n```"),
        md("t07", "### Exercise 1 — `double` (2 points, ~5 min)\n\n*Worked example:* §1\n\nWrite `double(x)`."),
        code("t08", "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
             nbgrader=solution("double")),
        code("t09", 'check("double")', nbgrader=graded("check_double", 2)),
        md("t10", "## 2. Running totals\n\nA running total adds each number to the sum of those before it:"),
        code("t11", "totals, total = [], 0\nfor x in [3, 1, 2]:\n    total += x\n    totals.append(total)\n"
                    "plt.plot(totals, marker='o')\nplt.title('running total')\nplt.show()", "figure:running_total"),
        md("t12", "![A line rising through 3, 4 and 6](figures/running_total.png)"),
        md("t13", "### Exercise 2 — `running_total` (3 points, ~10 min)\n\n*Worked example:* §2\n\n"
                  "Write `running_total(xs)`."),
        code("t14", RUNNING_TOTAL, nbgrader=solution("running_total")),
        code("t15", 'check("running_total")', nbgrader=graded("check_running_total", 3)),
        code("t16", 'if __name__ == "__main__":\n    with needs("running_total"):\n        print(running_total([5, 5]))'),
        md("t17", "## Summary\n\n* Doubling is multiplying by two.\n* A running total is a cumulative sum."),
        md("t18", "## Further reading\n\n- Python Software Foundation (2024). *The Python Tutorial* (docs.python.org/3/tutorial); "
                  "offline: `help(sum)`.\n- Hunter, J. D. (2007). *Matplotlib: A 2D Graphics Environment*. "
                  "Computing in Science & Engineering 9(3).\n- Harris, C. R. et al. (2020). *Array programming with "
                  "NumPy*. Nature 585."),
        md("t19", "## Check your understanding\n\n1. Why is a running total of n numbers n long?\n"
                  "2. What does double return for a string?"),
        md("t20", "**Answers (instructor only)**\n\n1. One total per prefix.\n2. The string twice.", "instructor-only"),
    ]
    return {"cells": cells,
            "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def tiny_png() -> bytes:
    """A valid 1×1 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def tiny_course(root: Path, notebook: dict | None = None, figures: bool = True) -> Path:
    """A course root with one assignment, 00_tiny (source only): course_config.py (the course's,
    with 00_tiny added), source/00_tiny/{00_tiny.ipynb, checks.py, figures/}."""
    root.mkdir(parents=True, exist_ok=True)
    config = (ROOT / "course_config.py").read_text(encoding="utf-8")
    (root / "course_config.py").write_text(
        config + f'\nc.DLCourse.assignments = dict(c.DLCourse.assignments, **{{"{TINY}": {{}}}})\n', encoding="utf-8")
    folder = root / "source" / TINY
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{TINY}.ipynb").write_text(json.dumps(notebook or tiny_notebook(), indent=1, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    (folder / "checks.py").write_text(CHECKS_PY, encoding="utf-8")
    if figures:
        (folder / "figures").mkdir(exist_ok=True)
        (folder / "figures" / "running_total.png").write_bytes(tiny_png())
    return root


def build_tiny(root: Path) -> Path:
    """nbgrader's generate_assignment (the course's config) into root/release/; the release folder."""
    from dlcourse.build import generate_release
    from dlcourse.course import Course

    generate_release(Course.load(root), TINY, root / "release")
    return root / "release" / TINY


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    root = tiny_course(tmp_path_factory.mktemp("tiny"))
    build_tiny(root)
    return root


def _tiny_assignment(root: Path) -> Assignment:
    return Assignment(TINY, root / "source" / TINY, root / "release" / TINY, [TINY, "01_tf_tensors_graphs"])


def test_checker_accepts_a_notebook_that_meets_the_standard(tiny):
    problems = check_all(_tiny_assignment(tiny))
    assert problems == {point: [] for point in STANDARD}


def _cell(nb, cid):
    return next(c for c in nb["cells"] if c["id"] == cid)


def _edit(cid, old, new):
    def edit(a):
        cell = _cell(a.source, cid)
        assert old in src(cell), (cid, old)
        cell["source"] = src(cell).replace(old, new)
    return edit


def _edit_release(cid, old, new):
    def edit(a):
        cell = _cell(a.release, cid)
        assert old in src(cell), (cid, old)
        cell["source"] = src(cell).replace(old, new)
    return edit


def _set_release(cid, text):
    def edit(a):
        _cell(a.release, cid)["source"] = text
    return edit


def _drop(cid, release=False):
    def edit(a):
        nb = a.release if release else a.source
        nb["cells"] = [c for c in nb["cells"] if c["id"] != cid]
    return edit


def _move_last_before(cid_moved, cid_before):
    def edit(a):
        cells = a.source["cells"]
        moved = _cell(a.source, cid_moved)
        cells.remove(moved)
        cells.insert(cells.index(_cell(a.source, cid_before)), moved)
    return edit


def _set_points(cid, points):
    def edit(a):
        _cell(a.source, cid)["metadata"]["nbgrader"]["points"] = points
    return edit


def _tag(cid, *new_tags):
    def edit(a):
        _cell(a.source, cid)["metadata"]["tags"] = list(new_tags)
    return edit


def _remove_file(*parts):
    def edit(a):
        (a.source_dir.parent.parent.joinpath(*parts)).unlink()
    return edit


def _release_gets_answers(a):
    a.release["cells"].append(copy.deepcopy(_cell(a.source, "t20")))


def _release_checks_without_needs(a):
    path = a.release_dir / "checks.py"
    path.write_text(path.read_text().replace("needs = checks.needs\n", ""))


OUTCOMES = f"{OUTCOMES_LINE}\n1. Write a function that doubles a number.\n2. Compute running totals of a list.\n" \
           "3. Plot a running total and read it off the plot.\n"

BROKEN = {
    # 1. opening cell
    "title without NN —": ("1-opening", _edit("t01", "# 00 — Tiny", "# Tiny")),
    "no intro": ("1-opening", _edit("t01", "\n\nA two-exercise notebook that shows the standard.", "")),
    "two outcomes": ("1-opening", _edit("t01", "3. Plot a running total and read it off the plot.\n", "")),
    "seven outcomes": ("1-opening", _edit("t01", OUTCOMES, OUTCOMES + "".join(f"{n}. Write more.\n" for n in range(4, 8)))),
    "an outcome a grader cannot check": ("1-opening", _edit("t01", "2. Compute running", "2. Understand running")),
    "no outcomes line": ("1-opening", _edit("t01", OUTCOMES_LINE, "You will learn:")),
    "no prerequisites": ("1-opening", _edit("t01", "**Prerequisites:** none", "")),
    "a later prerequisite": ("1-opening", _edit("t01", "**Prerequisites:** none", "**Prerequisites:** 01_tf_tensors_graphs")),
    "an unknown prerequisite": ("1-opening", _edit("t01", "**Prerequisites:** none", "**Prerequisites:** 99_nothing")),
    "no time": ("1-opening", _edit("t01", "**Time:** about 25 min", "**Duration:** about 25 min")),
    "a time without a duration": ("1-opening", _edit("t01", "**Time:** about 25 min (reading and examples 10 min, exercises 15 min).",
                                                      "**Time:** short.")),
    # 2. exercise headings
    "heading without points": ("2-exercise-headings", _edit("t07", "(2 points, ~5 min)", "(~5 min)")),
    "heading with the wrong points": ("2-exercise-headings", _edit("t07", "(2 points", "(3 points")),
    "check cell points changed": ("2-exercise-headings", _set_points("t09", 4)),
    "heading naming a call": ("2-exercise-headings", _edit("t07", "`double`", "`double(x)`")),
    "graded name in no heading": ("2-exercise-headings", _edit("t13", "`running_total`", "`running_sum`")),
    "graded name in two headings": ("2-exercise-headings", _edit("t13", "`running_total` (3 points", "`running_total` and `double` (5 points")),
    "exercises numbered 1, 3": ("2-exercise-headings", _edit("t13", "Exercise 2", "Exercise 3")),
    # 3. worked examples
    "no worked example line": ("3-worked-examples", _edit("t07", "*Worked example:* §1\n", "")),
    "worked example of a missing section": ("3-worked-examples", _edit("t07", "§1", "§9")),
    "worked example after the exercise": ("3-worked-examples", _edit("t07", "§1", "§2")),
    "worked example section without code": ("3-worked-examples", _drop("t05")),
    # 4. closing cells
    "no summary": ("4-closing-cells", _drop("t17")),
    "summary without bullets": ("4-closing-cells", _edit("t17", "* Doubling is multiplying by two.\n* A running", "Doubling is multiplying by two. A running")),
    "closing cells out of order": ("4-closing-cells", _move_last_before("t19", "t18")),
    "two further-reading items": ("4-closing-cells", _edit("t18", "\n- Harris, C. R. et al. (2020). *Array programming with NumPy*. Nature 585.", "")),
    "a reading item without a year": ("4-closing-cells", _edit("t18", "Hunter, J. D. (2007)", "Hunter, J. D.")),
    "four questions": ("4-closing-cells", _edit("t19", "for a string?", "for a string?\n3. Why?\n4. How?")),
    "one question": ("4-closing-cells", _edit("t19", "\n2. What does double return for a string?", "")),
    "no answers cell": ("4-closing-cells", _drop("t20")),
    "answers cell not tagged": ("4-closing-cells", _tag("t20")),
    "answers in the release": ("4-closing-cells", _release_gets_answers),
    # 5. scaffolds
    "long solution without TODOs": ("5-scaffolds", _edit("t14", "    # TODO 1: start an empty list of totals and a total of 0\n"
                                                           "    # TODO 2: add each number to the total and append the total to the list\n"
                                                           "    # TODO 3: return the list\n", "")),
    "TODOs only inside the solution": ("5-scaffolds", _edit("t14", "    # TODO 1: start an empty list of totals and a total of 0\n"
                                                              "    # TODO 2: add each number to the total and append the total to the list\n"
                                                              "    # TODO 3: return the list\n    ### BEGIN SOLUTION\n",
                                                              "    ### BEGIN SOLUTION\n    # TODO 1: start\n")),
    "TODOs numbered 1, 3": ("5-scaffolds", _edit("t14", "# TODO 2:", "# TODO 4:")),
    # 6. Run All
    "module-level stub in the release": ("6-run-all", _set_release("t08", "# YOUR CODE HERE\nraise NotImplementedError()")),
    "class-body stub in the release": ("6-run-all", _set_release("t08", "class Double:\n    # YOUR CODE HERE\n    raise NotImplementedError()")),
    "stub under a module-level if": ("6-run-all", _set_release("t08", "if True:\n    raise NotImplementedError")),
    "needs outside __main__": ("6-run-all", _edit_release("t16", 'if __name__ == "__main__":\n    with', 'if True:\n    with')),
    "needs not imported": ("6-run-all", _edit_release("t03", "check, needs", "check")),
    "checks.py without needs": ("6-run-all", _release_checks_without_needs),
    # 7. figures
    "figure without its image cell": ("7-figures", _drop("t12")),
    "image cell naming another file": ("7-figures", _edit("t12", "figures/running_total.png", "figures/total.png")),
    "image without a description": ("7-figures", _edit("t12", "![A line rising through 3, 4 and 6]", "![]")),
    "bad figure name": ("7-figures", _tag("t11", "figure:Running-Total")),
    "figure missing in the source": ("7-figures", _remove_file("source", TINY, "figures", "running_total.png")),
    "figure missing in the release": ("7-figures", _remove_file("release", TINY, "figures", "running_total.png")),
    "expected output without its block": ("7-figures", _edit("t06", "```text\n(filled in by dlcourse figures)\n```", "")),
}


@pytest.mark.parametrize("mistake", list(BROKEN))
def test_checker_rejects_a_notebook_that_breaks_a_rule(tiny, tmp_path, mistake):
    point, edit = BROKEN[mistake]
    root = tmp_path / "course"
    shutil.copytree(tiny, root)
    a = _tiny_assignment(root)
    edit(a)
    problems = check_all(a)
    assert problems[point], f"the checker accepted a notebook with {mistake!r} ({point})"
    others = {p: found for p, found in problems.items() if found and p != point}
    assert not others, f"{mistake!r} should break only {point}, but also: {others}"
