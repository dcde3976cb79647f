"""``--format json``: JSON Lines, one object per submission (``jq -s`` reads them as a list).

Each object: ``{"submission", "kind", "name", "student_id", "passed", "score", "max_score",
"seed", "errors", "warnings", "exercises": [<exercise check --json object>, ...]}``; a roster
student who handed nothing in is an object of kind ``missing`` with no exercises.
"""

from __future__ import annotations

import json

from quizkit.grade.models import GradeRun


def json_report(run: GradeRun) -> str:
    return "".join(
        json.dumps(s.to_json_dict(run.seed), ensure_ascii=True) + "\n" for s in run.submissions
    )
