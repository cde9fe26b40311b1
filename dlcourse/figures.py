"""``dlcourse figures [A...]``: what a learner sees before running, rendered from the solved notebook.

The solved source notebook ``source/<a>/<a>.ipynb`` runs top to bottom in a kernel of the course
``.venv`` (dlcourse/runall.py; cwd: a temporary copy of ``source/<a>/``). Then

* each code cell tagged ``figure:<name>`` gives its image (``image/png`` output) to
  ``source/<a>/figures/<name>.png`` (a cell with several images: one ``figure:`` tag per image,
  in order). Text chunks (software, time) are stripped, so the file depends on the pixels only;
* each code cell tagged ``expected-output`` gives what it printed (trimmed, at most
  ``MAX_LINES`` lines) to the fenced ```` ```text ```` block after the ``**Expected output**``
  line of the markdown cell right after it; the notebook is rewritten in place (only those
  blocks change; its JSON layout is kept byte for byte).

``dlcourse build`` releases ``source/<a>/figures/`` with the notebook (nbgrader copies the
assignment folder), so the release shows the figures before the learner runs anything.
"""
from __future__ import annotations

import base64
import json
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

from .course import Course
from .errors import CourseError
from .runall import cell_text, execute, kernel_python

FIGURE_TAG = re.compile(r"^figure:([a-z0-9_]+)$")
EXPECTED_TAG = "expected-output"
EXPECTED_LINE = "**Expected output**"
MAX_LINES = 25
# PNG chunks kept: the image itself. Text (Software, Creation Time), tIME and the like are dropped.
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"pHYs", b"sBIT"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def clean_png(data: bytes) -> bytes:
    """``data`` with only the chunks that make the picture (deterministic bytes for the same pixels)."""
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG")
    out, pos = [_PNG_SIGNATURE], len(_PNG_SIGNATURE)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        chunk = data[pos:pos + 12 + length]
        if kind in _PNG_KEEP:
            out.append(chunk)
        pos += 12 + length
        if kind == b"IEND":
            break
    return b"".join(out)


def figure_names(cell) -> list[str]:
    tags = cell.get("metadata", {}).get("tags", []) or []
    return [m.group(1) for m in (FIGURE_TAG.match(str(t)) for t in tags) if m]


def _images(cell) -> list[bytes]:
    images = []
    for out in cell.get("outputs", []):
        png = out.get("data", {}).get("image/png") if out.get("output_type") in ("display_data", "execute_result") else None
        if png:
            images.append(base64.b64decode("".join(png) if isinstance(png, list) else png))
    return images


def trimmed(text: str, max_lines: int = MAX_LINES) -> str:
    """Printed text for an expected-output block: trailing spaces and blank edges removed, long
    output cut to ``max_lines`` lines (its first lines, a ``...`` line, its last two)."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) > max_lines:
        lines = lines[:max_lines - 3] + ["..."] + lines[-2:]
    return "\n".join(lines)


def with_expected_output(markdown: str, text: str) -> str | None:
    """``markdown`` with the fenced block after its ``**Expected output**`` line holding ``text``;
    None when the cell has no such line followed by a fenced block."""
    lines = markdown.split("\n")
    try:
        at = next(i for i, line in enumerate(lines) if EXPECTED_LINE in line)
        opening = next(i for i in range(at + 1, len(lines)) if lines[i].strip().startswith("```"))
        closing = next(i for i in range(opening + 1, len(lines)) if lines[i].strip() == "```")
    except StopIteration:
        return None
    if any(line.strip() for line in lines[at + 1:opening]):
        return None  # the block must follow the line (blank lines only between)
    fence = lines[opening][:len(lines[opening]) - len(lines[opening].lstrip())] + "```text"
    body = text.split("\n") if text else []
    return "\n".join(lines[:opening] + [fence] + body + [lines[closing]] + lines[closing + 1:])


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _as_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


@dataclass
class Result:
    assignment: str
    seconds: float
    written: list = field(default_factory=list)     # figure files written (changed or new)
    unchanged: list = field(default_factory=list)   # figure files already identical
    outputs: list = field(default_factory=list)     # cell ids whose expected output was updated

    def line(self) -> str:
        figs = len(self.written) + len(self.unchanged)
        return (f"{self.assignment}: Run All of the solved notebook {self.seconds:.1f} s; "
                f"{figs} figure(s) ({len(self.written)} changed), {len(self.outputs)} expected output(s) updated")


def render(course: Course, assignment: str, timeout: int = 600) -> Result:
    """Run the solved notebook of ``assignment``; write its figures and expected outputs."""
    course.info(assignment)
    notebook = course.notebook(assignment)
    if not notebook.is_file():
        raise CourseError(f"{notebook} is missing")
    run = execute(notebook, python=kernel_python(course), timeout=timeout)
    if run.error:
        raise CourseError(f"figures {assignment}: Run All of the solved notebook stopped: {run.error}")
    cells = run.notebook.cells
    figures, expected = {}, {}
    for index, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        names = figure_names(cell)
        if names:
            images = _images(cell)
            where = f"cell id {cell.get('id', '?')} (tagged figure:{', figure:'.join(names)})"
            if not images:
                raise CourseError(f"figures {assignment}: {where} drew no image (does it end with plt.show()?)")
            if len(images) != len(names):
                raise CourseError(f"figures {assignment}: {where} drew {len(images)} images; "
                                  "give it one figure:<name> tag per image, in order")
            for name, png in zip(names, images):
                if name in figures:
                    raise CourseError(f"figures {assignment}: two cells are tagged figure:{name}")
                figures[name] = clean_png(png)
        if EXPECTED_TAG in (cell.get("metadata", {}).get("tags") or []):
            after = cells[index + 1] if index + 1 < len(cells) else None
            if after is None or after.cell_type != "markdown":
                raise CourseError(f"figures {assignment}: cell id {cell.get('id', '?')} is tagged {EXPECTED_TAG} "
                                  "but no markdown cell follows it")
            expected[after.get("id")] = (cell.get("id", "?"), trimmed(cell_text(cell)))
    result = Result(assignment, run.seconds)
    folder = notebook.parent / "figures"
    for name, png in figures.items():
        path = folder / f"{name}.png"
        if path.is_file() and path.read_bytes() == png:
            result.unchanged.append(path)
            continue
        folder.mkdir(exist_ok=True)
        path.write_bytes(png)
        result.written.append(path)
    if expected:
        # re-read the file: apply only the expected-output blocks, by cell id, to what is on disk now
        raw = notebook.read_text(encoding="utf-8")
        nb = json.loads(raw)
        for cell in nb["cells"]:
            if cell.get("id") in expected:
                code_id, text = expected[cell["id"]]
                new = with_expected_output(_source(cell), text)
                if new is None:
                    raise CourseError(f"figures {assignment}: the markdown cell after cell id {code_id} "
                                      f"({EXPECTED_TAG}) needs a line {EXPECTED_LINE} followed by a ```text block")
                if new != _source(cell):
                    cell["source"] = _as_lines(new) if isinstance(cell.get("source"), list) else new
                    result.outputs.append(code_id)
        if result.outputs:
            notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return result


def figures(assignments: list[str] | None = None, course: Course | None = None, timeout: int = 600):
    """Render every named assignment (default: all); yield one line per assignment."""
    course = course or Course.load()
    for name in assignments or course.assignments():
        yield render(course, name, timeout=timeout).line()

