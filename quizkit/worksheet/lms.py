"""Exports for learning-management systems: what Moodle XML, GIFT and QTI share.

Each template becomes ``variants`` questions (seeds from :func:`question_seed` with version 0),
filed in the category ``quizkit/<topic>/<template id>``, so a quiz can draw one random variant
per category. Every number a student types becomes a :class:`Blank`: the torch truth as a plain
decimal and a tolerance taken from the checker's own rule
(:func:`quizkit.answers.tolerance_bound`), rounded *inward* to three significant figures, so
every answer an LMS accepts is one ``quizkit check`` accepts too. A misconception whose answer
differs at a blank adds a wrong answer there, with a tolerance that never reaches the right one,
carrying the misconception's feedback sentence. The renderers are
:mod:`~quizkit.worksheet.lms_moodle`, :mod:`~quizkit.worksheet.lms_gift` and
:mod:`~quizkit.worksheet.lms_qti`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from html import escape

from quizkit.answers import tolerance_bound
from quizkit.answers.check import floor_log10
from quizkit.answers.precision import precision_sentence
from quizkit.bank.bank import Bank
from quizkit.bank.locale import template_lang
from quizkit.bank.model import AnswerKind, Template
from quizkit.bank.question import make_question
from quizkit.errors import UsageError
from quizkit.messages import Messages, join_wide_lines, messages
from quizkit.worksheet.build import Item, build_item, question_seed
from quizkit.worksheet.formats import ExportFormat
from quizkit.worksheet.markup import (
    html_blocks,
    html_inlines,
    parse_blocks,
    parse_inlines,
    parse_lines,
)

NUMERIC_KINDS = frozenset({AnswerKind.PARAMS, AnswerKind.FLOPS, AnswerKind.INT, AnswerKind.VALUE})
MAX_VARIANTS = 100
TOLERANCE_DIGITS = 3


class QType(str, Enum):
    """How a question is asked in an LMS."""

    NUMERICAL = "numerical"  # one number
    MULTI_NUMERICAL = "multinumerical"  # a shape or a list: one numeric blank per element
    MULTICHOICE = "multichoice"
    TRUEFALSE = "truefalse"
    SHORTANSWER = "shortanswer"  # non-finite values (nan, inf)


@dataclass(frozen=True)
class WrongBlank:
    """A misconception's answer at one blank, and the sentence naming the mistake."""

    name: str
    text: str
    tolerance: str
    feedback: str


@dataclass(frozen=True)
class Blank:
    """One number the student types: the truth, its accepted tolerance, classic wrong answers."""

    value: int | float
    text: str  # plain decimal, no exponent
    tolerance: str  # decimal, rounded inward
    wrong: tuple[WrongBlank, ...] = ()


@dataclass(frozen=True)
class Export:
    """An export's content (text, or bytes for a zip), and how many questions and templates."""

    data: str | bytes
    questions: int
    templates: int

    @property
    def text(self) -> str:
        assert isinstance(self.data, str), "this export is binary"
        return self.data


def export_bank(
    bank: Bank,
    fmt: ExportFormat,
    *,
    topics: list[str] | None = None,
    levels: tuple[int, ...] = (1, 2, 3),
    variants: int = 5,
    seed: int = 0,
) -> Export:
    """Every template of ``topics`` at ``levels``, ``variants`` questions each, as ``fmt``."""
    if not 1 <= variants <= MAX_VARIANTS:
        raise UsageError(f"--variants must be between 1 and {MAX_VARIANTS}, got {variants}")
    templates = bank.templates(topics or None, levels=set(levels))
    if not templates:
        raise UsageError("no templates match the topics and levels given")
    items = list(_variants(templates, variants, seed))
    return Export(_renderer(fmt)(items), len(items), len(templates))


def _renderer(fmt: ExportFormat) -> Callable[[list[Item]], str | bytes]:
    from quizkit.worksheet import lms_gift, lms_moodle, lms_qti

    renderers: dict[ExportFormat, Callable[[list[Item]], str | bytes]] = {
        ExportFormat.MOODLE: lms_moodle.render,
        ExportFormat.GIFT: lms_gift.render,
        ExportFormat.QTI: lms_qti.render,
    }
    return renderers[fmt]


def _variants(templates: list[Template], variants: int, seed: int) -> Iterator[Item]:
    for template in templates:
        for index in range(1, variants + 1):
            question = make_question(template, question_seed(seed, 0, index, template.id))
            yield build_item(index, question)


# --- what is asked -------------------------------------------------------------------------------


def qtype(item: Item) -> QType:
    kind, value = item.kind, item.truth.value
    if kind in (AnswerKind.CHOICE, AnswerKind.LEGAL):
        return QType.MULTICHOICE
    if kind is AnswerKind.BOOL:
        return QType.TRUEFALSE
    values = list(value) if kind is AnswerKind.SHAPE or isinstance(value, list) else [value]
    if not all(math.isfinite(float(v)) for v in values):
        return QType.SHORTANSWER
    if kind is AnswerKind.SHAPE or isinstance(value, list):
        return QType.MULTI_NUMERICAL
    return QType.NUMERICAL


