"""A multi-instructor gradebook on PostgreSQL: two shards grade one class into one real server."""
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from dlcourse.demo import DEFAULT_ASSIGNMENT as A, Nbgrader, demo_class
from dlcourse.store import result_store


def _pg_bin(name: str) -> str | None:
    return shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)


@pytest.fixture(scope="module")
def postgres_url():
    """A throwaway PostgreSQL server on 127.0.0.1 (Debian's package), stopped and removed at the end."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL server binaries not found (Debian: apt-get install postgresql); .ci/run installs them")
    base = Path(tempfile.mkdtemp(prefix="dlcourse-pg-"))  # pytest's tmp folders are closed to the server's user
    as_user = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        user = "postgres" if subprocess.run(["id", "postgres"], capture_output=True).returncode == 0 else "nobody"
        shutil.chown(base, user)
        os.chmod(base, 0o755)
        as_user = ["runuser", "-u", user, "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = base / "data"
    subprocess.run([*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "grader"], check=True, capture_output=True)
    subprocess.run([*as_user, pg_ctl, "-D", str(data), "-l", str(base / "log"), "-w", "-t", "60", "-o",
                    f"-p {port} -k {base} -c listen_addresses=127.0.0.1", "start"], check=True, capture_output=True)
    try:
        subprocess.run([*as_user, _pg_bin("createdb") or "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "grader",
                        "gradebook"], check=True, capture_output=True)
        yield f"postgresql://grader@127.0.0.1:{port}/gradebook"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def test_two_shards_grade_one_class_into_postgres_each_learner_once(postgres_url, course, tmp_path):
    from nbgrader.api import Gradebook

    shutil.copytree(course.root / "source" / A, tmp_path / "source" / A)
    nbgrader = Nbgrader(course, tmp_path, db_url=postgres_url)
    nbgrader.instructor("generate_assignment", A, "--force")
    released = json.loads((tmp_path / "release" / A / f"{A}.ipynb").read_text(encoding="utf-8"))
    learners = demo_class(course, A, released, mutants=2)
    learners.pop("broken-json")
    for student, content in learners.items():  # as `nbgrader collect` lays them out
        folder = tmp_path / "submitted" / student / A
        folder.mkdir(parents=True)
        (folder / f"{A}.ipynb").write_bytes(content)
    code = ("import sys; from pathlib import Path; from dlcourse.demo import Nbgrader; from dlcourse.course import Course;"
            "from dlcourse.autograde import autograde; c = Course.load();"
            f"sys.exit(autograde({A!r}, jobs=1, shard=sys.argv[1], course=c, "
            f"overrides=Nbgrader(c, Path({str(tmp_path)!r}), db_url={postgres_url!r}).overrides))")
    env = dict(os.environ, DLCOURSE_ROOT=str(course.root))
    shards = [subprocess.Popen([sys.executable, "-c", code, f"{k}/2"], cwd=course.root, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for k in (1, 2)]
    outputs = [p.communicate(timeout=900)[0] for p in shards]
    assert all(p.returncode == 0 for p in shards), "\n".join(o[-1500:] for o in outputs)
    graded = [int(o.split(" submissions in shard")[0].rsplit(" ", 1)[-1]) for o in outputs]
    assert sum(graded) == len(learners) and min(graded) >= 1, outputs
    results = result_store(tmp_path, A).results()
    assert set(results) == set(learners)
    with Gradebook(postgres_url) as gb:
        totals = {s.student.id: s.score for s in gb.assignment_submissions(A)}
    assert totals == pytest.approx({s: r.score for s, r in results.items()})
    assert totals["reference"] == results["reference"].max_score and totals["stub"] == 0
    assert all(0 < totals[s] < results[s].max_score for s in learners if s.startswith("mistake-"))
