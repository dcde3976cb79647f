"""``quizkit grade``: autograding (``quizkit ci init`` writes the CI files: quizkit.cli.ci).

Thin layer: parse arguments, call :mod:`quizkit.grade`, render with :mod:`quizkit.ui.grade`.
Nothing here imports torch at import time.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import typer

from quizkit.cli.bank import BANK_DIRS, BANK_ONLY, open_bank
from quizkit.cli.options import lang_option
from quizkit.errors import UsageError
from quizkit.exercises.sandbox import Isolation, Limits
from quizkit.grade.reports import ReportFormat

_LIMITS = Limits()  # CLI defaults come from the core


def _default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def split_names(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [n.strip() for v in values for n in v.split(",") if n.strip()]


def grade(
    paths: list[Path] = typer.Argument(
        ...,
        metavar="PATH...",
        help="Submission directories (files named <exercise>.py or .ipynb), exercise files, "
        "answer sheets, or a folder of a class's answer sheets (each sheet one student).",
    ),
    exercises: list[str] = typer.Option(
        None,
        "--exercises",
        "-e",
        help="Exercises to grade, comma-separated (default: every file present).",
    ),
    fmt: ReportFormat = typer.Option(ReportFormat.TEXT, "--format", "-f", help="Report format."),
    output: Path | None = typer.Option(
        None, "--output", "-o", dir_okay=False, help="Write the report here (atomically)."
    ),
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", min=1, help="Exercises graded at a time (default: CPU count)."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Fix the hidden cases (default: random)."),
    timeout: float = typer.Option(
        _LIMITS.timeout, "--timeout", min=0.1, help="Seconds per test and per import."
    ),
    isolation: Isolation = typer.Option(
        Isolation.BWRAP,
        "--isolation",
        help="bwrap: run student code in a bubblewrap sandbox; process: no sandbox (warned).",
    ),
    submission_budget: float = typer.Option(
        _LIMITS.submission_budget,
        "--submission-budget",
        min=1.0,
        help="Wall-clock seconds for all tests of one submission.",
    ),
    run_budget: float = typer.Option(
        _LIMITS.run_budget, "--run-budget", min=1.0, help="Wall-clock seconds for the whole run."
    ),
    roster: Path | None = typer.Option(
        None,
        "--roster",
        dir_okay=False,
        help="CSV of the class (student_id,name): students who handed nothing in are reported.",
    ),
    allow_changed_bank: bool = typer.Option(
        False,
        "--allow-changed-bank",
        help="Grade answer sheets whose templates changed since (with a warning in the report).",
    ),
    bank_dirs: list[Path] = BANK_DIRS,
    bank_only: bool = BANK_ONLY,
    lang: str | None = lang_option(),
) -> None:
    """Autograde submissions. Exit 0 iff every test passed, 1 if any failed, 2 on bad input."""
    from quizkit.bank.locale import resolve_lang
    from quizkit.grade.discover import discover
    from quizkit.grade.students import attach_students, read_roster

    language = resolve_lang(lang)
    if fmt.single_submission and len(paths) > 1:
        raise UsageError(f"--format {fmt.value} reports one submission; give one PATH")
    if fmt.single_submission and roster is not None:
        raise UsageError(f"--format {fmt.value} reports one submission; it takes no --roster")
    class_list = read_roster(roster) if roster is not None else None
    submissions = discover(paths, exercises=split_names(exercises))
    if fmt.single_submission and len(submissions) > 1:
        raise UsageError(
            f"--format {fmt.value} reports one submission, but {paths[0]} holds "
            f"{len(submissions)} answer sheets; grade them one at a time"
        )
    from quizkit.exercises.sandbox import resolve_isolation
    from quizkit.grade.reports import build_report
    from quizkit.grade.reports.summary import append_step_summary
    from quizkit.grade.run import grade_submissions
    from quizkit.ui.console import make_console
    from quizkit.ui.grade import grading_progress, render_run, render_written, text_report

    if any(s.exercises for s in submissions):
        isolation, _ = resolve_isolation(isolation)  # no bwrap: one line naming the package
    limits = Limits(
        timeout=timeout,
        import_timeout=timeout,
        submission_budget=submission_budget,
        run_budget=run_budget,
    )
    err = make_console(stderr=True)
    workers = jobs or _default_jobs()
    bank = open_bank(bank_dirs, bank_only)  # read only if an answer sheet is graded
    grade_all = partial(
        grade_submissions,
        submissions,
        seed=seed,
        limits=limits,
        jobs=workers,
        allow_changed_bank=allow_changed_bank,
        bank=bank,
        isolation=isolation,
    )
    if err.is_terminal:
        with grading_progress(err) as progress:
            run = grade_all(progress=progress)
    else:
        run = grade_all()
    run = attach_students(run, submissions, roster=class_list)
    console = make_console()
    if fmt is ReportFormat.TEXT:
        if output is not None:
            _write(output, text_report(run, lang=language))
        render_run(console, run, language)
    elif output is None:
        console.file.write(build_report(run, fmt))
    else:
        _write(output, build_report(run, fmt))
        render_run(console, run, language)
        render_written(console, run, str(output), fmt.value)
    append_step_summary(run)
    raise typer.Exit(int(run.exit_status))


def _write(path: Path, text: str) -> None:
    from quizkit.grade.output import write_atomic

    write_atomic(path, text)


def register(app: typer.Typer) -> None:
    """Attach ``grade``, and ``ci`` and its ``classroom`` alias, to the root app."""
    from quizkit.cli import ci

    app.command("grade")(grade)
    ci.register(app)
