"""The feedback page a learner can act on (issue 21, item 3).

A reference notebook of 07 with one typical mistake goes through nbgrader's cycle (generate_assignment,
our autograde, nbgrader's generate_feedback by its CLI and by its API); the page is parsed: the summary
is at the top, one row per question in notebook order with the gradebook's points, the lost test's
one-line message under its question, links whose targets exist, and nothing of the hidden tests.
With ``FeedbackSummary.show = "passed"`` the messages are gone, from the summary and the test cells.
A headless Chromium follows a link and takes a screenshot (run/artifacts/feedback/).
"""
import html
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dlcourse.autograde import autograde, nbgrader_api
from dlcourse.demo import Nbgrader, _solved, _with_cell
from dlcourse.feedback import SEE_NOTE, notebook_order, parse_test_cells, summary, summary_text
from dlcourse.report import Result
from dlcourse.store import result_store

A = "07_torch_tensors_autograd"
MISTAKE = "freeze_substring"   # breaks one test of `freeze`: 1 point lost
LEARNER = "ada"
ROOT = Path(__file__).resolve().parent.parent
ART = ROOT / "run" / "artifacts" / "feedback"


@pytest.fixture(scope="module")
def cycle(course, tmp_path_factory):
    base = tmp_path_factory.mktemp("feedback")
    shutil.copytree(course.root / "source" / A, base / "source" / A)
    nbgrader = Nbgrader(course, base)
    nbgrader.instructor("generate_assignment", A, "--force")
    released = json.loads((base / "release" / A / f"{A}.ipynb").read_text(encoding="utf-8"))
    mistake = (ROOT / "tests" / "mutants" / A / f"{MISTAKE}.py").read_text(encoding="utf-8")
    submitted = base / "submitted" / LEARNER / A / f"{A}.ipynb"
    submitted.parent.mkdir(parents=True)
    submitted.write_text(json.dumps(_with_cell(_solved(course, A, released), mistake), indent=1), encoding="utf-8")
    assert autograde(A, jobs=1, course=course, overrides=nbgrader.overrides) == 0
    page = base / "feedback" / LEARNER / A / f"{A}.html"
    nbgrader.instructor("generate_feedback", A, "--force")          # the CLI, as the instructor and the demo run it
    messages = page.read_text(encoding="utf-8")
    api = nbgrader_api(course, {**nbgrader.overrides, "FeedbackSummary": {"show": "passed"}})
    assert api.generate_feedback(A, LEARNER, force=True)["success"]  # the API, as `dlcourse serve` runs it
    passed = page.read_text(encoding="utf-8")
    page.write_text(messages, encoding="utf-8")
    return {"base": base, "page": page, "messages": messages, "passed": passed,
            "result": result_store(base, A).results()[LEARNER]}


