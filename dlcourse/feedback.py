"""A feedback page a learner can act on: the summary at the top of nbgrader's feedback.

One row per graded function: its points, and under it each lost point's one-line message
(or, where an assignment shows only which tests pass, the failing tests' names in words),
linked to its exercise below. Nothing of the hidden tests beyond those messages.

- ``summary(result)`` / ``summary_text(result)``: the rows, and the same as plain text
  (Gradescope's and otter's results ``output``).
- ``FeedbackSummary``: an nbgrader preprocessor for ``c.GenerateFeedback.preprocessors``, after
  ``GetGrades``: it builds the summary (points from the gradebook, messages from the stored result
  of exactly this submission, else from the test cells' outputs) for the page's top and, with
  ``show = "passed"``, strips the messages from the test cells' outputs too.
- ``FeedbackExporter``: ``c.GenerateFeedback.exporter_class``; nbgrader's ``feedback`` template with
  the summary in place of its list of "Test cell (Score ...)" lines
  (``dlcourse/templates/feedback/dlcourse_feedback.html.j2``).
"""
from __future__ import annotations

import html
import json
import re
import tempfile
from pathlib import Path
from typing import Iterable

from .report import Result

SHOWS = ("passed", "messages")
TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "dlcourse_feedback.html.j2"
NOTE = "About the whole submission: "
SEE_NOTE = "see the note about the whole submission above"
# a test cell's output line, as nbgrader_grades.feedback_line writes it
_LINE = re.compile(r"^\[(?P<mark>[A-Za-z]+)\] (?P<what>[^:\n]*?): (?P<points>[-+0-9.eE]+)/(?P<max>[-+0-9.eE]+)"
                   r"(?: - (?P<message>.*))?$")


def words(test_name: str) -> str:
    """A test's name as a learner reads it: ``test_freeze_other_params`` -> ``freeze other params``."""
    return test_name.removeprefix("test_").replace("_", " ")


def _lost(test: dict) -> bool:
    return test["outcome"] != "passed" or test["points"] < test["max_points"]


def summary(result: Result, show: str = "messages", *, order: Iterable[str] | None = None) -> list[dict]:
    """One row per graded function: ``{"function", "points", "max_points", "lost": [...]}``.

    ``lost``: each lost test's one-line message (``show="messages"``), or its name in words only
    (``show="passed"``); a message repeated within a function is listed once. Rows follow ``order``
    (the notebook's function order) where given, else the order the tests ran.
    """
    if show not in SHOWS:
        raise ValueError(f"show must be one of {SHOWS}, not {show!r}")
    rows: dict[str, dict] = {}
    for test in result.tests:
        row = rows.setdefault(test["function"], {"function": test["function"], "points": 0.0,
                                                  "max_points": 0.0, "lost": []})
        row["points"] += test["points"]
        row["max_points"] += test["max_points"]
        if _lost(test):
            message = ((test.get("message") or "").strip().splitlines() or [""])[0]
            if show == "passed":
                entry = words(test["name"])
            elif message in result.errors:  # e.g. a notebook that cannot be read: said once, at the top
                entry = SEE_NOTE
            else:
                entry = message or f"{words(test['name'])}: {test['outcome']}"
            if entry not in row["lost"]:
                row["lost"].append(entry)
    for row in rows.values():
        row["points"], row["max_points"] = round(row["points"], 6), round(row["max_points"], 6)
    rank = {name: i for i, name in enumerate(order or [])}
    ran = list(rows)
    return sorted(rows.values(), key=lambda r: (rank.get(r["function"], len(rank)), ran.index(r["function"])))


def _num(x: float) -> str:
    return f"{float(x):g}"


def summary_text(result: Result, show: str = "messages", *, order: Iterable[str] | None = None) -> str:
    """The summary as plain text: the total, notes about the whole submission, one line per question."""
    rows = summary(result, show, order=order)
    lost = [r for r in rows if r["lost"] or r["points"] < r["max_points"]]
    lines = [f"Score {_num(result.score)}/{_num(result.max_score)}"
             + (f": points lost in {len(lost)} of {len(rows)} questions" if lost else "")]
    lines += [NOTE + e for e in result.errors]
    for row in rows:
        mark = "-- " if row in lost else "ok "
        lines.append(f"{mark}{row['function']}: {_num(row['points'])}/{_num(row['max_points'])}")
        prefix = "     not passed: " if show == "passed" else "     "
        lines += [prefix + entry for entry in row["lost"]]
    return "\n".join(lines)


