"""The benchmarks' class generator and docs writer (the benchmarks themselves are not tests)."""
import hashlib
import json

from benchmarks.common import make_class, released_notebook, variants, write_section
from dlcourse.loader import load

A = "07_torch_tensors_autograd"


def test_a_class_is_n_distinct_learners_the_same_every_time(course, tmp_path):
    released = released_notebook(course, A)
    kinds = list(variants(course, A, released))
    n = len(kinds) + 3  # wraps around: the first kinds come twice
    first, again = make_class(course, A, released, n), make_class(course, A, released, n)
    assert first == again, "the class must be byte-identical from run to run"
    assert len(first) == n and len({hashlib.sha256(v).digest() for v in first.values()}) == n
    assert [s.split("-", 1)[1] for s in first] == [kinds[i % len(kinds)] for i in range(n)]
    assert {"reference", "stub", "tampered-cells"} <= set(kinds) and sum(k.startswith("mistake-") for k in kinds) >= 3
    codes = set()
    for student, content in first.items():  # each is a notebook the loader reads, with its own code
        path = tmp_path / f"{student}.ipynb"
        path.write_bytes(content)
        codes.add(load(path).module_text()[0])
        assert json.loads(content)["cells"][-1]["source"] == f"# learner {student}\n"
    assert len(codes) == n


def test_write_section_replaces_only_its_own_section(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# B\n\n<!-- bench:a -->\nold a\n<!-- /bench:a -->\n\ntext\n\n<!-- bench:b -->\nold b\n<!-- /bench:b -->\n")
    write_section("a", "new a", doc)
    write_section("c", "new c", doc)
    text = doc.read_text()
    assert "new a" in text and "old a" not in text and "old b" in text and "text" in text
    assert text.index("new a") < text.index("old b") < text.index("new c")
