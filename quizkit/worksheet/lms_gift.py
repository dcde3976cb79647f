"""GIFT, as Moodle's GIFT importer and the gift-pegjs parser read it.

- one number: ``{#=t:tol#=%0%m:tolm#feedback…####solution}`` — the truth and each
  misconception as a 0 % answer with its feedback; numbers as plain decimals (no exponent,
  which some GIFT parsers refuse), negative numbers as ``-0.5``.
- a shape: *short answer* with the usual spellings of the truth (sizes are exact integers, so
  text matching is fair), each misconception's shape spelled as a 0 % answer with feedback.
- a list of values: GIFT has no multi-blank question, so the closest fair form is one
  numerical question per element (``[2/3]`` in the name, "Give element 2 of 3" in the text),
  each with the element's own tolerance; weight each part 1/n in the quiz.
- choices: multiple choice; statements: true/false; non-finite values: short answer.

Known limit of gift-pegjs 1.0.2 (the parser the tests use): it reads HTML entities as text,
so a prompt's newlines stay ``&#10;`` in its output, as Moodle also keeps them.
"""

from __future__ import annotations

from quizkit.bank.model import AnswerKind
from quizkit.worksheet.build import Item
from quizkit.worksheet.lms import (
    Blank,
    QType,
    blank_note,
    blanks,
    category,
    choices,
    prompt_html,
    qtype,
    shape_spellings,
    solution_html,
    title,
)

_SPECIAL = frozenset("~=#{}:\\")


def gift_escape(text: str) -> str:
    """GIFT's special characters backslash-escaped; newlines as HTML entities (one line)."""
    text = text.replace("\r\n", "\n").replace("\n", "&#10;")
    return "".join("\\" + char if char in _SPECIAL else char for char in text)


def render(items: list[Item]) -> str:
    """The whole export as GIFT text."""
    out: list[str] = []
    current = None
    for item in items:
        if category(item) != current:
            current = category(item)
            out += [f"$CATEGORY: {current}", ""]
        for question in _questions(item):
            out += [question, ""]
    return "\n".join(out)


def _questions(item: Item) -> list[str]:
    kind = qtype(item)
    if kind is QType.MULTI_NUMERICAL and item.kind is not AnswerKind.SHAPE:
        parts = blanks(item)
        return [_numerical(item, blank, (i, len(parts))) for i, blank in enumerate(parts)]
    if kind is QType.NUMERICAL:
        [blank] = blanks(item)
        return [_numerical(item, blank)]
    if kind is QType.MULTICHOICE:
        body = " ".join(
            ("=" if correct else "~") + gift_escape(option) for option, correct in choices(item)
        )
    elif kind is QType.TRUEFALSE:
        body = "TRUE" if item.truth.value else "FALSE"
    elif item.kind is AnswerKind.SHAPE:
        body = _shape_answers(item)
    else:
        body = "=" + gift_escape(item.answer)
    return [_head(item) + "{" + body + _feedback(item) + "}"]


def _head(item: Item, part: tuple[int, int] | None = None, *, suffixes: bool = True) -> str:
    name = title(item) + (f" [{part[0] + 1}/{part[1]}]" if part else "")
    text = prompt_html(item, suffixes=suffixes)
    if part is not None:
        text += f"<p>{blank_note(*part, item.kind)}</p>"
    return f"// {item.question.id}\n::{gift_escape(name)}::[html]{gift_escape(text)}"


def _numerical(item: Item, blank: Blank, part: tuple[int, int] | None = None) -> str:
    answers = [f"={blank.text}:{blank.tolerance}"]
    answers += [
        f"=%0%{wrong.text}:{wrong.tolerance}#{gift_escape(wrong.feedback)}" for wrong in blank.wrong
    ]
    return _head(item, part, suffixes=False) + "{#" + " ".join(answers) + _feedback(item) + "}"


def _shape_answers(item: Item) -> str:
    answers = ["=" + gift_escape(s) for s in shape_spellings(item.truth.value)]
    truth = tuple(item.truth.value)
    seen = {truth}
    for wrong in item.truth.misconceptions:
        value = tuple(wrong.value)
        if value in seen:
            continue
        seen.add(value)
        feedback = gift_escape(item.question.feedback.get(wrong.name, ""))
        answers += [f"=%0%{gift_escape(s)}#{feedback}" for s in shape_spellings(value)]
    return " ".join(answers)


def _feedback(item: Item) -> str:
    return "####" + gift_escape(solution_html(item))
