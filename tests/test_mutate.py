"""`dlcourse mutate`: the operators make the mistakes this field makes, and a run accounts for every mutant."""
import ast

from dlcourse.mutate import mutants, mutate

SOURCE = '''
import torch

def step(x, model, opt):
    model.eval()
    with torch.no_grad():
        y = x.sum(dim=1, keepdim=True)
    loss = torch.nn.functional.mse_loss(y, y, reduction="mean")
    opt.zero_grad()
    x.add_(1)
    return y[1:3] * 2 + loss

def untouched(x):
    return x + 1
'''


def test_operators_cover_the_typical_slips_of_deep_learning_code():
    found = mutants(SOURCE, {"step"})
    changes = {m.description for m in found}
    for expected in ["dim=1 -> dim=0", "keepdim=True -> False", "reduction='mean' -> 'sum'", "drop eval()",
                     "drop zero_grad()", "run the no_grad block with autograd on", ".add_ -> .add",
                     "off by one in a slice's lower bound", "Mult -> Div", "Add -> Sub"]:
        assert expected in changes, (expected, sorted(changes))
    original = ast.unparse(ast.parse(SOURCE))
    for m in found:
        assert m.function == "step" and m.source != original
        tree = ast.parse(m.source)
        untouched = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "untouched")
        assert ast.unparse(untouched) == "def untouched(x):\n    return x + 1"
    assert len({m.id for m in found}) == len(found), "mutant ids must be unique"
    assert [m.id for m in mutants(SOURCE, {"step"})] == [m.id for m in found], "ids must be stable"


def test_a_run_accounts_for_every_mutant(course):
    summary = mutate(["07_torch_tensors_autograd"], jobs=1, limit=3, course=course, out=lambda line: None)
    run = summary["07_torch_tensors_autograd"]
    assert run["generated"] == 3
    assert run["killed"] + run["survived"] + run["equivalent"] + run["timeout"] + run["error"] == 3
    assert len(run["survivors"]) == run["survived"]
    assert run["survived"] == 0, f"unexplained survivors: {run['survivors']}"


def test_every_assignment_has_a_recorded_run_with_no_unexplained_survivor(course):
    """Each assignment's last mutation run (tests/mutation/<a>.json) left no survivor, each equivalent
    mutant has its reason, and docs/fidelity.md shows that run."""
    import json

    table = (course.root / "docs" / "fidelity.md").read_text(encoding="utf-8")
    for assignment in course.assignments():
        record = json.loads((course.root / "tests" / "mutation" / f"{assignment}.json").read_text(encoding="utf-8"))
        run = record["last_run"]
        assert run["survived"] == 0, f"{assignment}: survivors of the last run: {run['survivors']}"
        assert run["killed"] + run["equivalent"] + run["timeout"] + run["error"] == run["generated"] > 0
        assert run["error"] == 0, f"{assignment}: mutants that could not be graded"
        assert all(len(reason) > 20 for reason in record["equivalent"].values()), f"{assignment}: a reason is missing"
        assert f"| {assignment} | {run['generated']} | {run['killed']} | {run['equivalent']} | 0 |" in table, assignment
