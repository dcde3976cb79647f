"""Exports for learning-management systems: Moodle XML and GIFT, one question per variant.

Each template becomes ``variants`` questions (seeds from :func:`question_seed` with version 0),
filed in the category ``quizkit/<topic>/<template id>``, so a Moodle quiz can draw one random
variant per category. Question types, by answer kind:

- params, flops, int, value (one number): *numerical*, with the absolute tolerance that
  ``quizkit.answers.check`` applies: ``atol + rtol·|t|`` (value defaults rtol 1e-2,
  atol 1e-8; counts exact unless the template declares a tolerance), or
  ``0.5·10^(floor(log10|t|) − n + 1)`` for ``sigfigs: n``;
- choice and legal: *multichoice* (one right option); bool: *truefalse*;
- shape and lists of values: Moodle *cloze* with one NUMERICAL blank per entry
  (``({1:NUMERICAL:=16:0}, {1:NUMERICAL:=8:0})``); GIFT has no cloze, so there they are
  *short answer* questions accepting the usual spellings of the shape (``(1, 16)``,
  ``1x16``, ``[1, 16]``…), and a list of values accepts only its formatted text;
- non-finite values (nan, inf): short answer.

The worked solution is the general feedback. Prompts are HTML (see :mod:`quizkit.worksheet.html`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

from quizkit.bank.bank import Bank
from quizkit.bank.model import AnswerKind, Template, Tolerance
from quizkit.bank.question import make_question
from quizkit.errors import UsageError
from quizkit.worksheet.build import Item, build_item, question_seed
from quizkit.worksheet.formats import ExportFormat
from quizkit.worksheet.markup import (
    html_blocks,
    html_inlines,
    parse_blocks,
    parse_inlines,
    parse_lines,
)

VALUE_RTOL = 1e-2
VALUE_ATOL = 1e-8
NUMERIC_KINDS = frozenset({AnswerKind.PARAMS, AnswerKind.FLOPS, AnswerKind.INT, AnswerKind.VALUE})
MAX_VARIANTS = 100


@dataclass(frozen=True)
class Export:
    """An export's text, and how many questions and templates it holds."""

    text: str
    questions: int
    templates: int


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
    render = _moodle if fmt is ExportFormat.MOODLE else _gift
    text = render(list(_variants(templates, variants, seed)))
    return Export(text, len(templates) * variants, len(templates))


def _variants(templates: list[Template], variants: int, seed: int) -> Iterator[Item]:
    for template in templates:
        for index in range(1, variants + 1):
            question = make_question(template, question_seed(seed, 0, index, template.id))
            yield build_item(index, question)


def absolute_tolerance(kind: AnswerKind, truth: float, tolerance: Tolerance) -> float:
    """The largest accepted ``|x - truth|``, as ``quizkit.answers.check`` decides it."""
    declared = (tolerance.rtol, tolerance.atol, tolerance.sigfigs) != (None, None, None)
    if kind is not AnswerKind.VALUE and not declared:
        return 0.0
    default_rtol, default_atol = (VALUE_RTOL, VALUE_ATOL) if kind is AnswerKind.VALUE else (0, 0)
    rtol = default_rtol if tolerance.rtol is None else tolerance.rtol
    atol = default_atol if tolerance.atol is None else tolerance.atol
    if tolerance.sigfigs is not None:
        if truth == 0:
            return atol
        return 0.5 * 10 ** (math.floor(math.log10(abs(truth))) - tolerance.sigfigs + 1)
    return atol + rtol * abs(truth)


def _number(value: float | int) -> str:
    """Ints as digits; floats to 15 significant digits (no ``0.15000000000000002``)."""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 1e15):
        return str(int(value))
    return f"{float(value):.15g}"


def _tolerance(value: float) -> str:
    """A tolerance rounded *up* to 3 significant digits, so the boundary stays accepted."""
    if value <= 0:
        return "0"
    scale = 10 ** (math.floor(math.log10(value)) - 2)
    return f"{math.ceil(value / scale - 1e-9) * scale:.3g}"


def _category(item: Item) -> str:
    template = item.question.template
    return f"$course$/quizkit/{template.topic}/{template.id}"


def _prompt_html(item: Item) -> str:
    return html_blocks(parse_blocks(item.question.prompt))


def _solution_html(item: Item) -> str:
    detail = f"<p>torch says: {escape(item.truth.detail)}</p>" if item.truth.detail else ""
    return (
        f"<p><strong>Answer:</strong> {html_inlines(parse_inlines(item.answer))}</p>"
        f"{detail}{html_blocks((parse_lines(item.question.solution),))}"
    )


def _qtype(item: Item) -> str:
    kind, value = item.kind, item.truth.value
    if kind in (AnswerKind.CHOICE, AnswerKind.LEGAL):
        return "multichoice"
    if kind is AnswerKind.BOOL:
        return "truefalse"
    if kind is AnswerKind.SHAPE or isinstance(value, list):
        values = [float(v) for v in value]
        return "cloze" if all(math.isfinite(v) for v in values) else "shortanswer"
    if kind in NUMERIC_KINDS and math.isfinite(float(value)):
        return "numerical"
    return "shortanswer"


def _choices(item: Item) -> list[tuple[str, bool]]:
    """(option html, correct) for multichoice questions."""
    if item.kind is AnswerKind.LEGAL:
        runs = bool(item.truth.value)
        return [("yes, it runs", runs), ("no, torch raises an error", not runs)]
    return [
        (html_inlines(parse_inlines(text)), index == item.truth.value)
        for index, text in enumerate(item.question.options)
    ]