def notebook_order(path) -> list[str]:
    """The graded functions in the order of a notebook's ``check_<name>`` test cells (empty if unknown)."""
    try:  # a learner's file: anything may be missing or of the wrong type
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    cells = nb.get("cells") if isinstance(nb, dict) else None
    out = []
    for cell in cells if isinstance(cells, list) else []:
        meta = cell.get("metadata") if isinstance(cell, dict) else None
        meta = meta.get("nbgrader") if isinstance(meta, dict) else None
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if isinstance(grade_id, str) and grade_id.startswith("check_") and grade_id[6:] not in out:
            out.append(grade_id[6:])
    return out


# -- the test cells of an autograded notebook ----------------------------------------------

def _is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _function(cell) -> str | None:
    grade_id = str(cell.metadata.nbgrader.get("grade_id", ""))
    return grade_id[len("check_"):] if grade_id.startswith("check_") else None


def _stdout(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stdout")


def parse_test_cells(nb, assignment: str = "", submission: str = "") -> Result:
    """A ``Result`` read back from the test cells' outputs (what ``fill_test_cells`` wrote)."""
    tests, errors = [], []
    for cell in nb.cells:
        if not _is_test_cell(cell) or _function(cell) is None:
            continue
        for line in _stdout(cell).splitlines():
            if line.startswith(NOTE):
                errors.append(line[len(NOTE):])
                continue
            m = _LINE.match(line)
            if not m:
                continue
            passed = m["mark"] == "passed"
            tests.append({"name": m["what"], "function": _function(cell), "points": float(m["points"]),
                          "max_points": float(m["max"]), "outcome": "passed" if passed else m["mark"].lower(),
                          "message": "" if passed else (m["message"] or "")})
    return Result(assignment, submission, round(sum(t["points"] for t in tests), 6),
                  round(sum(t["max_points"] for t in tests), 6), tests, errors)


def _strip_messages(cell) -> None:
    """Keep a test cell's pass/fail lines and notes, without the tests' messages."""
    for output in cell.get("outputs", []):
        if output.get("output_type") != "stream" or output.get("name") != "stdout":
            continue
        kept = []
        for line in output.get("text", "").splitlines():
            m = _LINE.match(line)
            if m:
                kept.append(f"[{m['mark']}] {m['what']}: {m['points']}/{m['max']}")
            elif line.startswith(NOTE) or line.startswith("No hidden test"):
                kept.append(line)
        output["text"] = "\n".join(kept) + ("\n" if kept else "")


_EXERCISE = re.compile(r"^#{1,6}\s*Exercise\b.*$", re.MULTILINE)


def _exercise_cells(nb) -> dict[str, int]:
    """Function name -> index of the markdown cell whose exercise heading names it (the last before its check)."""
    found: dict[str, int] = {}
    checks = {_function(c): i for i, c in enumerate(nb.cells) if _is_test_cell(c) and _function(c)}
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "markdown":
            continue
        for heading in _EXERCISE.findall(cell.get("source", "")):
            for name in re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)[`(\[]", heading):
                if name in checks and i < checks[name]:
                    found[name] = i
    return found


# -- the page ------------------------------------------------------------------------------

def anchor(function: str) -> str:
    return "exercise-" + re.sub(r"[^A-Za-z0-9_-]", "-", function)


def summary_html(rows: list[dict], show: str, errors: list[str], targets: dict[str, str],
                 extra: list[tuple[str, str, float, float]] = (), comments: list[tuple[str, str]] = (),
                 late_penalty: float = 0.0) -> str:
    """The top of the page: a table, one row per question, each linked to its exercise below."""
    e = html.escape
    lost_q = [r for r in rows if r["points"] < r["max_points"] or r["lost"]]
    if not rows:
        lead = "No question of this notebook was graded."
    elif lost_q:
        lead = (f"Points lost in {len(lost_q)} of {len(rows)} questions. "
                + ("Below each, the tests it did not pass" if show == "passed" else "Below each, what the tests found")
                + "; click a question to go to its exercise.")
    else:
        lead = f"Full marks on all {len(rows)} questions."
    out = ['<div id="dlcourse-summary" class="dlcourse-summary">', f'<p class="dlcourse-lead">{e(lead)}</p>']
    if errors:
        out.append('<div class="alert alert-warning dlcourse-notes"><b>About the whole submission</b><ul>')
        out += [f"<li>{e(x)}</li>" for x in errors]
        out.append("</ul></div>")
    heading = "Tests not passed" if show == "passed" else "What to fix"
    out.append('<table class="table table-condensed dlcourse-table"><thead><tr><th>Question</th>'
               f'<th class="center">Points</th><th>{heading}</th></tr></thead><tbody>')
    for row in rows:
        fn = row["function"]
        full = row["points"] >= row["max_points"] and not row["lost"]
        state = "full" if full else ("none" if row["points"] <= 0 else "partial")
        target = targets.get(fn, "check_" + fn)
        if full:
            found = '<span class="dlcourse-ok">all tests passed</span>'
        elif row["lost"]:
            items = "".join(f"<li>{e(x)}</li>" for x in row["lost"])
            found = f'<ul class="dlcourse-lost">{items}</ul>'
        else:
            found = '<span class="dlcourse-muted">graded by hand</span>'
        out.append(f'<tr class="dlcourse-row dlcourse-{state}" data-function="{e(fn)}">'
                   f'<td><a class="dlcourse-question" href="#{e(target)}"><code>{e(fn)}</code></a></td>'
                   f'<td class="center dlcourse-points">{_num(row["points"])} / {_num(row["max_points"])}</td>'
                   f'<td>{found}<a class="dlcourse-details" href="#check_{e(fn)}">test results</a></td></tr>')
    for label, grade_id, score, points in extra:
        out.append(f'<tr class="dlcourse-other"><td><a href="#{e(grade_id)}">{e(label)}</a></td>'
                   f'<td class="center dlcourse-points">{_num(score)} / {_num(points)}</td><td></td></tr>')
    if late_penalty > 0:
        out.append(f'<tr class="dlcourse-late"><td>Late submission penalty</td>'
                   f'<td class="center">-{_num(late_penalty)}</td><td></td></tr>')
    out.append("</tbody></table>")
    if comments:
        links = ", ".join(f'<a href="#comment-{e(g)}">{e(label)}</a>' for label, g in comments)
        out.append(f'<p class="dlcourse-comments">Comments on your answers: {links}</p>')
    out.append("</div>")
    return "\n".join(out)


def _stored_result(nb, info: dict, root: Path) -> Result | None:
    """The result the hidden graders stored for exactly this notebook's code, if any."""
    import nbformat

    from .store import result_store, submission_digest

    try:
        with tempfile.TemporaryDirectory(prefix="dlcourse-fb-") as tmp:
            path = Path(tmp) / f"{info['notebook']}.ipynb"
            nbformat.write(nb, str(path))
            return result_store(root, info["assignment"]).get(info["student"], submission_digest(path))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _score(value) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def prepare(nb, resources: dict, show: str, root: Path):
    """What ``FeedbackSummary`` does: the summary into ``resources["dlcourse_feedback"]``, anchors on the
    exercise headings, and (``show="passed"``) the test cells' outputs without their messages."""
    info = resources["nbgrader"]
    result = _stored_result(nb, info, root) or parse_test_cells(nb, info.get("assignment", ""), info.get("student", ""))
    tests = [c for c in nb.cells if _is_test_cell(c) and _function(c)]
    order = [_function(c) for c in tests]
    by_fn = {r["function"]: r for r in summary(result, show, order=order)}
    rows = []
    for cell in tests:  # the gradebook's points (GetGrades), the result's lost tests
        fn = _function(cell)
        meta = cell.metadata.nbgrader
        rows.append({"function": fn, "points": _score(meta.get("score")),
                     "max_points": _score(meta.get("points")), "lost": by_fn.get(fn, {}).get("lost", [])})
        if show == "passed":
            _strip_messages(cell)
    targets = {}
    for fn, index in _exercise_cells(nb).items():
        nb.cells[index].metadata.setdefault("dlcourse_anchors", []).append(anchor(fn))
        targets[fn] = anchor(fn)
    extra, comments = [], []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not (_is_test_cell(cell) and _function(cell)):
            label = ("Written response" if cell.cell_type == "markdown" else
                     "Coding free-response" if meta.get("solution") else "Test cell")
            extra.append((f"{label} {meta.get('grade_id', '')}", meta.get("grade_id", ""),
                          _score(meta.get("score")), _score(meta.get("points"))))
        # a comment worth a link (nbgrader's automatic "No response." on an untouched answer is not)
        if (meta.get("solution") or meta.get("task")) and str(meta.get("comment") or "").strip() not in ("", "No response."):
            comments.append((str(meta.get("grade_id", "")), str(meta.get("grade_id", ""))))
    resources["dlcourse_feedback"] = {
        "show": show, "rows": rows, "errors": list(result.errors),
        "score": _num(round(_score(info.get("score")), 2)), "max_score": _num(round(_score(info.get("max_score")), 2)),
        "html": summary_html(rows, show, list(result.errors), targets, extra, comments,
                             _score(info.get("late_penalty")))}
    return nb, resources


def _nbgrader_classes() -> dict:
    """nbgrader's and nbconvert's classes, defined on first use: Gradescope's run needs only the text."""
    from jinja2 import FileSystemLoader
    from nbconvert.exporters import HTMLExporter
    from nbgrader.preprocessors import NbGraderPreprocessor
    from traitlets import Unicode, default, validate

    class FeedbackSummary(NbGraderPreprocessor):
        """The summary for the top of the feedback page (after ``GetGrades`` in ``c.GenerateFeedback.preprocessors``)."""

        show = Unicode("messages", help='What the page shows of each lost point: "messages" (the tests\' '
                       'one-line messages) or "passed" (only which tests did not pass).').tag(config=True)

        @validate("show")
        def _valid_show(self, proposal):
            if proposal["value"] not in SHOWS:
                self.log.warning("FeedbackSummary.show=%r is not one of %s: showing only which tests pass",
                                 proposal["value"], SHOWS)
                return "passed"
            return proposal["value"]

        def preprocess(self, nb, resources):
            return prepare(nb, resources, self.show, Path(self.config.CourseDirectory.get("root") or Path.cwd()))

    class FeedbackExporter(HTMLExporter):
        """nbgrader's feedback page (template ``feedback``) with the summary at its top.

        ``c.GenerateFeedback.exporter_class = "dlcourse.feedback.FeedbackExporter"``: only the feedback
        step uses it, and nbgrader's API and formgrader, which set ``template_name = 'feedback'``, keep
        working: the course's template file extends nbgrader's ``feedback/index.html.j2``.
        """

        @default("template_file")
        def _dlcourse_template_file(self):
            if (TEMPLATES / "feedback" / TEMPLATE).is_file():
                return TEMPLATE
            self.log.warning("%s is missing (install dlcourse with its package data): nbgrader's plain feedback page",
                             TEMPLATES / "feedback" / TEMPLATE)
            return super()._template_file_default()

        @default("extra_loaders")
        def _dlcourse_loaders(self):
            return [FileSystemLoader(str(TEMPLATES / "feedback"))]

    for cls in (FeedbackSummary, FeedbackExporter):
        cls.__qualname__ = cls.__name__
    return {"FeedbackSummary": FeedbackSummary, "FeedbackExporter": FeedbackExporter}


def __getattr__(name: str):
    """``dlcourse.feedback.FeedbackSummary`` and ``FeedbackExporter`` (course_config.py names them)."""
    if name in ("FeedbackSummary", "FeedbackExporter"):
        globals().update(_nbgrader_classes())
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
