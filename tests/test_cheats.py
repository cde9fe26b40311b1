"""Can learner code that patches the checks, fakes equality, escapes or exits early gain points? It must not.

Each cheat is a whole submission: a base whose graded functions are wrong (or, for the
cheats marked with ``earned``, partly right), plus an attack on the grader. It must score
exactly what the base earns on its own, and leave nothing behind: no process, no file
outside its sandbox, nothing received by a listener on this machine.

To keep the suite affordable the cheats run on a copy of the course settings with shorter
time limits and a smaller memory limit (the protections do not depend on their size).
Placeholders in a cheat: ``{ROOT}`` the course root, ``{TOKEN}`` a name unique to the test
(given to any process the cheat starts, so survivors can be found), ``{TMP}`` the test's
own temporary folder (outside the sandbox).
"""
from __future__ import annotations

import copy
import glob
import os
import signal
import socket
import tempfile
import textwrap
import time
import importlib.util
import uuid
from pathlib import Path

import pytest

from dlcourse.course import Course
from dlcourse.grade import grade
from dlcourse.bubblewrap import detect_mode

from cheat_kit import Cheat as _Cheat, dedent

T07, T01, T05 = "07_torch_tensors_autograd", "01_tf_tensors_graphs", "05_tf_training"

WRONG = '''
import torch
def tensor_summary(t):
    return {"shape": (), "dtype": "", "device": "", "requires_grad": None, "contiguous": None}
def to_patches(img, p):
    return torch.zeros(1)
'''

# The reference tensor_summary (3 points of 07): the base of cheats that are correct in part.
TENSOR_SUMMARY = '''
def tensor_summary(t):
    return {"shape": tuple(t.shape), "dtype": str(t.dtype).removeprefix("torch."), "device": str(t.device),
            "requires_grad": t.requires_grad, "contiguous": t.is_contiguous()}
'''
PARTIAL = WRONG + TENSOR_SUMMARY

WRONG01 = '''
import tensorflow as tf
def tensor_summary(t):
    return {"rank": -1, "shape": (), "dtype": "", "size": -1}
def standardize(x, axis):
    return "not standardized"
def pairwise_sq_distances(a, b):
    return "no distances"
'''

WRONG05 = '''
import tensorflow as tf
def mse(y_true, y_pred):
    return "no"
def sgd_step(w, g, lr):
    return None
def huber(y_true, y_pred, delta=1.0):
    return "no"
'''

# Native helpers for cheats that fork around the audit hook and name their processes.
LIBC = '''
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def rename(tag):
    libc.prctl(15, ctypes.c_char_p(tag.encode()), 0, 0, 0)   # PR_SET_NAME: shows in /proc/<pid>/comm
'''

# What a cheat does once it got hold of a hidden file: define the reference answer, so that
# any leak shows up as points.
STOLEN = TENSOR_SUMMARY.replace("def tensor_summary", "def _stolen_tensor_summary") + '''
def _use_stolen(text):
    global tensor_summary
    tensor_summary = _stolen_tensor_summary
    try:
        exec(text, globals())
    except BaseException:
        pass
'''


def _d(code: str) -> str:
    return dedent(code)


def Cheat(code, **kwargs):  # noqa: N802  (07's wrong submission is this file's default base)
    kwargs.setdefault("assignment", T07)
    kwargs.setdefault("base", WRONG)
    return _Cheat(code, **kwargs)


