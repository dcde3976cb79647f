"""``--format gradescope``: Gradescope's ``/autograder/results/results.json`` for one
submission: ``score``, ``execution_time``, ``output`` and ``tests[]`` with ``name``, ``score``,
``max_score``, ``status`` (passed/failed), ``output`` and ``visibility``. The student's name and
id (from an answer sheet) and any warnings lead ``output``, and are in ``extra_data``."""

from __future__ import annotations

import json
from typing import Any

from quizkit.grade.models import GradeRun


def gradescope_report(run: GradeRun) -> str:
    if len(run.submissions) != 1:
        raise ValueError("a Gradescope results.json holds exactly one submission")
    sub = run.submissions[0]
    tests: list[dict[str, Any]] = []
    for result in sub.exercises:
        for t in result.tests:
            output = "" if t.message == "" else f"{t.status.value}: {t.message}"
            if t.output.strip():
                output += ("\n" if output else "") + "student output:\n" + t.output
            tests.append(
                {
                    "name": f"{result.exercise}: {t.name}",
                    "score": t.points,
                    "max_score": t.max_points,
                    "status": "passed" if t.points == t.max_points else "failed",
                    "output": output,
                    "visibility": "visible",
                }
            )
    for error in sub.errors:
        tests.append(
            {
                "name": "input",
                "score": 0.0,
                "max_score": 0.0,
                "status": "failed",
                "output": error,
                "visibility": "visible",
            }
        )
    summary = []
    if sub.name or sub.student_id:
        summary.append(f"student: {sub.name} ({sub.student_id})")
    summary += [f"warning: {w}" for w in sub.warnings]
    summary += [f"seed {run.seed}"]
    summary += [f"{r.exercise}: {r.score:g}/{r.max_score:g}" for r in sub.exercises]
    report = {
        "score": sub.score,
        "max_score": sub.max_score,
        "execution_time": round(run.seconds),
        "output": "\n".join(summary),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {"name": sub.name, "student_id": sub.student_id, "warnings": sub.warnings},
        "tests": tests,
    }
    return json.dumps(report, indent=2) + "\n"
