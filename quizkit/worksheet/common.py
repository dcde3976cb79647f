"""Texts shared by every renderer: labels, subtitles, instructions."""

from __future__ import annotations

from quizkit.bank.model import AnswerKind
from quizkit.worksheet.build import Item, Version, Worksheet
from quizkit.worksheet.select import format_levels

INSTRUCTIONS = (
    "Write each answer in its box. Shapes as (N, C, H, W); counts as whole numbers "
    "(1,234,567 or 1234567); decimals to at least 3 significant figures. "
    "Tick one box where boxes are given."
)

COUNT_UNITS: dict[AnswerKind, str] = {
    AnswerKind.PARAMS: "parameters",
    AnswerKind.FLOPS: "FLOPs",
}


def version_label(version: Version, *, key: bool = False) -> str:
    return f"{'Key · ' if key else ''}Version {version.number}"


def subtitle(worksheet: Worksheet, version: Version) -> str:
    selection = worksheet.selection
    topics = ", ".join(selection.topics) if selection.topics else "all topics"
    count = len(version.items)
    return (
        f"{count} question{'s' if count != 1 else ''} · {version.max_points} points · "
        f"{topics} · level {format_levels(selection.levels)} · {version.id}"
    )


def points_label(points: int) -> str:
    return f"{points} pt" if points == 1 else f"{points} pts"


def unit_of(item: Item) -> str | None:
    """The unit written after an answer box: the template's unit, or the kind's."""
    return item.unit or COUNT_UNITS.get(item.kind)


def is_list_value(item: Item) -> bool:
    """Whether a value answer is a list. Decided by the derivation's ``let.result``, which
    ``quizkit validate`` proves has the truth's type, so the students' sheet needs no torch."""
    return item.kind is AnswerKind.VALUE and isinstance(
        item.question.lets.get("result"), list | tuple
    )


def is_exact(item: Item) -> bool:
    """Is only the exact answer accepted (so the key need not show an interval)?"""
    return item.accepted.startswith("exactly")
