"""Tooling for the deep-learning frameworks course: build, check, grade, verify."""
import sys

__version__ = "0.1.0"

# Importing triton (torch's GPU kernel compiler, pulled in lazily by torch._dynamo, e.g. on
# the first torch.optim optimizer) segfaults in a process that has loaded TensorFlow. This
# course computes on the CPU and never needs it, so every process that imports the tooling
# (graders, sandbox workers, learners' kernels running visible checks) makes it unimportable.
sys.modules.setdefault("triton", None)

# jsonschema (under nbformat and nbgrader) builds an Earley parser for IRI formats when it is
# imported if rfc3987_syntax is installed: 1.3 s at the start of every process that reads a
# notebook, e.g. `dlcourse autograde` before it starts grading. No schema here checks IRIs.
sys.modules.setdefault("rfc3987_syntax", None)
