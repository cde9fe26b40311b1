"""Mutation testing of the graders: automatic mutants of every graded function of the reference.

Each operator changes one place of one graded function in ``solutions/<a>.py``; each mutant is graded
by the hidden tests of that function only, with the warm parallel pool, and is **killed** (it lost
points), **survived** (full marks: the graders miss it, unless it is listed as equivalent), or
**timeout**. ``tests/mutation/<a>.json`` lists the equivalent mutants, each with a one-line reason:
``{"equivalent": {"<mutant id>": "why it computes the same"}}``.

The operators are the classic ones (arithmetic, comparison, boolean, constant, statement deletion)
plus this field's typical slips: ``axis``/``dim`` moved, ``keepdims`` flipped, ``reduction`` mean↔sum,
``training`` flipped, ``.eval()``/``.train()``/``zero_grad()``/``no_grad`` dropped, off-by-one slices,
float32↔float64, in-place↔out-of-place. They are written on Python's ``ast`` (no maintained mutation
library runs its mutants through a grading sandbox; their operators are the same classic set).
"""
from __future__ import annotations

import ast
import copy
import hashlib
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .course import Course
from .pool import run_all
from .verify import notebook_points

_ARITH = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult,
          ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv}
_COMPARE = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
            ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_DROPPED_CALLS = {"eval", "train", "zero_grad", "backward", "step", "reset_states", "update_state",
                  "set_seed", "manual_seed", "seed", "detach", "contiguous", "flush", "close"}
_DTYPES = {"float32": "float64", "float64": "float32", "float16": "float32", "bfloat16": "float32",
           "int32": "int64", "int64": "int32"}
_FLAGS = {"keepdims", "keepdim", "training", "shuffle", "from_logits", "persistent", "requires_grad",
          "drop_last", "return_sequences", "return_state", "dynamic", "trainable", "inplace", "non_blocking"}


@dataclass
class Mutant:
    """One change to one graded function: its stable id, what it changed, and the mutated source."""

    id: str
    function: str
    operator: str
    line: int
    description: str
    source: str


def _edits(node: ast.AST):
    """(operator, description, apply) for every single change this node allows; apply() mutates in place."""
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
        new = _ARITH[type(node.op)]
        yield "arithmetic", f"{type(node.op).__name__} -> {new.__name__}", lambda: setattr(node, "op", new())
    if isinstance(node, ast.AugAssign) and type(node.op) in _ARITH:
        new = _ARITH[type(node.op)]
        yield "arithmetic", f"{type(node.op).__name__}= -> {new.__name__}=", lambda: setattr(node, "op", new())
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        new = _COMPARE[type(node.ops[0])]
        yield "comparison", f"{type(node.ops[0]).__name__} -> {new.__name__}", lambda: setattr(node, "ops", [new()])
    if isinstance(node, ast.BoolOp):
        new = ast.Or if isinstance(node.op, ast.And) else ast.And
        yield "boolean", f"{type(node.op).__name__} -> {new.__name__}", lambda: setattr(node, "op", new())
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
        yield "boolean", f"drop {type(node.op).__name__}", lambda: _replace(node, node.operand)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float) and not isinstance(node.value, bool):
        yield "constant", f"{node.value!r} -> {node.value + 1!r}", lambda: setattr(node, "value", node.value + 1)
        if node.value not in (0, 0.0):
            yield "constant", f"{node.value!r} -> 0", lambda: setattr(node, "value", type(node.value)(0))
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield "constant", f"{node.value} -> {not node.value}", lambda: setattr(node, "value", not node.value)
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in _DTYPES:
        yield "dtype", f"{node.value} -> {_DTYPES[node.value]}", lambda: setattr(node, "value", _DTYPES[node.value])
    if isinstance(node, ast.Attribute) and node.attr in _DTYPES and isinstance(node.ctx, ast.Load):
        yield "dtype", f".{node.attr} -> .{_DTYPES[node.attr]}", lambda: setattr(node, "attr", _DTYPES[node.attr])
    if isinstance(node, ast.keyword) and node.arg in ("axis", "dim") and isinstance(node.value, ast.Constant) \
            and type(node.value.value) is int:
        v = node.value.value
        for new in sorted({v + 1, v - 1, -1} - {v}):
            yield "axis", f"{node.arg}={v} -> {node.arg}={new}", lambda new=new: setattr(node.value, "value", new)
    if isinstance(node, ast.keyword) and node.arg in _FLAGS and isinstance(node.value, ast.Constant) \
            and isinstance(node.value.value, bool):
        yield "flag", f"{node.arg}={node.value.value} -> {not node.value.value}", \
            lambda: setattr(node.value, "value", not node.value.value)
    if isinstance(node, ast.keyword) and node.arg == "reduction" and isinstance(node.value, ast.Constant) \
            and node.value.value in ("mean", "sum"):
        new = "sum" if node.value.value == "mean" else "mean"
        yield "reduction", f"reduction={node.value.value!r} -> {new!r}", lambda: setattr(node.value, "value", new)
    if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
        if node.attr.endswith("_") and not node.attr.startswith("_") and len(node.attr) > 2:
            yield "inplace", f".{node.attr} -> .{node.attr[:-1]}", lambda: setattr(node, "attr", node.attr[:-1])
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        for part in ("lower", "upper"):
            bound = getattr(node.slice, part)
            if bound is not None:
                yield "slice", f"off by one in a slice's {part} bound", \
                    lambda bound=bound, part=part: setattr(node.slice, part, ast.BinOp(bound, ast.Add(), ast.Constant(1)))


