"""One self-contained HTML page on how a class did: what an instructor changes the teaching for.

From the results `dlcourse grade` (a download) or `dlcourse autograde` (nbgrader) stored: the
distribution of totals, each question's mean and share of full marks, the hidden tests failed most
(with the message learners saw and how many saw it), grading time and memory, every submission that
needs a look (errors, timeouts, flags, manual grading), and pairs of near-identical solutions.
No network: figures are embedded PNGs, styles inline.
"""
from __future__ import annotations

import base64
import html
import io
import statistics
import time
from collections import Counter
from pathlib import Path

from .course import Course
from .errors import CourseError
from .report import Result
from .store import ResultStore, result_store
from .verify import notebook_points


def results_folder(course: Course, assignment: str, results: str | Path | None) -> ResultStore:
    """The store to report on: a folder `dlcourse grade` wrote, a store itself, or the nbgrader course's."""
    if results is None:
        root = course.config.CourseDirectory.get("root") or str(course.root)
        return result_store(Path(root), assignment)
    folder = Path(results)
    return ResultStore(folder / ".results" if (folder / ".results").is_dir() else folder)


def summarize(results: dict[str, Result], questions: dict[str, float]) -> dict:
    """The report's numbers, computed once (the page and its test read the same)."""
    totals = {s: r.score for s, r in results.items()}
    per_question = {}
    for q, most in questions.items():
        got = [r.by_function().get(q, (0.0, most))[0] for r in results.values()]
        per_question[q] = {"max": most, "mean": round(statistics.fmean(got), 3) if got else 0.0,
                           "full": round(sum(g >= most for g in got) / len(got), 3) if got else 0.0}
    failed = Counter()
    messages: dict[str, Counter] = {}
    for r in results.values():
        for t in r.tests:  # a submission that could not be read at all is a problem below, not a mistake
            if t["outcome"] != "passed" and not any(t["message"].startswith(e[:60]) for e in r.errors):
                failed[t["name"]] += 1
                messages.setdefault(t["name"], Counter())[t["message"]] += 1
    functions = {t["name"]: t["function"] for r in results.values() for t in r.tests}
    common = [{"test": name, "function": functions[name], "learners": n,
               "message": messages[name].most_common(1)[0][0]} for name, n in failed.most_common(15)]
    problems = []
    for s, r in sorted(results.items()):
        reasons = [*r.errors[:2], *(f"FLAGGED: {f}" for f in r.flags[:2]),
                   *(f"{t['function']}: {t['outcome']}" for t in r.tests if t["outcome"] in ("timeout",))]
        if any(t["outcome"] == "error" and "process" in t["message"] for t in r.tests):
            reasons.append("its grading process crashed or was killed on some test")
        if reasons:
            problems.append({"learner": s, "reasons": reasons, "manual": bool(r.flags)})
    walls = [r.timings.get("wall_s", 0.0) for r in results.values()]
    rss = [r.timings.get("peak_rss_mb", 0.0) for r in results.values()]
    return {"learners": len(results), "totals": totals, "max_score": max((r.max_score for r in results.values()), default=0),
            "mean_total": round(statistics.fmean(totals.values()), 3) if totals else 0.0,
            "per_question": per_question, "common": common, "problems": problems,
            "time": {"median_s": round(statistics.median(walls), 2) if walls else 0, "max_s": round(max(walls, default=0), 2),
                     "median_mb": round(statistics.median(rss), 1) if rss else 0, "max_mb": round(max(rss, default=0), 1)}}


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figures(summary: dict) -> tuple[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 2.6))
    ax.hist(list(summary["totals"].values()), bins=min(20, max(5, summary["learners"])), color="#4878a8")
    ax.set_xlabel("total points")
    ax.set_ylabel("learners")
    ax.set_xlim(0, summary["max_score"] or 1)
    totals = _png(fig)
    plt.close(fig)
    names = list(summary["per_question"])
    fig, ax = plt.subplots(figsize=(6, 0.35 * len(names) + 0.8))
    ax.barh(names, [summary["per_question"][q]["full"] for q in names], color="#59a14f")
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("share of learners with full marks")
    questions = _png(fig)
    plt.close(fig)
    return totals, questions


def _table(head: list[str], rows: list[list]) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def render(assignment: str, summary: dict, pairs: list[dict]) -> str:
    """The page: numbers from ``summary``, similar pairs from ``pairs``."""
    totals_png, questions_png = _figures(summary)
    q = summary["per_question"]
    parts = [
        f"<h1>{html.escape(assignment)}: class report</h1>",
        f"<p>{summary['learners']} learners graded; mean total <b id='mean-total'>{summary['mean_total']:g}</b> of "
        f"{summary['max_score']:g}. Made {time.strftime('%Y-%m-%d %H:%M')} by <code>dlcourse report</code>.</p>",
        "<h2>Totals</h2>", f"<img alt='distribution of totals' src='{totals_png}'>",
        "<h2>Questions</h2>", f"<img alt='share of full marks per question' src='{questions_png}'>",
        _table(["question", "points", "mean", "full marks"],
               [[name, f"{v['max']:g}", f"{v['mean']:g}", f"{v['full']:.0%}"] for name, v in q.items()]),
        "<h2>Common mistakes</h2><p>The hidden tests failed most, with the message learners saw.</p>",
        _table(["hidden test", "function", "learners", "message"],
               [[c["test"], c["function"], c["learners"], c["message"]] for c in summary["common"]]),
        "<h2>Needs a look</h2>",
        _table(["learner", "manual grading", "why"],
               [[p["learner"], "yes" if p["manual"] else "", "; ".join(p["reasons"])] for p in summary["problems"]])
        if summary["problems"] else "<p>No submission errored, timed out or was flagged.</p>",
        "<h2>Similar submissions</h2><p>Near-identical graded functions beyond the template (copydetect). "
        "For a conversation, never a grade.</p>",
        _table(["learners", "functions (similarity)"],
               [[" & ".join(p["learners"]), ", ".join(f"{f} ({s:.0%})" for f, s in p["functions"].items())] for p in pairs])
        if pairs else "<p>No pair above the threshold.</p>",
        "<h2>Grading cost</h2>",
        _table(["per submission", "median", "max"],
               [["wall time (s)", summary["time"]["median_s"], summary["time"]["max_s"]],
                ["peak memory of the sandbox (MB)", summary["time"]["median_mb"], summary["time"]["max_mb"]]]),
    ]
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;"
             "text-align:left;vertical-align:top}th{background:#f3f3f3}img{max-width:100%}")
    return f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(assignment)} report</title>" \
           f"<style>{style}</style></head><body>{''.join(parts)}</body></html>\n"


def write_report(assignment: str, results: str | Path | None = None, out: str | Path | None = None,
                 course: Course | None = None) -> Path:
    """Write the class report of ``assignment``; its path."""
    from .similarity import similar_pairs

    course = course or Course.load()
    course.info(assignment)
    store = results_folder(course, assignment, results)
    graded = store.results()
    if not graded:
        raise CourseError(f"no results in {store.folder}; grade the class first (dlcourse grade / dlcourse autograde)")
    questions = notebook_points(course, assignment)
    summary = summarize(graded, questions)
    submissions = {s: Path(r.submission) for s, r in graded.items() if Path(r.submission).is_file()}
    pairs = similar_pairs(submissions, course.notebook(assignment, "release"), set(questions))
    path = Path(out) if out else store.folder.parent / f"{assignment}-report.html"
    path.write_text(render(assignment, summary, pairs), encoding="utf-8")
    return path
