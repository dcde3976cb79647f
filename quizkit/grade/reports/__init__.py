"""Report builders: pure functions from a :class:`~quizkit.grade.models.GradeRun` to text.

``text`` is rendered by :mod:`quizkit.ui.grade` (rich); every other format is built here.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports ReportFormat at start-up; the models load with the run
    from quizkit.grade.models import GradeRun


class ReportFormat(str, Enum):
    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    GRADESCOPE = "gradescope"
    CLASSROOM = "classroom"
    CSV = "csv"

    @property
    def single_submission(self) -> bool:
        """Formats whose platform reads one student's result per file."""
        return self in (ReportFormat.GRADESCOPE, ReportFormat.CLASSROOM)


def build_report(run: GradeRun, fmt: ReportFormat) -> str:
    """The report of ``run`` in ``fmt`` (not ``text``: that one is rich, see quizkit.ui.grade)."""
    if fmt is ReportFormat.JSON:
        from quizkit.grade.reports.json_report import json_report

        return json_report(run)
    if fmt is ReportFormat.JUNIT:
        from quizkit.grade.reports.junit import junit_report

        return junit_report(run)
    if fmt is ReportFormat.GRADESCOPE:
        from quizkit.grade.reports.gradescope import gradescope_report

        return gradescope_report(run)
    if fmt is ReportFormat.CSV:
        from quizkit.grade.reports.csv_report import csv_report

        return csv_report(run)
    if fmt is ReportFormat.CLASSROOM:
        from quizkit.grade.reports.classroom import classroom_report

        return classroom_report(run)
    raise ValueError(f"{fmt.value} is rendered by quizkit.ui.grade")
