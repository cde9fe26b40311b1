"""A grading result: the JSON every tool reads, and the table people read."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class Result:
    """One submission's grade, in the format of DESIGN.md (plus the run's seed)."""

    assignment: str
    submission: str
    score: float
    max_score: float
    tests: list[dict]
    errors: list[str] = field(default_factory=list)
    seed: int = 0
    timings: dict = field(default_factory=dict)  # wall_s, worker_starts, peak_rss_mb: where grading time goes
    flags: list[str] = field(default_factory=list)  # evidence of an attempt to forge the grade: review by hand

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    def by_function(self) -> dict[str, tuple[float, float]]:
        """Points and maximum per graded function, in the order tests ran."""
        out: dict[str, list[float]] = {}
        for t in self.tests:
            got = out.setdefault(t["function"], [0.0, 0.0])
            got[0] += t["points"]
            got[1] += t["max_points"]
        return {k: (v[0], v[1]) for k, v in out.items()}

    def table(self) -> str:
        """A plain-text table: one row per test, then the total and any errors."""
        rows = [("test", "function", "points", "outcome", "message")]
        for t in self.tests:
            rows.append((t["name"], t["function"], f"{_num(t['points'])}/{_num(t['max_points'])}",
                         t["outcome"], t["message"]))
        widths = [min(max(len(r[i]) for r in rows), 44) for i in range(4)]
        lines = ["  ".join(c.ljust(w)[:w] for c, w in zip(r[:4], widths)) + ("  " + r[4] if r[4] else "") for r in rows]
        lines.insert(1, "-" * (sum(widths) + 8))
        lines.append(f"score {_num(self.score)}/{_num(self.max_score)}  ({self.assignment}: {self.submission}, seed {self.seed})")
        lines += [f"note: {e}" for e in self.errors]
        lines += [f"FLAGGED for manual grading: {f}" for f in self.flags]
        return "\n".join(lines)


def _num(x: float) -> str:
    return f"{x:g}"