CHEATS = {
    # --- patching the checks ---------------------------------------------------------
    "patch_torch_allclose": Cheat("torch.allclose = lambda *a, **k: True\ntorch.equal = lambda *a, **k: True"),
    "patch_torch_testing": Cheat("import torch.testing\ntorch.testing.assert_close = lambda *a, **k: None"),
    "patch_numpy": Cheat("import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None\nnp.array_equal = lambda *a, **k: True"),
    "patch_builtins": Cheat("import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.len = lambda x: 0\nbuiltins.AssertionError = type('Nope', (Exception,), {})"),
    "patch_pytest": Cheat("import sys, types\nfake = types.ModuleType('pytest')\nfake.fail = lambda *a, **k: None\nsys.modules['pytest'] = fake"),
    "patch_pytest_internals": Cheat(_d('''
        import _pytest.outcomes, _pytest.runner, _pytest.reports, _pytest.python
        _pytest.outcomes.fail = lambda *a, **k: None
        _pytest.outcomes.Failed = type("Never", (BaseException,), {})
        _pytest.reports.TestReport.passed = property(lambda self: True)
        _pytest.reports.TestReport.outcome = "passed"
        _pytest.runner.call_and_report = lambda *a, **k: None
        _pytest.python.pytest_pyfunc_call = lambda *a, **k: True
        ''')),
    "patch_dlcourse_grading_and_protocol_in_sandbox": Cheat(_d('''
        import dlcourse.grading as g, dlcourse.protocol as p, dlcourse.worker as w
        g.expect = lambda *a, **k: None
        g.close = lambda *a, **k: None
        g.Failed = type("Never", (Exception,), {})
        _dumps = p.dumps
        p.dumps = lambda message: _dumps({"ok": True, "value": True} if "value" in message else message)
        w._run_probe = lambda request, module, mods: True
        '''), ),
    "patch_torch_tensor_methods": Cheat(_d('''
        import numpy as np
        torch.Tensor.__eq__ = lambda self, other: True
        torch.Tensor.equal = lambda self, other: True
        torch.Tensor.allclose = lambda self, *a, **k: True
        torch.Tensor.numpy = lambda self, *a, **k: np.zeros(3)
        torch.as_tensor = lambda *a, **k: torch.ones(2, 2)
        '''), ),
    "patch_numpy_save_and_asarray": Cheat(_d('''
        import numpy as np
        _save = np.save
        np.save = lambda file, arr, **k: _save(file, np.ones((2, 2)), allow_pickle=False)
        np.asarray = lambda *a, **k: np.ones((2, 2))
        np.isclose = lambda *a, **k: True
        '''), ),
    # --- values that claim to equal anything --------------------------------------------
    "always_equal_object": Cheat(_d('''
        class Yes:
            def __eq__(self, other): return True
            __ne__ = lambda self, other: False
            def __bool__(self): return True
            def __array__(self, *a, **k): raise TypeError("no")
            def __getattr__(self, name): return lambda *a, **k: self
        def to_patches(img, p): return Yes()
        def tensor_summary(t): return Yes()
        ''')),
    "ndarray_subclass_always_equal": Cheat(_d('''
        import numpy as np
        class Equal(np.ndarray):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __array_ufunc__(self, *a, **k): return True
            def __array_function__(self, *a, **k): return True
        def to_patches(img, p):
            return np.zeros((1, 1)).view(Equal)
        def tensor_summary(t):
            return {"shape": np.zeros(2).view(Equal), "dtype": np.zeros(1).view(Equal), "device": "cpu",
                    "requires_grad": np.zeros(1).view(Equal), "contiguous": np.zeros(1).view(Equal)}
        ''')),
    "tensor_subclass_torch_function": Cheat(_d('''
        import numpy as np
        class Liar(torch.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                name = getattr(func, "__name__", "")
                if name in ("eq", "__eq__", "equal", "allclose", "isclose"):
                    return True
                if name == "numpy":
                    return np.zeros(1)
                return super().__torch_function__(func, types, args, kwargs or {})
            def __eq__(self, other): return True
        def to_patches(img, p):
            return torch.zeros(1).as_subclass(Liar)
        '''), ),
    "dict_and_str_subclasses_always_equal": Cheat(_d('''
        class S(str):
            def __eq__(self, other): return True
            __hash__ = str.__hash__
        class D(dict):
            def __eq__(self, other): return True
            def get(self, key, default=None): return S("x")
        class T(tuple):
            def __eq__(self, other): return True
        def tensor_summary(t):
            return D(shape=T(), dtype=S(""), device=S(""), requires_grad=S(""), contiguous=S(""))
        ''')),
    # --- leaving early ------------------------------------------------------------------
    "sys_exit_at_import": Cheat("import sys\nsys.exit(0)"),
    "os_exit_at_import": Cheat("import os\nos._exit(0)"),
    "os_exit_in_function": Cheat("import os\ndef to_patches(img, p):\n    os._exit(0)"),
    # --- reading the hidden tests, solutions and sources ---------------------------------
    "read_hidden_tests": Cheat(_d('''
        import glob, os
        found = []
        for pattern in ["/work/**/autograder/**/*.py", "../autograder/**/*.py", "/*/solutions/*.py", "/*/*/solutions/*.py",
                        "/*/*/*/solutions/*.py", "/*/*/*/*/solutions/*.py", "/tmp/**/*.py", "/home/**/*.py"]:
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
        ''')),
    "read_hidden_by_absolute_path": Cheat(STOLEN + _d('''
        import os
        for rel in ["solutions/07_torch_tensors_autograd.py", "autograder/07_torch_tensors_autograd/test_to_patches.py",
                    "source/07_torch_tensors_autograd/07_torch_tensors_autograd.ipynb", "tests/conftest.py"]:
            for opener in (lambda p: open(p).read(), lambda p: os.read(os.open(p, os.O_RDONLY), 1 << 20).decode(),
                           lambda p: __import__("pathlib").Path(p).read_text(),
                           lambda p: __import__("io").open_code(p).read().decode()):
                try:
                    _use_stolen(opener(os.path.join("{ROOT}", rel)))
                except Exception:
                    pass
        ''')),
    "read_hidden_by_relative_path_and_proc_cwd": Cheat(STOLEN + _d('''
        import os
        ups = ["../" * k for k in range(1, 9)]
        bases = ups + ["/proc/self/cwd/" + u for u in ups] + ["/proc/1/cwd/" + u for u in ups] + \\
                ["/proc/self/root{ROOT}/", "/proc/1/root{ROOT}/", f"/proc/{os.getppid()}/cwd/", f"/proc/{os.getppid()}/root{ROOT}/"]
        for base in bases:
            for rel in ["solutions/07_torch_tensors_autograd.py", "main/solutions/07_torch_tensors_autograd.py",
                        "autograder/07_torch_tensors_autograd/test_predict.py"]:
                try:
                    _use_stolen(open(base + rel).read())
                except Exception:
                    pass
        try:
            for entry in os.scandir("/proc"):
                if entry.name.isdigit():
                    try:
                        _use_stolen(open(f"/proc/{entry.name}/cwd/solutions/07_torch_tensors_autograd.py").read())
                    except Exception:
                        pass
        except Exception:
            pass
        '''),
        rlimits_hole="another copy of the course on the machine (seen through some process's /proc/PID/cwd) is not "
                     "protected: the audit hook knows this course's folders only",
        rlimits_hole_always=False),
    "import_hidden_via_importlib": Cheat(STOLEN + _d('''
        import importlib, importlib.util, runpy, sys
        for folder in ["{ROOT}", "{ROOT}/solutions", "{ROOT}/autograder", "..", "../..", "/proc/self/cwd/.."]:
            sys.path.insert(0, folder)
        for name in ["solutions", "autograder", "source", "tests.conftest", "course_config"]:
            try:
                mod = importlib.import_module(name)
                if "site-packages" not in str(getattr(mod, "__file__", None) or getattr(mod, "__path__", "")):
                    _use_stolen("")
            except BaseException:
                pass
        for path in ["{ROOT}/solutions/07_torch_tensors_autograd.py", "../solutions/07_torch_tensors_autograd.py"]:
            try:
                spec = importlib.util.spec_from_file_location("stolen", path)
                mod = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(mod)
                _use_stolen("tensor_summary = _stolen_tensor_summary")
            except BaseException:
                pass
            try:
                runpy.run_path(path)
                _use_stolen("")
            except BaseException:
                pass
        '''),
        rlimits_hole=("the course folder exists outside bubblewrap: importing autograder/ as a namespace package "
                      "succeeds (its files stay unreadable) and the cheat falls back on its own correct code")),
    "symlink_and_hardlink_in_workdir": Cheat(STOLEN + _d('''
        import os
        targets = {"sol": "{ROOT}/solutions", "grader": "{ROOT}/autograder", "root": "/", "up": "..",
                   "file.py": "{ROOT}/solutions/07_torch_tensors_autograd.py"}
        for name, target in targets.items():
            try:
                os.symlink(target, name)
            except OSError:
                pass
        for path in ["sol/07_torch_tensors_autograd.py", "file.py", "root{ROOT}/solutions/07_torch_tensors_autograd.py",
                     "up/solutions/07_torch_tensors_autograd.py"]:
            try:
                _use_stolen(open(path).read())
            except Exception:
                pass
        try:
            os.link("{ROOT}/solutions/07_torch_tensors_autograd.py", "hard.py")
            _use_stolen(open("hard.py").read())
        except Exception:
            pass
        '''),
        rlimits_hole="a hard link (as root) is a new name for a solution file: the hook checks names, not inodes"),
    # native readers do not pass through the audit hook: only the bwrap sandbox (where the file does not exist) stops them
    "read_hidden_via_native_io": Cheat(STOLEN + LIBC + _d('''
        import mmap, numpy as np
        path = "{ROOT}/solutions/07_torch_tensors_autograd.py"
        for read in (lambda: bytes(torch.from_file(path, shared=False, size=200, dtype=torch.uint8).tolist()).decode(),
                     lambda: np.fromfile(path, dtype=np.uint8).tobytes().decode(),
                     lambda: bytes(np.memmap(path, dtype=np.uint8, mode="r")).decode()):
            try:
                _use_stolen(read())
            except Exception:
                pass
        fd = libc.open(path.encode(), 0)
        if fd >= 0:
            buf = ctypes.create_string_buffer(1 << 16)
            if libc.read(fd, buf, 1 << 16) > 0:
                _use_stolen(buf.value.decode(errors="replace"))
        '''),
        rlimits_hole='native reads (libc, C extensions) do not pass through the audit hook'),
    # --- writing results of its own -----------------------------------------------------
    "fake_result_file": Cheat("import json\nfor p in ['result.json', '/tmp/result.json', '../result.json']:\n    try:\n        json.dump({'score': 100}, open(p, 'w'))\n    except Exception: pass"),
    "fake_result_files_outside_the_sandbox": Cheat(_d('''
        import json, os
        fake = {"score": 30, "max_score": 30, "tests": [], "errors": []}
        for path in ["{TMP}/result.json", "{TMP}/{TOKEN}.json", "/dev/shm/{TOKEN}.json", "/tmp/{TOKEN}.json",
                     os.path.expanduser("~/result.json"), "/proc/self/cwd/../{TOKEN}.json", "/proc/1/root{TMP}/result.json",
                     "{ROOT}/autograder/07_torch_tensors_autograd/{TOKEN}.json"]:
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as fh:
                    json.dump(fake, fh)
            except Exception:
                pass
        '''),
        rlimits_hole='no private /tmp or /dev/shm: the files land on the machine (they change no grade)'),
    # --- detecting the grader and answering from a cache ---------------------------------
    "detect_grader_by_environment_and_argv": Cheat(_d('''
        import os, sys
        GRADED = ("DLCOURSE_LOG" in os.environ or os.environ.get("HOME") == "/home/learner"
                  or os.environ.get("CUDA_VISIBLE_DEVICES") == "" or "dlcourse.worker" in " ".join(sys.orig_argv + sys.argv))
        CACHE = {"shape": (3, 4), "dtype": "float32", "device": "cpu", "requires_grad": False, "contiguous": True}
        def tensor_summary(t):
            return dict(CACHE) if GRADED else {}
        def to_patches(img, p):
            return torch.arange(48.0).reshape(12, 4) if GRADED else None
        ''')),
    "detect_grader_by_stack_inspection": Cheat(_d('''
        import inspect, sys
        def graded():
            names = [f.function for f in inspect.stack()]
            frame, seen = sys._getframe(1), []
            while frame is not None:
                seen.append(frame.f_code.co_name + frame.f_code.co_filename)
                frame = frame.f_back
            return any("probe" in n or "serve" in n for n in names + seen)
        def tensor_summary(t):
            if graded():
                return {"shape": (3, 4), "dtype": "float32", "device": "cpu", "requires_grad": False, "contiguous": True}
            return {}
        def to_patches(img, p):
            return torch.arange(48.0).reshape(12, 4) if graded() else None
        ''')),
    # --- the grader's randomness --------------------------------------------------------
    "reseed_rngs_at_import": Cheat(_d('''
        import random, numpy as np
        random.seed(0)
        np.random.seed(0)
        torch.manual_seed(0)
        _fixed = np.random.default_rng
        np.random.default_rng = lambda *a, **k: _fixed(0)
        for name, fake in (("standard_normal", lambda self, *a, **k: np.zeros(a[0] if a else ())),
                           ("integers", lambda self, low, high=None, size=None, **k: np.full(size, 2) if size else 2)):
            try:
                setattr(np.random.Generator, name, fake)   # an immutable type: refused, but it must not matter
            except TypeError:
                pass
        CACHE = torch.zeros(4, 4)
        def to_patches(img, p):
            return CACHE
        '''), ),
    # --- the protocol between sandbox and grader ----------------------------------------
    "garbage_on_protocol_pipe": Cheat(_d('''
        import os, stat, struct
        def to_patches(img, p):
            for fd in range(3, 64):
                try:
                    if stat.S_ISFIFO(os.fstat(fd).st_mode):
                        os.write(fd, struct.pack("!I", 2**31) + b"{\\"ok\\": true, \\"value\\": true}" * 100)
                        os.write(fd, struct.pack("!I", 27) + b'{"ok": true, "value": true}')
                except OSError:
                    pass
            return img
        ''')),
    # --- threads, resources, output -----------------------------------------------------
    "thread_keeps_running_after_load": Cheat(_d('''
        import threading, time, numpy as np
        def meddle():
            while True:
                torch.allclose = lambda *a, **k: True
                np.allclose = lambda *a, **k: True
                print("still here")
                time.sleep(0.01)
        threading.Thread(target=meddle, daemon=False).start()
        ''')),
    "endless_loop_in_function": Cheat("def to_patches(img, p):\n    while True:\n        pass"),
    "memory_bomb": Cheat(_d('''
        def to_patches(img, p):
            blocks = []
            while True:
                blocks.append(bytearray(64 * 2**20))
        ''')),
    "stdout_flood_100mb": Cheat(_d('''
        import os, sys
        chunk = "x" * (1 << 20)
        for _ in range(100):
            print(chunk)
        def to_patches(img, p):
            for _ in range(100):
                os.write(1, chunk.encode())
                sys.stderr.write(chunk)
            return img
        ''')),
    # --- correct in part, plus an attack: exactly the points earned, nothing left behind ---
    "fork_that_outlives_the_run": Cheat(LIBC + _d('''
        import signal
        if libc.fork() == 0:                      # around the audit hook: no os.fork event
            libc.setsid()
            if libc.fork() == 0:                  # orphaned grandchild in its own session
                rename("{TOKEN}")
                for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
                    libc.signal(int(sig), ctypes.c_void_p(1))   # SIG_IGN
                libc.sleep(600)
            libc._exit(0)
        '''), base=PARTIAL, earned=3.0, survivors=True),
    "ignore_sigterm_and_hang": Cheat(LIBC + _d('''
        import signal, time
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_IGN)
        rename("{TOKEN}")
        def to_patches(img, p):
            while True:
                time.sleep(0.1)
        '''), survivors=True),
    "two_hundred_child_processes": Cheat(LIBC + _d('''
        import multiprocessing, subprocess
        for start in (lambda: os.fork(), lambda: subprocess.Popen(["sleep", "600"]),
                      lambda: multiprocessing.Process(target=lambda: None).start()):
            try:
                start()
            except BaseException:
                pass
        for _ in range(200):
            if libc.fork() == 0:
                rename("{TOKEN}")
                libc.sleep(600)
                libc._exit(0)
        '''), survivors=True),
    "corrupt_the_working_directory": Cheat(_d('''
        import os, shutil
        for path in ("submission.py", "output.log"):
            try:
                os.remove(path)
            except OSError:
                pass
        open("{TOKEN}", "w").write("left behind?")
        open("submission.py", "w").write("def to_patches(img, p):\\n    return img\\n")
        os.chmod("submission.py", 0)
        os.chmod(".", 0o500)
        '''), base=PARTIAL, earned=3.0),
    # in-sandbox observations the probes make: the learner's own code can fake them
    "frozen_clock_fakes_a_fast_to_patches": Cheat(_d('''
        import time
        _sleep, _count = time.sleep, [0.0]
        def _fake_clock():
            _count[0] += 1e-4
            return _count[0]
        def to_patches(img, p):
            c, h, w = img.shape
            if h * w > 100_000:
                _sleep(1.5)                  # stands for a slow, loop-based implementation
            x = img.reshape(c, h // p, p, w // p, p).permute(1, 3, 0, 2, 4)
            return x.reshape((h // p) * (w // p), c * p * p)
        time.perf_counter = _fake_clock
        time.time = _fake_clock
        time.monotonic = _fake_clock
        '''), base=PARTIAL, earned=6.0),  # to_patches is timed in the trusted process
    "spoofed_is_grad_enabled_fakes_no_grad": Cheat(_d('''
        _real, _inside = torch.is_grad_enabled, [False]
        torch.is_grad_enabled = lambda: False if _inside[0] else _real()
        def predict(model, x):
            modes = [(m, m.training) for m in model.modules()]
            model.eval()
            _inside[0] = True
            try:
                return model(x).detach()     # autograd stays on: no torch.no_grad()
            finally:
                _inside[0] = False
                for m, mode in modes:
                    m.training = mode
        '''), earned=3.0),   # closed in session 4: autograd is judged from each recorded input's own flags
    # --- TensorFlow assignments ---------------------------------------------------------
    "tf01_patch_tf_debugging_and_comparisons": Cheat(_d('''
        import numpy as np
        for name in ("assert_near", "assert_equal", "assert_all_finite", "assert_shapes", "assert_type"):
            setattr(tf.debugging, name, lambda *a, **k: None)
        tf.reduce_all = lambda *a, **k: tf.constant(True)
        tf.math.equal = tf.equal = lambda *a, **k: tf.constant(True)
        tf.experimental.numpy.allclose = lambda *a, **k: True
        np.testing.assert_allclose = lambda *a, **k: None
        np.allclose = lambda *a, **k: True
        '''), assignment=T01, base=WRONG01),
    "tf01_always_equal_tensor_lookalikes": Cheat(_d('''
        import numpy as np
        class Equal(np.ndarray):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def numpy(self): return self
            dtype_name = "float32"
        class FakeTensor:
            def __eq__(self, other): return True
            def __getattr__(self, name): return self
            def __call__(self, *a, **k): return self
            def __array__(self, *a, **k): return np.zeros(1).view(Equal)
        def standardize(x, axis):
            return FakeTensor()
        def pairwise_sq_distances(a, b):
            return np.zeros((1, 1)).view(Equal)
        def tensor_summary(t):
            return {"rank": FakeTensor(), "shape": np.zeros(1).view(Equal), "dtype": FakeTensor(), "size": FakeTensor()}
        '''), assignment=T01, base=WRONG01),
    "tf01_read_solution_via_tf_io": Cheat(_d('''
        import os
        def _take(text):
            try:
                exec(text, globals())
            except BaseException:
                pass
        for path in ["{ROOT}/solutions/01_tf_tensors_graphs.py", "../solutions/01_tf_tensors_graphs.py",
                     "/proc/self/cwd/../solutions/01_tf_tensors_graphs.py", "/proc/1/root{ROOT}/solutions/01_tf_tensors_graphs.py"]:
            for read in (lambda p: tf.io.read_file(p).numpy().decode(), lambda p: tf.io.gfile.GFile(p).read(),
                         lambda p: "\\n".join(l.decode() for l in tf.data.TextLineDataset(p).as_numpy_iterator())):
                try:
                    _take(read(path))
                except Exception:
                    pass
        try:
            for path in tf.io.gfile.glob("{ROOT}/autograder/01_tf_tensors_graphs/*.py"):
                _take(tf.io.read_file(path).numpy().decode())
        except Exception:
            pass
        '''), assignment=T01, base=WRONG01,
        rlimits_hole="TensorFlow's C++ file system does not pass through the audit hook"),
    "tf05_patch_keras_losses_metrics_and_optimizers": Cheat(_d('''
        import keras, numpy as np
        keras.losses.mean_squared_error = keras.losses.MeanSquaredError = lambda *a, **k: (lambda *b, **c: 0.0)
        keras.losses.Huber = lambda *a, **k: (lambda *b, **c: 0.0)
        keras.optimizers.SGD.apply_gradients = lambda *a, **k: None
        keras.ops.convert_to_tensor = lambda *a, **k: np.zeros(1)
        np.testing.assert_allclose = lambda *a, **k: None
        tf.debugging.assert_near = lambda *a, **k: None
        '''), assignment=T05, base=WRONG05),
    "tf05_reseed_tf_and_keras_at_import": Cheat(_d('''
        import keras, random, numpy as np
        tf.random.set_seed(0)
        keras.utils.set_random_seed(0)
        np.random.seed(0)
        random.seed(0)
        _fixed = np.random.default_rng
        np.random.default_rng = lambda *a, **k: _fixed(0)
        def mse(y_true, y_pred):
            return 4.0                                  # the loss of the seed-0 inputs, remembered
        def sgd_step(w, g, lr):
            return (np.zeros_like(np.asarray(w)),)
        '''), assignment=T05, base=WRONG05),
    "tf05_os_exit_in_function_and_import_solution": Cheat(_d('''
        import importlib.util, os, sys
        sys.path.insert(0, "{ROOT}")
        try:
            spec = importlib.util.spec_from_file_location("stolen", "{ROOT}/solutions/05_tf_training.py")
            stolen = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(stolen)
            mse, huber = stolen.mse, stolen.huber
        except BaseException:
            pass
        def sgd_step(w, g, lr):
            os._exit(0)
        '''), assignment=T05, base=WRONG05),
}


