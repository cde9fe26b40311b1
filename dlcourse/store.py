"""A class's grading results on disk: one JSON file per learner, replaced atomically.

Grading a class is resumable because each result is written whole or not at all, and a
result is reused only for the exact submission (by digest) it was computed for.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from .errors import CourseError
from .loader import load, load_notebook
from .report import Result


def submission_digest(path: Path) -> str:
    """A digest of what grading sees: the learner's code cells (so outputs and test cells don't count)."""
    try:
        return _digest(load(Path(path)))
    except CourseError:
        return hashlib.sha256(Path(path).read_bytes() if Path(path).is_file() else b"").hexdigest()


def notebook_digest(nb: dict, path: Path) -> str:
    """``submission_digest`` of the notebook ``nb`` once written to ``path``, without writing it (raises
    ``CourseError`` where it has no code to grade: then the digest is that of the file's bytes)."""
    return _digest(load_notebook(nb, path))


def _digest(submission) -> str:
    return hashlib.sha256(submission.module_text()[0].encode("utf-8")).hexdigest()


class ResultStore:
    """Results of one assignment, keyed by learner and submission digest."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _path(self, student: str) -> Path:
        return self.folder / f"{student}.json"

    def _read(self, student: str) -> dict | None:
        try:
            return json.loads(self._path(student).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write(self, student: str, record: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{student}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self._path(student))

    def get(self, student: str, digest: str) -> Result | None:
        """The stored result for exactly this submission, if any."""
        record = self._read(student)
        if record and record.get("digest") == digest:
            return Result(**record["result"])
        return None

    def put(self, student: str, digest: str, result: Result) -> None:
        self._write(student, {"digest": digest, "result": asdict(result), "recorded": False})

    def recorded(self, student: str, digest: str) -> bool:
        """Whether this submission's result is already in the gradebook."""
        record = self._read(student)
        return bool(record and record.get("digest") == digest and record.get("recorded"))

    def mark_recorded(self, student: str) -> None:
        record = self._read(student)
        if record:
            record["recorded"] = True
            self._write(student, record)

    def results(self) -> dict[str, Result]:
        """Every stored result, by learner."""
        out = {}
        for path in sorted(self.folder.glob("*.json")):
            record = self._read(path.stem)
            if record:
                out[path.stem] = Result(**record["result"])
        return out


def result_store(nbgrader_root: Path, assignment: str) -> ResultStore:
    """Where a course's class results of ``assignment`` live (beside nbgrader's folders)."""
    return ResultStore(Path(nbgrader_root) / ".dlcourse" / "results" / assignment)
