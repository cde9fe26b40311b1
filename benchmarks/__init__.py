"""Benchmarks of the grading pipeline (issue 10): run by hand, never by pytest. See README.md."""
