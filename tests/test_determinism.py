"""Grading is deterministic in what matters: the reference gets full marks whatever the seed,
and a mutant gets the same score whatever the seed.

Each seed is a whole grading: every hidden test of the assignment runs, with inputs drawn
from that seed, exactly as ``dlcourse.grade.grade`` does it. To keep 25 gradings affordable,
the gradings of one submission share one sandboxed worker (started once) instead of one each.
"""
from __future__ import annotations

import dataclasses

from dlcourse.loader import load
from dlcourse.runner import Run
from dlcourse.suite import Grading, suite
from dlcourse.verify import Case, mutant_breaks, submission_for

A = "07_torch_tensors_autograd"
MUTANT = "to_patches_column_major"


def grade_with_seeds(course, assignment, path, seeds) -> list[tuple[float, float, list[dict]]]:
    """(score, max_score, tests) of one grading per seed, all on one worker."""
    settings = dataclasses.replace(course.run_settings(assignment), total_timeout=3600.0)
    run = Run(load(path), settings, seeds[0])
    hidden = suite(course.grader_dir(assignment))
    out = []
    try:
        for seed in seeds:
            grading = Grading(run, seed, course.test_timeout(assignment))
            try:
                tests = grading.run_all(hidden)
            finally:
                grading.close()
            out.append((round(sum(t["points"] for t in tests), 4), round(sum(t["max_points"] for t in tests), 4), tests))
    finally:
        run.close()
    assert run.starts == 1, "the worker restarted: some grading crashed it"
    return out


def test_reference_gets_full_marks_with_20_seeds(course):
    seeds = [7919 * k + 13 for k in range(20)]
    gradings = grade_with_seeds(course, A, course.solution(A), seeds)
    assert len(gradings) == 20
    for seed, (score, most, tests) in zip(seeds, gradings):
        assert most == 30 and len(tests) == 24
        assert score == most, f"seed {seed}: " + str([(t["name"], t["message"]) for t in tests if t["outcome"] != "passed"])


def test_a_mutant_gets_the_same_score_with_5_seeds(course, tmp_path):
    path = course.root / "tests" / "mutants" / A / f"{MUTANT}.py"
    case = Case(A, "mutant", MUTANT, path, mutant_breaks(path))
    gradings = grade_with_seeds(course, A, submission_for(course, case, tmp_path), [101, 202, 303, 404, 505])
    scores = [score for score, _, _ in gradings]
    assert len(set(scores)) == 1, scores
    assert 0 < scores[0] < 30
    outcomes = [[(t["name"], t["outcome"]) for t in tests] for _, _, tests in gradings]
    assert all(o == outcomes[0] for o in outcomes), "the same tests should pass and fail with every seed"


def test_the_seed_robustness_script_finds_no_loss_on_a_training_test(tmp_path):
    """CI's handful of seeds of scripts/seed_robustness.py (the full run uses 50 per assignment)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "seeds.json"
    done = subprocess.run([sys.executable, "scripts/seed_robustness.py", "08_torch_training", "--seeds", "3",
                           "--tests", "fit", "--json", str(out)], cwd=root, capture_output=True, text=True)
    report = json.loads(out.read_text())["08_torch_training"]
    assert report["tests"] >= 1 and report["seeds"] == 3, report
    assert done.returncode == 0 and not report["lost"], done.stdout[-2000:]
