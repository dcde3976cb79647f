"""Check a student file against an exercise's hidden tests: the core API behind
``quizkit exercise check`` and, later, ``quizkit grade``.

>>> result = check_exercise("conv2d", Path("conv.py"), seed=1)   # doctest: +SKIP
>>> result.passed, result.score, result.max_score                 # doctest: +SKIP

Student code runs only in a :class:`~quizkit.exercises.sandbox.Sandbox` worker; expected values
are computed here and never leave this process.
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
from quizkit.exercises.sandbox import OUTPUT_SHOWN, Limits, Outcome, Sandbox
from quizkit.exercises.spec import HiddenTest, Rng, Suite


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
) -> ExerciseResult:
    """Run every hidden test of ``name`` on the file at ``path``; never raises for bad student
    code (import errors, hangs, crashes all become failed tests). ``only`` restricts to tests
    whose name is listed."""
    suite = load_suite(name)
    seed = new_seed() if seed is None else seed
    limits = limits or Limits()
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
    with Sandbox(Path(path), forbidden=suite.forbidden, limits=limits) as sandbox:
        results = [_run_test(t, sandbox, static, seed, limits, hung) for t in tests]
    return ExerciseResult.from_tests(name, results, seed=seed)


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
) -> list[ExerciseResult]:
    """Check several exercises (e.g. a whole submission), ``jobs`` workers at a time, all forked
    from the same torch-preloaded fork server. Results come back in the order of ``files``."""
    from quizkit.exercises.sandbox import warm_up

    warm_up()
    seed = new_seed() if seed is None else seed
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [
            pool.submit(check_exercise, name, path, seed=seed, limits=limits)
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
        message=message,
        output=output,
        seconds=round(seconds, 4),
    )


def _import_problem(outcome: Outcome, test: HiddenTest) -> TestResult | None:
    if outcome.reply is None:
        status = TestStatus.TIMEOUT if outcome.failure == "timeout" else TestStatus.ERROR
        return _result(test, status, f"importing the file failed: {outcome.reason}")
    error = outcome.reply.get("error")
    if error is not None:
        return _result(test, TestStatus.ERROR, f"importing the file failed: {_error_text(error)}")
    names = outcome.reply.get("value") or []
    if test.function not in names:
        return _result(test, TestStatus.MISSING, f"the file does not define {test.function}")
    return None


def _error_text(error: Any) -> str:
    if not isinstance(error, dict):
        return "unknown error"
    text = f"{error.get('type')}: {error.get('message')}"
    if error.get("where"):
        text += f" (at {error['where']})"
    return text


def _run_test(
    test: HiddenTest,
    sandbox: Sandbox,
    static: list[StaticHit],
    seed: int,
    limits: Limits,
    hung: dict[str, str] | None = None,
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
    imported = sandbox.ensure_started()
    problem = _import_problem(imported, test)
    if problem is not None:
        problem.output = sandbox.take_output()
        return problem
    budget = limits.timeout
    if test.function in hung:
        budget = min(limits.timeout, max(1.0, limits.timeout / 5))
    deadline = time.monotonic() + budget
    rng = Rng(seed, test.name)
    output = ""
    try:
        for case in test.cases(rng):
            remaining = deadline - time.monotonic()
            outcome = sandbox.request(case.request, remaining)
            output = _cap(output + sandbox.take_output())
            status, message = _judge(outcome, case.judge, case.expect_error, test)
            if status is TestStatus.TIMEOUT:
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
    reply = outcome.reply
    if reply is None:
        if outcome.failure == "timeout":
            return TestStatus.TIMEOUT, f"{test.function} {outcome.reason}"
        return TestStatus.ERROR, outcome.reason
    forbidden = reply.get("forbidden") or []
    if forbidden:
        return TestStatus.FORBIDDEN, f"{test.function} called {', '.join(map(str, forbidden))}"
    if "missing" in reply:
        return TestStatus.MISSING, f"the file does not define {reply['missing']}"
    if "error" in reply and not expect_error:
        return TestStatus.ERROR, f"raised {_error_text(reply['error'])}"
    try:
        problem = judge(reply)
    except Exception as error:
        return TestStatus.FAILED, f"the returned value could not be checked: {error}"
    if problem:
        return TestStatus.FAILED, problem
    return TestStatus.PASSED, ""
