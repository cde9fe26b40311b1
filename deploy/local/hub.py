"""Run the course on one machine: JupyterHub on 127.0.0.1, JupyterLab with nbgrader, the course's venv.

    .venv/bin/python deploy/local/hub.py [--data run/hub] [--port 8000]

Prepares the hub's data folder (never the checkout's own files) and then runs JupyterHub
with ``deploy/local/jupyterhub_config.py``. The data folder holds everything that changes:

    hub/          the hub's database, cookie secret, password, logs (grader.log: feedback on arrival)
    course/       the instructor's nbgrader course root: source/ (copied from the checkout once),
                  release/, submitted/, autograded/, feedback/, gradebook.db, course_config.py
    exchange/     nbgrader's exchange (world-writable, as nbgrader requires)
    home/<user>/  each learner's home (fetched assignments, their work)
    learners.txt, instructors.txt   who may log in (one hub user name a line)
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent.parent
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
DEFAULT_LEARNERS = ["learner1", "learner2", "learner3"]
DEFAULT_INSTRUCTORS = ["instructor"]

COURSE_CONFIG = '''\
# Written by deploy/local/hub.py: the checkout's course_config.py with this hub's data folders.
# dlcourse reads this file (it is the course root's course_config.py); nbgrader reads it
# through nbgrader_config.py beside it, so no --NbGrader.config_file_name flag is needed here.
import os

c = get_config()  # noqa: F821
checkout = {checkout!r}
if not os.path.isfile(os.path.join(checkout, "course_config.py")):
    raise FileNotFoundError(f"the course checkout is gone: {{checkout}}/course_config.py")
load_subconfig("course_config.py", path=checkout)  # noqa: F821
c.CourseDirectory.root = {course!r}
# A shared PostgreSQL gradebook (several graders, Kubernetes) comes from the environment.
c.CourseDirectory.db_url = os.environ.get("DLCOURSE_DB_URL") or {db_url!r}
c.Exchange.root = os.environ.get("DLCOURSE_EXCHANGE") or {exchange!r}
'''


def roster(data: Path, name: str, default: list[str]) -> list[str]:
    """Hub user names from ``data/<name>`` (one a line, # comments), created with ``default``."""
    path = data / name
    if not path.exists():
        path.write_text("".join(f"{user}\n" for user in default), encoding="utf-8")
    names = [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [n for n in names if n]


def prepare(data: Path, checkout: Path = CHECKOUT, db_url: str | None = None,
            exchange: Path | None = None) -> dict[str, Path]:
    """Create (or refresh) the hub's data folder; return its parts."""
    data = data.resolve()
    parts = {name: data / name for name in ("hub", "course", "exchange", "home")}
    if exchange:
        parts["exchange"] = exchange.resolve()
    for path in parts.values():
        path.mkdir(parents=True, exist_ok=True)
    os.chmod(parts["exchange"], 0o777)  # every learner's server writes its submissions here
    course = parts["course"]
    # The graders and solutions follow the checkout; the instructor may edit source/ here.
    for name in ("autograder", "solutions"):
        shutil.rmtree(course / name, ignore_errors=True)
        shutil.copytree(checkout / name, course / name, ignore=shutil.ignore_patterns("__pycache__"))
    for assignment in sorted(p.name for p in (checkout / "source").iterdir() if p.is_dir()):
        if not (course / "source" / assignment).exists():
            shutil.copytree(checkout / "source" / assignment, course / "source" / assignment,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    (course / "course_config.py").write_text(COURSE_CONFIG.format(
        checkout=str(checkout), course=str(course), exchange=str(parts["exchange"]),
        db_url=db_url or f"sqlite:///{course / 'gradebook.db'}"), encoding="utf-8")
    (course / "nbgrader_config.py").write_text(
        "# Written by deploy/local/hub.py: nbgrader in this folder uses the course's configuration.\n"
        "load_subconfig('course_config.py')  # noqa: F821\n", encoding="utf-8")
    roster(data, "learners.txt", DEFAULT_LEARNERS)
    roster(data, "instructors.txt", DEFAULT_INSTRUCTORS)
    password = parts["hub"] / "password"
    if not password.exists() and not os.environ.get("DLCOURSE_HUB_PASSWORD"):
        password.write_text(secrets.token_urlsafe(12) + "\n", encoding="utf-8")
        os.chmod(password, 0o600)
    return parts


def hub_env(data: Path, port: int, hub_port: int = 0, proxy_api_port: int = 0) -> dict[str, str]:
    """The environment jupyterhub_config.py reads."""
    env = dict(os.environ)
    env.update(DLCOURSE_HUB_DATA=str(data.resolve()), DLCOURSE_HUB_PORT=str(port))
    if hub_port:
        env["DLCOURSE_HUB_API_PORT"] = str(hub_port)
    if proxy_api_port:
        env["DLCOURSE_HUB_PROXY_API_PORT"] = str(proxy_api_port)
    env["PATH"] = os.pathsep.join([str(PROXY.parent), os.path.dirname(sys.executable), env.get("PATH", "")])
    return env


def command() -> list[str]:
    """The command that runs the hub (from the data folder's hub/)."""
    return [os.path.join(os.path.dirname(sys.executable), "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=Path(os.environ.get("DLCOURSE_HUB_DATA", CHECKOUT / "run" / "hub")),
                   help="the hub's data folder (default: run/hub in the checkout, or $DLCOURSE_HUB_DATA)")
    p.add_argument("--port", type=int, default=int(os.environ.get("DLCOURSE_HUB_PORT", 8000)),
                   help="the port on 127.0.0.1 learners open (default 8000)")
    p.add_argument("--exchange", type=Path, help="nbgrader's exchange (default: exchange/ in the data folder)")
    p.add_argument("--no-grader", action="store_true",
                   help="do not run the feedback-on-arrival service (dlcourse serve); instructors grade by hand")
    p.add_argument("--prepare-only", action="store_true",
                   help="only write the data folder (e.g. the course volume of deploy/kubernetes), start nothing")
    args = p.parse_args(argv)
    if args.prepare_only:
        parts = prepare(args.data, exchange=args.exchange)
        print(f"hub: course root prepared: {parts['course']} (exchange {parts['exchange']})")
        return 0
    if not PROXY.exists():
        print(f"hub: {PROXY} is missing; run scripts/setup.sh (it runs npm ci in deploy/local)", file=sys.stderr)
        return 2
    parts = prepare(args.data, exchange=args.exchange)
    os.environ["DLCOURSE_EXCHANGE"] = str(parts["exchange"])  # jupyterhub_config.py hands it to every server
    if args.no_grader:
        os.environ["DLCOURSE_GRADER"] = "off"
    pw = parts["hub"] / "password"
    shown = "$DLCOURSE_HUB_PASSWORD" if os.environ.get("DLCOURSE_HUB_PASSWORD") else f"in {pw}"
    print(f"hub: http://127.0.0.1:{args.port}/  users: {args.data / 'learners.txt'}, {args.data / 'instructors.txt'};"
          f" password {shown}\nhub: course root (formgrader, nbgrader, dlcourse autograde): {parts['course']}", flush=True)
    os.chdir(parts["hub"])
    os.execve(command()[0], command(), hub_env(args.data, args.port))


if __name__ == "__main__":
    sys.exit(main())
