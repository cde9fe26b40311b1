"""Feedback on arrival (`dlcourse serve`, dlcourse/loop.py) on a real nbgrader class and exchange.

Learners submit with nbgrader's own exchange code; the loop collects, grades, records and releases
feedback with nbgrader's; the learner fetches it with nbgrader's fetch_feedback. Most tests grade with
``loop_fakes.fake_grade`` (instant, driven by markers in the notebook) to test the loop's rules; two grade
for real: the gradebook after the deadline equals a class that never ran the loop, and a hanging
submission costs only itself.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from traitlets.config import Config

from dlcourse.course import Course
from dlcourse.errors import CourseError
from dlcourse.inbox import Entry, parse
from dlcourse.loop import HOUR, early_feedback, plan, serve
from loop_fakes import fake_grade

ROOT = Path(__file__).resolve().parent.parent
A = "07_torch_tensors_autograd"
COURSE_ID = "dl-frameworks"
CONFIG = '''import os
c = get_config()  # noqa: F821
load_subconfig("course_config.py", path={checkout!r})  # noqa: F821
here = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = here
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")
c.Exchange.root = os.path.join(here, "exchange")
'''


# --- a class: nbgrader course root + exchange in one folder -----------------------------------
@pytest.fixture(scope="module", autouse=True)
def venv_on_path():
    """nbgrader's Gradebook runs `alembic` from PATH (as nbgrader's CLI in this venv would find it)."""
    from dlcourse.build import nbgrader_env

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATH", nbgrader_env()["PATH"])
        yield


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A course root with 07 generated and released (copied for each test: it is cheap)."""
    from dlcourse.autograde import nbgrader_api

    root = tmp_path_factory.mktemp("released") / "course"
    (root / "exchange").mkdir(parents=True)
    os.chmod(root / "exchange", 0o777)
    shutil.copytree(ROOT / "source" / A, root / "source" / A, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "autograder").symlink_to(ROOT / "autograder")
    (root / "course_config.py").write_text(CONFIG.format(checkout=str(ROOT)))
    (root / "nbgrader_config.py").write_text("load_subconfig('course_config.py')  # noqa: F821\n")
    api = nbgrader_api(Course.load(root))
    for step in (api.generate_assignment(A, force=True), api.release_assignment(A)):
        assert step["success"], step.get("error") or step.get("log")
    return root


@pytest.fixture
def klass(released, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(released, root, symlinks=True)
    return root


def configure(root: Path, **early) -> None:
    """Set 07's early_feedback in the class's course_config.py (the loop re-reads it)."""
    with open(root / "course_config.py", "a") as fh:
        fh.write(f"c.DLCourse.assignments[{A!r}]['early_feedback'] = {early!r}\n")


def set_due(root: Path, when: str) -> None:
    from nbgrader.api import Gradebook
    from nbgrader.utils import parse_utc

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment(A, duedate=parse_utc(when))


def _exchange_app(kind: str, root: Path, student: str):
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import default

    home = root.parent / "home" / student
    home.mkdir(parents=True, exist_ok=True)
    config = Config({"CourseDirectory": {"course_id": COURSE_ID, "student_id": student, "assignment_id": A},
                     "Exchange": {"root": str(root / "exchange"), "cache": str(home / ".cache"),
                                  "assignment_dir": str(home)}})
    coursedir = CourseDirectory(config=config)
    return getattr(default, kind)(coursedir=coursedir, authenticator=Authenticator(config=config), config=config), home


def released_notebook(root: Path) -> dict:
    return json.loads((root / "release" / A / f"{A}.ipynb").read_text())


def submit(root: Path, student: str, marker: str = "", notebook: dict | None = None) -> str:
    """The learner saves ``notebook`` (default: the release plus a cell holding ``marker``) and submits it."""
    app, home = _exchange_app("ExchangeSubmit", root, student)
    nb = notebook or released_notebook(root)
    nb = json.loads(json.dumps(nb))
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": f"mark-{time.time_ns()}", "metadata": {},
                        "outputs": [], "source": f"# {marker} {time.time_ns()}\n"})
    (home / A).mkdir(exist_ok=True)
    (home / A / f"{A}.ipynb").write_text(json.dumps(nb, indent=1))
    app.start()
    return app.timestamp