def shape_spellings(shape: tuple[int, ...] | list[int]) -> list[str]:
    """The usual ways to write a shape, for short-answer matching."""
    sizes = [str(int(n)) for n in shape]
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


def _short_answers(item: Item) -> list[str]:
    if item.kind is AnswerKind.SHAPE:
        return shape_spellings(item.truth.value)
    return [item.answer]


def _cloze_blanks(item: Item) -> str:
    value = item.truth.value
    spec = item.question.template.answer
    blanks = [
        f"{{1:NUMERICAL:={_number(v)}:{_tolerance(absolute_tolerance(item.kind, float(v), spec.tolerance))}}}"
        for v in value
    ]
    if item.kind is AnswerKind.SHAPE:
        inner = ", ".join(blanks)
        return f"({inner},)" if len(blanks) == 1 else f"({inner})"
    return "[" + ", ".join(blanks) + "]"


# --- Moodle XML ------------------------------------------------------------------------------


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _moodle(items: list[Item]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    category = None
    for item in items:
        if _category(item) != category:
            category = _category(item)
            out.append(
                f'  <question type="category"><category><text>{escape(category)}</text>'
                "</category></question>"
            )
        out.append(_moodle_question(item))
    out.append("</quiz>")
    return "\n".join(out) + "\n"


def _moodle_question(item: Item) -> str:
    question = item.question
    qtype = _qtype(item)
    text = _prompt_html(item)
    if qtype == "cloze":
        text += f"<p>{_cloze_blanks(item)}</p>"
    name = f"{question.template.title} ({question.id})"
    lines = [
        f'  <question type="{qtype}">',
        f"    <name><text>{escape(name)}</text></name>",
        f'    <questiontext format="html"><text>{_cdata(text)}</text></questiontext>',
        f'    <generalfeedback format="html"><text>{_cdata(_solution_html(item))}</text>'
        "</generalfeedback>",
        f"    <defaultgrade>{item.points}</defaultgrade>",
        "    <penalty>0.3333333</penalty>",
        "    <hidden>0</hidden>",
        f"    <idnumber>{escape(question.id)}</idnumber>",
    ]
    empty = '<feedback format="html"><text></text></feedback>'
    if qtype == "numerical":
        value = item.truth.value
        tol = absolute_tolerance(item.kind, float(value), question.template.answer.tolerance)
        lines.append(
            f'    <answer fraction="100" format="moodle_auto_format"><text>{_number(value)}</text>'
            f"<tolerance>{_tolerance(tol)}</tolerance>{empty}</answer>"
        )
        lines.append("    <unitgradingtype>0</unitgradingtype><showunits>3</showunits>")
    elif qtype == "multichoice":
        lines += [
            "    <single>true</single>",
            "    <shuffleanswers>false</shuffleanswers>",
            "    <answernumbering>abc</answernumbering>",
        ]
        for option, correct in _choices(item):
            lines.append(
                f'    <answer fraction="{100 if correct else 0}" format="html">'
                f"<text>{_cdata(option)}</text>{empty}</answer>"
            )
    elif qtype == "truefalse":
        truth = bool(item.truth.value)
        for word, value in (("true", True), ("false", False)):
            fraction = 100 if value == truth else 0
            lines.append(
                f'    <answer fraction="{fraction}" format="moodle_auto_format">'
                f"<text>{word}</text>{empty}</answer>"
            )
    elif qtype == "shortanswer":
        lines.append("    <usecase>0</usecase>")
        for answer in _short_answers(item):
            lines.append(
                f'    <answer fraction="100" format="moodle_auto_format">'
                f"<text>{escape(answer)}</text>{empty}</answer>"
            )
    lines.append("  </question>")
    return "\n".join(lines)


# --- GIFT ------------------------------------------------------------------------------------

_GIFT_SPECIAL = frozenset("~=#{}:\\")


def gift_escape(text: str) -> str:
    """GIFT's special characters backslash-escaped; newlines as HTML entities (one line)."""
    text = text.replace("\r\n", "\n").replace("\n", "&#10;")
    return "".join("\\" + char if char in _GIFT_SPECIAL else char for char in text)


def _gift(items: list[Item]) -> str:
    out: list[str] = []
    category = None
    for item in items:
        if _category(item) != category:
            category = _category(item)
            out += [f"$CATEGORY: {category}", ""]
        out += [_gift_question(item), ""]
    return "\n".join(out)


def _gift_question(item: Item) -> str:
    question = item.question
    qtype = _qtype(item)
    feedback = "####" + gift_escape(_solution_html(item))
    name = gift_escape(f"{question.template.title} ({question.id})")
    head = f"// {question.id}\n::{name}::[html]{gift_escape(_prompt_html(item))}"
    if qtype == "numerical":
        value = item.truth.value
        tol = absolute_tolerance(item.kind, float(value), question.template.answer.tolerance)
        body = f"#{_number(value)}:{_tolerance(tol)}"
    elif qtype == "multichoice":
        body = " ".join(
            ("=" if correct else "~") + gift_escape(option) for option, correct in _choices(item)
        )
    elif qtype == "truefalse":
        body = "TRUE" if item.truth.value else "FALSE"
    else:
        body = " ".join("=" + gift_escape(answer) for answer in _short_answers(item))
    return f"{head}{{{body}{feedback}}}"
