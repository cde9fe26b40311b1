"""The instructor's server warms the formgrader's grading: the assignment to grade next, and a sandbox it reuses."""
import copy
import logging
import threading

from dlcourse import server_warm, warm
from dlcourse.course import Course
from dlcourse.grade import grade
from dlcourse.loop import epoch

A07 = "07_torch_tensors_autograd"


def with_dues(course, dues: dict) -> Course:
    config = copy.deepcopy(course.config)
    config.DLCourse.assignments = {a: {**info, "due": dues[a]} if a in dues else
                                   {k: v for k, v in info.items() if k != "due"}
                                   for a, info in config.DLCourse.assignments.items()}
    return Course(course.root, config)


def test_the_assignment_most_recently_due_is_graded_next(course):
    dues = {"01_tf_tensors_graphs": "2027-01-25 17:00:00 UTC", "02_tf_function": "2027-02-01 17:00:00 UTC",
            "03_tf_custom_layers": "2027-02-08 17:00:00 UTC"}
    c = with_dues(course, dues)
    assert server_warm.to_grade_next(c, epoch("2027-02-03 09:00:00")) == "02_tf_function"
    assert server_warm.to_grade_next(c, epoch("2027-03-01 09:00:00")) == "03_tf_custom_layers"
    # before any deadline: the one due soonest
    assert server_warm.to_grade_next(c, epoch("2026-12-07 09:00:00")) == "01_tf_tensors_graphs"


def test_the_first_autograde_reuses_the_sandbox_the_warm_up_left(course):
    warm.close_all()
    server_warm.warm_up(course, A07)
    idle = list(warm._idle)
    assert len(idle) == 1 and idle[0].preload == ["torch"] and idle[0].runs == 1
    result = grade(A07, course.solution(A07), course=course)
    assert result.score == result.max_score
    assert idle[0] in warm._idle and idle[0].runs == 2, "the reference was graded in another sandbox"
    warm.close_all()


def test_the_extension_warms_in_the_background_and_never_raises(monkeypatch, course, caplog):
    calls = []
    monkeypatch.setattr(server_warm, "to_grade_next", lambda c, now: A07)
    monkeypatch.setattr(server_warm, "warm_up", lambda c, a: calls.append(a) or 1 / 0)
    monkeypatch.setenv("DLCOURSE_ROOT", str(course.root))

    class App:
        log = logging.getLogger("server")

    before = set(threading.enumerate())
    with caplog.at_level(logging.WARNING, "server"):
        server_warm._load_jupyter_server_extension(App())
        for thread in set(threading.enumerate()) - before:
            thread.join(30)
    assert calls == [A07]
    assert "could not warm" in caplog.text and "ZeroDivisionError" in caplog.text
