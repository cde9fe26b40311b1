"""What the benchmarks share: the machine's description, a deterministic class of learners laid
out as an nbgrader course, a /proc memory sampler, and docs/benchmarks.md's sections."""
from __future__ import annotations

import datetime
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BENCH_ROOT = ROOT / "run" / "bench"
# One TF and one torch assignment: the first of each framework, short graders and a few seconds
# of learner code, so grading time is mostly fixed per-submission cost (imports, process and
# kernel starts): what warm workers are meant to remove, and what dominates a large class.
DEFAULT_ASSIGNMENTS = ["07_torch_tensors_autograd", "01_tf_tensors_graphs"]
# Submitted well before every due date of course_config.py: no late penalties in either run.
SUBMITTED_AT = "2026-12-01 12:00:00.000000 UTC"


# -- the machine ---------------------------------------------------------------------------
def machine() -> dict:
    """Cores, CPU model, memory, load average now, commit: the context every number needs."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = 0.0
    try:
        mem_gib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 2**20
    except (OSError, AttributeError):
        pass
    load = os.getloadavg()
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    return {"nproc": os.cpu_count(), "cpu": model, "mem_gib": round(mem_gib, 1), "load": [round(x, 2) for x in load],
            "loaded": load[0] > 0.5, "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "commit": commit + ("+uncommitted changes" if dirty else ""), "python": platform.python_version()}


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine_lines(info: dict, smoke: bool = False) -> list[str]:
    """The machine as markdown bullet lines; says plainly when the numbers are from a loaded machine."""
    load = ", ".join(f"{x:g}" for x in info["load"])
    state = ("**loaded machine** (other work running: numbers are slower than an idle machine's)"
             if info["loaded"] else "idle machine (1-min load average under 0.5)")
    lines = [f"- machine: {info['nproc']} cores ({info['cpu']}), {info['mem_gib']:g} GiB, Python {info['python']}",
             f"- load average at start (1/5/15 min): {load}: {state}",
             f"- date {info['date']}, commit {info['commit']}"]
    if smoke:
        lines.append("- **smoke run**: a small run to prove the script works, not the benchmark itself")
    return lines


def command_line() -> str:
    """This process's command, as typed from the course root."""
    return shlex.join([".venv/bin/python", "-m", _module_name(), *sys.argv[1:]])


def _module_name() -> str:
    path = Path(sys.argv[0]).resolve()
    try:
        return ".".join(path.relative_to(ROOT).with_suffix("").parts)
    except ValueError:
        return str(path)


# -- docs/benchmarks.md ----------------------------------------------------------------------
def write_section(key: str, body: str, doc: Path = DOC) -> None:
    """Replace the text between ``<!-- bench:key -->`` and ``<!-- /bench:key -->`` (appended if absent)."""
    begin, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    text = doc.read_text(encoding="utf-8") if doc.is_file() else "# Benchmarks\n"
    block = f"{begin}\n{body.strip()}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    tmp = doc.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, doc)


