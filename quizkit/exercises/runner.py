"""Check a student file against an exercise's hidden tests: the core API behind
``quizkit exercise check`` and, later, ``quizkit grade``.

>>> result = check_exercise("conv2d", Path("conv.py"), seed=1)   # doctest: +SKIP
>>> result.passed, result.score, result.max_score                 # doctest: +SKIP

Student code runs only in a :class:`~quizkit.exercises.sandbox.Sandbox` worker inside a
:class:`~quizkit.exercises.sandbox.Zone`; expected values are computed here and never leave
this process.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from quizkit.errors import QuizkitError
from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.forbidden import MODULE_SCOPE, StaticHit, scan_source, scan_tampering
from quizkit.exercises.models import ExerciseResult, TestResult, TestStatus
from quizkit.exercises.protocol import ErrorReply, ImportReply, MissingReply
from quizkit.exercises.sandbox import (
    OUTPUT_SHOWN,
    Failure,
    Isolation,
    Limits,
    Outcome,
    Sandbox,
    Zone,
)
from quizkit.exercises.spec import HiddenTest, Rng, Suite
from quizkit.grade.sanitize import clean_text


class ExerciseFileError(QuizkitError):
    """The student's file cannot be read."""


def new_seed() -> int:
    return secrets.randbelow(2**31)


def load_suite(name: str) -> Suite:
    """The hidden tests of exercise ``name`` (raises ``UnknownExerciseError``)."""
    import importlib

    get_exercise(name)
    module = importlib.import_module(f"quizkit.exercises.suites.{name}")
    suite: Suite = module.SUITE
    return suite


def check_exercise(
    name: str,
    path: Path,
    *,
    seed: int | None = None,
    limits: Limits | None = None,
    only: Iterable[str] | None = None,
    zone: Zone | None = None,
    isolation: Isolation = Isolation.BWRAP,
    deadline: float | None = None,
    budget_reason: str = "",
) -> ExerciseResult:
    """Run every hidden test of ``name`` on the file at ``path``; never raises for bad student
    code (import errors, hangs, crashes all become failed tests). ``only`` restricts to tests
    whose name is listed.

    ``zone`` is the submission's sandbox (the file must have been copied into it under its own
    name); without one, a zone with ``isolation`` is made for this file alone. ``deadline``
    (``time.monotonic``) ends every test still to run as a timeout, with ``budget_reason``.
    Raises :class:`ExerciseFileError` for an unreadable file or a link."""
    suite = load_suite(name)
    seed = new_seed() if seed is None else seed
    limits = limits or Limits()
    if Path(path).is_symlink():
        raise ExerciseFileError(
            f"{path}: is a symbolic link; submissions may only contain regular files"
        )
    try:
        source = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ExerciseFileError(f"{path}: cannot read the file ({error})") from None
    tests = [t for t in suite.tests if only is None or t.name in set(only)]
    try:
        static = scan_source(source, suite.forbidden, suite.api)
        tampering = scan_tampering(source)
    except (SyntaxError, ValueError) as error:  # ValueError: NUL bytes in the source
        line = getattr(error, "lineno", None)
        message = f"{Path(path).name}:{line}: syntax error: {getattr(error, 'msg', error)}"
        results = [_result(t, TestStatus.ERROR, message) for t in tests]
        return ExerciseResult.from_tests(name, results, seed=seed)
    if tampering:
        what = "; ".join(h.describe() for h in tampering[:3])
        message = f"the file {what}, which reaches into the grader or its op tracers"
        results = [_result(t, TestStatus.FORBIDDEN, message) for t in tests]
        return ExerciseResult.from_tests(name, results, seed=seed)
    hung: dict[str, str] = {}  # function -> the test in which it timed out
    file_name = Path(path).name
    own_zone = zone is None
    if zone is None:
        zone = Zone({file_name: Path(path)}, isolation=isolation, limits=limits)
    if file_name in zone.refused:
        if own_zone:
            zone.close()
        raise ExerciseFileError(zone.refused[file_name])
    clock = _Clock(deadline, budget_reason)
    try:
        with Sandbox(zone, file_name, forbidden=suite.forbidden, limits=limits) as sandbox:
            results = [_run_test(t, sandbox, static, seed, limits, hung, clock) for t in tests]
    finally:
        if own_zone:
            zone.close()
    return ExerciseResult.from_tests(name, results, seed=seed)


class _Clock:
    """The wall-clock budget left for a submission (``None``: no budget)."""

    def __init__(self, deadline: float | None, reason: str) -> None:
        self.deadline = deadline
        self.reason = reason or "the time budget ran out"

    def left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()


def unanswered_result(name: str, reason: str, *, seed: int) -> ExerciseResult:
    """Every test of ``name`` failed with ``reason`` and no student code run (e.g. the
    submission has no file for the exercise): status ``missing``, zero points."""
    suite = load_suite(name)
    tests = [_result(t, TestStatus.MISSING, reason) for t in suite.tests]
    return ExerciseResult.from_tests(name, tests, seed=seed)


