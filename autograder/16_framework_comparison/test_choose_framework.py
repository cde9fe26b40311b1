"""Hidden tests of choose_framework: the decision tree of assignment 14, its one reference
implementation being `_expected` below."""
from itertools import product

from dlcourse.grading import expect, graded, probe

KEYS = ("deep_learning", "deployment", "research")


def _expected(needs):
    """The rules, in order: not deep learning -> scikit-learn; deployment -> tensorflow;
    research -> pytorch; else keras. A missing key means False."""
    if not needs.get("deep_learning", False):
        return "scikit-learn"
    if needs.get("deployment", False):
        return "tensorflow"
    if needs.get("research", False):
        return "pytorch"
    return "keras"


@probe
def probe_choose(mod, cases):
    return [mod.choose_framework(dict(case)) for case in cases]


@graded("choose_framework", points=2)
def test_choose_framework_follows_the_tree_for_every_combination(sub, rng):
    cases = [dict(zip(KEYS, values)) for values in product([False, True], repeat=3)]
    cases = [cases[i] for i in rng.permutation(len(cases))]
    got = sub.run(probe_choose, cases)
    for case, answer in zip(cases, got):
        expect(answer == _expected(case), f"choose_framework({case}) should follow the decision tree: ask about "
                                          "deep learning first, then deployment, then research")


@graded("choose_framework", points=1)
def test_choose_framework_treats_missing_keys_as_false(sub, rng):
    cases = [{}] + [{k: True} for k in KEYS]   # every single-key need: each asks the tree with the rest missing
    for _ in range(8):   # at least one key missing: a complete need is the first test's question
        missing = str(rng.choice(KEYS))
        keys = [k for k in KEYS if k != missing and rng.uniform() < 0.5]
        cases.append({k: bool(rng.uniform() < 0.5) for k in keys})
    got = sub.run(probe_choose, cases)
    for case, answer in zip(cases, got):
        expect(answer == _expected(case), f"choose_framework({case}) does not follow the decision tree; "
                                          "a missing key should count as False")
