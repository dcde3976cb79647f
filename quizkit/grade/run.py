"""Grade submissions: every (student, exercise) pair is one task, ``jobs`` tasks at a time, each
checked by :func:`quizkit.exercises.runner.check_exercise` in workers forked from the one
torch-preloaded fork server. Answer sheets are graded by :mod:`quizkit.worksheet.grading`.

Nothing here raises for bad student work: unreadable files and sheets become ``errors`` of their
submission (exit status 2), everything else a failed test.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quizkit.errors import QuizkitError
from quizkit.exercises.models import ExerciseResult, TestResult, TestStatus
from quizkit.grade.models import GradeRun, Submission, SubmissionResult
from quizkit.grade.sanitize import clean_result

Progress = Callable[[int, int, str], None]  # (tasks done, tasks in all, what just finished)


@dataclass(frozen=True)
class _Task:
    index: int  # which submission
    label: str  # "student: exercise", for the progress bar
    exercise: str | None = None
    path: Path | None = None
    sheet: Path | None = None


def grade_submissions(
    submissions: Sequence[Submission],
    *,
    seed: int | None = None,
    limits: Any = None,
    jobs: int = 2,
    progress: Progress | None = None,
    bank: Any = None,
    allow_changed_bank: bool = False,
) -> GradeRun:
    """Grade every submission with the same ``seed``; ``jobs`` exercises at a time over all of
    them. ``limits`` is a :class:`quizkit.exercises.sandbox.Limits` (default: its defaults);
    ``bank`` grades answer sheets (default: the installed question bank); with
    ``allow_changed_bank`` a sheet whose templates changed is graded, with a warning."""
    from quizkit.exercises.runner import new_seed
    from quizkit.exercises.sandbox import warm_up

    started = time.monotonic()
    seed = new_seed() if seed is None else seed
    tasks = _tasks(submissions)
    if any(t.exercise is not None for t in tasks):
        warm_up()  # the fork server imports torch while this process imports the suites
    results: list[list[ExerciseResult | None]] = [[] for _ in submissions]
    errors: list[list[str]] = [[] for _ in submissions]
    warnings: list[list[str]] = [[] for _ in submissions]
    spans: list[list[float]] = [[] for _ in submissions]
    slots: dict[_Task, int] = {}
    for task in tasks:
        slots[task] = len(results[task.index])
        results[task.index].append(None)
    lock = threading.Lock()
    done = 0
    shared = _SharedBank(bank)

    def run(task: _Task) -> None:
        nonlocal done
        begun = time.monotonic()
        result, error, warned = _grade_task(
            task, seed=seed, limits=limits, bank=shared, allow_changed_bank=allow_changed_bank
        )
        with lock:
            results[task.index][slots[task]] = result
            if error:
                errors[task.index].append(error)
            warnings[task.index] += warned
            spans[task.index] += [begun, time.monotonic()]
            done += 1
            if progress is not None:
                progress(done, len(tasks), task.label)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for future in [pool.submit(run, t) for t in tasks]:
            future.result()
    graded = [
        SubmissionResult(
            submission=sub.label,
            kind=sub.kind,
            exercises=[clean_result(r) for r in results[i] if r is not None],
            errors=errors[i],
            warnings=warnings[i],
            seconds=round(max(spans[i]) - min(spans[i]), 3) if spans[i] else 0.0,
        )
        for i, sub in enumerate(submissions)
    ]
    return GradeRun(seed=seed, submissions=graded, seconds=round(time.monotonic() - started, 3))


def _tasks(submissions: Sequence[Submission]) -> list[_Task]:
    tasks = []
    for i, sub in enumerate(submissions):
        for name, path in sub.exercises.items():
            tasks.append(_Task(i, f"{sub.label}: {name}", exercise=name, path=path))
        for sheet in sub.sheets:
            tasks.append(_Task(i, f"{sub.label}: {sheet.name}", sheet=sheet))
    return tasks


class _SharedBank:
    """The question bank, loaded once, on the first answer sheet."""

    def __init__(self, bank: Any = None) -> None:
        self._lock = threading.Lock()
        self._bank: Any = bank

    def get(self) -> Any:
        with self._lock:
            if self._bank is None:
                from quizkit.bank.bank import Bank

                self._bank = Bank()
            return self._bank


def _grade_task(
    task: _Task, *, seed: int, limits: Any, bank: _SharedBank, allow_changed_bank: bool
) -> tuple[ExerciseResult | None, str, list[str]]:
    if task.sheet is not None:
        return _grade_sheet(task.sheet, seed=seed, bank=bank, allow_changed=allow_changed_bank)
    assert task.exercise is not None and task.path is not None
    from quizkit.exercises.notebook import check_file  # .py, or .ipynb converted first
    from quizkit.exercises.runner import ExerciseFileError, unanswered_result

    if not task.path.is_file():
        reason = f"the submission has no {task.path.name}"
        return unanswered_result(task.exercise, reason, seed=seed), "", []
    try:
        return check_file(task.exercise, task.path, seed=seed, limits=limits), "", []
    except ExerciseFileError as error:
        return unanswered_result(task.exercise, error.message, seed=seed), error.message, []


def _grade_sheet(
    path: Path, *, seed: int, bank: _SharedBank, allow_changed: bool
) -> tuple[ExerciseResult | None, str, list[str]]:
    from quizkit.worksheet.grading import grade_answer_sheet

    try:
        sheet = grade_answer_sheet(path, bank=bank.get(), allow_changed_bank=allow_changed)
    except QuizkitError as error:
        return None, error.message, []
    tests = [
        TestResult(
            name=f"q{q.number}",
            function=q.id,
            group=q.title,
            status=TestStatus.PASSED if q.correct else TestStatus.FAILED,
            points=float(q.points),
            max_points=float(q.max_points),
            message="" if q.correct else q.message,
        )
        for q in sheet.questions
    ]
    result = ExerciseResult.from_tests(f"worksheet {sheet.worksheet}", tests, seed=seed)
    return result, "", [f"{path}: {warning}" for warning in sheet.warnings]
