"""Submissions arriving in nbgrader's exchange, and the loop's ledger of what it did with each.

nbgrader's submit copies a learner's folder to ``<exchange>/<course>/inbound/<student>+<assignment>+
<timestamp>+<random>/`` and writes ``submission_secret.txt`` last: only then is an entry whole. The
ledger (SQLite, one row per entry, every change committed) survives a kill: it is how a restarted
loop knows what it graded, what waits and what was superseded.
"""
from __future__ import annotations

import calendar
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from nbgrader.utils import parse_utc

# What the loop did with an entry. ``grading`` and ``graded`` hold one of the learner's hourly slots.
WAITING, GRADING, GRADED = "waiting", "grading", "graded"
SUPERSEDED, LATE, OFF, FAILED = "superseded", "late", "off", "failed"
OPEN = (WAITING, GRADING)


@dataclass(frozen=True)
class Entry:
    """One submission in the exchange's inbound folder."""

    name: str         # the inbound folder's name: nbgrader's id of this submission
    student: str
    assignment: str
    stamp: str        # nbgrader's timestamp text, as in the name and the submission's timestamp.txt
    submitted: float  # the same, as seconds since the epoch (UTC)
    status: str = WAITING
    at: float = 0.0   # when the status was last set (for grading/graded: when the slot was taken)
    note: str = ""


def parse(name: str) -> Entry | None:
    """An inbound folder's name as an entry (None if it is not nbgrader's ``student+assignment+time[+random]``)."""
    parts = name.rsplit("+", 3)   # as nbgrader's collect splits it
    if len(parts) == 3:
        parts.append("")
    if len(parts) != 4 or not all(parts[:3]):
        return None
    student, assignment, stamp, _ = parts
    try:
        when = parse_utc(stamp)
    except (ValueError, OverflowError):
        return None
    return Entry(name, student, assignment, stamp, calendar.timegm(when.timetuple()) + when.microsecond / 1e6)


def scan(inbound: Path, assignments: set[str] | None = None, skip: set[str] = frozenset()) -> list[Entry]:
    """The whole entries of ``inbound`` (of ``assignments``, if given) whose names are not in ``skip``."""
    try:
        names = [d.name for d in os.scandir(inbound) if d.is_dir() and d.name not in skip]
    except FileNotFoundError:   # nothing released yet
        return []
    found = []
    for name in names:
        entry = parse(name)
        if entry is None or (assignments and entry.assignment not in assignments):
            continue
        try:   # submit writes the secret last: an entry without it is still being copied
            if (inbound / name / "submission_secret.txt").stat().st_size == 0:
                continue
        except OSError:
            continue
        found.append(entry)
    return sorted(found, key=lambda e: e.submitted)


class Ledger:
    """The loop's record of every inbound entry, in ``<course root>/.dlcourse/loop/ledger.sqlite``."""

    COLUMNS = "name, student, assignment, stamp, submitted, status, at, note"

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), isolation_level=None, timeout=30)   # autocommit: each change is durable
        self.db.execute("CREATE TABLE IF NOT EXISTS entries (name TEXT PRIMARY KEY, student TEXT, assignment TEXT, "
                        "stamp TEXT, submitted REAL, status TEXT, at REAL, note TEXT)")
        self.db.execute("CREATE INDEX IF NOT EXISTS by_learner ON entries (student, assignment)")

    def names(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT name FROM entries")}

    def add(self, entry: Entry, at: float) -> None:
        self.db.execute("INSERT OR IGNORE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (entry.name, entry.student, entry.assignment, entry.stamp, entry.submitted, WAITING, at, ""))

    def set(self, name: str, status: str, at: float, note: str = "") -> None:
        self.db.execute("UPDATE entries SET status = ?, at = ?, note = ? WHERE name = ?", (status, at, note, name))

    def _rows(self, where: str, args: tuple) -> list[Entry]:
        query = f"SELECT {self.COLUMNS} FROM entries WHERE {where} ORDER BY submitted"
        return [Entry(*row) for row in self.db.execute(query, args)]

    def open(self) -> list[Entry]:
        """Entries waiting for the loop, or whose grading a stop interrupted."""
        return self._rows("status IN (?, ?)", OPEN)

    def of(self, student: str, assignment: str) -> list[Entry]:
        return self._rows("student = ? AND assignment = ?", (student, assignment))

    def slots(self, student: str, assignment: str, since: float) -> list[float]:
        """When this learner's gradings of ``assignment`` since ``since`` took their slots."""
        rows = self.db.execute("SELECT at FROM entries WHERE student = ? AND assignment = ? AND status IN (?, ?) "
                               "AND at >= ?", (student, assignment, GRADING, GRADED, since))
        return sorted(row[0] for row in rows)

    def close(self) -> None:
        self.db.close()
