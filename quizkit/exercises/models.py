"""Result models of an exercise check: plain data, JSON-serializable, rendered by ``quizkit.ui``."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field


class TestStatus(str, Enum):
    """How one hidden test ended. Only ``passed`` earns points."""

    __test__ = False  # not a pytest class

    PASSED = "passed"
    FAILED = "failed"  # ran, returned a wrong value
    ERROR = "error"  # raised, crashed, exited, or the file failed to import
    TIMEOUT = "timeout"  # exceeded the per-test time limit and was killed
    FORBIDDEN = "forbidden"  # called the PyTorch function the exercise reimplements
    MISSING = "missing"  # the file does not define the function or class


class TestResult(BaseModel):
    """The verdict of one hidden test."""

    __test__ = False  # not a pytest class

    name: str = Field(description="Test name, unique within the exercise.")
    function: str = Field(description="The student function or class the test exercised.")
    group: str = Field(description="Test group; points are reported per group.")
    status: TestStatus = Field(description="How the test ended.")
    points: float = Field(description="Points earned: max_points if passed, else 0.")
    max_points: float = Field(description="Points the test is worth.")
    message: str = Field(default="", description="Why it failed: expected vs received, input.")
    output: str = Field(default="", description="The student's stdout/stderr, truncated.")
    seconds: float = Field(default=0.0, description="Wall time spent on the test.")


JSON_TEST_KEYS = {"name", "function", "status", "points", "max_points", "message"}


class ExerciseResult(BaseModel):
    """The verdict of one ``exercise check``: every hidden test, with points."""

    exercise: str = Field(description="Exercise name from the catalog.")
    passed: bool = Field(description="True iff every test passed.")
    score: float = Field(description="Sum of points earned.")
    max_score: float = Field(description="Sum of points available.")
    tests: list[TestResult] = Field(default_factory=list, description="One entry per test.")
    seed: int = Field(default=0, description="Seed the hidden cases were drawn from.")

    @classmethod
    def from_tests(cls, exercise: str, tests: list[TestResult], *, seed: int) -> ExerciseResult:
        return cls(
            exercise=exercise,
            passed=bool(tests) and all(t.status is TestStatus.PASSED for t in tests),
            score=round(sum(t.points for t in tests), 6),
            max_score=round(sum(t.max_points for t in tests), 6),
            tests=tests,
            seed=seed,
        )

    def to_json_dict(self) -> dict[str, object]:
        """Exactly the documented ``--json`` schema (no seed, group, output or timing)."""
        return {
            "exercise": self.exercise,
            "passed": self.passed,
            "score": self.score,
            "max_score": self.max_score,
            "tests": [{**t.model_dump(include=JSON_TEST_KEYS, mode="json")} for t in self.tests],
        }

    def group_points(self) -> list[tuple[str, float, float]]:
        """``(group, points, max_points)`` in first-seen order."""
        order: dict[str, list[float]] = {}
        for t in self.tests:
            acc = order.setdefault(t.group, [0.0, 0.0])
            acc[0] += t.points
            acc[1] += t.max_points
        return [(g, round(p, 6), round(m, 6)) for g, (p, m) in order.items()]
