"""What can be checked here of the deployments that cannot run here (deploy/kubernetes/), and deploy/local's files."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from dlcourse.autograde import parse_shard
from dlcourse.cli import parser
from dlcourse.course import Course

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "kubernetes"
LOCAL = ROOT / "deploy" / "local"


def _docker_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n\s*", " ", (K8S / "Dockerfile").read_text())
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def _yaml(name: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all((K8S / name).read_text()) if doc is not None]


def test_every_manifest_parses():
    values = _yaml("values.yaml")[0]
    assert values["singleuser"]["memory"]["limit"] and values["singleuser"]["memory"]["guarantee"]
    assert {d["kind"] for d in _yaml("storage.yaml")} == {"PersistentVolumeClaim"}
    assert all("ReadWriteMany" in d["spec"]["accessModes"] for d in _yaml("storage.yaml"))
    assert _yaml("grading-job.yaml")[0]["kind"] == "Job"
    compile(values["hub"]["extraConfig"]["dlcourse-roles"], "extraConfig", "exec")


def test_the_image_installs_exactly_the_lock():
    """pip installs only requirements.lock, then the tooling without dependencies."""
    pips = [args for op, args in _docker_instructions() if op == "RUN" and "pip install" in args]
    assert len(pips) == 2, pips
    assert re.search(r"pip install .*-r /opt/dlcourse/requirements\.lock$", pips[0])
    assert "--no-deps" in pips[1] and pips[1].rstrip().endswith("/opt/dlcourse")
    copies = {args.split()[-1]: args.split()[0] for op, args in _docker_instructions() if op == "COPY"}
    assert copies["/opt/dlcourse/requirements.lock"] == "requirements.lock"
    lock = [l for l in (ROOT / "requirements.lock").read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert lock and all(re.fullmatch(r"[A-Za-z0-9_.\-\[\],]+==[^\s;]+", l) for l in lock), "the lock pins every package"


def test_the_image_holds_no_hidden_graders_and_copies_only_existing_paths():
    for op, args in _docker_instructions():
        if op == "COPY":
            *sources, _ = args.split()
            for source in sources:
                assert (ROOT / source).exists(), f"Dockerfile copies {source}, which is not in the repository"
                assert source.split("/")[0] not in {"autograder", "solutions", "source", "tests"}, source


def test_values_paths_exist_in_the_image_and_volumes_are_claimed():
    values = _yaml("values.yaml")[0]
    copied = {args.split()[-1] for op, args in _docker_instructions() if op == "COPY"}
    config_path = values["singleuser"]["extraEnv"]["JUPYTER_CONFIG_PATH"]
    assert config_path.startswith("/etc/dlcourse/jupyter/") and "/etc/dlcourse/jupyter" in copied
    for role in ("learner", "instructor"):
        assert (LOCAL / "jupyter" / role).is_dir()
        assert f"/etc/dlcourse/jupyter/{{role}}" in values["hub"]["extraConfig"]["dlcourse-roles"]
    assert (LOCAL / "jupyter" / "learner" / "nbgrader_config.py").is_file()
    claims = {d["metadata"]["name"] for d in _yaml("storage.yaml")}
    used = {v["persistentVolumeClaim"]["claimName"] for v in values["singleuser"]["storage"]["extraVolumes"]}
    used |= set(re.findall(r'"claimName": "([^"]+)"', values["hub"]["extraConfig"]["dlcourse-roles"]))
    job = _yaml("grading-job.yaml")[0]
    used |= {v["persistentVolumeClaim"]["claimName"] for v in job["spec"]["template"]["spec"]["volumes"]}
    assert used <= claims, used - claims
    exchange = values["singleuser"]["extraEnv"]["DLCOURSE_EXCHANGE"]
    assert any(m["mountPath"] == exchange for m in values["singleuser"]["storage"]["extraVolumeMounts"])
    assert values["singleuser"]["extraEnv"]["DLCOURSE_COURSE_ID"] == Course.load(ROOT).config.CourseDirectory.course_id


def test_grading_job_runs_the_real_cli_one_shard_per_index(tmp_path):
    """Each index K of the Indexed Job becomes `dlcourse autograde A --shard K+1/N --jobs 2`."""
    job = _yaml("grading-job.yaml")[0]
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed" and spec["completions"] == spec["parallelism"]
    container = spec["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    assert env["DLCOURSE_DB_URL"]["valueFrom"]["secretKeyRef"]["key"] == "db_url"
    assert int(env["SHARDS"]["value"]) == spec["completions"]
    assert container["workingDir"] == env["DLCOURSE_ROOT"]["value"]
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "dlcourse").write_text(f"#!{sys.executable}\nimport json, sys\nprint(json.dumps(sys.argv[1:]))\n")
    (fake / "dlcourse").chmod(0o755)
    n, shards = spec["completions"], []
    for index in range(n):
        run_env = {"PATH": f"{fake}{os.pathsep}{os.environ['PATH']}", "JOB_COMPLETION_INDEX": str(index),
                   **{k: e["value"] for k, e in env.items() if "value" in e}}
        out = subprocess.run([*container["command"], *container["args"]], env=run_env, capture_output=True,
                             text=True, check=True).stdout
        args = parser().parse_args(json.loads(out))
        assert args.verb == "autograde" and args.jobs == 2
        Course.load(ROOT).info(args.assignment)  # a real assignment of the course
        shards.append(parse_shard(args.shard))
    assert shards == [(k, n) for k in range(1, n + 1)]  # 1-based, every shard once


def test_local_hub_files_exist_and_proxy_is_pinned():
    package = json.loads((LOCAL / "package.json").read_text())
    lock = json.loads((LOCAL / "package-lock.json").read_text())
    pinned = package["dependencies"]["configurable-http-proxy"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned)
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == pinned
    text = (LOCAL / "jupyterhub_config.py").read_text()
    assert '"127.0.0.1' in text and "0.0.0.0" not in text
    for role, files in {"learner": ["nbgrader_config.py", "jupyter_server_config.json", "labconfig/page_config.json"],
                        "instructor": ["jupyter_server_config.py"]}.items():
        for name in files:
            assert (LOCAL / "jupyter" / role / name).is_file(), (role, name)


def test_prepare_writes_a_course_root_outside_the_checkout(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("dlcourse_local_hub", LOCAL / "hub.py")
    hub = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hub)
    monkeypatch.delenv("DLCOURSE_DB_URL", raising=False)
    monkeypatch.delenv("DLCOURSE_EXCHANGE", raising=False)
    parts = hub.prepare(tmp_path / "data")
    course = Course.load(parts["course"])
    assert Path(course.config.CourseDirectory.root) == parts["course"]
    assert course.config.Exchange.root == str(parts["exchange"]) and oct(parts["exchange"].stat().st_mode)[-3:] == "777"
    assert course.config.CourseDirectory.db_url == f"sqlite:///{parts['course'] / 'gradebook.db'}"
    assert course.config.Autograde.autograde_preprocessors[0] == "dlcourse.nbgrader_grades.HiddenGraders"
    assert course.grader_dir("07_torch_tensors_autograd").is_dir()
    monkeypatch.setenv("DLCOURSE_DB_URL", "postgresql://grader@db/gradebook")
    assert Course.load(parts["course"]).config.CourseDirectory.db_url == "postgresql://grader@db/gradebook"
    assert (tmp_path / "data" / "learners.txt").read_text().split() == hub.DEFAULT_LEARNERS
