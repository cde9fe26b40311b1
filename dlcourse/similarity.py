"""Pairs of learners whose graded functions are near-identical beyond the released template.

For the instructor to look at, never to change a grade. Each graded function of each learner is
compared with copydetect (winnowed fingerprints of the tokenised code, so renamed variables still
match) against the same function of every other learner; the released stub counts as boilerplate.
"""
from __future__ import annotations

import ast
import contextlib
import io
import logging
import tempfile
from pathlib import Path

from .errors import CourseError
from .loader import load

THRESHOLD = 0.9


def functions_of(path: Path, names: set[str]) -> dict[str, str]:
    """The source of each top-level def/class in ``names`` of a submission (empty if it cannot be read)."""
    try:
        tree = ast.parse(load(path).module_text()[0])
    except (CourseError, SyntaxError, ValueError):
        return {}
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in names:
            found[node.name] = ast.unparse(node)   # comments and layout never count
    return found


def similar_pairs(submissions: dict[str, Path], template: Path, names: set[str],
                  threshold: float = THRESHOLD) -> list[dict]:
    """[{"learners": (a, b), "functions": {name: similarity}}], most similar first."""
    from copydetect import CopyDetector

    with tempfile.TemporaryDirectory(prefix="dlcourse-similar-") as tmp:
        root, boiler = Path(tmp) / "learners", Path(tmp) / "template"
        for name, code in functions_of(template, names).items():
            (boiler / name).mkdir(parents=True, exist_ok=True)
            (boiler / name / f"{name}.py").write_text(code + "\n", encoding="utf-8")
        boiler.mkdir(exist_ok=True)
        for learner, path in submissions.items():
            for name, code in functions_of(path, names).items():
                (root / learner).mkdir(parents=True, exist_ok=True)
                (root / learner / f"{name}.py").write_text(code + "\n", encoding="utf-8")
        if not root.is_dir():
            return []
        detector = CopyDetector(test_dirs=[str(root)], ref_dirs=[str(root)], boilerplate_dirs=[str(boiler)],
                                extensions=["py"], same_name_only=True, ignore_leaf=True, display_t=threshold,
                                silent=True, autoopen=False, out_file=str(Path(tmp) / "unused.html"))
        logging.disable(logging.WARNING)
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                detector.run()
                copied = detector.get_copied_code_list()
        finally:
            logging.disable(logging.NOTSET)
    pairs: dict[tuple[str, str], dict[str, float]] = {}
    for test_sim, ref_sim, test_file, ref_file, *_ in copied:
        a, b = sorted((Path(test_file).parent.name, Path(ref_file).parent.name))
        if a != b:
            pairs.setdefault((a, b), {})[Path(test_file).stem] = round(float(min(test_sim, ref_sim)), 3)
    out = [{"learners": key, "functions": dict(sorted(fns.items()))} for key, fns in pairs.items()]
    return sorted(out, key=lambda p: (-len(p["functions"]), -max(p["functions"].values()), p["learners"]))
