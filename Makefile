# The README's commands: `make demo` (set up, build, grade a demo class), `make test`, `make hub` (a local JupyterHub).
.PHONY: setup demo test hub
setup:
	bash scripts/setup.sh
demo: setup
	.venv/bin/dlcourse demo
test: setup
	.venv/bin/python -m pytest -n 2
hub: setup
	.venv/bin/python deploy/local/hub.py
