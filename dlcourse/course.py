"""The course on disk: where things are, and the settings in ``course_config.py``.

``course_config.py`` is nbgrader's configuration file; the course's own settings sit in
it under ``c.DLCourse``, so instructors edit one file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

from .errors import CourseError
from .runner import RunSettings
from .limits import Limits

CONFIG_NAME = "course_config.py"


def find_root(start: Path | None = None) -> Path:
    """The course root: $DLCOURSE_ROOT, else the nearest folder upwards holding course_config.py."""
    if os.environ.get("DLCOURSE_ROOT"):
        return Path(os.environ["DLCOURSE_ROOT"]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    package_root = Path(__file__).resolve().parent.parent
    if (package_root / CONFIG_NAME).is_file():
        return package_root
    raise CourseError(f"no {CONFIG_NAME} here or above {here}; run from the course folder or set DLCOURSE_ROOT")


@dataclass
class Course:
    """Paths and settings of one course checkout."""

    root: Path
    config: object

    @classmethod
    def load(cls, root: Path | None = None) -> "Course":
        root = root or find_root()
        try:
            config = PyFileConfigLoader(CONFIG_NAME, path=str(root)).load_config()
        except ConfigFileNotFound:
            raise CourseError(f"{root / CONFIG_NAME} is missing; it is the course's one configuration file") from None
        except Exception as exc:  # a typo in the config file: say where
            raise CourseError(f"{root / CONFIG_NAME} could not be read ({type(exc).__name__}: {exc}); fix it and retry") from None
        return cls(root, config)

    @property
    def settings(self):
        return self.config.DLCourse

    def assignments(self) -> list[str]:
        """Names of the course's assignments, in syllabus order."""
        return sorted(self.settings.get("assignments", {}))

    def info(self, assignment: str) -> dict:
        """The settings of one assignment; a clear error for an unknown name."""
        known = self.settings.get("assignments", {})
        if assignment not in known:
            raise CourseError(f"unknown assignment {assignment!r}; known: {', '.join(sorted(known)) or 'none'}")
        return dict(known[assignment])

    def notebook(self, assignment: str, where: str = "source") -> Path:
        """The assignment's notebook under source/ or release/."""
        return self.root / where / assignment / f"{assignment}.ipynb"

    def grader_dir(self, assignment: str) -> Path:
        path = self.root / "autograder" / assignment
        if not path.is_dir():
            raise CourseError(f"{path} is missing; the hidden graders of {assignment} belong there")
        return path

    def solution(self, assignment: str) -> Path:
        return self.root / "solutions" / f"{assignment}.py"

    def run_settings(self, assignment: str) -> RunSettings:
        """How submissions of ``assignment`` run: preloads, limits, time allowed."""
        info, s = self.info(assignment), self.settings
        limits = Limits(memory_mb=int(info.get("memory_mb", s.get("memory_mb", 4096))),
                        tasks=int(s.get("max_tasks", 512)))
        protected = [str(self.root / d) for d in ("autograder", "solutions", "source", "tests")]
        return RunSettings(preload=list(info.get("preload", [])), limits=limits,
                           start_timeout=float(s.get("start_timeout", 120)),
                           total_timeout=float(info.get("total_timeout", s.get("total_timeout", 900))),
                           threads=int(s.get("threads", 1)),
                           allow_subprocess=bool(info.get("allow_subprocess", False)),
                           allow_network=bool(info.get("allow_network", False)),
                           logical_cpus=int(info.get("logical_cpus", 0)),
                           protected=protected)

    def test_timeout(self, assignment: str) -> float:
        return float(self.info(assignment).get("test_timeout", self.settings.get("test_timeout", 60)))
