"""Starting bubblewrap: the command line of a sandbox, and whether this machine can run one.

``bwrap`` gives the worker new user, PID, network, IPC and mount namespaces; it sees only the Python
installation, the course environment, the tooling and its own working directory, runs as ``nobody``
with no capabilities and no network at all. Where bubblewrap cannot run, grading falls back to
``rlimits``: a plain child process (docs/security.md says what that does not stop).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
INSIDE_HOME = "/home/learner"


def python_roots() -> list[str]:
    """Folders the worker's interpreter needs: the venv and the base installation."""
    roots = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    return sorted(r for r in roots if r and os.path.isdir(r))


def bwrap_args(workdir: str) -> list[str]:
    args = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session",
            "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/dev/shm",
            "--ro-bind", "/usr", "/usr", "--ro-bind", "/sys", "/sys"]
    for top in ("/bin", "/sbin", "/lib", "/lib64", "/lib32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    # Only public files of /etc: the sandbox user owns what the host's root owns.
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
                 "nsswitch.conf", "hosts", "ssl/certs", "alternatives", "fonts", "matplotlibrc"):
        path = os.path.join("/etc", name)
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    for root in python_roots():
        args += ["--ro-bind", root, root]
    # The root and /dev are bwrap's own tmpfs: read-only, so /tmp, /dev/shm and the home are the only
    # writable places, and a warm sandbox empties all three between runs.
    args += ["--ro-bind", str(PACKAGE_DIR), str(PACKAGE_DIR),
             "--bind", workdir, INSIDE_HOME, "--remount-ro", "/dev", "--remount-ro", "/", "--chdir", INSIDE_HOME]
    return args


@lru_cache(maxsize=1)
def detect_mode() -> str:
    """'bwrap' when bubblewrap works on this machine, else 'rlimits'."""
    if os.environ.get("DLCOURSE_SANDBOX") in ("bwrap", "rlimits"):
        return os.environ["DLCOURSE_SANDBOX"]
    if not shutil.which("bwrap"):
        return "rlimits"
    probe_dir = Path("/tmp") / f"dlcourse-probe-{uuid.uuid4().hex}"
    probe_dir.mkdir(mode=0o700)
    try:
        cmd = bwrap_args(str(probe_dir)) + [sys.executable, "-I", "-c", "import sys"]
        ok = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    finally:
        shutil.rmtree(probe_dir, ignore_errors=True)
    return "bwrap" if ok else "rlimits"
