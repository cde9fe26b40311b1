"""Feedback on arrival (``dlcourse serve``): grade each new submission in nbgrader's exchange and release its feedback.

Each tick takes new entries of the exchange into the ledger (inbox.py) and asks ``plan`` what to do
with the waiting ones: per learner and assignment, grade the newest if an hourly slot is free (older
ones are superseded), leave late or disabled ones to the instructor. A picked submission is collected
for that learner with nbgrader's collect, graded in warm grading processes, stored (store.py, so
nothing is graded twice), recorded with nbgrader's autograde, and its feedback generated and released
with nbgrader's, so the learner's "Fetch Feedback" in Lab finds it.
"""
from __future__ import annotations

import datetime
import json
import logging
import os
import signal
import sys
import threading
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .autograde import nbgrader_api
from .course import Course
from .errors import CourseError
from .grade import grade_job
from .gradebook import one_engine
from .inbox import FAILED, GRADED, GRADING, LATE, OFF, OPEN, SUPERSEDED, WAITING, Entry, Ledger, scan
from .pool import WarmPool, run_all
from .report import Result
from .store import result_store, submission_digest

HOUR = 3600.0
SHOWS = ("nothing", "passed", "messages")
DEFAULTS = {"enabled": True, "show": "messages", "per_hour": 4}


def early_feedback(course: Course, assignment: str) -> dict:
    """An assignment's early-feedback settings: defaults, then ``c.DLCourse.early_feedback``, then its own."""
    merged = dict(DEFAULTS)
    for layer in (course.settings.get("early_feedback"), course.info(assignment).get("early_feedback")):
        merged.update(dict(layer or {}))
    where = f"early_feedback of {assignment} in course_config.py"
    if set(merged) - set(DEFAULTS):
        raise CourseError(f"{where}: unknown keys {sorted(set(merged) - set(DEFAULTS))}; known: {sorted(DEFAULTS)}")
    if merged["show"] not in SHOWS:
        raise CourseError(f"{where}: show must be one of {', '.join(SHOWS)} (got {merged['show']!r})")
    if not isinstance(merged["per_hour"], int) or merged["per_hour"] < 1:
        raise CourseError(f"{where}: per_hour must be a whole number >= 1 (set enabled False to turn it off)")
    merged["enabled"] = bool(merged["enabled"])
    return merged


def iso(t: float) -> str:
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def epoch(when) -> float:
    """nbgrader's naive-UTC datetime (or a text nbgrader parses) as seconds since the epoch."""
    from nbgrader.utils import parse_utc

    return parse_utc(when).replace(tzinfo=datetime.timezone.utc).timestamp()


@dataclass
class Decision:
    action: str    # grade | supersede | late | off | wait
    entry: Entry
    note: str = ""


def plan(entries: list[Entry], busy: set, settings: Callable, due: Callable, slots: Callable,
         now: float) -> list[Decision]:
    """What to do now with each open entry (pure: the loop acts on it).

    Per learner and assignment, one grading at a time; the newest open entry is graded when fewer than
    ``per_hour`` gradings took a slot in the last hour (an interrupted grading keeps its slot), and the
    older ones are superseded by it. Disabled assignments and anything at or past the due date are left
    to the instructor's usual workflow.
    """
    groups: dict[tuple, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: e.submitted):
        groups.setdefault((entry.student, entry.assignment), []).append(entry)
    decisions = []
    for (student, assignment), group in groups.items():
        if (student, assignment) in busy:
            continue
        rules, deadline = settings(assignment), due(assignment)
        if not rules["enabled"]:
            decisions += [Decision("off", e, "early feedback is off: left to the instructor") for e in group]
            continue
        if deadline is not None:
            late = [e for e in group if now >= deadline or e.submitted > deadline]
            decisions += [Decision("late", e, "at or past the due date: left to the instructor's collect") for e in late]
            group = [e for e in group if e not in late]
        if not group:
            continue
        held = any(e.status == GRADING for e in group)
        used = slots(student, assignment, now - HOUR)
        if not held and len(used) >= rules["per_hour"]:
            frees = used[len(used) - rules["per_hour"]] + HOUR
            decisions.append(Decision("wait", group[-1], f"{rules['per_hour']} graded in the last hour; next at {iso(frees)}"))
            continue
        decisions.append(Decision("grade", group[-1]))
    return decisions