def _replace(node: ast.AST, new: ast.AST) -> None:
    """Make ``node`` become ``new`` (same object identity in the parent's fields)."""
    node.__class__ = new.__class__
    node.__dict__.clear()
    node.__dict__.update(copy.deepcopy(new).__dict__)


def _statement_edits(body: list[ast.stmt]):
    """Dropping one statement of this field's typical kind: a call like ``model.eval()``, a ``no_grad`` block."""
    for i, stmt in enumerate(body):
        call = stmt.value if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) else None
        name = getattr(call.func, "attr", getattr(call.func, "id", "")) if call is not None else ""
        if name in _DROPPED_CALLS:
            yield "drop-call", f"drop {name}()", lambda i=i: body.__setitem__(i, ast.Pass())
        if isinstance(stmt, ast.With) and any("no_grad" in ast.unparse(item.context_expr) for item in stmt.items):
            yield "drop-no_grad", "run the no_grad block with autograd on", \
                lambda i=i, stmt=stmt: body.__setitem__(i, ast.If(ast.Constant(True), stmt.body, []))


def _graded_nodes(tree: ast.Module, names: set[str]) -> dict[str, ast.AST]:
    return {node.name: node for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in names}


def mutants(source: str, names: set[str]) -> list[Mutant]:
    """Every single-change mutant of the graded functions/classes ``names`` in a solution's ``source``."""
    tree = ast.parse(source)
    found, seen = [], set()
    for name, top in _graded_nodes(tree, names).items():
        index = 0
        while True:
            work = ast.parse(source)
            target = _graded_nodes(work, {name})[name]
            edits = []
            for node in ast.walk(target):
                for body_field in ("body", "orelse", "finalbody"):
                    body = getattr(node, body_field, None)
                    if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                        edits.extend((node, e) for e in _statement_edits(body))
                edits.extend((node, e) for e in _edits(node))
            if index >= len(edits):
                break
            node, (operator, description, apply) = edits[index]
            line = getattr(node, "lineno", top.lineno)
            apply()
            try:
                text = ast.unparse(ast.fix_missing_locations(work))
            except Exception:  # an edit that makes no valid program is no mutant
                index += 1
                continue
            digest = hashlib.sha1(text.encode()).hexdigest()[:8]
            if digest not in seen:
                seen.add(digest)
                ident = f"{name}:{operator}:{line - top.lineno + 1}:{digest}"
                found.append(Mutant(ident, name, operator, line, description, text))
            index += 1
    return found


def _grade_mutant(job):
    from .grade import grade

    assignment, function, path, root = job
    result = grade(assignment, path, course=Course.load(Path(root)), functions=[function])
    outcomes = {t["outcome"] for t in result.tests}
    return {"score": result.score, "max": result.max_score, "timeout": "timeout" in outcomes}


def equivalents(course: Course, assignment: str) -> dict[str, str]:
    """The mutants listed as equivalent (id -> reason) in tests/mutation/<a>.json."""
    path = course.root / "tests" / "mutation" / f"{assignment}.json"
    return json.loads(path.read_text(encoding="utf-8")).get("equivalent", {}) if path.is_file() else {}


