"""Texts shared by every renderer: labels, subtitles, instructions, in the worksheet's language.

The words come from the interface catalog (:mod:`quizkit.messages`); the language is the
bank's (``Worksheet.lang``), so the chrome and the questions always agree.
"""

from __future__ import annotations

from quizkit.bank.locale import Lang
from quizkit.bank.model import AnswerKind
from quizkit.messages import Messages, messages, question_word
from quizkit.worksheet.build import Item, Version, Worksheet
from quizkit.worksheet.select import format_levels


def words(worksheet: Worksheet) -> Messages:
    """The catalog in the worksheet's language."""
    return messages(worksheet.lang)


def version_label(version: Version, *, key: bool = False, lang: Lang = Lang.EN) -> str:
    text = messages(lang)
    return (text.key_version_label if key else text.version_label).format(number=version.number)


def subtitle(worksheet: Worksheet, version: Version) -> str:
    text = words(worksheet)
    selection = worksheet.selection
    topics = ", ".join(selection.topics) if selection.topics else text.all_topics
    count = len(version.items)
    return text.subtitle.format(
        count=count,
        questions=question_word(worksheet.lang, count),
        points=version.max_points,
        topics=topics,
        levels=format_levels(selection.levels),
        id=version.id,
    )


def points_label(points: int, lang: Lang = Lang.EN) -> str:
    text = messages(lang)
    return (text.point if points == 1 else text.points).format(n=points)


def unit_of(item: Item, lang: Lang = Lang.EN) -> str | None:
    """The unit written after an answer box: the template's unit, or the kind's."""
    return item.unit or messages(lang).count_units.get(item.kind)


def is_list_value(item: Item) -> bool:
    """Whether a value answer is a list. Decided by the derivation's ``let.result``, which
    ``quizkit validate`` proves has the truth's type, so the students' sheet needs no torch."""
    return item.kind is AnswerKind.VALUE and isinstance(
        item.question.lets.get("result"), list | tuple
    )


def is_exact(item: Item) -> bool:
    """Is only the exact answer accepted (so the key need not show an interval)?"""
    return item.accepted.startswith("exactly")
