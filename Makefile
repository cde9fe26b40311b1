# The two commands of the README: `make demo` (set up, build, grade a demo class) and `make test`.
.PHONY: setup demo test
setup:
	bash scripts/setup.sh
demo: setup
	.venv/bin/dlcourse demo
test: setup
	.venv/bin/python -m pytest -n 2