def mutate(assignments: list[str] | None = None, jobs: int = 2, limit: int | None = None,
           course: Course | None = None, out=print) -> dict[str, dict]:
    """Generate and grade the mutants of each assignment; a summary per assignment (and each survivor)."""
    course = course or Course.load()
    summary = {}
    for assignment in assignments or course.assignments():
        names = set(notebook_points(course, assignment))
        source = course.solution(assignment).read_text(encoding="utf-8")
        found = mutants(source, names)
        if limit:  # an even sample over the functions, the same every time
            found = sorted(found, key=lambda m: hashlib.sha1(m.id.encode()).hexdigest())[:limit]
        known = equivalents(course, assignment)
        results: dict[str, dict] = {}
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="dlcourse-mutate-") as tmp:
            jobs_list = []
            for m in found:
                path = Path(tmp) / f"{m.function}_{len(jobs_list)}.py"
                path.write_text(m.source, encoding="utf-8")
                jobs_list.append((assignment, m.function, str(path), str(course.root)))
            by_path = {job[2]: m for job, m in zip(jobs_list, found)}

            def done(job, value, error):
                m = by_path[job[2]]
                if error:
                    results[m.id] = {"status": "error", "detail": error}
                elif value["timeout"] and value["score"] >= value["max"]:
                    results[m.id] = {"status": "timeout"}
                elif value["score"] < value["max"]:
                    results[m.id] = {"status": "killed"}
                else:
                    results[m.id] = {"status": "equivalent" if m.id in known else "survived"}
            run_all(_grade_mutant, jobs_list, jobs, done)
        count = {s: sum(r["status"] == s for r in results.values()) for s in ("killed", "survived", "equivalent", "timeout", "error")}
        scored = len(found) - count["equivalent"]
        score = (count["killed"] + count["timeout"]) / scored if scored else 1.0
        survivors = [{"id": m.id, "line": m.line, "operator": m.operator, "change": m.description}
                     for m in found if results.get(m.id, {}).get("status") == "survived"]
        summary[assignment] = {"generated": len(found), **count, "score": round(score, 4),
                               "seconds": round(time.perf_counter() - start, 1), "survivors": survivors}
        out(f"{assignment}: {len(found)} mutants, {count['killed']} killed, {count['equivalent']} equivalent, "
            f"{count['survived']} survived, {count['timeout']} timed out, {count['error']} errors; "
            f"mutation score {score:.1%}")
        for s in survivors:
            out(f"  survived {s['id']} (line {s['line']}): {s['change']}")
    return summary


_BEGIN, _END = "<!-- mutation:begin -->", "<!-- mutation:end -->"


def write_fidelity(summary: dict[str, dict], command: str, course: Course | None = None) -> Path:
    """Store each assignment's run in tests/mutation/<a>.json and rewrite docs/fidelity.md's score table."""
    course = course or Course.load()
    folder = course.root / "tests" / "mutation"
    folder.mkdir(parents=True, exist_ok=True)
    today = time.strftime("%Y-%m-%d")
    for assignment, result in summary.items():
        path = folder / f"{assignment}.json"
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"equivalent": {}}
        data["last_run"] = {"date": today, "command": command, **result}
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    rows = ["| assignment | generated | killed | equivalent | survived | timed out | errors | mutation score | run |",
            "|---|---|---|---|---|---|---|---|---|"]
    for path in sorted(folder.glob("*.json")):
        run = json.loads(path.read_text(encoding="utf-8")).get("last_run")
        if run:
            rows.append(f"| {path.stem} | {run['generated']} | {run['killed']} | {run['equivalent']} | {run['survived']} "
                        f"| {run['timeout']} | {run['error']} | {run['score']:.1%} | {run['date']}: `{run['command']}` |")
    doc = course.root / "docs" / "fidelity.md"
    text = doc.read_text(encoding="utf-8") if doc.is_file() else f"# How good the graders are\n\n{_BEGIN}\n{_END}\n"
    head, rest = text.split(_BEGIN, 1)
    doc.write_text(head + _BEGIN + "\n" + "\n".join(rows) + "\n" + _END + rest.split(_END, 1)[1], encoding="utf-8")
    return doc
