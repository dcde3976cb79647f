"""``quizkit topics``, ``show``, ``check``, ``validate``: thin wrappers over quizkit.bank."""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from quizkit.cli.leave import leave
from quizkit.cli.options import lang_option
from quizkit.errors import ExitStatus, UsageError, ValidationFailed

if TYPE_CHECKING:  # rich and the bank load inside the commands
    from rich.console import Console

    from quizkit.bank.bank import Bank
    from quizkit.bank.locale import Lang
    from quizkit.bank.question import Question, Truth

BANK_RULE = (
    "The bank is the one shipped with quizkit, or the folders in $QUIZKIT_BANK (separated by "
    "':') instead; each --bank DIR adds DIR's topics to it, and --bank-only keeps only the "
    "--bank folders."
)

BANK_DIRS: list[Path] = typer.Option(
    [],
    "--bank",
    metavar="DIR",
    exists=True,
    file_okay=False,
    help="Add the topics (*.yaml) of this question-bank folder; repeatable. " + BANK_RULE,
    show_default=False,
)
BANK_ONLY: bool = typer.Option(
    False, "--bank-only", help="Use only the --bank folders, not the shipped or $QUIZKIT_BANK bank."
)


def open_bank(dirs: list[Path], only: bool, lang: Lang | None = None) -> Bank:
    """The bank a command reads, in ``lang`` (default English): see :data:`BANK_RULE` (read
    lazily, on first use)."""
    from quizkit.bank.bank import Bank
    from quizkit.bank.loader import bank_folders
    from quizkit.bank.locale import Lang

    language = lang or Lang.EN
    if not dirs and not only:
        return Bank(lang=language)
    return Bank(*bank_folders(dirs, only=only), lang=language)


def topics(
    bank_dirs: list[Path] = BANK_DIRS,
    bank_only: bool = BANK_ONLY,
    lang: str | None = lang_option(),
) -> None:
    """List the topics with their template counts and levels."""
    from quizkit.bank.locale import resolve_lang
    from quizkit.ui.bank import render_topics
    from quizkit.ui.console import make_console

    language = resolve_lang(lang)
    render_topics(make_console(), open_bank(bank_dirs, bank_only, language).summaries(), language)


def show(
    question_id: str = typer.Argument(
        ...,
        metavar="ID[@SEED]",
        help="A template id, optionally with @SEED (e.g. conv-out-size@1234).",
    ),
    answer: bool = typer.Option(
        False, "--answer", "-a", help="Also show the answer and the worked solution."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the question (and with --answer its truth) as JSON."
    ),
    bank_dirs: list[Path] = BANK_DIRS,
    bank_only: bool = BANK_ONLY,
    lang: str | None = lang_option(),
) -> None:
    """Render one question (a bare id picks a random seed and prints the full id)."""
    from quizkit.bank.locale import resolve_lang
    from quizkit.bank.question import make_question, parse_question_id

    language = resolve_lang(lang)
    template_id, seed = parse_question_id(
        question_id, default_seed=random.SystemRandom().randrange(10_000)
    )
    question = make_question(open_bank(bank_dirs, bank_only, language).template(template_id), seed)
    if as_json:
        from quizkit.bank.export_json import dumps, question_json

        typer.echo(dumps(question_json(question, _truth(question) if answer else None)))
        if answer:
            leave(0)
        return
    from quizkit.ui.bank import render_question
    from quizkit.ui.console import make_console

    console = make_console()
    render_question(console, question, language)
    if answer:
        _show_answer(console, question, language)
        leave(0)


def check(
    question_id: str = typer.Argument(
        ..., metavar="ID@SEED", help="The question, e.g. conv-out-size@1234."
    ),
    text: str = typer.Argument(..., metavar="ANSWER", help="The answer as a student types it."),
    as_json: bool = typer.Option(False, "--json", help="Print the verdict as JSON."),
    bank_dirs: list[Path] = BANK_DIRS,
    bank_only: bool = BANK_ONLY,
    lang: str | None = lang_option(),
) -> None:
    """Grade one answer to one question: exit 0 right, 1 wrong, 2 unreadable or bad id."""
    from quizkit.bank.checking import check_typed_answer
    from quizkit.bank.locale import resolve_lang
    from quizkit.bank.question import make_question, parse_question_id

    if "@" not in question_id:
        raise UsageError(
            f"{question_id!r} has no seed; check needs ID@SEED (e.g. conv-out-size@12)"
        )
    language = resolve_lang(lang)
    template_id, seed = parse_question_id(question_id)
    question = make_question(open_bank(bank_dirs, bank_only, language).template(template_id), seed)
    result = check_typed_answer(question, _truth(question), text)
    if as_json:
        from quizkit.bank.export_json import dumps

        typer.echo(dumps(result.as_json(), indent=None))
    else:
        from quizkit.ui.bank import render_check
        from quizkit.ui.console import make_console

        render_check(make_console(), result, language)
    status = ExitStatus.OK if result.correct else ExitStatus.FAILED
    leave(int(status if result.readable else ExitStatus.BAD_INPUT))


def _truth(question: Question) -> Truth:
    from quizkit.bank.truth import compute_truth  # torch loads here

    return compute_truth(question)


def _show_answer(console: Console, question: Question, lang: Lang) -> None:
    from quizkit.answers import shown_answer
    from quizkit.ui.bank import render_answer

    truth = _truth(question)
    shown = shown_answer(question, truth)
    render_answer(
        console,
        answer=shown.answer,
        accepted=shown.accepted,
        solution=question.solution,
        detail=truth.detail,
        lang=lang,
    )


def validate(
    samples: int = typer.Option(50, "--samples", "-n", min=1, help="Seeds to sample per template."),
    topic: list[str] = typer.Option([], "--topic", "-t", help="Only these topics (repeatable)."),
    template: list[str] = typer.Option(
        [], "--template", help="Only these template ids (repeatable)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only failures and the summary."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    bank_dirs: list[Path] = BANK_DIRS,
    bank_only: bool = BANK_ONLY,
) -> None:
    """Sample every template, compute every truth with torch, and check the worked solutions."""
    from quizkit.bank.validate import validate_bank
    from quizkit.ui.bank import render_template_progress, render_validation
    from quizkit.ui.console import make_console

    console = make_console()
    report = validate_bank(
        open_bank(bank_dirs, bank_only),
        samples=samples,
        topics=topic or None,
        template_ids=template or None,
        on_template=None if quiet or as_json else lambda r: render_template_progress(console, r),
    )
    if as_json:
        from quizkit.bank.export_json import dumps

        typer.echo(dumps(report.as_json()))
    else:
        render_validation(console, report)
    if not report.ok:
        raise ValidationFailed(f"{len(report.failed)} template(s) failed validation")
    leave(int(ExitStatus.OK))


def register(app: typer.Typer) -> None:
    """Attach the bank commands to ``app``."""
    app.command()(topics)
    app.command()(show)
    app.command(context_settings={"ignore_unknown_options": True})(check)  # "-1.5" is an answer
    app.command()(validate)
