"""A folder of submissions downloaded from an LMS, graded in one command: who is who, and the newest.

Canvas names each file ``<name>_<userid>_<submissionid>_<original name>`` (``<name>_LATE_<userid>...``
for a late one); Moodle gives each learner a folder ``<Full Name>_<userid>_assignsubmission_file_``;
a Gradescope export gives ``submission_<id>/``. The learner id comes from the file's name, then its
folders' names, through the first pattern that matches (``c.DLCourse.learner_id_patterns``, regexes
with a group ``learner``); a file that matches none is graded under its own name, with a warning.
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import CourseError
from .report import Result

DEFAULT_PATTERNS = {
    "canvas": r"^(?P<learner>[A-Za-z0-9-]+?)_(?:LATE_|late_)?(?P<userid>\d+)_\d+_.+\.(?:ipynb|py)$",
    "moodle": r"^(?P<learner>.+?)_\d+_assignsubmission_(?:file|onlinetext)_?$",
    "gradescope": r"^(?P<learner>submission_\d+)$",
}
SUFFIXES = (".ipynb", ".py")


@dataclass
class Found:
    """The submissions of a download: learner id -> file, and what the instructor should know."""

    chosen: dict[str, Path]
    warnings: list[str]


def learner_of(path: Path, top: Path, patterns: dict[str, str]) -> str | None:
    """The learner id of ``path`` (a file below ``top``): from its name, else from its folders' names."""
    for name in [path.name, *(p.name for p in path.relative_to(top).parents if p.name)]:
        for pattern in patterns.values():
            found = re.match(pattern, name)
            if found:
                learner = found.group("learner")
                userid = found.groupdict().get("userid")
                return re.sub(r"[^A-Za-z0-9._-]+", "-", f"{learner}_{userid}" if userid else learner).strip("-")
    return None


def find(paths: list[Path], patterns: dict[str, str] | None = None) -> Found:
    """Every notebook or .py file under ``paths``, by learner; of two files of one learner, the newest."""
    patterns = patterns or DEFAULT_PATTERNS
    files: list[tuple[Path, Path]] = []
    for top in map(Path, paths):
        if top.is_file():
            files.append((top, top.parent))
        elif top.is_dir():
            files += [(p, top) for p in sorted(top.rglob("*")) if p.is_file() and p.suffix in SUFFIXES
                      and not any(part.startswith(".") for part in p.relative_to(top).parts)]
        else:
            raise CourseError(f"{top} does not exist; give the files or folders of the download")
    by_learner: dict[str, list[Path]] = {}
    warnings = []
    for path, top in files:
        learner = learner_of(path, top, patterns)
        if learner is None:
            learner = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem)
            warnings.append(f"{path.name}: no learner id pattern matches; graded as {learner!r} "
                            f"(set c.DLCourse.learner_id_patterns for your LMS)")
        by_learner.setdefault(learner, []).append(path)
    chosen = {}
    for learner, found in sorted(by_learner.items()):
        newest = max(found, key=lambda p: (p.stat().st_mtime, p.name))
        chosen[learner] = newest
        for other in found:
            if other != newest:
                warnings.append(f"{learner}: {other.name} is older than {newest.name}; only the newest is graded")
    return Found(chosen, warnings)


def write_outputs(results: dict[str, Result], problems: dict[str, str], folder: Path) -> tuple[Path, Path]:
    """``grades.csv`` (learner, total, points per question) and ``results.jsonl`` (one result a line)."""
    folder.mkdir(parents=True, exist_ok=True)
    questions: list[str] = []
    for result in results.values():
        questions += [q for q in result.by_function() if q not in questions]
    csv_path, jsonl_path = folder / "grades.csv", folder / "results.jsonl"
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["learner", "total", "max", *questions, "problem"])
        for learner in sorted(set(results) | set(problems)):
            result = results.get(learner)
            if result is None:
                out.writerow([learner, "", "", *[""] * len(questions), problems[learner]])
                continue
            per = result.by_function()
            out.writerow([learner, f"{result.score:g}", f"{result.max_score:g}",
                          *[f"{per[q][0]:g}" if q in per else "" for q in questions],
                          "; ".join([*result.errors[:1], *result.flags[:1]])])
    with open(jsonl_path, "w", encoding="utf-8") as fh:
        for learner in sorted(results):
            fh.write(json.dumps({"learner": learner, **asdict(results[learner])}) + "\n")
    return csv_path, jsonl_path


def grade_download(assignment: str, paths: list[Path], jobs: int = 2, out: Path | None = None,
                   course=None, say=print) -> tuple[dict[str, Result], Path, Path]:
    """Grade every learner of a download with the warm pool, resumably; write the CSV and JSON lines."""
    from .autograde import progress
    from .grade import grade_job
    from .course import Course
    from .pool import run_all
    from .store import ResultStore, submission_digest

    course = course or Course.load()
    course.info(assignment)
    found = find(paths, course.settings.get("learner_id_patterns") or DEFAULT_PATTERNS)
    for warning in found.warnings:
        say(f"note: {warning}")
    out = Path(out) if out else Path(paths[0]).resolve().parent / f"{assignment}-grades"
    store = ResultStore(out / ".results")
    digests = {learner: submission_digest(path) for learner, path in found.chosen.items()}
    todo = [learner for learner in found.chosen if store.get(learner, digests[learner]) is None]
    say(f"{assignment}: {len(found.chosen)} learners, {len(found.chosen) - len(todo)} graded before; "
        f"grading {len(todo)} with {jobs} jobs")
    problems: dict[str, str] = {}
    by_path = {str(found.chosen[learner]): learner for learner in todo}
    with progress(len(todo), "grading") as bar:
        def done(job, result, error):
            learner = by_path[job[1]]
            if error:
                problems[learner] = error
            else:
                store.put(learner, digests[learner], result)
            bar.update()
        run_all(grade_job, [(assignment, str(found.chosen[s]), str(course.root)) for s in todo], jobs, done)
    results = {s: r for s, r in store.results().items() if s in found.chosen}
    csv_path, jsonl_path = write_outputs(results, problems, out)
    return results, csv_path, jsonl_path
