"""``quizkit practice`` and ``quizkit stats``: thin wrappers over :mod:`quizkit.practice.api`.

Nothing heavy is imported at module level: ``quizkit --help`` must stay fast, and the first
question must be on screen before torch has loaded (it loads in the background).

Exit status of ``practice``: 0 at the end of an interactive session, right or wrong; when stdin
is not a terminal (answers piped in, for scripts and tests), 1 unless every planned question was
answered right; 130 after Ctrl-C (the summary is still shown, every answer is kept); 2 for bad
arguments such as an unknown topic.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from quizkit.cli.bank import BANK_DIRS, BANK_ONLY, open_bank
from quizkit.cli.leave import leave
from quizkit.cli.options import lang_option
from quizkit.errors import ExitStatus

INTERRUPTED = 130


def practice(
    topics: list[str] = typer.Argument(
        None,
        metavar="TOPIC",
        help="Topics to practise (see `quizkit topics`). None: a mix weighted to your weak "
        "spots and due reviews.",
        show_default=False,
    ),
    count: int = typer.Option(10, "--count", "-n", min=1, help="Number of questions."),
    level: str | None = typer.Option(
        None, "--level", "-l", metavar="LEVELS", help="Only these levels: 1, 1-2 or 2,3."
    ),
    seed: int | None = typer.Option(
        None, "--seed", min=0, help="Make the session reproducible (ignores your history)."
    ),
    exam: bool = typer.Option(False, "--exam", help="No hints or feedback until the end."),
    json_output: bool = typer.Option(
        False, "--json", help="Print a JSON transcript on stdout (the session goes to stderr)."
    ),
    bank_dirs: list[Path] = BANK_DIRS,
    bank_only: bool = BANK_ONLY,
    lang: str | None = lang_option(),
) -> None:
    """Practise: answer questions, get feedback, and let quizkit schedule your reviews.

    At the prompt: an answer, or ? (hint), skip, explain, quit. With answers piped in (one per
    line) the exit status is 1 unless every question was answered right.
    """
    from quizkit.bank.locale import resolve_lang
    from quizkit.practice import api
    from quizkit.practice.home import db_path
    from quizkit.practice.plan import parse_levels
    from quizkit.practice.session import EndReason, Status
    from quizkit.practice.store import utc_now
    from quizkit.practice.truths import TruthWorker
    from quizkit.ui import practice as ui
    from quizkit.ui.console import make_console

    language = resolve_lang(lang)
    interactive = sys.stdin.isatty()
    console = make_console(stderr=json_output)
    prepared = api.prepare(
        bank=open_bank(bank_dirs, bank_only, language),
        store_path=db_path(),
        topics=topics or [],
        levels=parse_levels(level),
        count=count,
        seed=seed,
        exam=exam,
        interactive=interactive,
    )
    for notice in prepared.notices:
        ui.render_warning(console, notice)
    reader = ui.terminal_reader(console) if interactive else ui.pipe_reader(console)
    io = ui.TerminalIO(
        console, reader, interactive=interactive, now=utc_now, exam=exam, lang=language
    )
    worker = TruthWorker()
    try:
        finished = api.run(prepared, io=io, checker=worker)
    finally:
        worker.close()
        prepared.store.close()
    result = finished.result
    if result.exam:
        ui.render_exam_review(console, result, language)
    ui.render_summary(console, finished.summary, now=utc_now(), lang=language)
    if json_output:
        import json

        from quizkit.practice.report import transcript

        typer.echo(json.dumps(transcript(result, finished.summary), indent=2, ensure_ascii=False))
    if result.error is not None:
        raise result.error
    if result.ended_by is EndReason.INTERRUPT:
        leave(INTERRUPTED)
    all_right = len(result.outcomes) == result.planned and all(
        o.status is Status.CORRECT for o in result.outcomes
    )
    leave(int(ExitStatus.FAILED if not interactive and not all_right else ExitStatus.OK))


def stats(
    topics: list[str] = typer.Argument(
        None, metavar="TOPIC", help="Only these topics.", show_default=False
    ),
    days: int = typer.Option(14, "--days", "-d", min=1, max=366, help="Days the chart shows."),
    json_output: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    lang: str | None = lang_option(),
) -> None:
    """Your practice history per topic (table and chart) and the reviews due."""
    from quizkit.bank.locale import resolve_lang
    from quizkit.practice import api
    from quizkit.practice.home import db_path
    from quizkit.practice.store import utc_now
    from quizkit.ui import practice as ui
    from quizkit.ui.console import make_console

    language = resolve_lang(lang)
    now = utc_now()
    report = api.stats(store_path=db_path(), topics=topics or [], days=days, now=now)
    if json_output:
        import json

        from quizkit.practice.report import stats_json

        typer.echo(json.dumps(stats_json(report), indent=2, ensure_ascii=False))
        return
    ui.render_stats(make_console(), report, now=now, lang=language)


def register(app: typer.Typer) -> None:
    """Attach ``practice`` and ``stats`` to ``app``."""
    app.command()(practice)
    app.command()(stats)
