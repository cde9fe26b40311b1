"""Do the graders hold? References full marks, stubs zero, every mutant caught where it says."""
import pytest

from conftest import NOT_YET_VARIANTS, all_cases, known_gaps
from dlcourse.verify import check_case

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_case_grades_as_expected(case):
    # Mutants run only the tests of what they break (CI time); `dlcourse verify` runs everything.
    result, issues = check_case(case, focused=True)
    assert not issues, f"{case.label} (seed {result.seed}):\n" + "\n".join(issues)


def test_every_assignment_has_mutants():
    by_assignment = {}
    for case in CASES:
        by_assignment.setdefault(case.assignment, []).append(case.kind)
    assert by_assignment, "no assignments found"
    for assignment, kinds in by_assignment.items():
        assert kinds.count("mutant") >= 4, f"{assignment} has too few mutants"


@pytest.mark.parametrize("assignment", known_gaps(sorted({c.assignment for c in CASES}), NOT_YET_VARIANTS))
def test_every_assignment_has_two_correct_variants(assignment):
    """Graders test behaviour, not text: other correct solutions, written differently, get full marks too."""
    variants = [c for c in CASES if c.assignment == assignment and c.kind == "variant"]
    assert len(variants) >= 2, f"{assignment} has {len(variants)} correct variants in tests/variants/{assignment}/"