class Events:
    """One line per event: for people on ``out``, and as JSON lines in ``path`` for tools."""

    def __init__(self, path: Path, out):
        self.path, self.out = path, out
        path.parent.mkdir(parents=True, exist_ok=True)

    def __call__(self, event: str, entry: Entry | None = None, text: str = "", **fields) -> None:
        now = time.time()
        record = {"time": iso(now), "t": round(now, 3), "event": event}
        if entry is not None:
            record.update(student=entry.student, assignment=entry.assignment, submission=entry.name)
        record.update(fields, text=text)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
        who = f" {entry.student} {entry.assignment}" if entry is not None else ""
        print(f"{record['time']} {event:<10s}{who}{': ' + text if text else ''}", file=self.out, flush=True)


@dataclass
class Job:
    entry: Entry
    path: Path
    digest: str
    slot: float
    started: float = field(default_factory=time.time)
    future: object = None
    generation: int = 0


def warm_job(job) -> None:
    """In a grading process: grade the released stub once, so the graders are imported and a warm sandbox waits."""
    from .grade import grade

    assignment, root = job
    course = Course.load(Path(root))
    grade(assignment, course.notebook(assignment, "release"), course=course)


class LoopError(Exception):
    """A step of nbgrader's failed for one submission."""


class Loop:
    """The loop's state: the course, nbgrader's API, the ledger, the gradings in flight."""

    def __init__(self, course: Course, assignments=(), jobs: int = 2, out=sys.stdout, grade_fn=grade_job):
        self.course, self.only, self.grade_fn = course, set(assignments) or None, grade_fn
        self.api = nbgrader_api(course)
        self.root = Path(self.api.coursedir.root)
        self.inbound = Path(self.api.exchange_root) / self.api.coursedir.course_id / "inbound"
        folder = self.root / ".dlcourse" / "loop"
        self.ledger = Ledger(folder / "ledger.sqlite")
        self.events = Events(folder / "events.jsonl", out)
        self.known = self.ledger.names()
        self.pool = WarmPool(jobs)
        self.flight: dict[tuple, Job] = {}
        self._feedback_apis: dict[str, object] = {}
        self._dues: dict[str, tuple] = {}
        self._retries: dict[str, int] = {}
        self._warmed: dict[str, int] = {}   # assignment -> the pool generation warmed for it
        self._config_mtime = self._mtime()

    # --- settings ---------------------------------------------------------------------------
    def _mtime(self) -> float:
        try:
            return (self.course.root / "course_config.py").stat().st_mtime
        except OSError:
            return 0.0

    def _refresh(self) -> None:
        """Re-read course_config.py when it changed, so early-feedback settings apply without a restart."""
        mtime = self._mtime()
        if mtime == self._config_mtime:
            return
        self._config_mtime = mtime
        try:
            course = Course.load(self.course.root)
            for assignment in course.assignments():
                early_feedback(course, assignment)
        except CourseError as exc:
            self.events("config", text=f"course_config.py changed but is not usable; keeping the previous settings ({exc})")
            return
        self.course, self._dues = course, {}
        self.events("config", text="course_config.py changed: early-feedback settings re-read")

    def settings(self, assignment: str) -> dict:
        try:
            return early_feedback(self.course, assignment)
        except CourseError:   # not one of the course's assignments (c.DLCourse.assignments): not ours to grade
            return dict(DEFAULTS, enabled=False)

    def due(self, assignment: str) -> float | None:
        """The due date (epoch): the gradebook's if it has one, else course_config.py's ``due``; read every 30 s."""
        cached = self._dues.get(assignment)
        if cached and time.time() - cached[1] < 30:
            return cached[0]
        from nbgrader.api import Gradebook, MissingEntry

        value = None
        with warnings.catch_warnings(), Gradebook(self.api.coursedir.db_url, self.api.coursedir.course_id) as gb:
            warnings.simplefilter("ignore")
            try:
                value = gb.find_assignment(assignment).duedate
            except MissingEntry:
                pass
        value = value or self.course.settings.get("assignments", {}).get(assignment, {}).get("due")
        self._dues[assignment] = (epoch(value) if value else None, time.time())
        return self._dues[assignment][0]

    def feedback_api(self, show: str):
        """nbgrader's API whose generate_feedback shows ``show`` (feedback.py's FeedbackSummary reads it)."""
        if show not in self._feedback_apis:
            self._feedback_apis[show] = nbgrader_api(self.course, {"FeedbackSummary": {"show": show}})
        return self._feedback_apis[show]

    def store(self, assignment: str):
        return result_store(self.root, assignment)

    # --- one tick -----------------------------------------------------------------------------
    def tick(self) -> int:
        """Take in new entries and act on the plan; how many submissions it started grading."""
        now = time.time()
        self._refresh()
        for entry in scan(self.inbound, self.only, self.known):
            self.ledger.add(entry, now)
            self.known.add(entry.name)
            self.events("arrived", entry, f"submitted {iso(entry.submitted)}")
        waiting = [e for e in self.ledger.open() if not self.only or e.assignment in self.only]
        decisions = plan(waiting, set(self.flight), self.settings, self.due, self.ledger.slots, now)
        reused: list[tuple[Job, Result]] = []
        with one_engine():   # nbgrader's collects of this tick share one gradebook engine
            started = sum(self._start(d.entry, now, reused) for d in decisions if d.action == "grade")
        for job, result in reused:
            self._finish(job, result)
        for d in decisions:
            if d.action == "grade":
                continue
            elif d.action == "wait":
                if d.entry.note != d.note:   # said once, not every tick
                    self.ledger.set(d.entry.name, WAITING, d.entry.at, d.note)
                    self.events("waiting", d.entry, d.note)
            else:
                self.ledger.set(d.entry.name, {"late": LATE, "off": OFF}[d.action], now, d.note)
                self.events(d.action, d.entry, d.note)
        return started

    def warm(self, now: float, most: int = 2) -> None:
        """Warm the grading processes for the released, open assignments due soonest (at most ``most``).

        The first submission then costs what any other does: the graders imported and a sandbox
        with the frameworks waiting, in each process (they keep two idle; warm.py).
        """
        try:
            released = [d.name for d in os.scandir(self.inbound.parent / "outbound") if d.is_dir()]
        except FileNotFoundError:
            return
        candidates = []
        for assignment in released:
            if (self.only and assignment not in self.only) or not self.settings(assignment)["enabled"]:
                continue
            due = self.due(assignment)
            if due is None or now < due:
                candidates.append((due if due is not None else float("inf"), assignment))
        for _, assignment in sorted(candidates)[:most]:
            if self._warmed.get(assignment) == self.pool.generation and self.pool.generation:
                continue
            for _ in range(self.pool.jobs):   # one each: a busy process leaves the next job to an idle one
                _, generation = self.pool.submit(warm_job, (assignment, str(self.course.root)))
            self._warmed[assignment] = generation
            self.events("warming", text=f"{assignment}: {self.pool.jobs} grading processes load its graders and frameworks")

    def _collect(self, student: str, assignment: str) -> str | None:
        """nbgrader's collect for one learner; the timestamp of what it collected (None: try again next tick)."""
        from nbgrader.utils import temp_attrs

        with temp_attrs(self.api.coursedir, student_id=student):
            outcome = self.api.collect(assignment)
        if not outcome["success"]:
            raise LoopError("nbgrader collect failed: " + _last_line(outcome))
        stamp = self._folder(student, assignment) / "timestamp.txt"
        return stamp.read_text(encoding="utf-8").strip() if stamp.exists() else None

    def _folder(self, student: str, assignment: str) -> Path:
        cd = self.api.coursedir
        return Path(cd.format_path(cd.submitted_directory, student, assignment))

    def _start(self, entry: Entry, now: float, reused: list) -> int:
        """Collect the learner's newest submission and start grading it (or add its stored result to ``reused``)."""
        student, assignment = entry.student, entry.assignment
        try:
            stamp = self._collect(student, assignment)
        except Exception as exc:  # one learner's failure is logged; the loop goes on
            self._fail(entry, f"{type(exc).__name__}: {exc}")
            return 0
        mine = self.ledger.of(student, assignment)
        collected = next((e for e in mine if e.stamp == stamp), None)
        if collected is None or collected.submitted < entry.submitted:
            # collect raced a submission still being copied (next tick sees it whole), or took another one
            self._retries[entry.name] = self._retries.get(entry.name, 0) + 1
            if self._retries[entry.name] >= 5:
                self._fail(entry, f"nbgrader's collect took another submission ({stamp}) five times")
            return 0
        held = next((e.at for e in mine if e.status == GRADING), None)   # a slot an interrupted grading took
        for e in mine:
            if e.status in OPEN and e.submitted < collected.submitted:
                self.ledger.set(e.name, SUPERSEDED, now, f"superseded by the submission of {collected.stamp}")
                self.events("superseded", e, f"a newer submission ({collected.stamp}) is graded instead")
        if collected.status not in OPEN:
            return 0
        slot = held if held is not None else now
        self.ledger.set(collected.name, GRADING, slot)
        path = self._folder(student, assignment) / f"{assignment}.ipynb"
        job = Job(collected, path, submission_digest(path), slot)
        stored = self.store(assignment).get(student, job.digest)
        if stored is not None:
            self.events("grading", collected, "this code was graded before: its stored result is used")
            reused.append((job, stored))
            return 1
        job.future, job.generation = self.pool.submit(self.grade_fn, (assignment, str(path), str(self.course.root)))
        self.flight[(student, assignment)] = job
        self.events("grading", collected, f"submitted {now - collected.submitted:.1f} s ago")
        return 1

    # --- results ------------------------------------------------------------------------------
    def harvest(self, timeout: float) -> int:
        """Wait up to ``timeout`` s for gradings to end; record and release each that did. How many ended."""
        if not self.flight:
            return 0
        done, _ = wait([job.future for job in self.flight.values()], timeout, FIRST_COMPLETED)
        ended = [(key, job) for key, job in self.flight.items() if job.future in done]
        for key, job in ended:
            del self.flight[key]
            result = self._result(job)
            if result is not None:
                self.store(job.entry.assignment).put(job.entry.student, job.digest, result)
                self._finish(job, result)
        return len(ended)

    def _result(self, job: Job) -> Result | None:
        try:
            return job.future.result()
        except BrokenProcessPool:   # a grading process died: every job in it is graded again, alone
            self.pool.close(job.generation)   # broken: the next job starts fresh processes
            got = {}
            item = (job.entry.assignment, str(job.path), str(self.course.root))
            run_all(self.grade_fn, [item], 1, lambda _, value, error: got.update(value=value, error=error))
            if got.get("error"):
                self._fail(job.entry, got["error"])
            return got.get("value")
        except Exception as exc:
            self._fail(job.entry, f"grading failed: {type(exc).__name__}: {exc}")
            return None

    def _finish(self, job: Job, result: Result) -> None:
        """Record the result with nbgrader's autograde; generate and release the feedback unless show is nothing."""
        entry, store = job.entry, self.store(job.entry.assignment)
        student, assignment = entry.student, entry.assignment
        show = self.settings(assignment)["show"]
        graded = time.time()
        try:
            with warnings.catch_warnings(), one_engine():
                warnings.simplefilter("ignore")  # nbgrader's own SQLAlchemy and nbformat warnings
                # always: a resubmission of the same code is a new submission (timestamp, secret) to record;
                # HiddenGraders finds the stored result, so this grades nothing
                _check(self.api.autograde(assignment, student, force=True, create=True), "autograde")
                store.mark_recorded(student)
                recorded = time.time()
                if show != "nothing":
                    _check(self.feedback_api(show).generate_feedback(assignment, student), "generate_feedback")
                    _check(self.api.release_feedback(assignment, student), "release_feedback")
        except Exception as exc:
            self._fail(entry, f"{type(exc).__name__}: {exc}")
            return
        score = f"{result.score:g}/{result.max_score:g}"
        self.ledger.set(entry.name, GRADED, job.slot, score)
        now = time.time()
        latency = now - entry.submitted
        what = "feedback released" if show != "nothing" else "recorded (show: nothing, no feedback released)"
        self.events("released" if show != "nothing" else "recorded", entry,
                    f"{score}, {what} {latency:.1f} s after submitting (grading {graded - job.started:.1f} s, "
                    f"gradebook {recorded - graded:.1f} s, feedback {now - recorded:.1f} s)",
                    score=result.score, max_score=result.max_score, latency_s=round(latency, 2), show=show,
                    grading_s=round(graded - job.started, 2), gradebook_s=round(recorded - graded, 2),
                    feedback_s=round(now - recorded, 2))

    def _fail(self, entry: Entry, why: str) -> None:
        self.ledger.set(entry.name, FAILED, time.time(), why[:500])
        self.events("failed", entry, why.splitlines()[0][:300] + " (left to the instructor's workflow)")

    def close(self) -> None:
        self.pool.close()
        self.ledger.close()


