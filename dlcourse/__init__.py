"""Tooling for the deep-learning frameworks course: build, check, grade, verify."""

__version__ = "0.1.0"