def blanks(item: Item) -> tuple[Blank, ...]:
    """One :class:`Blank` per number of the truth (one for a count or a value)."""
    value = item.truth.value
    values = list(value) if isinstance(value, list | tuple) else [value]
    wrongs = [(w.name, w.value) for w in item.truth.misconceptions]
    return tuple(_blank(item, i, v, len(values), wrongs) for i, v in enumerate(values))


def _blank(
    item: Item, index: int, value: int | float, count: int, wrongs: list[tuple[str, object]]
) -> Blank:
    kind = AnswerKind.INT if item.kind is AnswerKind.SHAPE else item.kind
    tolerance = item.question.template.answer.tolerance
    bound = tolerance_bound(kind, value, tolerance)
    wrong = []
    for name, wrong_value in wrongs:
        at = _element(wrong_value, index, count)
        if at is None or not math.isfinite(float(at)):
            continue
        gap = abs(Fraction(at) - Fraction(value)) - bound
        if gap <= 0:
            continue  # equal here (a shape's untouched dimension): nothing to name
        own = min(tolerance_bound(kind, at, tolerance), gap / 2)
        feedback = item.question.feedback.get(name, "")
        wrong.append(WrongBlank(name, plain_number(at), inward(own), feedback))
    return Blank(value, plain_number(value), inward(bound), tuple(wrong))


def _element(value: object, index: int, count: int) -> int | float | None:
    if isinstance(value, list | tuple):
        if len(value) != count:
            return None
        value = value[index]
    elif count != 1:
        return None
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def plain_number(value: float | int) -> str:
    """A plain decimal without exponent (``0.00001``, not ``1e-05``): every LMS parser reads it."""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 1e18):
        return str(int(value))
    text = format(Decimal(repr(float(value))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def inward(bound: Fraction) -> str:
    """``bound`` rounded *down* to three significant figures, as a plain decimal."""
    if bound <= 0:
        return "0"
    scale = Fraction(10) ** (floor_log10(bound) - TOLERANCE_DIGITS + 1)
    rounded = math.floor(bound / scale) * scale
    return plain_number(float(rounded)) if rounded.denominator != 1 else str(rounded.numerator)


def choices(item: Item) -> list[tuple[str, bool]]:
    """(option html, correct) for multichoice questions."""
    if item.kind is AnswerKind.LEGAL:
        runs = bool(item.truth.value)
        text = _words(item)
        return [(escape(text.yes_it_runs), runs), (escape(text.no_it_raises), not runs)]
    return [
        (html_inlines(parse_inlines(text)), index == item.truth.value)
        for index, text in enumerate(item.question.options)
    ]


def shape_spellings(shape: tuple[int, ...] | list[int]) -> list[str]:
    """The usual ways to write a shape, for short-answer matching."""
    sizes = [str(int(n)) for n in shape]
    if not sizes:  # the scalar shape: an empty answer would end a GIFT answer list
        return ["()", "[]", "torch.Size([])"]
    if len(sizes) == 1:
        return [f"({sizes[0]},)", f"[{sizes[0]}]", sizes[0]]
    spaced, tight = ", ".join(sizes), ",".join(sizes)
    return [
        f"({spaced})",
        f"({tight})",
        f"[{spaced}]",
        f"[{tight}]",
        "x".join(sizes),
        spaced,
        tight,
        f"torch.Size([{spaced}])",
    ]


# --- text ----------------------------------------------------------------------------------------


def category(item: Item) -> str:
    template = item.question.template
    return f"$course$/quizkit/{template.topic}/{template.id}"


def title(item: Item) -> str:
    return f"{item.question.template.title} ({item.question.id})"


def prompt_html(item: Item, *, suffixes: bool = True) -> str:
    """The prompt as HTML; ``suffixes=False`` for LMSs whose numeric fields refuse ``2.26G``."""
    prompt = join_wide_lines(item.question.prompt)
    if not suffixes:
        template = item.question.template
        listed = isinstance(item.question.lets.get("result"), list | tuple)
        spec = template.answer
        lang = template_lang(template).value
        with_si = precision_sentence(spec.kind, spec.tolerance, listed=listed, lang=lang)
        plain = precision_sentence(
            spec.kind, spec.tolerance, listed=listed, lang=lang, suffixes=False
        )
        if with_si and with_si != plain:
            prompt = prompt.replace(with_si, plain)
    return html_blocks(parse_blocks(prompt))


def _words(item: Item) -> Messages:
    """The interface words in the language of the item's question."""
    return messages(template_lang(item.question.template))


def solution_html(item: Item) -> str:
    text = _words(item)
    detail = (
        f"<p>{escape(text.torch_says)}{escape(item.truth.detail)}</p>" if item.truth.detail else ""
    )
    return (
        f"<p><strong>{escape(text.answer_field)}</strong> "
        f"{html_inlines(parse_inlines(item.answer))}</p>"
        f"{detail}{html_blocks((parse_lines(item.question.solution),))}"
    )


def blank_note(index: int, count: int, kind: AnswerKind) -> str:
    """Which element a per-element question asks for."""
    what = "size" if kind is AnswerKind.SHAPE else "element"
    return f"Give {what} {index + 1} of {count} (counting from 1)."
