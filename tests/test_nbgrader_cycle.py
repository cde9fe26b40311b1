"""The instructor's cycle through nbgrader's real CLI on a simulated class (release, fetch,
submit, collect, autograde with the hidden graders, feedback, export), and class grading
that survives SIGKILL."""
import csv
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dlcourse.cleanup import descendants, live
from dlcourse.demo import DEFAULT_ASSIGNMENT as A, Nbgrader, demo
from dlcourse.store import result_store
from dlcourse.verify import cases



@pytest.fixture(scope="module")
def cycle(tmp_path_factory, course):
    base = tmp_path_factory.mktemp("class")
    assert demo(A, jobs=2, base=base) == 0
    return base


def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_class_has_at_least_six_learners_in_the_gradebook(cycle):
    learners = {r["student_id"] for r in _rows(cycle / "grades.csv")}
    assert len(learners) >= 6 and {"reference", "stub", "tampered-cells", "broken-json"} <= learners


def test_per_question_scores_follow_what_each_learner_broke(cycle, course):
    breaks = {"mistake-" + c.name.replace("_", "-"): c.breaks for c in cases(course, A) if c.kind == "mutant"}
    rows = _rows(cycle / "grades_by_question.csv")
    assert rows, "no per-question rows exported"
    for row in rows:
        question, score, top = row["question"].removeprefix("check_"), float(row["score"]), float(row["max_score"])
        learner = row["student_id"]
        if learner in ("reference", "tampered-cells", "forger"):  # edited/deleted test cells change nothing
            assert score == top, (learner, question)
        elif learner in ("stub", "broken-json"):
            assert score == 0, (learner, question)
        else:
            assert (score < top) == (question in breaks[learner]), (learner, question, score, top)


def test_a_forging_attempt_needs_manual_grading_with_its_evidence(cycle):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{cycle / 'gradebook.db'}") as gradebook:
        flagged = {learner: gradebook.find_submission_notebook(A, A, learner) for learner in ("forger", "reference")}
        assert all(g.needs_manual_grade for g in flagged["forger"].grades)
        assert not any(g.needs_manual_grade for g in flagged["reference"].grades)
        comments = [c.auto_comment or "" for c in flagged["forger"].comments]
        assert any("imported the grading tool" in c for c in comments), comments


def _gradebook_rows(db: Path, learners: list[str]) -> dict:
    from nbgrader.api import Gradebook, MissingEntry

    rows = {}
    with Gradebook(f"sqlite:///{db}") as gradebook:
        for learner in learners:
            try:
                notebook = gradebook.find_submission_notebook(A, A, learner)
            except MissingEntry:
                rows[learner] = None
                continue
            rows[learner] = (sorted((g.name, g.auto_score, g.needs_manual_grade) for g in notebook.grades),
                             sorted((c.name, c.auto_comment) for c in notebook.comments),
                             notebook.late_submission_penalty, notebook.assignment.timestamp)
    return rows


def _autograded(base: Path, learner: str) -> str:
    """The autograded notebook, with the random ids nbgrader gives the cells it puts back masked."""
    cells = json.loads((base / "autograded" / learner / A / f"{A}.ipynb").read_text(encoding="utf-8"))
    for cell in cells["cells"]:
        cell["id"] = cell["id"] if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") is None else "-"
    return json.dumps(cells, sort_keys=True)


def _copy_class(cycle: Path, to: Path, course):
    from dlcourse.autograde import nbgrader_api

    shutil.copytree(cycle, to)
    return nbgrader_api(course, Nbgrader(course, to).overrides)


def test_the_batch_records_what_nbgraders_own_autograde_records(cycle, course, tmp_path):
    """`dlcourse autograde` records a batch of learners per transaction, each notebook in one pass
    (dlcourse/gradebook.py); nbgrader's own autograde, one learner at a time, writes the same rows and files."""
    from dlcourse.gradebook import Recorder, one_engine

    learners = sorted({r["student_id"] for r in _rows(cycle / "grades.csv")} - {"broken-json"})
    stock, batched = _copy_class(cycle, tmp_path / "stock", course), _copy_class(cycle, tmp_path / "batched", course)
    for learner in learners:
        assert stock.autograde(A, learner, force=True, create=True)["success"], learner
    with one_engine():
        assert Recorder(batched, A).record(learners) == dict.fromkeys(learners, True)
    assert _gradebook_rows(tmp_path / "batched" / "gradebook.db", learners) == \
        _gradebook_rows(tmp_path / "stock" / "gradebook.db", learners)
    for learner in learners:
        assert _autograded(tmp_path / "batched", learner) == _autograded(tmp_path / "stock", learner), learner


def test_a_batch_with_an_unreadable_notebook_is_recorded_learner_by_learner(cycle, course, tmp_path):
    from dlcourse.gradebook import Recorder, one_engine

    api = _copy_class(cycle, tmp_path / "class", course)
    with one_engine():
        assert Recorder(api, A).record(["reference", "broken-json"]) == {"reference": True, "broken-json": False}
    rows = _gradebook_rows(tmp_path / "class" / "gradebook.db", ["reference", "broken-json"])
    assert rows == _gradebook_rows(cycle / "gradebook.db", ["reference", "broken-json"])


