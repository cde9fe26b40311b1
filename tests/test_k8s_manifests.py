"""deploy/kubernetes/'s manifests validate against the Kubernetes API schemas (no cluster here to apply them)."""
from pathlib import Path

import pytest
import yaml

KUBE = Path(__file__).resolve().parent.parent / "deploy" / "kubernetes"
VERSION = "1.30.0"   # the Kubernetes version the manifests target (z2jh 4.x supports 1.28+)
MANIFESTS = ["grading-job.yaml", "storage.yaml", "grader-deployment.yaml"]


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_validates_against_the_kubernetes_schemas(name):
    import kubernetes_validate

    documents = [d for d in yaml.safe_load_all((KUBE / name).read_text()) if d]
    assert documents, f"{name} holds no manifest"
    for doc in documents:
        kubernetes_validate.validate(doc, VERSION, strict=True)   # raises ValidationError on any mistake


def test_the_validator_rejects_a_broken_job():
    import kubernetes_validate

    doc = yaml.safe_load((KUBE / "grading-job.yaml").read_text().split("\n---")[0])
    doc["spec"]["completions"] = "three"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, VERSION, strict=True)


def test_the_grader_deployment_runs_dlcourse_serve_on_the_course_and_exchange_volumes():
    """One replica (Recreate: never two loops), `dlcourse serve`, both claims of storage.yaml mounted."""
    from dlcourse.cli import parser

    doc = yaml.safe_load((KUBE / "grader-deployment.yaml").read_text())
    assert doc["spec"]["replicas"] == 1 and doc["spec"]["strategy"]["type"] == "Recreate"
    pod = doc["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["command"][0] == "dlcourse"
    args = parser().parse_args(container["command"][1:])
    assert args.verb == "serve" and args.jobs >= 1
    env = {e["name"]: e.get("value") for e in container["env"]}
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert env["DLCOURSE_ROOT"] == container["workingDir"] and env["DLCOURSE_ROOT"].startswith("/srv/course/")
    assert "/srv/course" in mounts and env["DLCOURSE_EXCHANGE"] in mounts
    claims = {d["metadata"]["name"] for d in yaml.safe_load_all((KUBE / "storage.yaml").read_text()) if d}
    assert {v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]} == claims
