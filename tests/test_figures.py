"""Figures a learner sees before running: every image a notebook references exists (source and
release), and `dlcourse figures` regenerates them from the solved notebook, with the same names.

`dlcourse figures` is proved on a tiny notebook (tests/test_notebook_standard.py) and on one real,
cheap assignment — always in a temporary copy of its source folder, never in the checkout.
"""
from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import ROOT
from dlcourse.errors import CourseError
from dlcourse.figures import clean_png, render, trimmed, with_expected_output
from test_notebook_standard import TINY, tiny_course

CHEAP = "07_torch_tensors_autograd"   # torch only; its solved Run All is about a minute on 2 cores
IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|<img[^>]*\bsrc=[\"']([^\"']+)[\"']")


def _assignments():
    return sorted(p.name for p in (ROOT / "source").iterdir() if (p / f"{p.name}.ipynb").is_file())


def referenced_images(notebook):
    """(cell id, path) of every image a notebook's markdown shows."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for m in IMAGE.finditer(text):
            yield cell.get("id"), cell, m.group(1) or m.group(2)


@pytest.mark.parametrize("where", ["source", "release"])
@pytest.mark.parametrize("assignment", _assignments())
def test_every_image_a_notebook_shows_exists(assignment, where):
    notebook = ROOT / where / assignment / f"{assignment}.ipynb"
    assert notebook.is_file(), f"{notebook} is missing; run `dlcourse build {assignment}`"
    missing = []
    for cid, cell, path in referenced_images(notebook):
        if re.match(r"^[a-z]+://", path):
            missing.append(f"cell {cid}: {path} is on the web; the course is read offline: save it under figures/")
        elif path.startswith("attachment:"):
            if path[len("attachment:"):] not in (cell.get("attachments") or {}):
                missing.append(f"cell {cid}: {path} is not attached to the cell")
        elif not (notebook.parent / path).is_file():
            missing.append(f"cell {cid}: {where}/{assignment}/{path} does not exist")
    assert not missing, "\n".join(missing)


# --- the pieces ----------------------------------------------------------------------------------

def test_expected_output_block_is_rewritten_and_nothing_else():
    markdown = "Before.\n\n**Expected output**\n\n```text\nold\nlines\n```\nAfter."
    assert with_expected_output(markdown, "new") == "Before.\n\n**Expected output**\n\n```text\nnew\n```\nAfter."
    assert with_expected_output("**Expected output**\n```\n```", "a\nb") == "**Expected output**\n```text\na\nb\n```"
    assert with_expected_output("**Expected output**\nsome words\n```text\n```", "x") is None
    assert with_expected_output("no block here", "x") is None


def test_long_output_is_trimmed_to_25_lines():
    text = "\n".join(f"line {i}   " for i in range(100)) + "\n\n"
    out = trimmed(text).split("\n")
    assert len(out) == 25 and out[0] == "line 0" and out[-3] == "..." and out[-1] == "line 99"
    assert trimmed("\n\n  a  \nb\n\n") == "  a\nb"


def test_png_text_chunks_are_dropped():
    import struct
    import zlib

    from test_notebook_standard import tiny_png

    png = tiny_png()
    text = b"Software\x00Matplotlib"
    with_text = png[:33] + struct.pack(">I", len(text)) + b"tEXt" + text + struct.pack(">I", zlib.crc32(b"tEXt" + text)) + png[33:]
    assert clean_png(with_text) == png
    with pytest.raises(ValueError):
        clean_png(b"GIF89a")


# --- dlcourse figures on a tiny notebook --------------------------------------------------------------

def test_figures_writes_images_and_expected_outputs_deterministically(tmp_path):
    from dlcourse.course import Course

    root = tiny_course(tmp_path / "course", figures=False)
    course = Course.load(root)
    notebook = root / "source" / TINY / f"{TINY}.ipynb"
    before = notebook.read_text(encoding="utf-8")
    result = render(course, TINY)
    figure = root / "source" / TINY / "figures" / "running_total.png"
    assert [p.name for p in result.written] == ["running_total.png"] and result.seconds > 0
    data = figure.read_bytes()
    assert data.startswith(b"\x89PNG") and b"tEXt" not in data and len(data) > 1000
    after = notebook.read_text(encoding="utf-8")
    # only the expected-output block changed, and the file keeps its layout (indent=1, trailing newline)
    old, new = json.loads(before), json.loads(after)
    assert "".join(new["cells"][5]["source"]) == "**Expected output**\n```text\n1 -> 2\n2 -> 4\n3 -> 6\n```"
    new["cells"][5]["source"] = old["cells"][5]["source"]
    assert new == old
    assert after == json.dumps(json.loads(after), indent=1, ensure_ascii=False) + "\n"
    again = render(course, TINY)
    assert again.written == [] and [p.name for p in again.unchanged] == ["running_total.png"], "figures are not deterministic"
    assert figure.read_bytes() == data and notebook.read_text(encoding="utf-8") == after


def test_figures_names_the_cell_that_fails(tmp_path):
    from dlcourse.course import Course
    from test_notebook_standard import tiny_notebook

    nb = tiny_notebook()
    next(c for c in nb["cells"] if c["id"] == "t11")["source"] = "plt.plot(undefined_name)"
    root = tiny_course(tmp_path / "course", notebook=nb, figures=False)
    with pytest.raises(CourseError, match=r"code cell 6 \(id t11\) raised NameError: name 'undefined_name' is not defined"):
        render(Course.load(root), TINY)


def test_figures_refuses_a_figure_cell_that_draws_nothing(tmp_path):
    from dlcourse.course import Course
    from test_notebook_standard import tiny_notebook

    nb = tiny_notebook()
    next(c for c in nb["cells"] if c["id"] == "t11")["source"] = "print('no drawing')"
    root = tiny_course(tmp_path / "course", notebook=nb, figures=False)
    with pytest.raises(CourseError, match=r"cell id t11 \(tagged figure:running_total\) drew no image"):
        render(Course.load(root), TINY)


# --- dlcourse figures on a real assignment, in a temporary copy ---------------------------------------

def test_figures_regenerates_a_real_assignment_with_the_same_names(tmp_path):
    from dlcourse.course import Course

    source = ROOT / "source" / CHEAP
    committed = sorted(p.name for p in (source / "figures").glob("*.png"))
    assert committed, f"{CHEAP} has no figures to regenerate"
    root = tmp_path / "course"
    (root / "source").mkdir(parents=True)
    shutil.copy(ROOT / "course_config.py", root / "course_config.py")
    shutil.copytree(source, root / "source" / CHEAP, ignore=shutil.ignore_patterns("figures", "__pycache__"))
    result = render(Course.load(root), CHEAP)
    made = sorted(p.name for p in (root / "source" / CHEAP / "figures").glob("*.png"))
    assert made == committed, f"dlcourse figures made {made}; the checkout has {committed}"
    for name in made:
        assert (root / "source" / CHEAP / "figures" / name).read_bytes().startswith(b"\x89PNG")
    print(result.line())


def test_keras_plot_model_draws_a_model(tmp_path):
    """keras.utils.plot_model works in the course environment (pydot in the lock, Graphviz from setup.sh)."""
    import subprocess
    import sys

    png = tmp_path / "model.png"
    code = ("import keras\n"
            "inputs = keras.Input((4,))\n"
            "outputs = keras.layers.Dense(1)(keras.layers.Dense(8, activation='relu')(inputs))\n"
            f"keras.utils.plot_model(keras.Model(inputs, outputs), to_file={str(png)!r}, show_shapes=True)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr.strip().splitlines()[-3:]
    assert png.is_file() and png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 5000
