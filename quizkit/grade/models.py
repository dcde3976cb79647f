"""What ``quizkit grade`` works on and returns: plain data, rendered by the report builders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path

from pydantic import BaseModel, Field

from quizkit.errors import ExitStatus
from quizkit.exercises.models import ExerciseResult


class SubmissionKind(str, Enum):
    DIRECTORY = "directory"  # files named <exercise>.py (and answer sheets)
    FILE = "file"  # one exercise file
    SHEET = "sheet"  # a filled worksheet answer sheet (recognized by content, any name)
    MISSING = "missing"  # a student on the --roster who handed nothing in


@dataclass(frozen=True)
class Submission:
    """One student's work, as found on disk."""

    label: str  # how reports name the student: the PATH as given
    path: Path
    kind: SubmissionKind
    exercises: dict[str, Path] = field(default_factory=dict)  # exercise -> file (may not exist)
    sheets: tuple[Path, ...] = ()  # answer sheets to grade


class SubmissionResult(BaseModel):
    """The grade of one submission: one ``ExerciseResult`` per exercise or answer sheet."""

    submission: str = Field(description="The PATH as given on the command line.")
    kind: SubmissionKind = Field(description="directory, file, sheet, or missing (roster).")
    name: str = Field(default="", description="The student's name, from the answer sheet.")
    student_id: str = Field(default="", description="The student id, from the answer sheet.")
    exercises: list[ExerciseResult] = Field(
        default_factory=list, description="Per exercise (or answer sheet), every test."
    )
    errors: list[str] = Field(
        default_factory=list, description="Input that could not be read (exit status 2)."
    )
    warnings: list[str] = Field(
        default_factory=list, description="Graded, but worth a look (e.g. a changed template)."
    )
    seconds: float = Field(default=0.0, description="Wall time spent grading it.")

    @property
    def student(self) -> str:
        """How reports name the student: "name (id)" when the sheet says, else the PATH."""
        if self.name and self.student_id:
            return f"{self.name} ({self.student_id})"
        return self.name or self.student_id or self.submission

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 6)

    @property
    def max_score(self) -> float:
        return round(sum(e.max_score for e in self.exercises), 6)

    @property
    def passed(self) -> bool:
        """Every graded test passed and nothing was unreadable (never for a missing student)."""
        if self.kind is SubmissionKind.MISSING:
            return False
        return not self.errors and all(e.passed for e in self.exercises)

    def to_json_dict(self, seed: int) -> dict[str, object]:
        """The ``grade --format json`` object: ``exercise check --json`` objects inside."""
        return {
            "submission": self.submission,
            "kind": self.kind.value,
            "name": self.name,
            "student_id": self.student_id,
            "passed": self.passed,
            "score": self.score,
            "max_score": self.max_score,
            "seed": seed,
            "errors": list(self.errors),
            "warnings": list(self.warnings),
            "exercises": [e.to_json_dict() for e in self.exercises],
        }


class GradeRun(BaseModel):
    """Every submission graded in one ``quizkit grade`` run."""

    seed: int = Field(description="Seed of the hidden cases, shared by every submission.")
    submissions: list[SubmissionResult] = Field(default_factory=list)
    seconds: float = Field(default=0.0, description="Wall time of the whole run.")
    started: datetime = Field(
        default_factory=lambda: datetime.now(timezone.utc).replace(microsecond=0),
        description="When the run started (UTC).",
    )

    @property
    def graded(self) -> list[SubmissionResult]:
        """The submissions that were graded: all but roster students who handed nothing in."""
        return [s for s in self.submissions if s.kind is not SubmissionKind.MISSING]

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.graded)

    @property
    def exit_status(self) -> ExitStatus:
        """0 iff every graded test passed; 2 if some input was unreadable; else 1."""
        if any(s.errors for s in self.graded):
            return ExitStatus.BAD_INPUT
        return ExitStatus.OK if self.passed else ExitStatus.FAILED
