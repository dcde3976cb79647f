"""Rich rendering of ``quizkit grade``: a table per submission, failures with expected vs
received, student output quoted (never interleaved), and a progress bar for the terminal.

Every text a student or a file name controls goes through :func:`_text` (rich markup escaped,
controls, escapes and lone surrogates made visible), so the report can always be printed."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from quizkit.bank.locale import Lang
from quizkit.exercises.models import TestStatus
from quizkit.grade.models import GradeRun, SubmissionKind, SubmissionResult
from quizkit.grade.reports.safe import visible
from quizkit.messages import Messages, messages
from quizkit.ui.exercise import STATUS_STYLE

OUTPUT_LINES = 12


def _text(text: str) -> str:
    return escape(visible(text))


def render_run(console: Console, run: GradeRun, lang: Lang = Lang.EN) -> None:
    """Every submission: points per exercise, then each failed test with its reason; then the
    roster students who handed nothing in; then the run's warnings."""
    text = messages(lang)
    for sub in run.graded:
        _render_submission(console, sub, text)
    missing = [s for s in run.submissions if s.kind is SubmissionKind.MISSING]
    if missing:
        console.print(f"[bold red]{text.grade_nothing_handed_in.format(count=len(missing))}[/]")
        for sub in missing:
            console.print(f"  {_text(sub.student_id)}  {_text(sub.name)}", soft_wrap=True)
    verdict = (
        f"[bold green]{text.grade_all_passed}[/]"
        if run.passed
        else f"[bold red]{text.grade_not_all_passed}[/]"
    )
    summary = text.grade_summary.format(
        passed=sum(s.passed for s in run.graded),
        total=len(run.graded),
        seconds=run.seconds,
        seed=run.seed,
    )
    console.print(f"{verdict}{text.label_separator}{summary}")
    for warning in run.warnings:  # e.g. graded without a sandbox
        console.print(f"[bold yellow]{text.grade_warning}[/] {_text(warning)}", soft_wrap=True)


def _render_submission(console: Console, sub: SubmissionResult, text: Messages) -> None:
    who = sub.submission
    if sub.name or sub.student_id:
        who = f"{sub.name or '(no name)'} · {sub.student_id or '(no student_id)'} · {who}"
    table = Table(
        title=text.grade_table_title.format(
            who=_text(who), score=sub.score, max_score=sub.max_score
        )
    )
    table.add_column(text.column_exercise)
    table.add_column(text.column_tests_passed, justify="right")
    table.add_column(text.column_points, justify="right")
    table.add_column(text.column_status)
    for r in sub.exercises:
        ok = sum(t.status is TestStatus.PASSED for t in r.tests)
        status = f"[green]{text.status_passed}[/]" if r.passed else f"[red]{text.status_failed}[/]"
        table.add_row(
            _text(r.exercise), f"{ok}/{len(r.tests)}", f"{r.score:g}/{r.max_score:g}", status
        )
    console.print(table)
    for error in sub.errors:
        console.print(f"[bold red]{text.unreadable_input}[/] {_text(error)}", soft_wrap=True)
    for warning in sub.warnings:
        console.print(f"[bold yellow]{text.grade_warning}[/] {_text(warning)}", soft_wrap=True)
    for r in sub.exercises:
        for t in r.tests:
            if t.status is TestStatus.PASSED:
                continue
            style = STATUS_STYLE[t.status]
            console.print(
                f"[bold {style}]{text.test_status.get(t.status.value, t.status.value)}[/] "
                f"{_text(r.exercise)} · [bold]{_text(t.name)}[/]"
            )
            for line in t.message.splitlines():
                console.print(f"  {_text(line)}", soft_wrap=True)
            lines = t.output.strip("\n").splitlines()
            if lines:
                console.print(f"  [dim]{text.student_output}[/]")
                for line in lines[:OUTPUT_LINES]:
                    console.print(f"  [dim]| {_text(line)}[/]", soft_wrap=True)
                if len(lines) > OUTPUT_LINES:
                    more = text.more_lines.format(count=len(lines) - OUTPUT_LINES)
                    console.print(f"  [dim]| {more}[/]")


def text_report(run: GradeRun, width: int = 120, lang: Lang = Lang.EN) -> str:
    """The text report as plain text (no colour), for ``--output FILE``."""
    buffer = io.StringIO()
    render_run(Console(file=buffer, width=width, no_color=True, highlight=False), run, lang)
    return buffer.getvalue()


def render_written(console: Console, run: GradeRun, target: str, fmt: str) -> None:
    console.print(f"wrote the {fmt} report of {len(run.graded)} submission(s) to {_text(target)}")


@contextmanager
def grading_progress(console: Console) -> Iterator[Callable[[int, int, str], None]]:
    """A progress bar over graded exercises; yields the callback the core calls."""
    progress = Progress(
        TextColumn("grading"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    )
    task = progress.add_task("", total=None)

    def update(done: int, total: int, label: str) -> None:
        progress.update(task, completed=done, total=total, description=_text(label))

    with progress:
        yield update
