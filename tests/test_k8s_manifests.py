"""deploy/kubernetes/'s manifests validate against the Kubernetes API schemas (no cluster here to apply them)."""
from pathlib import Path

import pytest
import yaml

KUBE = Path(__file__).resolve().parent.parent / "deploy" / "kubernetes"
VERSION = "1.30.0"   # the Kubernetes version the manifests target (z2jh 4.x supports 1.28+)
MANIFESTS = ["grading-job.yaml", "storage.yaml"]


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
