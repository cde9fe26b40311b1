"""The course on a real JupyterHub, driven in headless Chromium (deploy/local/).

The instructor opens the formgrader inside Lab, generates and releases an assignment; a learner
logs in, fetches it in Lab's Assignments panel, fills in one function, sees its visible check
pass and submits; with no instructor action, the hub's grading service (`dlcourse serve`) grades
it and releases its feedback, which the learner fetches in the panel and opens (within
FEEDBACK_BOUND_S of submitting); the instructor then collects and autogrades in the formgrader
(then `dlcourse autograde` keeps that result); the gradebook holds what the hidden graders say.
Screenshots of each step go to run/artifacts/hub/. Needs Debian's chromium and the npm
configurable-http-proxy (scripts/setup.sh installs both); without them the test fails.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent
ART = ROOT / "run" / "artifacts" / "hub"
A = "07_torch_tensors_autograd"
FUNCTION = "best_device"
PASSWORD = "course-test-pw"
LEARNER, INSTRUCTOR = "alice", "teacher"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
WAIT_MS = 90_000  # the longest any one browser step may take (a busy 2-core machine)
FEEDBACK_BOUND_S = 120  # submit -> feedback to fetch, no instructor action (issue 21; 6 s measured, warm)


def _load_hub_module():
    spec = importlib.util.spec_from_file_location("dlcourse_local_hub", ROOT / "deploy" / "local" / "hub.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chromium() -> str:
    """Debian's Chromium ($DLCOURSE_CHROMIUM to use another binary); missing, the test fails."""
    path = os.environ.get("DLCOURSE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(path, os.X_OK):
        pytest.fail("Debian's chromium is not installed (apt-get install -y chromium; scripts/setup.sh does it as root)")
    return path


def _stop_tree(proc: subprocess.Popen) -> list:
    """Stop the hub, then anything it started (user servers run in their own sessions); what survived."""
    try:
        family = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # the hub stops the proxy and every user server (cleanup_servers)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    for p in family:
        try:
            family += p.children(recursive=True)
        except psutil.NoSuchProcess:
            pass
    alive = [p for p in family if p.is_running()]
    for p in alive:
        try:
            p.terminate()
        except psutil.NoSuchProcess:
            pass
    gone, alive = psutil.wait_procs(alive, timeout=10)
    for p in alive:
        p.kill()
    psutil.wait_procs(alive, timeout=10)
    return [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def _wait_http(url: str, timeout: float, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the hub exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def hub(tmp_path):
    """A hub on free loopback ports with its own data folder; everything stopped at the end."""
    module = _load_hub_module()
    if not module.PROXY.exists():
        pytest.fail(f"configurable-http-proxy is not installed at {module.PROXY} (scripts/setup.sh runs npm ci there)")
    data = tmp_path / "hub"
    data.mkdir()
    (data / "learners.txt").write_text(f"{LEARNER}\n")
    (data / "instructors.txt").write_text(f"{INSTRUCTOR}\n")
    parts = module.prepare(data)
    port = _free_port()
    env = module.hub_env(data, port, hub_port=_free_port(), proxy_api_port=_free_port())
    env["DLCOURSE_HUB_PASSWORD"] = PASSWORD
    log = data / "hub" / "hub.log"
    start = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen(module.command(), cwd=parts["hub"], env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        _wait_http(f"http://127.0.0.1:{port}/hub/login", 120, proc, log)
        info = {"url": f"http://127.0.0.1:{port}", "data": data, "course": parts["course"], "log": log,
                "proc": proc, "start_s": time.perf_counter() - start, "env": env}
        yield info
    finally:
        left = _stop_tree(proc)
        assert proc.poll() is not None and not left, f"still running after the hub stopped: {left}"


def _instructor(hub, *args: str, timeout: float = 600) -> str:
    """A command the instructor runs in a terminal of their Lab (in the course root)."""
    env = dict(hub["env"], DLCOURSE_ROOT=str(hub["course"]))
    done = subprocess.run(list(args), cwd=hub["course"], env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{(done.stdout + done.stderr)[-3000:]}"
    return done.stdout + done.stderr


def _login(context, hub, user: str):
    page = context.new_page()
    page.goto(f"{hub['url']}/hub/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    start = time.perf_counter()
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_selector("#jp-main-dock-panel", timeout=WAIT_MS * 2)  # spawn + Lab load
    page.wait_for_selector(".jp-LauncherCard, .jp-Notebook, .jp-DirListing", timeout=WAIT_MS)
    return page, time.perf_counter() - start


def _menu(page, top: str, item: str) -> None:
    page.click(f"li.lm-MenuBar-item:has-text('{top}')")
    page.click(f".lm-Menu-content li.lm-Menu-item:has-text('{item}')")


def _shot(page, name: str, shots: list, full_page: bool = True) -> None:
    ART.mkdir(parents=True, exist_ok=True)
    path = ART / f"{len(shots) + 1:02d}_{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    shots.append(path)


def _server_rss_mib(user: str) -> dict:
    """Resident memory (MiB) of ``user``'s single-user server and of its kernels."""
    for p in psutil.process_iter(["cmdline"]):
        try:
            if any("jupyterhub-singleuser" in part for part in p.info["cmdline"] or []) \
                    and p.environ().get("JUPYTERHUB_USER") == user:
                kernels = sum(q.memory_info().rss for q in p.children(recursive=True))
                return {"server": round(p.memory_info().rss / 2**20), "kernels": round(kernels / 2**20)}
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    raise AssertionError(f"no single-user server of {user} found")


def _formgrader_action(page, column: str, success: str, row: str = A) -> None:
    """Click the formgrader's button in ``column`` of a table row and close its success dialog."""
    page.locator(f"tr:has-text('{row}') td.{column} a").first.click()
    dialog = page.locator(".modal.in, .modal.show, .modal:visible").filter(has_text=success)
    dialog.wait_for()
    dialog.locator(".modal-footer button").first.click()
    dialog.wait_for(state="hidden")
    page.locator(".modal-backdrop").wait_for(state="detached")


def _listening(proc: subprocess.Popen) -> set[str]:
    """The addresses the hub, its proxy, the user servers and their kernels listen on."""
    found = set()
    for p in [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]:
        try:
            found |= {c.laddr.ip for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
        except psutil.NoSuchProcess:
            pass
    return found


def _run_cell(page, cell) -> None:
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")


def _wait_for_feedback(page, since: float, bound_s: float) -> float:
    """Refresh the Assignments panel until the submission shows feedback to fetch; seconds since ``since``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    ready = page.locator("#submitted_assignments_list").locator("text=feedback available to fetch").first
    while True:
        page.click("#refresh_assignments_list")
        try:
            ready.wait_for(timeout=5000)
            return round(time.perf_counter() - since, 1)
        except PlaywrightTimeout:
            if time.perf_counter() - since > bound_s:
                raise AssertionError(f"no feedback to fetch {bound_s:.0f} s after submitting (the grader's log: "
                                     "hub/grader.log in the hub's data folder)") from None


def test_learner_fetches_works_submits_and_is_graded_in_a_real_browser(request):
    from playwright.sync_api import sync_playwright

    from dlcourse.grade import grade

    chromium = _chromium()  # before starting anything: a missing prerequisite fails the test, with why
    proxy = _load_hub_module().PROXY
    if not proxy.exists():
        pytest.fail(f"configurable-http-proxy is not installed at {proxy} (scripts/setup.sh runs npm ci there)")
    hub = request.getfixturevalue("hub")
    shots, timings = [], {"hub_start_s": round(hub["start_s"], 1)}
    shutil.rmtree(ART, ignore_errors=True)
    solution = re.search(rf"^def {FUNCTION}\(.*?(?=^\S)", (ROOT / "solutions" / f"{A}.py").read_text(),
                         re.S | re.M).group(0).rstrip() + "\n"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS, headless=True)
        try:
            # --- the instructor generates and releases the assignment in the formgrader ------
            teacher = browser.new_context(viewport={"width": 1400, "height": 900})
            teacher.set_default_timeout(WAIT_MS)
            tpage, timings["instructor_spawn_s"] = _login(teacher, hub, INSTRUCTOR)
            _menu(tpage, "Nbgrader", "Formgrader")  # inside Lab: an iframe, allowed by the instructor's CSP
            tpage.frame_locator("iframe").first.locator("tr", has_text=A).first.wait_for()
            _shot(tpage, "instructor_formgrader_in_lab", shots)
            manage = teacher.new_page()
            manage.goto(f"{hub['url']}/user/{INSTRUCTOR}/formgrader/manage_assignments")
            _formgrader_action(manage, "assign", "Successfully created the student version")
            _formgrader_action(manage, "release", "Successfully released")
            manage.locator(f"tr:has-text('{A}') td.status", has_text="released").wait_for()
            _shot(manage, "instructor_released_in_formgrader", shots)
            assert any((hub["data"] / "exchange").rglob(f"outbound/{A}/{A}.ipynb")), "not in the exchange"

            # --- the learner: log in, Assignments panel, fetch -------------------------------
            learner = browser.new_context(viewport={"width": 1400, "height": 900})
            learner.set_default_timeout(WAIT_MS)
            page, timings["learner_spawn_s"] = _login(learner, hub, LEARNER)
            _shot(page, "learner_lab", shots)
            # learners have no formgrader: neither the server extension nor the Lab menu entry
            assert page.request.get(f"{hub['url']}/user/{LEARNER}/formgrader").status == 404
            page.click("li.lm-MenuBar-item:has-text('Nbgrader')")
            entries = page.locator(".lm-Menu-content li.lm-Menu-item")
            entries.filter(has_text="Assignment List").wait_for()
            assert not any("Formgrader" in i for i in entries.all_inner_texts()), entries.all_inner_texts()
            entries.filter(has_text="Assignment List").click()
            released = page.locator("#released_assignments_list")
            released.locator(f"text={A}").wait_for()
            _shot(page, "learner_sees_released_assignment", shots)
            released.locator("button:has-text('Fetch')").first.click()
            page.locator("#fetched_assignments_list").locator(f"text={A}").first.wait_for()
            _shot(page, "learner_fetched", shots)
            assert (hub["data"] / "home" / LEARNER / A / f"{A}.ipynb").exists()

            # --- open the notebook, fill in one function, run its visible check ---------------
            page.goto(f"{hub['url']}/user/{LEARNER}/lab/tree/{A}/{A}.ipynb")
            page.wait_for_selector(".jp-Notebook .jp-Cell")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'], "
                                   "#jp-main-statusbar :text('Idle')", timeout=WAIT_MS * 2)
            cells = page.locator(".jp-Notebook .jp-Cell.jp-CodeCell")
            stub = cells.filter(has_text=f"def {FUNCTION}(")
            check = cells.filter(has_text=f'check("{FUNCTION}")')
            stub.locator(".cm-content").click()
            page.keyboard.press("Control+a")
            page.keyboard.insert_text(solution)
            for setup in (cells.filter(has_text="import torch").first, cells.filter(has_text="from checks import check")):
                _run_cell(page, setup)
            _run_cell(page, stub)
            _run_cell(page, check)
            check.locator(".jp-OutputArea-output", has_text=f"✔ {FUNCTION}").wait_for(timeout=WAIT_MS * 2)
            _shot(page, "learner_check_passes", shots)
            timings["learner_rss_mib_after_import_torch"] = _server_rss_mib(LEARNER)
            listening = _listening(hub["proc"])
            assert listening and listening <= {"127.0.0.1", "::1"}, f"listening beyond loopback: {listening}"
            page.keyboard.press("Control+s")
            page.wait_for_timeout(1500)
            saved = json.loads((hub["data"] / "home" / LEARNER / A / f"{A}.ipynb").read_text())
            assert any(f"def {FUNCTION}(" in "".join(c["source"]) and "NotImplementedError" not in "".join(c["source"])
                       for c in saved["cells"]), "the filled-in function was not saved"

            # --- submit ----------------------------------------------------------------------
            page.goto(f"{hub['url']}/user/{LEARNER}/lab")
            page.wait_for_selector("#jp-main-dock-panel")
            _menu(page, "Nbgrader", "Assignment List")
            fetched = page.locator("#fetched_assignments_list")
            fetched.locator("button:has-text('Submit')").first.click()
            page.locator("#submitted_assignments_list").locator(f"text={A}").first.wait_for()
            submitted_at = time.perf_counter()
            _shot(page, "learner_submitted", shots)

            # --- feedback on arrival: no instructor action; the learner fetches it in the panel ---
            # (the hub's dlcourse-grader service collects, grades, records and releases it)
            timings["feedback_available_s"] = _wait_for_feedback(page, submitted_at, FEEDBACK_BOUND_S)
            _shot(page, "learner_feedback_available", shots)
            mine = page.locator("#submitted_assignments_list")
            mine.locator("button:has-text('Fetch Feedback')").first.click()
            mine.locator("text=view feedback").first.wait_for()
            timings["feedback_fetched_s"] = round(time.perf_counter() - submitted_at, 1)
            _shot(page, "learner_feedback_fetched", shots)
            pages = list((hub["data"] / "home" / LEARNER / A / "feedback").glob(f"*/{A}.html"))
            assert len(pages) == 1, pages
            feedback = learner.new_page()
            feedback.goto(f"{hub['url']}/user/{LEARNER}/files/{A}/feedback/{quote(pages[0].parent.name)}/{A}.html")
            feedback.locator("body", has_text="Score").first.wait_for()
            assert solution.splitlines()[0] in feedback.locator("body").inner_text(), "not this learner's feedback"
            _shot(feedback, "learner_feedback_page", shots, full_page=False)   # its top: the summary
            grader_log = (hub["data"] / "hub" / "grader.log").read_text()
            assert "released" in grader_log and LEARNER in grader_log, grader_log[-2000:]

            # --- the instructor collects and autogrades; the gradebook holds the graders' score -
            _formgrader_action(manage, "collect", "Successfully collected")
            _shot(manage, "instructor_collected_in_formgrader", shots)
            submitted = hub["course"] / "submitted" / LEARNER / A / f"{A}.ipynb"
            assert submitted.exists()
            # the formgrader's autograde button: nbgrader's autograde with the course's HiddenGraders
            subs = teacher.new_page()
            subs.goto(f"{hub['url']}/user/{INSTRUCTOR}/formgrader/manage_submissions/{A}")
            _formgrader_action(subs, "autograde", "Successfully autograded", row=LEARNER)
            subs.locator(f"tr:has-text('{LEARNER}') td.status", has_text="graded").first.wait_for()
            _shot(subs, "instructor_autograded_in_formgrader", shots)
            expected = grade(A, submitted)
            passed = [t for t in expected.tests if t["function"] == FUNCTION]
            assert passed and all(t["outcome"] == "passed" for t in passed), expected.tests
            assert 0 < expected.score < expected.max_score
            from nbgrader.api import Gradebook

            with Gradebook(f"sqlite:///{hub['course'] / 'gradebook.db'}") as gb:
                score = gb.find_submission(A, LEARNER).score
            assert score == pytest.approx(expected.score)
            # `dlcourse autograde` (the class at once, in parallel) finds that result and keeps it
            out = _instructor(hub, str(Path(sys.executable).parent / "dlcourse"), "autograde", A, "--jobs", "1")
            assert "1 submissions in shard 1/1, 1 graded before" in out, out
            with Gradebook(f"sqlite:///{hub['course'] / 'gradebook.db'}") as gb:
                assert gb.find_submission(A, LEARNER).score == pytest.approx(expected.score)
            book = teacher.new_page()
            book.goto(f"{hub['url']}/user/{INSTRUCTOR}/formgrader/gradebook/{A}/{A}")
            book.locator("button:has-text('Show All Names')").click()
            book.locator("tr", has_text=LEARNER).wait_for()
            row_text = book.locator("tr", has_text=LEARNER).first.inner_text()
            assert f"{expected.score:g} / {expected.max_score:g}" in row_text.replace("\t", " "), row_text
            _shot(book, "instructor_gradebook", shots)
        finally:
            browser.close()
    spawn = re.findall(r"User (\S+) took ([\d.]+) seconds to start", hub["log"].read_text())
    timings["hub_logged_spawn_s"] = {user: float(s) for user, s in spawn}
    print(f"\nhub timings and memory: {json.dumps(timings)}\nscreenshots: {ART}\n  " + "\n  ".join(map(str, shots)))
    (ART / "timings.json").write_text(json.dumps(timings, indent=1))
