"""What ``quizkit grade`` works on and returns: plain data, rendered by the report builders."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from pydantic import BaseModel, Field

from quizkit.errors import ExitStatus
from quizkit.exercises.models import ExerciseResult


class SubmissionKind(str, Enum):
    DIRECTORY = "directory"  # files named <exercise>.py (and answer sheets)
    FILE = "file"  # one exercise file
    SHEET = "sheet"  # a filled worksheet answer sheet, answers-<id>.yaml


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
    kind: SubmissionKind = Field(description="directory, file or sheet.")
    exercises: list[ExerciseResult] = Field(
        default_factory=list, description="Per exercise (or answer sheet), every test."
    )
    errors: list[str] = Field(
        default_factory=list, description="Input that could not be read (exit status 2)."
    )
    seconds: float = Field(default=0.0, description="Wall time spent grading it.")

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 6)

    @property
    def max_score(self) -> float:
        return round(sum(e.max_score for e in self.exercises), 6)

    @property
    def passed(self) -> bool:
        """Every graded test passed and nothing was unreadable."""
        return not self.errors and all(e.passed for e in self.exercises)

    def to_json_dict(self, seed: int, warnings: list[str] | None = None) -> dict[str, object]:
        """The ``grade --format json`` object: ``exercise check --json`` objects inside, and
        ``warnings`` (e.g. no sandbox was used) when there are any."""
        out: dict[str, object] = {
            "submission": self.submission,
            "kind": self.kind.value,
            "passed": self.passed,
            "score": self.score,
            "max_score": self.max_score,
            "seed": seed,
            "errors": list(self.errors),
            "exercises": [e.to_json_dict() for e in self.exercises],
        }
        if warnings:
            out["warnings"] = list(warnings)
        return out


class GradeRun(BaseModel):
    """Every submission graded in one ``quizkit grade`` run."""

    seed: int = Field(description="Seed of the hidden cases, shared by every submission.")
    submissions: list[SubmissionResult] = Field(default_factory=list)
    seconds: float = Field(default=0.0, description="Wall time of the whole run.")
    isolation: str = Field(default="bwrap", description="How student code was isolated.")
    warnings: list[str] = Field(
        default_factory=list, description="Shown in every report (e.g. no sandbox was used)."
    )

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.submissions)

    @property
    def exit_status(self) -> ExitStatus:
        """0 iff every graded test passed; 2 if some input was unreadable; else 1."""
        if any(s.errors for s in self.submissions):
            return ExitStatus.BAD_INPUT
        return ExitStatus.OK if self.passed else ExitStatus.FAILED
