"""Moodle XML, element by element as Moodle's importer reads it.

Follows ``question/format/xml/format.php`` of moodle/moodle at commit 00055ef6
(``import_headers``, ``import_numerical``, ``import_multichoice``, ``import_truefalse``,
``import_shortanswer``, ``import_multianswer``):

- *numerical* (one number): the truth with its tolerance (``fraction="100"``), then each
  misconception as a ``fraction="0"`` answer with its feedback, whose range never reaches the
  truth's. FLOPs and parameter counts carry ``<units>`` (``G`` = 10⁹, ``GFLOPs``, ``M``, …;
  optional, ungraded) so ``2.26G`` is read as Moodle's students type it.
- shapes and lists: *cloze* (``multianswer``) with one NUMERICAL blank per element, each with
  its own tolerance and misconception answers. Moodle's cloze importer reads neither
  ``defaultgrade`` nor ``idnumber``: a cloze question is worth the sum of its blanks' integer
  weights. So that a shape is worth as much as a number, every question of an export is worth
  ``points × K`` marks, K the least common multiple of the blank counts, and each of a cloze
  question's n blanks weighs ``points × K / n``. The id stays in the question name.
- *multichoice* for choices and legal-or-not, *truefalse* for statements, *shortanswer* for
  non-finite values.
"""

from __future__ import annotations

import math
from html import escape

from quizkit.bank.model import AnswerKind
from quizkit.worksheet.build import Item
from quizkit.worksheet.lms import (
    Blank,
    QType,
    blanks,
    category,
    choices,
    prompt_html,
    qtype,
    solution_html,
    title,
)

_EMPTY = '<feedback format="html"><text></text></feedback>'
_UNITS = {
    AnswerKind.FLOPS: ("FLOPs", "FLOP"),
    AnswerKind.PARAMS: ("params", "parameters"),
}
_PREFIXES = (("k", 3), ("K", 3), ("M", 6), ("G", 9), ("T", 12))
_CLOZE_SPECIAL = frozenset('}#~/"\\')


def render(items: list[Item]) -> str:
    """The whole export as one Moodle XML file."""
    scale = marks_scale(items)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    current = None
    for item in items:
        if category(item) != current:
            current = category(item)
            out.append(
                f'  <question type="category"><category><text>{escape(current)}</text>'
                "</category></question>"
            )
        out.append(_question(item, scale))
    out.append("</quiz>")
    return "\n".join(out) + "\n"


def marks_scale(items: list[Item]) -> int:
    """K: the least common multiple of every cloze question's blank count (1 without any)."""
    counts = [len(blanks(item)) for item in items if qtype(item) is QType.MULTI_NUMERICAL]
    return math.lcm(1, *counts)


def _question(item: Item, scale: int) -> str:
    kind = qtype(item)
    marks = item.points * scale
    text = prompt_html(item)
    if kind is QType.MULTI_NUMERICAL:
        text += f"<p>{cloze_blanks(item, marks)}</p>"
    lines = [
        f'  <question type="{"cloze" if kind is QType.MULTI_NUMERICAL else kind.value}">',
        f"    <name><text>{escape(title(item))}</text></name>",
        f'    <questiontext format="html"><text>{_cdata(text)}</text></questiontext>',
        f'    <generalfeedback format="html"><text>{_cdata(solution_html(item))}</text>'
        "</generalfeedback>",
        f"    <defaultgrade>{marks}</defaultgrade>",
        "    <penalty>0.3333333</penalty>",
        "    <hidden>0</hidden>",
        f"    <idnumber>{escape(item.question.id)}</idnumber>",
        *_answers(item, kind),
        "  </question>",
    ]
    return "\n".join(lines)


def _answers(item: Item, kind: QType) -> list[str]:
    if kind is QType.NUMERICAL:
        [blank] = blanks(item)
        return _numerical(blank) + _units(item.kind)
    if kind is QType.MULTICHOICE:
        head = [
            "    <single>true</single>",
            "    <shuffleanswers>false</shuffleanswers>",
            "    <answernumbering>abc</answernumbering>",
        ]
        return head + [
            f'    <answer fraction="{100 if correct else 0}" format="html">'
            f"<text>{_cdata(option)}</text>{_EMPTY}</answer>"
            for option, correct in choices(item)
        ]
    if kind is QType.TRUEFALSE:
        truth = bool(item.truth.value)
        return [
            f'    <answer fraction="{100 if value == truth else 0}" format="moodle_auto_format">'
            f"<text>{word}</text>{_EMPTY}</answer>"
            for word, value in (("true", True), ("false", False))
        ]
    if kind is QType.SHORTANSWER:
        return [
            "    <usecase>0</usecase>",
            f'    <answer fraction="100" format="moodle_auto_format">'
            f"<text>{escape(item.answer)}</text>{_EMPTY}</answer>",
        ]
    return []


def _numerical(blank: Blank) -> list[str]:
    lines = [
        f'    <answer fraction="100" format="moodle_auto_format"><text>{blank.text}</text>'
        f"<tolerance>{blank.tolerance}</tolerance>{_EMPTY}</answer>"
    ]
    for wrong in blank.wrong:
        lines.append(
            f'    <answer fraction="0" format="moodle_auto_format"><text>{wrong.text}</text>'
            f"<tolerance>{wrong.tolerance}</tolerance>"
            f'<feedback format="html"><text>{_cdata(escape(wrong.feedback))}</text></feedback>'
            "</answer>"
        )
    return lines


def _units(kind: AnswerKind) -> list[str]:
    """Optional SI units (``2.26G``, ``2.26 GFLOPs``): Moodle divides by the multiplier."""
    if kind not in _UNITS:
        return ["    <unitgradingtype>0</unitgradingtype>", "    <showunits>3</showunits>"]
    base, *aliases = _UNITS[kind]
    units = [(base, "1")] + [(alias, "1") for alias in aliases]
    for prefix, exponent in _PREFIXES:
        multiplier = f"0.{'0' * (exponent - 1)}1"
        units += [(prefix, multiplier), (f"{prefix}{base}", multiplier)]
    body = "".join(
        f"<unit><multiplier>{multiplier}</multiplier><unit_name>{escape(name)}</unit_name></unit>"
        for name, multiplier in units
    )
    return [
        f"    <units>{body}</units>",
        "    <unitgradingtype>0</unitgradingtype>",
        "    <unitpenalty>0</unitpenalty>",
        "    <showunits>0</showunits>",
        "    <unitsleft>0</unitsleft>",
    ]


def cloze_blanks(item: Item, marks: int) -> str:
    """``({w:NUMERICAL:=16:0~%0%15:0#feedback}, …)``: weights summing to ``marks``."""
    parts = blanks(item)
    weight = marks // len(parts)
    texts = []
    for blank in parts:
        wrong = "".join(
            f"~%0%{w.text}:{w.tolerance}#{_cloze_escape(escape(w.feedback))}" for w in blank.wrong
        )
        texts.append(f"{{{weight}:NUMERICAL:={blank.text}:{blank.tolerance}{wrong}}}")
    inner = ", ".join(texts)
    if item.kind is AnswerKind.SHAPE:
        return f"({inner},)" if len(texts) == 1 else f"({inner})"
    return f"[{inner}]"


def _cloze_escape(text: str) -> str:
    return "".join("\\" + char if char in _CLOZE_SPECIAL else char for char in text)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