def check_many(
    files: Mapping[str, Path],
    *,
    seed: int | None = None,
    limits: Limits | None = None,
    jobs: int = 2,
    isolation: Isolation = Isolation.BWRAP,
) -> list[ExerciseResult]:
    """Check several exercises of one student (a whole submission), ``jobs`` workers at a time,
    all forked from the same torch-preloaded server in one sandbox. Results come back in the
    order of ``files``."""
    seed = new_seed() if seed is None else seed
    zone = Zone({Path(p).name: Path(p) for p in files.values()}, isolation=isolation, limits=limits)
    with zone, ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [
            pool.submit(check_exercise, name, path, seed=seed, limits=limits, zone=zone)
            for name, path in files.items()
        ]
        return [f.result() for f in futures]


def _result(
    test: HiddenTest, status: TestStatus, message: str = "", output: str = "", seconds: float = 0
) -> TestResult:
    return TestResult(
        name=test.name,
        function=test.function,
        group=test.group,
        status=status,
        points=test.points if status is TestStatus.PASSED else 0.0,
        max_points=test.points,
        message=clean_text(message),
        output=clean_text(output),
        seconds=round(seconds, 4),
    )


def _import_problem(outcome: Outcome, test: HiddenTest) -> TestResult | None:
    answer = outcome.answer
    if answer is None:
        status = TestStatus.TIMEOUT if outcome.failure is Failure.TIMEOUT else TestStatus.ERROR
        return _result(test, status, f"importing the file failed: {outcome.reason}")
    if answer.forbidden:
        what = ", ".join(answer.forbidden)
        return _result(test, TestStatus.FORBIDDEN, f"importing the file did {what}")
    reply = answer.reply
    if isinstance(reply, ErrorReply):
        return _result(test, TestStatus.ERROR, f"importing the file failed: {reply.error.text()}")
    names = reply.names if isinstance(reply, ImportReply) else ()
    if test.function not in names:
        return _result(test, TestStatus.MISSING, f"the file does not define {test.function}")
    return None


def _run_test(
    test: HiddenTest,
    sandbox: Sandbox,
    static: list[StaticHit],
    seed: int,
    limits: Limits,
    hung: dict[str, str] | None = None,
    clock: _Clock | None = None,
) -> TestResult:
    """One hidden test. A function that already timed out in an earlier test gets a shorter
    budget (a fifth of the timeout, at least 1 s), so one infinite loop does not cost the full
    timeout in every test that calls it."""
    hung = {} if hung is None else hung
    hits = [h for h in static if h.scope in (test.function, MODULE_SCOPE)]
    if hits:
        what = "; ".join(h.describe() for h in hits[:3])
        return _result(test, TestStatus.FORBIDDEN, f"{test.function} {what}, which is forbidden")
    started = time.monotonic()
    clock = clock or _Clock(None, "")
    left = clock.left()
    if left is not None and left <= 0:
        return _result(test, TestStatus.TIMEOUT, f"not run: {clock.reason}")
    imported = sandbox.ensure_started()
    problem = _import_problem(imported, test)
    if problem is not None:
        problem.output = sandbox.take_output()
        return problem
    budget = limits.timeout
    if test.function in hung:
        budget = min(limits.timeout, max(1.0, limits.timeout / 5))
    left = clock.left()
    cut_by_budget = left is not None and left < budget
    if left is not None:
        budget = max(0.0, min(budget, left))
    deadline = time.monotonic() + budget
    rng = Rng(seed, test.name)
    output = ""
    try:
        for case in test.cases(rng):
            remaining = deadline - time.monotonic()
            outcome = sandbox.request(case.request, remaining)
            output = _cap(output + sandbox.take_output())
            status, message = _judge(outcome, case.judge, case.expect_error, test)
            if status is TestStatus.TIMEOUT and cut_by_budget:
                message = f"{test.function} was stopped: {clock.reason}"
            elif status is TestStatus.TIMEOUT:
                message = f"{test.function} did not finish within {budget:g} s"
                if test.function in hung:
                    message += f" (it already timed out in {hung[test.function]})"
                hung.setdefault(test.function, test.name)
            if status is not TestStatus.PASSED:
                return _result(
                    test,
                    status,
                    f"{message}\n  input: {case.inputs}",
                    output,
                    time.monotonic() - started,
                )
    except Exception as error:  # a bug in a hidden test must not stop the others
        return _result(test, TestStatus.ERROR, f"internal grader error: {error!r}", output)
    return _result(test, TestStatus.PASSED, "", output, time.monotonic() - started)


def _cap(text: str) -> str:
    if len(text) <= OUTPUT_SHOWN:
        return text
    return text[:OUTPUT_SHOWN] + "\n... (output truncated)"


def _judge(
    outcome: Outcome, judge: Any, expect_error: bool, test: HiddenTest
) -> tuple[TestStatus, str]:
    answer = outcome.answer
    if answer is None:
        if outcome.failure is Failure.TIMEOUT:
            return TestStatus.TIMEOUT, f"{test.function} {outcome.reason}"
        return TestStatus.ERROR, outcome.reason
    if answer.forbidden:
        return TestStatus.FORBIDDEN, f"{test.function} called {', '.join(answer.forbidden)}"
    reply = answer.reply
    if isinstance(reply, MissingReply):
        return TestStatus.MISSING, f"the file does not define {reply.name}"
    if isinstance(reply, ErrorReply) and not expect_error:
        return TestStatus.ERROR, f"raised {reply.error.text()}"
    try:
        problem = judge(reply)
    except Exception as error:
        return TestStatus.FAILED, f"the returned value could not be checked: {error}"
    if problem:
        return TestStatus.FAILED, problem
    return TestStatus.PASSED, ""