def fetch_feedback(root: Path, student: str) -> list[Path]:
    """nbgrader's fetch_feedback as the learner (Lab's "Fetch Feedback"): the feedback pages they now have."""
    from nbgrader.exchange import ExchangeError

    app, home = _exchange_app("ExchangeFetchFeedback", root, student)
    try:
        app.start()
    except ExchangeError:   # no feedback released in this course yet
        pass
    return sorted((home / A / "feedback").glob(f"*/{A}.html"))


def run_once(root: Path, monkeypatch, jobs: int = 2, grade_fn=fake_grade) -> list[dict]:
    """``dlcourse serve --once`` on the class; its events (JSON lines) of this run."""
    monkeypatch.setenv("DLCOURSE_ROOT", str(root))
    log = root / ".dlcourse" / "loop" / "events.jsonl"
    before = len(log.read_text().splitlines()) if log.exists() else 0
    assert serve([A], jobs=jobs, once=True, poll=0.2, course=Course.load(root), grade_fn=grade_fn) == 0
    return [json.loads(line) for line in log.read_text().splitlines()[before:]]


def ledger(root: Path) -> dict[str, tuple]:
    db = sqlite3.connect(root / ".dlcourse" / "loop" / "ledger.sqlite")
    rows = {name: (student, status, at) for name, student, status, at in
            db.execute("SELECT name, student, status, at FROM entries ORDER BY submitted")}
    db.close()
    return rows


def gradebook_scores(root: Path, student: str) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return {g.name: g.score for g in gb.find_submission_notebook(A, A, student).grades}


def _events(events, kind):
    return [e for e in events if e["event"] == kind]


# --- the rules, without nbgrader --------------------------------------------------------------
def _entry(name: str, student="ann", submitted=0.0, status="waiting", at=0.0) -> Entry:
    return Entry(name, student, A, "stamp-" + name, submitted, status, at)


def test_plan_grades_the_newest_open_submission_per_learner_and_keeps_the_hourly_rate():
    rules = lambda a: {"enabled": True, "show": "messages", "per_hour": 2}  # noqa: E731
    entries = [_entry("a1", submitted=10), _entry("a2", submitted=20), _entry("b1", "bob", 15)]
    now = 1000.0
    free = plan(entries, set(), rules, lambda a: None, lambda s, a, since: [], now)
    assert {(d.action, d.entry.name) for d in free} == {("grade", "a2"), ("grade", "b1")}
    full = plan(entries, set(), rules, lambda a: None, lambda s, a, since: [now - 600, now - 60] if s == "ann" else [], now)
    wait = next(d for d in full if d.entry.student == "ann")
    assert wait.action == "wait" and wait.entry.name == "a2" and "next at" in wait.note
    # an interrupted grading keeps its slot; a learner already being graded waits for it
    held = [_entry("a1", submitted=10, status="grading", at=now - 5), _entry("a2", submitted=20)]
    assert [(d.action, d.entry.name) for d in plan(held, set(), rules, lambda a: None,
                                                      lambda s, a, since: [now - 600, now - 5], now)] == [("grade", "a2")]
    assert plan(entries, {("ann", A), ("bob", A)}, rules, lambda a: None, lambda s, a, since: [], now) == []


