"""Grade submissions: every (student, exercise) pair is one task, ``jobs`` tasks at a time. Each
submission gets one sandbox (:class:`~quizkit.exercises.sandbox.Zone`) holding a torch-preloaded
fork server; its exercises are checked by :func:`quizkit.exercises.runner.check_exercise` in
workers forked there. Answer sheets are graded by :mod:`quizkit.worksheet.grading`.

Nothing here raises for bad student work: unreadable files and sheets (and links) become
``errors`` of their submission (exit status 2), everything else a failed test. Two wall-clock
budgets bound a run: one per submission and one for the whole run; tests not run when a budget
runs out end as timeouts that say so.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quizkit.errors import QuizkitError
from quizkit.exercises.models import ExerciseResult, TestResult, TestStatus
from quizkit.exercises.sandbox import PROCESS_WARNING, Isolation, Limits, Zone
from quizkit.grade.models import GradeRun, Submission, SubmissionResult
from quizkit.grade.sanitize import clean_result, clean_text

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
    limits: Limits | None = None,
    jobs: int = 2,
    progress: Progress | None = None,
    bank: Any = None,
    allow_changed_bank: bool = False,
    isolation: Isolation = Isolation.BWRAP,
) -> GradeRun:
    """Grade every submission with the same ``seed``; ``jobs`` exercises at a time over all of
    them, each submission in its own sandbox (``isolation``). ``limits`` holds the per-test
    limits and the submission and run budgets (default: :class:`Limits`' defaults); ``bank``
    grades answer sheets (default: the installed question bank); with ``allow_changed_bank`` a
    sheet whose templates changed is graded, with a warning."""
    from quizkit.exercises.runner import new_seed

    started = time.monotonic()
    limits = limits or Limits()
    seed = new_seed() if seed is None else seed
    tasks = _tasks(submissions)
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
    zones = _Zones(submissions, tasks, isolation=isolation, limits=limits, started=started)

    def run(task: _Task) -> None:
        nonlocal done
        begun = time.monotonic()
        try:
            result, error, warned = _grade_task(
                task,
                seed=seed,
                limits=limits,
                bank=shared,
                zones=zones,
                allow_changed_bank=allow_changed_bank,
            )
        finally:
            zones.task_done(task)
        with lock:
            results[task.index][slots[task]] = result
            if error:
                errors[task.index].append(clean_text(error))
            warnings[task.index] += warned
            spans[task.index] += [begun, time.monotonic()]
            done += 1
            if progress is not None:
                progress(done, len(tasks), task.label)

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for future in [pool.submit(run, t) for t in tasks]:
                future.result()
    finally:
        zones.close_all()
    graded = [
        SubmissionResult(
            submission=clean_text(sub.label, 1000),
            kind=sub.kind,
            exercises=[clean_result(r) for r in results[i] if r is not None],
            errors=errors[i],
            warnings=warnings[i],
            seconds=round(max(spans[i]) - min(spans[i]), 3) if spans[i] else 0.0,
        )
        for i, sub in enumerate(submissions)
    ]
    return GradeRun(
        seed=seed,
        submissions=graded,
        seconds=round(time.monotonic() - started, 3),
        isolation=isolation.value,
        warnings=[PROCESS_WARNING] if isolation is Isolation.PROCESS else [],
    )


class _Zones:
    """One sandbox per submission: made on its first exercise (the next submission's is started
    then too, so its server imports torch while this one is graded), closed after its last.
    Also the wall-clock budgets: a submission's starts with its sandbox."""

    def __init__(
        self,
        submissions: Sequence[Submission],
        tasks: Sequence[_Task],
        *,
        isolation: Isolation,
        limits: Limits,
        started: float,
    ) -> None:
        self.submissions = submissions
        self.isolation = isolation
        self.limits = limits
        self.run_deadline = started + limits.run_budget
        self._lock = threading.Lock()
        self._zones: dict[int, Zone] = {}
        self._deadlines: dict[int, float] = {}
        self._left: dict[int, int] = {}
        self._order = sorted({t.index for t in tasks if t.exercise is not None})
        self._converted = tempfile.TemporaryDirectory(prefix="quizkit-notebooks-")
        for t in tasks:
            if t.exercise is not None:
                self._left[t.index] = self._left.get(t.index, 0) + 1

    def _make(self, index: int) -> Zone:
        from quizkit.exercises.notebook import zone_files

        sub = self.submissions[index]
        present = [p for p in sub.exercises.values() if p.exists() or p.is_symlink()]
        # Notebooks enter the sandbox as their converted modules (<name>.ipynb.py).
        files = zone_files(present, self._converted.name)
        return Zone(files, isolation=self.isolation, limits=self.limits)

    def get(self, index: int) -> tuple[Zone, float, str]:
        """The zone of submission ``index``, its deadline and what to say when it passes."""
        with self._lock:
            if index not in self._zones:
                self._zones[index] = self._make(index)
            if index not in self._deadlines:
                self._deadlines[index] = time.monotonic() + self.limits.submission_budget
            later = [i for i in self._order if i > index and i not in self._zones]
            if later and self._left.get(later[0], 0):
                self._zones[later[0]] = self._make(later[0])
            zone = self._zones[index]
            deadline = self._deadlines[index]
        if self.run_deadline < deadline:
            reason = f"the run's time budget ({self.limits.run_budget:g} s) ran out"
            return zone, self.run_deadline, reason
        reason = f"the submission's time budget ({self.limits.submission_budget:g} s) ran out"
        return zone, deadline, reason

    def task_done(self, task: _Task) -> None:
        if task.exercise is None:
            return
        with self._lock:
            self._left[task.index] -= 1
            zone = self._zones.pop(task.index, None) if not self._left[task.index] else None
        if zone is not None:
            zone.close()

    def close_all(self) -> None:
        with self._lock:
            zones, self._zones = list(self._zones.values()), {}
        for zone in zones:
            zone.close()
        self._converted.cleanup()


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
    task: _Task,
    *,
    seed: int,
    limits: Limits,
    bank: _SharedBank,
    zones: _Zones,
    allow_changed_bank: bool,
) -> tuple[ExerciseResult | None, str, list[str]]:
    if task.sheet is not None:
        return _grade_sheet(task.sheet, seed=seed, bank=bank, allow_changed=allow_changed_bank)
    assert task.exercise is not None and task.path is not None
    from quizkit.exercises.notebook import check_file  # .py, or .ipynb converted first
    from quizkit.exercises.runner import ExerciseFileError, unanswered_result

    if not task.path.is_file() and not task.path.is_symlink():
        reason = f"the submission has no {task.path.name}"
        return unanswered_result(task.exercise, reason, seed=seed), "", []
    try:
        zone, deadline, reason = zones.get(task.index)
        result = check_file(
            task.exercise,
            task.path,
            seed=seed,
            limits=limits,
            zone=zone,
            deadline=deadline,
            budget_reason=reason,
        )
        return result, "", []
    except ExerciseFileError as error:
        return unanswered_result(task.exercise, error.message, seed=seed), error.message, []


def _grade_sheet(
    path: Path, *, seed: int, bank: _SharedBank, allow_changed: bool
) -> tuple[ExerciseResult | None, str, list[str]]:
    from quizkit.worksheet.grading import grade_answer_sheet

    if path.is_symlink():
        return None, f"{path}: is a symbolic link; submissions may only contain regular files", []
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
