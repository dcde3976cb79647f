"""``quizkit grade`` and ``quizkit classroom init``: autograding in CI.

Thin layer: parse arguments, call :mod:`quizkit.grade`, render with :mod:`quizkit.ui.grade`.
Nothing here imports torch at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from quizkit.cli.options import lang_option
from quizkit.errors import UsageError
from quizkit.grade.reports import ReportFormat

classroom_app = typer.Typer(
    name="classroom",
    help="GitHub Classroom: set up a student template repository that grades itself.",
    no_args_is_help=True,
)


def _default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _split_names(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [n.strip() for v in values for n in v.split(",") if n.strip()]


def grade(
    paths: list[Path] = typer.Argument(
        ...,
        metavar="PATH...",
        help="Submission directories (files named <exercise>.py), exercise files or answer sheets.",
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
        10.0, "--timeout", min=0.1, help="Seconds per test and per import."
    ),
    lang: str | None = lang_option(),
) -> None:
    """Autograde submissions. Exit 0 iff every test passed, 1 if any failed, 2 on bad input."""
    from quizkit.bank.locale import resolve_lang
    from quizkit.grade.discover import discover

    language = resolve_lang(lang)
    if fmt.single_submission and len(paths) > 1:
        raise UsageError(f"--format {fmt.value} reports one submission; give one PATH")
    submissions = discover(paths, exercises=_split_names(exercises))
    from quizkit.exercises.sandbox import Limits
    from quizkit.grade.reports import build_report
    from quizkit.grade.reports.summary import append_step_summary
    from quizkit.grade.run import grade_submissions
    from quizkit.ui.console import make_console
    from quizkit.ui.grade import grading_progress, render_run, render_written, text_report

    limits = Limits(timeout=timeout, import_timeout=timeout)
    err = make_console(stderr=True)
    workers = jobs or _default_jobs()
    if err.is_terminal:
        with grading_progress(err) as progress:
            run = grade_submissions(
                submissions, seed=seed, limits=limits, jobs=workers, progress=progress
            )
    else:
        run = grade_submissions(submissions, seed=seed, limits=limits, jobs=workers)
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


@classroom_app.command("init")
def classroom_init(
    directory: Path = typer.Argument(
        Path("."), file_okay=False, help="The student template repository (default: here)."
    ),
    exercises: list[str] = typer.Option(
        None, "--exercises", "-e", help="Exercises the assignment grades, comma-separated."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
) -> None:
    """Write .github/workflows/quizkit.yml and a README section for GitHub Classroom."""
    from quizkit.grade.classroom import init_classroom
    from quizkit.ui.console import make_console

    written = init_classroom(directory, exercises=_split_names(exercises), force=force)
    console = make_console()
    for path in written:
        console.print(f"wrote {path}")
    console.print("commit them to the template repository; every push grades itself")


def register(app: typer.Typer) -> None:
    """Attach ``grade`` and ``classroom`` to the root app."""
    app.command("grade")(grade)
    app.add_typer(classroom_app, name="classroom")
