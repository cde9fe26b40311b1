# JupyterHub for the course on one machine (started by deploy/local/hub.py, which prepares
# $DLCOURSE_HUB_DATA). Everything listens on 127.0.0.1. The authenticator and spawner are
# the simple ones meant for one trusted machine: in production use a real authenticator
# (OAuthenticator/LTI from the LMS, or PAM with system users and LocalProcessSpawner),
# or Kubernetes (deploy/kubernetes/).
import os
import sys
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner

c = get_config()  # noqa: F821
here = Path(__file__).resolve().parent
venv_bin = Path(sys.executable).parent  # the course's .venv: the hub, the user servers and the kernel
data = Path(os.environ.get("DLCOURSE_HUB_DATA", here.parent.parent / "run" / "hub")).resolve()
course_root = data / "course"


def _names(name):
    path = data / name
    if not path.exists():
        return []
    return [n for n in (line.split("#")[0].strip() for line in path.read_text().splitlines()) if n]


learners, instructors = _names("learners.txt"), _names("instructors.txt")

# --- network: the public port, the hub's API and the proxy's API, all on loopback ------------
c.JupyterHub.bind_url = f"http://127.0.0.1:{os.environ.get('DLCOURSE_HUB_PORT', '8000')}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{os.environ.get('DLCOURSE_HUB_API_PORT', '8081')}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('DLCOURSE_HUB_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.command = [str(here / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(data / "hub" / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{data / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(data / "hub" / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(data / "hub" / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server

# --- who logs in -----------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "dummy"
_pw_file = data / "hub" / "password"
c.DummyAuthenticator.password = os.environ.get("DLCOURSE_HUB_PASSWORD") or (
    _pw_file.read_text().strip() if _pw_file.exists() else "")
c.Authenticator.allowed_users = set(learners) | set(instructors)
c.Authenticator.admin_users = set(instructors)


def _course_id():
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("course_config.py", path=str(course_root)).load_config().CourseDirectory.course_id


# --- each user's server: JupyterLab from the course's venv, its kernel the course environment -
class CourseSpawner(SimpleLocalProcessSpawner):
    """Learners get a home under data/home; instructors work in the nbgrader course root."""

    def start(self):
        role = "instructor" if self.user.name in instructors else "learner"
        self.home_dir = str(course_root if role == "instructor" else data / "home" / self.user.name)
        self.environment = dict(self.environment, JUPYTER_CONFIG_PATH=str(here / "jupyter" / role),
                                DLCOURSE_HUB_ROLE=role)
        if role == "instructor":  # dlcourse autograde / the formgrader's HiddenGraders find the course here
            self.environment["DLCOURSE_ROOT"] = str(course_root)
        return super().start()


c.JupyterHub.spawner_class = CourseSpawner
c.Spawner.cmd = [str(venv_bin / "jupyterhub-singleuser")]
if os.geteuid() == 0:
    c.Spawner.args = ["--allow-root"]
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180  # a loaded 2-core machine starts Lab slowly
c.Spawner.http_timeout = 180
c.Spawner.environment = {
    "PATH": os.pathsep.join([str(venv_bin), "/usr/local/bin", "/usr/bin", "/bin"]),
    "LANG": os.environ.get("LANG", "C.UTF-8"),
    "DLCOURSE_EXCHANGE": os.environ.get("DLCOURSE_EXCHANGE") or str(data / "exchange"),
    "DLCOURSE_COURSE_ID": _course_id(),
    "DLCOURSE_HUB_DATA": str(data),
}

# --- feedback on arrival: `dlcourse serve` as a managed service (README "Feedback on arrival") ----
# It grades each new submission in the exchange, records it in the gradebook and releases its
# feedback, so a learner's "Fetch Feedback" works without an instructor. The hub starts it, restarts
# it if it dies and stops it with the hub; its log is hub/grader.log. DLCOURSE_GRADER=off turns it off
# (hub.py --no-grader); DLCOURSE_GRADER_JOBS sets its grading processes (default 2).
if os.environ.get("DLCOURSE_GRADER", "on") != "off":
    _grader_env = {
        "PATH": os.pathsep.join([str(venv_bin), "/usr/local/bin", "/usr/bin", "/bin"]),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "HOME": os.environ.get("HOME", str(data / "hub")),
        "DLCOURSE_ROOT": str(course_root),
        "DLCOURSE_EXCHANGE": os.environ.get("DLCOURSE_EXCHANGE") or str(data / "exchange"),
    }
    if os.environ.get("DLCOURSE_DB_URL"):
        _grader_env["DLCOURSE_DB_URL"] = os.environ["DLCOURSE_DB_URL"]
    c.JupyterHub.services = [{
        "name": "dlcourse-grader",
        "command": [str(venv_bin / "dlcourse"), "serve", "--jobs", os.environ.get("DLCOURSE_GRADER_JOBS", "2"),
                    "--log", str(data / "hub" / "grader.log")],
        "cwd": str(course_root),
        "environment": _grader_env,
    }]