def test_a_recording_killed_mid_batch_leaves_none_of_the_batch_and_records_it_again(cycle, course, tmp_path):
    """Safe to kill at any point: a batch is one transaction, so a kill during it rolls back all of it."""
    from nbgrader.api import Gradebook

    learners = ["reference", "stub", "forger"]
    _copy_class(cycle, tmp_path / "class", course)
    db = tmp_path / "class" / "gradebook.db"
    with Gradebook(f"sqlite:///{db}") as gradebook:
        for learner in learners:
            gradebook.remove_submission(A, learner)
    code = textwrap.dedent(f"""
        import os, signal, sys
        from pathlib import Path
        from dlcourse.autograde import nbgrader_api
        from dlcourse.course import Course
        from dlcourse.demo import Nbgrader
        from dlcourse.gradebook import OnePassAutograde, Recorder, one_engine

        course = Course.load()
        api = nbgrader_api(course, Nbgrader(course, Path({str(tmp_path / 'class')!r})).overrides)
        real, done = OnePassAutograde.convert_single_notebook, []

        def convert(self, filename):   # with "kill": killed once the second learner's notebook is written
            real(self, filename)
            done.append(filename)
            if len(done) == 2 and sys.argv[1] == "kill":
                os.kill(os.getpid(), signal.SIGKILL)

        OnePassAutograde.convert_single_notebook = convert
        with one_engine():
            print(Recorder(api, {A!r}).record({learners!r}))
    """)
    env = dict(os.environ, DLCOURSE_ROOT=str(course.root))
    killed = subprocess.run([sys.executable, "-c", code, "kill"], cwd=course.root, env=env, capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert _gradebook_rows(db, learners) == dict.fromkeys(learners), "a killed batch left rows behind"
    again = subprocess.run([sys.executable, "-c", code, "go"], cwd=course.root, env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "False" not in again.stdout, again.stderr[-2000:]
    assert _gradebook_rows(db, learners) == _gradebook_rows(cycle / "gradebook.db", learners)


def test_exported_totals_equal_the_stored_results(cycle):
    results = result_store(cycle, A).results()
    for row in _rows(cycle / "grades.csv"):
        assert float(row["score"]) == pytest.approx(results[row["student_id"]].score), row["student_id"]


def test_feedback_explains_failures_without_hidden_test_source(cycle, course):
    public = course.notebook(A).read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in (course.root / "tests" / "mutants" / A).glob("*.py"))
    hidden = set()  # lines of the hidden tests that the learner's own notebook does not hold
    for path in (course.root / "autograder" / A).glob("*.py"):
        hidden |= {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                   if len(line.strip()) > 24 and line.strip() not in public}
    feedback = sorted((cycle / "feedback").glob(f"*/{A}/{A}.html"))
    assert len(feedback) >= 6
    for page in feedback:
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{page}: hidden test source in feedback: {leaked[:3]}"
        assert "def test_" not in text and "@graded" not in text
    mistake = next(p for p in feedback if "mistake-" in str(p)).read_text(encoding="utf-8")
    assert "[FAILED]" in mistake and "[passed]" in mistake


def test_nbgrader_autograde_cli_gives_the_same_scores(cycle, course):
    """Stock `nbgrader autograde`, our step in its pipeline, grading afresh: the same totals."""
    totals = {r["student_id"]: float(r["score"]) for r in _rows(cycle / "grades.csv")}
    shutil.rmtree(cycle / ".dlcourse")
    nbgrader = Nbgrader(course, cycle)
    learners = ["reference", "stub", next(s for s in totals if s.startswith("mistake-"))]
    start = time.perf_counter()
    for learner in learners:
        nbgrader.instructor("autograde", A, "--force", f"--student={learner}")
    print(f"nbgrader autograde: {len(learners)} submissions in {time.perf_counter() - start:.1f} s")
    nbgrader.instructor("export", f"--to={cycle / 'again.csv'}")
    again = {r["student_id"]: float(r["score"]) for r in _rows(cycle / "again.csv")}
    assert {s: again[s] for s in learners} == {s: totals[s] for s in learners}


def test_class_grading_resumes_after_sigkill_grading_each_once(cycle, course):
    store = result_store(cycle, A)
    shutil.rmtree(store.folder, ignore_errors=True)
    code = ("import sys; from pathlib import Path; from dlcourse.demo import Nbgrader; from dlcourse.course import Course;"
            "from dlcourse.autograde import autograde; c = Course.load();"
            f"sys.exit(autograde({A!r}, jobs=1, course=c, overrides=Nbgrader(c, Path({str(cycle)!r})).overrides))")
    env = dict(os.environ, DLCOURSE_ROOT=str(course.root))
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=course.root, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while len(list(store.folder.glob("*.json"))) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    tree = descendants(proc.pid)   # grading processes and their sandboxes
    assert tree, "autograde should be grading in child processes"
    os.kill(proc.pid, signal.SIGKILL)   # the parent alone: what it started must not outlive it
    proc.wait()
    deadline = time.monotonic() + 20
    while live(tree) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = live(tree)
    os.killpg(proc.pid, signal.SIGKILL)
    assert not left, f"{len(left)} processes outlived the killed autograde, e.g. pid {left[0]}"
    before = {p.stem: json.loads(p.read_text())["result"]["seed"] for p in store.folder.glob("*.json")}
    everyone = len(_rows(cycle / "grades.csv"))
    assert 2 <= len(before) < everyone, "the kill should land half-way through the class"
    done = subprocess.run([sys.executable, "-c", code], cwd=course.root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert f"{len(before)} graded before" in done.stdout
    after = {p.stem: json.loads(p.read_text())["result"]["seed"] for p in store.folder.glob("*.json")}
    assert len(after) == everyone and all(after[s] == seed for s, seed in before.items()), "a finished result was regraded"
    assert not list(store.folder.glob(".*.tmp")), "a half-written result was left behind"
    # graded again by one process (killed and resumed): the same scores as the fixture's --jobs 2
    jobs2 = {r["student_id"]: float(r["score"]) for r in _rows(cycle / "grades.csv")}
    jobs1 = {p.stem: json.loads(p.read_text())["result"]["score"] for p in store.folder.glob("*.json")}
    assert jobs1 == jobs2
