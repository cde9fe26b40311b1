#!/usr/bin/env bash
# Set up the course environment in .venv (idempotent): the pinned lock, the tooling,
# bubblewrap for the grading sandbox where the machine allows installing it, Graphviz for
# keras.utils.plot_model, and the local JupyterHub's proxy (npm) and Chromium for its browser test.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || { echo "setup: $PY not found; install Python 3.11 or set PYTHON=/path/to/python3.11" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=.venv/.requirements.sha
want=$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing the pinned environment into .venv (a few minutes the first time) ..."
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.lock
  .venv/bin/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
  echo "$want" > "$stamp"
fi
# apt_install PACKAGE WHY: as root, Debian's package; otherwise say what it is needed for.
apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get install -y -qq "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$1"; }) >/dev/null 2>&1 \
      || echo "setup: could not install $1; $2" >&2
  else
    echo "setup: $1 is not installed (Debian: apt-get install $1); $2" >&2
  fi
}
command -v bwrap >/dev/null || apt_install bubblewrap "grading falls back to rlimits + audit hook (docs/security.md)"
# PostgreSQL's server, for the multi-instructor gradebook test (tests/test_postgres.py).
command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  || apt_install postgresql "tests/test_postgres.py will be skipped"
# The local JupyterHub (deploy/local) and its browser test: the proxy from npm (pinned by
# deploy/local/package-lock.json) and Debian's Chromium for Playwright (never `playwright install`).
if [ ! -x deploy/local/node_modules/.bin/configurable-http-proxy ]; then
  if command -v npm >/dev/null; then
    (cd deploy/local && npm ci --no-audit --no-fund --loglevel=error) \
      || echo "setup: npm ci in deploy/local failed; the hub and tests/test_hub_browser.py need configurable-http-proxy" >&2
  else
    echo "setup: npm not found; install Node.js for the JupyterHub proxy (deploy/local)" >&2
  fi
fi
command -v chromium >/dev/null || apt_install chromium "tests/test_hub_browser.py will fail"
# Graphviz's `dot`, which keras.utils.plot_model needs (through pydot, in the lock).
command -v dot >/dev/null || apt_install graphviz "keras.utils.plot_model will fail (notebook 14 draws models with it)"
echo "setup: ready ($(.venv/bin/python -c 'from dlcourse.sandbox import detect_mode; print("sandbox:", detect_mode())'))"
