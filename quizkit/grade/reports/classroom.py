"""``--format classroom``: the result object GitHub Classroom's grader actions emit
(``classroom-resources/autograding-command-grader``), which
``classroom-resources/autograding-grading-reporter`` reads (base64-encoded, from the env var
``<RUNNER>_RESULTS``) to send points to Classroom::

    {"version": 1, "status": "pass"|"fail"|"error", "max_score": N,
     "tests": [{"name", "status", "score", "message", "line_no", "execution_time"}]}

plus ``name``, ``student_id`` and ``warnings`` at the top level, which the reporter ignores.
"""

from __future__ import annotations

import json
from typing import Any

from quizkit.exercises.models import TestStatus
from quizkit.grade.models import GradeRun

MESSAGE_CHARS = 1000


def classroom_report(run: GradeRun) -> str:
    if len(run.submissions) != 1:
        raise ValueError("a GitHub Classroom result holds exactly one submission")
    sub = run.submissions[0]
    tests: list[dict[str, Any]] = []
    for result in sub.exercises:
        for t in result.tests:
            if t.status is TestStatus.PASSED:
                status = "pass"
            elif t.status in (TestStatus.ERROR, TestStatus.TIMEOUT):
                status = "error"
            else:
                status = "fail"
            tests.append(
                {
                    "name": f"{result.exercise}: {t.name}",
                    "status": status,
                    "score": t.points,
                    "message": t.message[:MESSAGE_CHARS],
                    "line_no": 0,
                    "execution_time": f"{t.seconds:.2f}s",
                }
            )
    for error in sub.errors:
        tests.append(
            {
                "name": "input",
                "status": "error",
                "score": 0,
                "message": error,
                "line_no": 0,
                "execution_time": "0s",
            }
        )
    status = "error" if sub.errors else ("pass" if sub.passed else "fail")
    report = {
        "version": 1,
        "status": status,
        "max_score": sub.max_score,
        "tests": tests,
        "name": sub.name,
        "student_id": sub.student_id,
        "warnings": sub.warnings,
    }
    return json.dumps(report) + "\n"
