"""Can learner code that patches the checks, fakes equality or exits early gain points? It must not.

Each cheat is a whole submission of 07 whose graded functions are wrong, plus an attack
on the grader; it must score exactly 0.
"""
import socket
import textwrap

import pytest

from dlcourse.grade import grade

WRONG = '''
import torch
def tensor_summary(t):
    return {"shape": (), "dtype": "", "device": "", "requires_grad": None, "contiguous": None}
def to_patches(img, p):
    return torch.zeros(1)
'''

CHEATS = {
    "patch_torch_allclose": "torch.allclose = lambda *a, **k: True\ntorch.equal = lambda *a, **k: True",
    "patch_torch_testing": "import torch.testing\ntorch.testing.assert_close = lambda *a, **k: None",
    "patch_numpy": "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None\nnp.array_equal = lambda *a, **k: True",
    "patch_builtins": "import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.len = lambda x: 0\nbuiltins.AssertionError = type('Nope', (Exception,), {})",
    "patch_pytest": "import sys, types\nfake = types.ModuleType('pytest')\nfake.fail = lambda *a, **k: None\nsys.modules['pytest'] = fake",
    "always_equal_object": textwrap.dedent('''
        class Yes:
            def __eq__(self, other): return True
            __ne__ = lambda self, other: False
            def __bool__(self): return True
            def __array__(self, *a, **k): raise TypeError("no")
            def __getattr__(self, name): return lambda *a, **k: self
        def to_patches(img, p): return Yes()
        def tensor_summary(t): return Yes()
        '''),
    "sys_exit_at_import": "import sys\nsys.exit(0)",
    "os_exit_in_function": "import os\ndef to_patches(img, p):\n    os._exit(0)",
    "read_hidden_tests": textwrap.dedent('''
        import glob, os
        found = []
        for pattern in ["/work/**/autograder/**/*.py", "../autograder/**/*.py", "/**/solutions/*.py"]:
            try:
                found += glob.glob(pattern, recursive=True)[:3]
            except Exception:
                pass
        SOURCES = {}
        for path in found:
            try:
                SOURCES[path] = open(path).read()
            except Exception:
                pass
        assert not SOURCES, "read hidden files"
        '''),
    "fake_result_file": "import json\nfor p in ['result.json', '/tmp/result.json', '../result.json']:\n    try:\n        json.dump({'score': 100}, open(p, 'w'))\n    except Exception: pass",
}


@pytest.mark.parametrize("name", sorted(CHEATS))
def test_cheat_earns_nothing(name, tmp_path, course):
    path = tmp_path / f"{name}.py"
    path.write_text(WRONG + "\n" + CHEATS[name])
    result = grade("07_torch_tensors_autograd", path, course=course)
    assert result.score == 0, f"{name} earned {result.score}: " + str([t for t in result.tests if t["points"]])
    assert result.tests and all(t["outcome"] in {"failed", "error", "missing", "timeout"} for t in result.tests if t["points"] == 0)


def test_sandbox_refuses_a_connection_to_a_loopback_listener(tmp_path, course):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    path = tmp_path / "connect.py"
    path.write_text(WRONG + textwrap.dedent(f'''
        import socket
        def to_patches(img, p):
            s = socket.create_connection(("127.0.0.1", {port}), timeout=2)
            s.sendall(b"leak")
            return img
        '''))
    try:
        result = grade("07_torch_tensors_autograd", path, course=course)
        with pytest.raises(socket.timeout):
            listener.accept()
    finally:
        listener.close()
    patches = [t for t in result.tests if t["function"] == "to_patches"]
    assert patches and all(t["points"] == 0 for t in patches)