def test_plan_leaves_late_and_disabled_submissions_to_the_instructor():
    on = lambda a: {"enabled": True, "show": "messages", "per_hour": 4}  # noqa: E731
    off = lambda a: {"enabled": False, "show": "messages", "per_hour": 4}  # noqa: E731
    entries = [_entry("a1", submitted=10), _entry("b1", "bob", 15)]
    late = plan(entries, set(), on, lambda a: 12.0, lambda s, a, since: [], now=11.0)
    assert {(d.action, d.entry.name) for d in late} == {("grade", "a1"), ("late", "b1")}
    assert {d.action for d in plan(entries, set(), on, lambda a: 12.0, lambda s, a, since: [], now=12.0)} == {"late"}
    assert {d.action for d in plan(entries, set(), off, lambda a: None, lambda s, a, since: [], now=11.0)} == {"off"}


def test_settings_default_merge_and_reject_mistakes(course):
    assert early_feedback(course, A) == {"enabled": True, "show": "messages", "per_hour": 4}
    config = copy.deepcopy(course.config)   # the session's course stays as it is
    config.DLCourse.early_feedback = {"show": "passed", "per_hour": 6}
    config.DLCourse.assignments = {A: {"early_feedback": {"enabled": False}}, "other": {}}
    mixed = Course(course.root, config)
    assert early_feedback(mixed, A) == {"enabled": False, "show": "passed", "per_hour": 6}
    assert early_feedback(mixed, "other") == {"enabled": True, "show": "passed", "per_hour": 6}
    for bad in ({"show": "everything"}, {"per_hour": 0}, {"enable": True}):
        config.DLCourse.assignments = {A: {"early_feedback": bad}}
        with pytest.raises(CourseError, match="early_feedback"):
            early_feedback(Course(course.root, config), A)


def test_inbound_names_parse_as_nbgrader_writes_them():
    entry = parse("ann+07_torch_tensors_autograd+2026-12-07 05:40:38.123456 UTC+Ab-_cd12")
    assert (entry.student, entry.assignment, entry.stamp) == ("ann", A, "2026-12-07 05:40:38.123456 UTC")
    assert abs(entry.submitted - 1796622038.123456) < 1e-3
    assert parse("ann+07_torch_tensors_autograd+2026-12-07 05:40:38.123456 UTC").student == "ann"
    assert parse("not-a-submission") is None and parse("ann+a+yesterday-ish") is None


# --- the loop on a real class, with the grading stand-in ---------------------------------------
def test_a_submission_is_collected_graded_recorded_and_its_feedback_released(klass, monkeypatch):
    submit(klass, "ann", "FAKE-WRONG")
    submit(klass, "bob")
    events = run_once(klass, monkeypatch)
    assert {e["student"] for e in _events(events, "released")} == {"ann", "bob"}
    assert (klass / "submitted" / "ann" / A / f"{A}.ipynb").exists()
    assert sum(gradebook_scores(klass, "bob").values()) == 30 and sum(gradebook_scores(klass, "ann").values()) == 0
    pages = fetch_feedback(klass, "ann")
    assert len(pages) == 1 and "it does not work" in pages[0].read_text()
    assert fetch_feedback(klass, "bob")
    assert fetch_feedback(klass, "carl") == []   # only one's own feedback: nbgrader's submission secret
    # run again: nothing new, nothing graded again
    assert [e["event"] for e in run_once(klass, monkeypatch)] == ["started", "stopped"]
    assert len((klass / "fake-gradings.log").read_text().splitlines()) == 2


def test_the_rate_limit_supersedes_older_waiting_submissions_and_grades_the_newest(klass, monkeypatch):
    configure(klass, per_hour=2)
    submit(klass, "ann", "first")
    run_once(klass, monkeypatch)
    for i in range(3):
        submit(klass, "ann", f"burst-{i}")
    events = run_once(klass, monkeypatch)
    assert len(_events(events, "superseded")) == 2 and len(_events(events, "released")) == 1
    assert "burst-2" in (klass / "fake-gradings.log").read_text().splitlines()[-1]
    submit(klass, "ann", "third-in-the-hour")
    events = run_once(klass, monkeypatch)
    assert [e["event"] for e in events if e["event"] != "arrived"] == ["started", "waiting", "stopped"]
    assert "2 graded in the last hour" in _events(events, "waiting")[0]["text"]
    assert len(fetch_feedback(klass, "ann")) == 2
    # an hour later the window frees and the waiting submission is graded
    db = sqlite3.connect(klass / ".dlcourse" / "loop" / "ledger.sqlite")
    db.execute("UPDATE entries SET at = at - ? WHERE status = 'graded'", (HOUR,))
    db.commit()
    db.close()
    events = run_once(klass, monkeypatch)
    assert len(_events(events, "released")) == 1 and len(fetch_feedback(klass, "ann")) == 3