def _per_assignment_cheats() -> dict:
    """The cheats of tests/cheats/<a>.py, written against one assignment's graders each."""
    found = {}
    for path in sorted((Path(__file__).parent / "cheats").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"cheats_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, cheat in module.CHEATS.items():
            if name in CHEATS or name in found:
                raise ValueError(f"{path}: cheat {name!r} is defined twice")
            found[name] = cheat
    return found


PER_ASSIGNMENT = _per_assignment_cheats()
CHEATS.update(PER_ASSIGNMENT)


@pytest.fixture(scope="module")
def quick(course) -> Course:
    """The course with shorter time limits and a smaller memory limit, so hostile submissions stay cheap."""
    config = copy.deepcopy(course.config)
    config.DLCourse.test_timeout = 10
    config.DLCourse.start_timeout = 90
    config.DLCourse.total_timeout = 240
    config.DLCourse.memory_mb = 1536
    return Course(course.root, config)


def _tasks_named(token: str) -> list[int]:
    """Processes (or threads) on this machine whose name is ``token``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/comm") as fh:
                    if fh.read().strip() == token:
                        found.append(int(pid))
                        break
            except OSError:
                continue
    return found


def _kill(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _grade_cheat(name: str, cheat: Cheat, tmp_path, quick: Course):
    token = "dlc" + uuid.uuid4().hex[:12]        # 15 characters: the most a process name keeps
    code = cheat.base + "\n" + cheat.code
    code = code.replace("{ROOT}", str(quick.root)).replace("{TOKEN}", token).replace("{TMP}", str(tmp_path))
    path = tmp_path / f"{name}.py"
    path.write_text(code)
    original = path.read_bytes()
    result = grade(cheat.assignment, path, course=quick)
    if cheat.survivors:
        time.sleep(1.0)                           # let the kernel finish tearing the sandbox down
    left = _tasks_named(token)
    _kill(left)
    return result, left, token, path.read_bytes() == original


def _params():
    """Every cheat; a known hole (or one of the fallback sandbox, when that is what runs) is a strict xfail.

    The cheats of tests/cheats/ attack one assignment's graders (marked ``grader_logic``): what stops them
    is the same under both sandboxes, so the fallback's run (test_rlimits_fallback.py) leaves them out.
    """
    def marks(name, cheat):
        found = [pytest.mark.grader_logic] if name in PER_ASSIGNMENT else []
        if cheat.xfail:
            return found + [pytest.mark.xfail(strict=True, reason=cheat.xfail)]
        if cheat.rlimits_hole and detect_mode() == "rlimits":
            return found + [pytest.mark.xfail(strict=cheat.rlimits_hole_always, reason=cheat.rlimits_hole)]
        return found
    return [pytest.param(name, marks=marks(name, CHEATS[name])) for name in sorted(CHEATS)]


@pytest.mark.parametrize("name", _params())
def test_cheat_earns_nothing(name, tmp_path, quick):
    cheat = CHEATS[name]
    result, left, token, untouched = _grade_cheat(name, cheat, tmp_path, quick)
    earning = [(t["name"], t["points"]) for t in result.tests if t["points"]]
    assert result.score == cheat.earned, f"{name} earned {result.score}, expected {cheat.earned}: {earning}"
    assert result.tests and all(t["outcome"] in {"failed", "error", "missing", "timeout"}
                                for t in result.tests if t["points"] == 0)
    assert not left, f"{name}: processes {left} named {token} outlived the run"
    assert untouched, "the submission file outside the sandbox was changed"
    leaked = [p for p in (f"/dev/shm/{token}.json", f"/tmp/{token}.json", str(quick.root / "autograder" / T07 / f"{token}.json"))
              if os.path.exists(p)]
    assert not leaked, f"the cheat wrote {leaked} outside its sandbox"
    left_dirs = glob.glob(os.path.join(tempfile.gettempdir(), "dlcourse-sandbox-*", "home", "*", token))
    assert not left_dirs, f"the run's working directory was left behind: {left_dirs}"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{name}.py"], "a file appeared outside the sandbox"
    for t in result.tests:
        assert len(t["message"]) <= 700 and "\n" not in t["message"].strip()


# --- the network: nothing on this machine may receive anything ----------------------------
CONNECT = {
    "tcp_to_loopback_listener": '''
        import socket
        def to_patches(img, p):
            s = socket.create_connection(("127.0.0.1", PORT), timeout=2)
            s.sendall(b"leak")
            return img
        ''',
    "udp_to_loopback_listener": '''
        import socket
        def to_patches(img, p):
            for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET, "localhost")):
                s = socket.socket(family, socket.SOCK_DGRAM)
                s.sendto(b"leak", (host, PORT))
            return img
        ''',
    "abstract_unix_socket_listener": '''
        import socket
        def to_patches(img, p):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(2)
            s.connect(ABSTRACT)
            s.sendall(b"leak")
            return img
        ''',
}


@pytest.mark.parametrize("kind", sorted(CONNECT))
def test_sandbox_refuses_a_connection_to_a_listener_on_this_machine(kind, tmp_path, course):
    if kind.startswith("udp"):
        listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        listener.bind(("127.0.0.1", 0))
        address = listener.getsockname()
    elif kind.startswith("abstract"):
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        address = b"\0dlcourse-cheat-" + uuid.uuid4().hex.encode()
        listener.bind(address)
        listener.listen(1)
    else:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        address = listener.getsockname()
    listener.settimeout(0.5)
    path = tmp_path / "connect.py"
    code = textwrap.dedent(CONNECT[kind]).replace("PORT", str(address[1]) if isinstance(address, tuple) else "0")
    path.write_text(WRONG + code.replace("ABSTRACT", repr(address)))
    try:
        result = grade(T07, path, course=course)
        if kind.startswith("udp"):
            with pytest.raises(socket.timeout):
                listener.recvfrom(100)
        else:
            with pytest.raises(socket.timeout):
                listener.accept()
    finally:
        listener.close()
    patches = [t for t in result.tests if t["function"] == "to_patches"]
    assert patches and all(t["points"] == 0 for t in patches)
    assert result.score == 0


def test_there_are_enough_cheats():
    assert len(CHEATS) + len(CONNECT) >= 70
    assert len({c.assignment for c in CHEATS.values()}) >= 8
