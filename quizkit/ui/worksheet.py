"""Rich output for ``quizkit worksheet`` and ``quizkit export``: what was written, and where."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from quizkit.worksheet.build import Worksheet
from quizkit.worksheet.grading import SheetResult
from quizkit.worksheet.lms import Export
from quizkit.worksheet.output import Written

SHOWN_FILES = 8


def render_written(
    console: Console, worksheet: Worksheet, written: list[Written], out_dir: Path, *, command: str
) -> None:
    """The worksheet's seed, questions and files, and how to reprint and grade it."""
    versions = len(worksheet.versions)
    console.print(
        Text.assemble(
            ("Worksheet ", "bold"),
            (repr(worksheet.title), "bold"),
            f": {len(worksheet.templates)} questions × {versions} version"
            f"{'s' if versions != 1 else ''}, seed {worksheet.seed}, bank {worksheet.bank}",
        )
    )
    questions = Table.grid(padding=(0, 2))
    for number, template in enumerate(worksheet.templates, start=1):
        questions.add_row(
            f"{number:>3}.",
            template.id,
            Text(f"L{template.difficulty}", style="dim"),
            template.title,
        )
    console.print(questions)
    combined = [w for w in written if w.what.startswith("all ")]
    shown = combined + [w for w in written if w not in combined][: SHOWN_FILES - len(combined)]
    console.print(Text.assemble(("Wrote ", "bold green"), f"{len(written)} files to {out_dir}/"))
    files = Table.grid(padding=(0, 2))
    for item in shown:
        files.add_row("  " + item.path.name, Text(item.what, style="dim"))
    console.print(files)
    if len(written) > len(shown):
        console.print(Text(f"  … and {len(written) - len(shown)} more", style="dim"))
    console.print(Text.assemble(("Same worksheet again: ", "dim"), command))
    console.print(
        Text.assemble(
            ("Students fill in ", "dim"),
            "answers-<id>.yaml",
            ("; grade with ", "dim"),
            "quizkit grade answers-<id>.yaml",
        )
    )


def render_export(console: Console, export: Export, destination: str) -> None:
    console.print(
        Text.assemble(
            ("Wrote ", "bold green"),
            f"{export.questions} questions ({export.templates} templates) to {destination}",
        )
    )


def render_sheet_result(console: Console, result: SheetResult) -> None:
    """A graded answer sheet: one row per question, then the score (for ``quizkit grade``)."""
    who = " · ".join(part for part in (result.name, result.student_id) if part)
    console.print(
        Text.assemble(
            ("Answer sheet ", "bold"),
            result.path,
            (f" ({result.worksheet})", "dim"),
            (f" — {who}" if who else "", ""),
        )
    )
    table = Table(show_edge=False, pad_edge=False, box=None, padding=(0, 1))
    for column in ("#", "question", "given", "expected", "", "pts", "note"):
        table.add_column(column, overflow="fold")
    for question in result.questions:
        mark = Text("✓", style="green") if question.correct else Text("✗", style="red")
        table.add_row(
            str(question.number),
            question.title,
            question.given if question.given is not None else Text("—", style="dim"),
            question.expected,
            mark,
            f"{question.points}/{question.max_points}",
            Text("" if question.correct else question.message, style="dim"),
        )
    console.print(table)
    console.print(
        Text.assemble(
            ("Score: ", "bold"), f"{result.points}/{result.max_points} ({result.percent:.0f}%)"
        )
    )
