"""``quizkit worksheet`` and ``quizkit export``: thin wrappers over :mod:`quizkit.worksheet`.

Nothing here imports torch at import time; the core loads it when the first truth is computed.
"""

from __future__ import annotations

import random
import shlex
import sys
from pathlib import Path

import typer

from quizkit.cli.bank import BANK_DIRS, BANK_ONLY, open_bank
from quizkit.cli.leave import leave
from quizkit.cli.options import lang_option
from quizkit.worksheet.formats import ExportFormat, Format

LEVEL_HELP = "Difficulty levels: 1, 2, 3, a range such as 1-2, or a list such as 1,3."


def worksheet(
    topics: list[str] = typer.Argument(
        None, metavar="TOPIC", help="Topics to draw from (default: all; see `quizkit topics`)."
    ),
    count: int = typer.Option(10, "--count", "-n", min=1, max=500, help="Questions per sheet."),
    level: str = typer.Option("1-3", "--level", "-l", help=LEVEL_HELP),
    versions: int = typer.Option(
        1, "--versions", "-V", min=1, max=999, help="Versions: one per student, same templates."
    ),
    seed: int = typer.Option(
        None, "--seed", "-s", min=0, help="Seed for templates and parameters (default: random)."
    ),
    formats: list[Format] = typer.Option(
        [Format.PDF.value], "--format", "-f", help="Output format; repeat for several."
    ),
    title: str = typer.Option(None, "--title", "-t", help="Title printed on every sheet."),
    out: Path = typer.Option(
        None,
        "--out",
        "-o",
        file_okay=False,
        help="Folder for the files (default: ./worksheet-s<SEED>).",
    ),
    bank_dirs: list[Path] = BANK_DIRS,
    bank_only: bool = BANK_ONLY,
    lang: str | None = lang_option(),
) -> None:
    """Printable worksheets and exams: one version per student, answer keys and answer sheets."""
    from quizkit.bank.levels import format_levels, parse_levels
    from quizkit.bank.locale import resolve_lang
    from quizkit.ui.console import make_console
    from quizkit.ui.worksheet import render_written
    from quizkit.worksheet.output import make_worksheet
    from quizkit.worksheet.select import Selection

    chosen = seed if seed is not None else random.SystemRandom().randrange(10**6)
    selection = Selection(topics=tuple(topics or ()), count=count, levels=parse_levels(level))
    language = resolve_lang(lang)
    bank = open_bank(bank_dirs, bank_only, language)
    unique = list(dict.fromkeys(formats))
    out_dir = out if out is not None else Path(f"worksheet-s{chosen}")
    built, written = make_worksheet(
        bank,
        selection,
        seed=chosen,
        versions=versions,
        title=title,
        formats=unique,
        out_dir=out_dir,
    )
    again = ["quizkit", "worksheet", *selection.topics, "-n", str(count)]
    again += ["--level", format_levels(selection.levels), "--versions", str(versions)]
    again += ["--seed", str(chosen)] + (["--title", built.title] if title is not None else [])
    for fmt in unique:
        again += ["-f", fmt.value]
    for folder in bank_dirs:
        again += ["--bank", str(folder)]
    again += ["--bank-only"] if bank_only else []
    again += ["--lang", language.value]
    render_written(
        make_console(), built, written, out_dir, command=" ".join(map(shlex.quote, again))
    )
    leave(0)


EXPORT_FILES = {
    ExportFormat.MOODLE: "quizkit-moodle.xml",
    ExportFormat.GIFT: "quizkit.gift.txt",
    ExportFormat.QTI: "quizkit-qti.zip",
}


def export(
    fmt: ExportFormat = typer.Argument(
        ...,
        metavar="moodle|gift|qti",
        help="Moodle XML, GIFT, or a QTI 1.2 zip (Canvas, Blackboard).",
    ),
    topics: list[str] = typer.Argument(
        None, metavar="TOPIC", help="Topics to export (default: all)."
    ),
    level: str = typer.Option("1-3", "--level", "-l", help=LEVEL_HELP),
    variants: int = typer.Option(
        5, "--variants", min=1, max=100, help="Questions per template (different parameters)."
    ),
    seed: int = typer.Option(0, "--seed", "-s", min=0, help="Seed for the variants' parameters."),
    out: Path = typer.Option(
        None,
        "--out",
        "-o",
        dir_okay=False,
        help="File to write; - for stdout (default: quizkit-moodle.xml, quizkit.gift.txt or "
        "quizkit-qti.zip).",
    ),
    bank_dirs: list[Path] = BANK_DIRS,
    bank_only: bool = BANK_ONLY,
    lang: str | None = lang_option(),
) -> None:
    """Export the bank for a learning-management system: one question per variant."""
    from quizkit.bank.levels import parse_levels
    from quizkit.bank.locale import resolve_lang
    from quizkit.errors import UsageError
    from quizkit.ui.console import make_console
    from quizkit.ui.worksheet import render_export
    from quizkit.worksheet.lms import export_bank

    result = export_bank(
        open_bank(bank_dirs, bank_only, resolve_lang(lang)),
        fmt,
        topics=list(topics or ()),
        levels=parse_levels(level),
        variants=variants,
        seed=seed,
    )
    target = out if out is not None else Path(EXPORT_FILES[fmt])
    data = result.data.encode("utf-8") if isinstance(result.data, str) else result.data
    if str(target) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        leave(0)
    try:
        target.write_bytes(data)
    except OSError as error:
        raise UsageError(f"{target}: cannot write: {error.strerror}") from None
    render_export(make_console(), result, str(target))
    leave(0)


def register(app: typer.Typer) -> None:
    """Attach ``worksheet`` and ``export`` to ``app``."""
    app.command()(worksheet)
    app.command()(export)