def test_show_nothing_records_without_releasing_and_disabled_or_late_does_nothing(klass, monkeypatch):
    configure(klass, show="nothing")
    submit(klass, "ann")
    events = run_once(klass, monkeypatch)
    assert _events(events, "recorded") and not _events(events, "released")
    assert sum(gradebook_scores(klass, "ann").values()) == 30 and fetch_feedback(klass, "ann") == []
    configure(klass, enabled=False)
    submit(klass, "bob")
    assert _events(run_once(klass, monkeypatch), "off")
    configure(klass, enabled=True)
    set_due(klass, "2020-01-01 00:00:00 UTC")
    submit(klass, "carl")
    events = run_once(klass, monkeypatch)
    assert _events(events, "late") and not _events(events, "grading")
    assert not (klass / "submitted" / "bob").exists() and not (klass / "submitted" / "carl").exists()


def test_a_grading_process_that_dies_costs_only_its_submission(klass, monkeypatch):
    submit(klass, "ann", "FAKE-DIE")
    for student in ("bob", "carl"):
        submit(klass, student)
    events = run_once(klass, monkeypatch)
    assert {e["student"] for e in _events(events, "released")} == {"bob", "carl"}
    failed = _events(events, "failed")
    assert [e["student"] for e in failed] == ["ann"] and "died" in failed[0]["text"]


def test_a_job_submitted_after_a_grading_process_died_gets_fresh_processes():
    """The race CI once hit: a process dies before the next submission reaches the pool."""
    from concurrent.futures.process import BrokenProcessPool

    from dlcourse.pool import WarmPool

    pool = WarmPool(1)
    try:
        died, first = pool.submit(os._exit, 3)
        with pytest.raises(BrokenProcessPool):
            died.result(timeout=120)
        again, second = pool.submit(abs, -5)
        assert again.result(timeout=120) == 5 and second == first + 1
    finally:
        pool.close()