def publish(key: str, body: str, report: dict, out: Path, doc: bool = True) -> None:
    """Save the raw numbers to ``out``, print the section, and (unless ``doc`` is false) write it to the docs."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print("\n" + body)
    if doc:
        write_section(key, body)
        print(f"\nwritten to docs/benchmarks.md; raw numbers in {out}")


def table(rows: list[list], header: list[str]) -> str:
    """A markdown table."""
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


# -- a class of learners -----------------------------------------------------------------------
def variants(course, assignment: str, released: dict) -> dict[str, dict]:
    """The kinds of submission a class is made of, in a fixed order: the reference, the stub,
    tampered test cells, then each typical mistake (tests/mutants/<a>/, sorted)."""
    from dlcourse.demo import _solved, _tampered, _with_cell
    from dlcourse.verify import cases

    solved = _solved(course, assignment, released)
    kinds = {"reference": solved, "stub": released, "tampered-cells": _tampered(solved)}
    for case in cases(course, assignment):
        if case.kind == "mutant":
            kinds["mistake-" + case.name.replace("_", "-")] = _with_cell(solved, case.path.read_text(encoding="utf-8"))
    return kinds


def make_class(course, assignment: str, released: dict, n: int) -> dict[str, bytes]:
    """N learners ``s000-<kind>`` ... cycling through ``variants``; each notebook ends with a
    comment cell naming its learner, so no two submissions are byte- or code-identical."""
    from dlcourse.demo import _with_cell

    kinds = list(variants(course, assignment, released).items())
    learners = {}
    for i in range(n):
        kind, nb = kinds[i % len(kinds)]
        student = f"s{i:03d}-{kind}"
        learners[student] = json.dumps(_with_cell(nb, f"# learner {student}\n"), indent=1, sort_keys=True).encode()
    return learners


def released_notebook(course, assignment: str) -> dict:
    return json.loads(course.notebook(assignment, "release").read_text(encoding="utf-8"))


def lay_out(course, assignment: str, base: Path, learners: dict[str, bytes]):
    """A fresh nbgrader course root at ``base``: the assignment in its gradebook (with its due
    date) and every learner's folder as ``nbgrader collect`` leaves it (not through the exchange:
    two CLI calls per learner would cost more than grading). Returns its Nbgrader."""
    from dlcourse.demo import Nbgrader

    shutil.rmtree(base, ignore_errors=True)
    shutil.copytree(course.root / "source" / assignment, base / "source" / assignment)
    nbgrader = Nbgrader(course, base)
    nbgrader.instructor("generate_assignment", assignment, "--force")
    due = course.info(assignment).get("due")
    if due:
        nbgrader.instructor("db", "assignment", "add", assignment, f"--duedate={due}")
    extras = [f for f in (base / "release" / assignment).iterdir() if f.is_file() and f.suffix != ".ipynb"]
    for student, content in learners.items():
        folder = base / "submitted" / student / assignment
        folder.mkdir(parents=True)
        for extra in extras:  # what a learner fetched beside the notebook (checks.py) comes back with it
            shutil.copy2(extra, folder / extra.name)
        (folder / f"{assignment}.ipynb").write_bytes(content)
        (folder / "timestamp.txt").write_text(SUBMITTED_AT)
    return nbgrader


# -- memory ---------------------------------------------------------------------------------------
@dataclass
class ProcStats:
    """What the sampler saw of one process."""

    pid: int
    label: str
    peak_rss: int = 0      # bytes: the kernel's high-water mark (VmHWM) at the last sample
    peak_pss: int = 0      # bytes: proportional share (pages shared with a fork parent split)
    first: float = 0.0
    last: float = 0.0


@dataclass
class ProcSampler:
    """Samples every descendant of ``pid`` (through /proc) until stopped: per-process peak RSS
    and PSS, and the peak of the whole tree's summed RSS and PSS."""

    pid: int
    interval: float = 0.25
    procs: dict[int, ProcStats] = field(default_factory=dict)
    peak_tree_rss: int = 0
    peak_tree_pss: int = 0

    def __post_init__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _loop(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        now, tree_rss, tree_pss = time.monotonic(), 0, 0
        parents = parent_links()
        for pid in descendants(self.pid, parents):
            status = _read(f"/proc/{pid}/status")
            hwm = _kib(status, "VmHWM") * 1024
            rss = _kib(status, "VmRSS") * 1024
            pss = _kib(_read(f"/proc/{pid}/smaps_rollup"), "Pss") * 1024
            if not status:
                continue
            stats = self.procs.get(pid)
            if stats is not None and (stats.label == "?" or stats.label.endswith(" (forked child)")):
                # first seen between fork and exec, it may since have become another program: look again
                if process_label(pid) not in ("?", stats.label.removesuffix(" (forked child)")):
                    del self.procs[pid]
                    stats = None
            if stats is None:
                label = process_label(pid)
                parent = self.procs.get(parents.get(pid, -1))
                if parent is not None and parent.label.removesuffix(" (forked child)") == label:
                    label += " (forked child)"  # a warm worker's fork: same command line as its parent
                stats = self.procs[pid] = ProcStats(pid, label, first=now)
            stats.peak_rss, stats.peak_pss, stats.last = max(stats.peak_rss, hwm, rss), max(stats.peak_pss, pss), now
            tree_rss, tree_pss = tree_rss + rss, tree_pss + pss
        self.peak_tree_rss, self.peak_tree_pss = max(self.peak_tree_rss, tree_rss), max(self.peak_tree_pss, tree_pss)

    def by_label(self) -> list[dict]:
        """Per kind of process: how many, and the largest and median peak RSS/PSS (MiB)."""
        groups: dict[str, list[ProcStats]] = {}
        for stats in self.procs.values():
            if stats.peak_rss:
                groups.setdefault(stats.label, []).append(stats)
        out = []
        for label, members in sorted(groups.items(), key=lambda kv: -max(s.peak_rss for s in kv[1])):
            rss = sorted(s.peak_rss for s in members)
            pss = sorted(s.peak_pss for s in members)
            out.append({"label": label, "count": len(members), "max_rss_mib": rss[-1] / 2**20,
                        "median_rss_mib": rss[len(rss) // 2] / 2**20, "max_pss_mib": pss[-1] / 2**20})
        return out


def parent_links() -> dict[int, int]:
    """Every process's parent, from /proc."""
    parents = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _read(f"/proc/{entry.name}/stat")
            if stat:
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def descendants(root: int, parents: dict[int, int] | None = None) -> list[int]:
    """``root`` and every process below it, parents before children."""
    children: dict[int, list[int]] = {}
    for pid, ppid in (parents if parents is not None else parent_links()).items():
        children.setdefault(ppid, []).append(pid)
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def process_label(pid: int) -> str:
    """A short name for a process: ``python -m <module>``, a pool process, or the program's name."""
    args = [a for a in _read(f"/proc/{pid}/cmdline").split("\0") if a]
    if not args:
        return "?"
    name = Path(args[0]).name
    if not name.startswith("python"):
        return name  # sh, bwrap, ...: their arguments may name the python they start
    if any("resource_tracker" in a for a in args):
        return "multiprocessing resource tracker"
    if any("multiprocessing" in a and ("spawn" in a or "forkserver" in a) for a in args):
        return "grading pool process (multiprocessing)"
    rest = args[1:]
    while rest:
        arg = rest.pop(0)
        if arg == "-m" and rest:
            return "python -m " + rest[0]
        if arg == "-c":
            return "python -c"
        if arg in ("-X", "-W") and rest:
            rest.pop(0)
        elif not arg.startswith("-"):
            return "python " + Path(arg).name
    return "python"


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def _kib(text: str, key: str) -> int:
    found = re.search(rf"^{key}:\s+(\d+)", text, re.MULTILINE)
    return int(found.group(1)) if found else 0


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:.0f}"