def _last_line(outcome: dict) -> str:
    text = (outcome.get("error") or outcome.get("log") or "").strip().splitlines()
    return text[-1] if text else "no output"


def _check(outcome: dict, step: str) -> None:
    if not outcome["success"]:
        raise LoopError(f"nbgrader {step} failed: {_last_line(outcome)}")


def serve(assignments=(), jobs: int = 2, once: bool = False, poll: float = 2.0, out=sys.stdout,
          course: Course | None = None, grade_fn=grade_job, warm: bool = True) -> int:
    """Watch the exchange and give feedback on arrival until stopped (``once``: until nothing is left to start).

    ``warm``: keep the grading processes warm for the released assignments due soonest (not with ``once``).
    """
    course = course or Course.load()
    for assignment in assignments or course.assignments():
        early_feedback(course, assignment)   # a typo in the settings stops here, with where it is
    logging.getLogger("traitlets").setLevel(logging.WARNING)   # nbgrader's per-step INFO lines; ours say it
    loop = Loop(course, assignments, jobs, out, grade_fn)
    previous = signal.signal(signal.SIGTERM, _stop) if threading.current_thread() is threading.main_thread() else None
    which = ", ".join(assignments) if assignments else "every assignment"
    loop.events("started", text=f"watching {loop.inbound} for {which}; {jobs} grading processes, every {poll:g} s")
    try:
        while True:
            if warm and not once:
                loop.warm(time.time())
            started = loop.tick()
            if once and not started and not loop.flight:
                break
            if loop.flight:
                loop.harvest(poll)
            elif not once:
                time.sleep(poll)
    except KeyboardInterrupt:
        pass
    finally:
        loop.events("stopped", text=f"{len(loop.flight)} grading(s) interrupted; a restart takes them up again")
        loop.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _stop(signum, frame):
    raise KeyboardInterrupt   # SIGTERM (the hub stopping its service) ends the loop like Ctrl-C