def _grades(base: Path) -> dict[str, tuple[float, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{base / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(A, A, LEARNER)
        return {g.name.removeprefix("check_"): (g.score, g.max_score) for g in notebook.grades
                if g.name.startswith("check_")}


def _rows(soup) -> dict[str, dict]:
    rows = {}
    for tr in soup.select("#dlcourse-summary tr.dlcourse-row"):
        got, top = tr.select_one(".dlcourse-points").get_text().split("/")
        rows[tr["data-function"]] = {"points": (float(got), float(top)), "tr": tr,
                                     "lost": [li.get_text() for li in tr.select(".dlcourse-lost li")]}
    return rows


def _targets(soup) -> set[str]:
    return {t.get("id") for t in soup.find_all(id=True)} | {t.get("name") for t in soup.find_all("a", attrs={"name": True})}


def test_the_summary_tops_the_page_with_the_gradebooks_points(cycle, course):
    soup = BeautifulSoup(cycle["messages"], "html.parser")
    summary_div = soup.select_one("#dlcourse-summary")
    assert summary_div is not None, "no summary on the feedback page"
    first_cell = soup.select_one("#notebook-container .cell")
    assert summary_div.sourceline < first_cell.sourceline, "the summary must come before the notebook"
    assert "Test cell</a>" not in cycle["messages"], "nbgrader's list of 'Test cell' lines should be replaced"
    rows = _rows(soup)
    order = notebook_order(cycle["base"] / "release" / A / f"{A}.ipynb")
    assert list(rows) == order, "one row per graded function, in the notebook's order"
    assert {fn: r["points"] for fn, r in rows.items()} == _grades(cycle["base"]), "points differ from the gradebook"
    failing: dict[str, list[str]] = {}
    for t in cycle["result"].tests:
        if t["outcome"] != "passed":
            failing.setdefault(t["function"], []).append(t["message"])
    assert "freeze" in failing, "the mistake should fail a test of freeze"
    assert rows["freeze"]["points"][0] < rows["freeze"]["points"][1]
    assert failing["freeze"][0] in rows["freeze"]["lost"], "the failed test's message is under its question"
    expected = {r["function"]: r["lost"] for r in summary(cycle["result"])}
    for fn, row in rows.items():  # under each question, the message of each failed test, once
        assert row["lost"] == expected[fn], fn
        assert ("all tests passed" in row["tr"].get_text()) == (fn not in failing), fn


def test_each_question_links_to_its_exercise_and_its_test_results(cycle):
    soup = BeautifulSoup(cycle["messages"], "html.parser")
    targets = _targets(soup)
    for fn, row in _rows(soup).items():
        question = row["tr"].select_one("a.dlcourse-question")["href"].lstrip("#")
        details = row["tr"].select_one("a.dlcourse-details")["href"].lstrip("#")
        assert question == f"exercise-{fn}" and question in targets, (fn, question)
        assert details == f"check_{fn}" and details in targets, (fn, details)
        # the anchor sits on the exercise's own heading
        heading = soup.find(id=question).find_next(["h1", "h2", "h3", "h4"])
        assert "Exercise" in heading.get_text() and fn in heading.get_text(), heading.get_text()


def test_nothing_of_the_hidden_tests_beyond_their_messages(cycle, course):
    public = course.notebook(A).read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in (course.root / "tests" / "mutants" / A).glob("*.py"))
    hidden = set()
    for path in (course.root / "autograder" / A).glob("*.py"):
        hidden |= {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                   if len(line.strip()) > 24 and line.strip() not in public}
    messages = {t["message"] for t in cycle["result"].tests if t["message"]}
    for mode in ("messages", "passed"):
        text = html.unescape(re.sub(r"<[^>]+>", "", cycle[mode]))
        for message in messages:
            text = text.replace(message, "")
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{mode}: hidden test source on the page: {leaked[:3]}"
        assert "def test_" not in text and "@graded" not in text


def test_show_passed_names_the_failing_test_without_its_message(cycle):
    soup = BeautifulSoup(cycle["passed"], "html.parser")
    rows = _rows(soup)
    assert {fn: r["points"] for fn, r in rows.items()} == _grades(cycle["base"])
    failing = next(t for t in cycle["result"].tests if t["outcome"] != "passed" and t["function"] == "freeze")
    assert failing["name"].removeprefix("test_").replace("_", " ") in rows["freeze"]["lost"]
    assert failing["message"] not in html.unescape(cycle["passed"]), "a test's message is on the page"
    assert failing["message"] in html.unescape(cycle["messages"])
    assert "[FAILED]" in cycle["passed"] and "[passed]" in cycle["passed"], "the test cells still say which pass"


def test_a_learner_follows_a_link_in_a_browser(cycle):
    from playwright.sync_api import sync_playwright

    assert "http://" not in cycle["messages"].split('id="dlcourse-summary"')[1].split("</table>")[0]
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    assert os.access(chromium, os.X_OK), "Debian's chromium is not installed (scripts/setup.sh installs it)"
    ART.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.route("**/*", lambda route: route.abort() if route.request.url.startswith("http") else route.continue_())
        page.goto(cycle["page"].as_uri())
        summary_box = page.locator("#dlcourse-summary").bounding_box()
        assert summary_box and summary_box["y"] < 200, "the summary should be the first thing a learner sees"
        assert page.locator("tr.dlcourse-row").count() == len(notebook_order(cycle["base"] / "release" / A / f"{A}.ipynb"))
        page.screenshot(path=str(ART / "feedback-top.png"))
        page.locator('tr[data-function="freeze"] a.dlcourse-question').click()
        page.wait_for_function("window.scrollY > 0")
        top = page.evaluate("document.getElementById('exercise-freeze').getBoundingClientRect().top")
        assert abs(top) < 50, f"the link should bring the exercise to the top of the window ({top})"
        page.screenshot(path=str(ART / "feedback-exercise.png"))
        browser.close()
    assert (ART / "feedback-top.png").stat().st_size > 10_000


# -- the summary itself, without nbgrader ----------------------------------------------------

def _result(errors=()) -> Result:
    tests = [{"name": "test_b_ok", "function": "b", "points": 1.0, "max_points": 1.0, "outcome": "passed", "message": ""},
             {"name": "test_a_shape", "function": "a", "points": 0.0, "max_points": 2.0, "outcome": "failed",
              "message": "a returns the wrong shape"},
             {"name": "test_a_twice", "function": "a", "points": 0.0, "max_points": 1.0, "outcome": "failed",
              "message": "a returns the wrong shape"},
             {"name": "test_a_dtype", "function": "a", "points": 1.0, "max_points": 1.0, "outcome": "passed", "message": ""},
             {"name": "test_c_runs", "function": "c", "points": 0.0, "max_points": 1.0, "outcome": "error",
              "message": errors[0] if errors else ""}]
    return Result("x", "x.ipynb", 2.0, 6.0, tests, list(errors))


def test_summary_rows_in_order_with_each_lost_message_once():
    rows = summary(_result(), order=["c", "a", "b"])
    assert [(r["function"], r["points"], r["max_points"]) for r in rows] == [("c", 0, 1), ("a", 1, 4), ("b", 1, 1)]
    assert rows[1]["lost"] == ["a returns the wrong shape"] and rows[2]["lost"] == []
    assert rows[0]["lost"] == ["c runs: error"], "a test without a message is named"
    assert [r["function"] for r in summary(_result())] == ["b", "a", "c"], "without an order: the order tests ran"
    assert summary(_result(), "passed", order=["a"])[0]["lost"] == ["a shape", "a twice"]
    with pytest.raises(ValueError):
        summary(_result(), "everything")


def test_summary_text_for_gradescope_and_otter():
    from dlcourse.gradescope_run import to_gradescope

    broken = _result(errors=("cell 3 has a syntax error",))
    text = summary_text(broken, order=["a", "b", "c"])
    lines = text.splitlines()
    assert lines[0].startswith("Score 2/6") and lines[1] == "About the whole submission: cell 3 has a syntax error"
    assert re.findall(r"^(?:ok|--) (\w+): ", text, re.MULTILINE) == ["a", "b", "c"]
    assert f"     {SEE_NOTE}" in lines, "a whole-submission error is said once, at the top"
    assert "a returns the wrong shape" not in summary_text(broken, "passed")
    output = to_gradescope(broken, 1.0, order=["a", "b", "c"])["output"]
    assert output.startswith(text + "\n") and output.endswith(f"grading seed {broken.seed}")


def test_the_test_cells_outputs_read_back_as_the_same_summary(course):
    """Without the stored result (e.g. the results folder was removed), the page reads the test cells."""
    import nbformat

    from dlcourse.nbgrader_grades import fill_test_cells

    nb = nbformat.reads(course.notebook(A, "release").read_text(encoding="utf-8"), as_version=4)
    order = notebook_order(course.notebook(A, "release"))
    tests = [{"name": f"test_{fn}_{i}", "function": fn, "points": float(i == 0), "max_points": 1.0,
              "outcome": "passed" if i == 0 else "failed", "message": f"{fn} - wrong: a message with - dashes"}
             for fn in order for i in range(2)]
    result = Result(A, "x", float(len(order)), 2.0 * len(order), tests, ["a note"])
    fill_test_cells(nb, result)
    back = parse_test_cells(nb)
    assert back.errors == ["a note"]
    assert summary(back, order=order) == summary(result, order=order)
    assert summary(back, "passed", order=order) == summary(result, "passed", order=order)