def test_killed_mid_burst_the_loop_resumes_without_grading_twice_or_losing_one(klass):
    learners = [f"s{i:02d}" for i in range(12)]
    for student in learners:
        submit(klass, student, "FAKE-SLEEP=0.7")
    env = dict(os.environ, DLCOURSE_ROOT=str(klass), PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), str(ROOT)]))
    code = ("import sys; from loop_fakes import fake_grade; from dlcourse.loop import serve; "
            f"sys.exit(serve([{A!r}], jobs=2, once={{once}}, poll=0.2, grade_fn=fake_grade, warm=False))")
    first = subprocess.Popen([sys.executable, "-c", code.format(once=False)], env=env, cwd=klass,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    store = klass / ".dlcourse" / "results" / A
    deadline = time.monotonic() + 240
    while len(list(store.glob("*.json"))) < 4 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.1)
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_at = time.time()
    done_before = {p.stem for p in store.glob("*.json")}
    assert 4 <= len(done_before) < len(learners)
    time.sleep(1)   # its grading processes die with it (PR_SET_PDEATHSIG): nothing grades after the kill
    gradings = [json.loads(line) for line in (klass / "fake-gradings.log").read_text().splitlines()]
    assert not [g for g in gradings if g["t"] > killed_at + 0.5]
    done = subprocess.run([sys.executable, "-c", code.format(once=True)], env=env, cwd=klass, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    gradings = [json.loads(line) for line in (klass / "fake-gradings.log").read_text().splitlines()]
    again = [g["student"] for g in gradings if g["t"] > killed_at + 0.5 and g["student"] in done_before]
    assert not again, f"graded twice: {again}"
    assert {student for student, status, _ in ledger(klass).values() if status == "graded"} == set(learners)
    assert all(fetch_feedback(klass, student) for student in learners)


# --- real grading -------------------------------------------------------------------------------
def _mistake(root: Path) -> dict:
    from dlcourse.demo import _solved, _with_cell

    mutant = (ROOT / "tests" / "mutants" / A / "best_device_always_cpu.py").read_text()
    return _with_cell(_solved(Course.load(ROOT), A, released_notebook(root)), mutant)


def test_after_the_deadline_the_gradebook_holds_what_it_would_without_the_loop(klass, tmp_path, monkeypatch):
    """The loop grades before the deadline; then the instructor's collect + autograde, as without it."""
    from dlcourse.autograde import autograde, nbgrader_api
    from dlcourse.grade import grade_job

    mistake = _mistake(klass)
    submit(klass, "ann", notebook=mistake)
    events = run_once(klass, monkeypatch, jobs=1, grade_fn=grade_job)
    released = _events(events, "released")
    assert released and 0 < released[0]["score"] < released[0]["max_score"]
    page = fetch_feedback(klass, "ann")[0].read_text()
    assert "best_device" in page
    before = gradebook_scores(klass, "ann")
    assert before["check_best_device"] < 2 and sum(before.values()) == pytest.approx(released[0]["score"])
    # the deadline passes; a last, late submission is left alone by the loop
    set_due(klass, "2020-01-01 00:00:00 UTC")
    submit(klass, "ann", "late", notebook=mistake)
    assert _events(run_once(klass, monkeypatch, jobs=1, grade_fn=grade_job), "late")
    # a copy of the class as it is now, where no loop ever ran
    plain = tmp_path / "plain"
    shutil.copytree(klass, plain, symlinks=True, ignore=shutil.ignore_patterns("submitted", "autograded", "feedback",
                                                                              ".dlcourse", "gradebook.db"))
    for root in (klass, plain):   # the instructor's usual workflow
        course = Course.load(root)
        api = nbgrader_api(course)
        if root == plain:
            assert api.generate_assignment(A, force=True)["success"]
            set_due(plain, "2020-01-01 00:00:00 UTC")
        assert api.collect(A)["success"]
        monkeypatch.setenv("DLCOURSE_ROOT", str(root))
        assert autograde(A, jobs=1, course=course) == 0
    assert gradebook_scores(klass, "ann") == gradebook_scores(plain, "ann") == before


def test_a_hanging_submission_costs_only_itself(klass, monkeypatch):
    from dlcourse.grade import grade_job
    from dlcourse.demo import _solved, _with_cell

    with open(klass / "course_config.py", "a") as fh:   # a short leash, so the test is quick
        fh.write(f"c.DLCourse.assignments[{A!r}].update(test_timeout=5, total_timeout=30)\n")
    solved = _solved(Course.load(ROOT), A, released_notebook(klass))
    hang = "import time\n\ndef best_device(*args, **kwargs):\n    while True:\n        time.sleep(1)\n"
    submit(klass, "hangs", notebook=_with_cell(solved, hang))
    submit(klass, "ann", notebook=solved)
    start = time.perf_counter()
    events = run_once(klass, monkeypatch, jobs=2, grade_fn=grade_job)
    released = {e["student"]: e for e in _events(events, "released")}
    assert set(released) == {"hangs", "ann"}, events
    assert released["ann"]["score"] == released["ann"]["max_score"]
    assert released["hangs"]["score"] < released["hangs"]["max_score"]
    assert released["ann"]["t"] < released["hangs"]["t"], "the good submission waited for the hanging one"
    assert time.perf_counter() - start < 120
