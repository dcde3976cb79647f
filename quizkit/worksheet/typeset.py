"""Worksheets and keys as Typst source, and PDF through the in-process ``typst`` compiler.

The source is ``templates/worksheet.typ`` followed by generated calls of its ``qk-`` functions;
every text from the bank goes through :mod:`quizkit.worksheet.markup` (escaped markup or string
literals). Compilation uses only Typst's embedded fonts (Libertinus Serif, DejaVu Sans Mono),
no system fonts and ``date: none``, so the same source gives the same bytes on every machine.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from quizkit.bank.model import AnswerKind
from quizkit.worksheet.build import Item, Version, Worksheet
from quizkit.worksheet.common import (
    INSTRUCTIONS,
    is_exact,
    is_list_value,
    subtitle,
    unit_of,
    version_label,
)
from quizkit.worksheet.errors import RenderError
from quizkit.worksheet.markup import (
    parse_blocks,
    parse_inlines,
    parse_lines,
    typst_blocks,
    typst_escape,
    typst_inlines,
    typst_string,
)

SHAPE_BOX = "8cm"
COUNT_BOX = "6cm"
INT_BOX = "4cm"
VALUE_BOX = "4.5cm"
LIST_BOX = "12cm"


@cache
def template_source() -> str:
    return resources.files("quizkit.worksheet").joinpath("templates/worksheet.typ").read_text()


def worksheet_source(worksheet: Worksheet, versions: tuple[Version, ...], *, key: bool) -> str:
    """One Typst document holding ``versions`` (worksheets, or keys when ``key``)."""
    what = "answer key" if key else "worksheet"
    parts = [
        template_source(),
        f"#set document(title: {typst_string(f'{worksheet.title} ({what})')})",
    ]
    parts += [_version(worksheet, version, key=key) for version in versions]
    return "\n".join(parts) + "\n"


def _version(worksheet: Worksheet, version: Version, *, key: bool) -> str:
    label = version_label(version, key=key)
    head = (
        f"#qk-version(title: {typst_string(worksheet.title)}, label: {typst_string(label)}, "
        f"id: {typst_string(str(version.id))}, end: <qk-end-{version.number}>, "
        f"key: {'true' if key else 'false'})["
    )
    body = [
        f"#qk-title(title: [{typst_escape(worksheet.title)}], "
        f"subtitle: [{typst_escape(subtitle(worksheet, version))}], "
        f"points: {version.max_points}, key: {'true' if key else 'false'})",
    ]
    if not key:
        body.append(f"#qk-instructions[{typst_escape(INSTRUCTIONS)}]")
    body += [_key_item(item) if key else _item(item) for item in version.items]
    return head + "\n" + "\n".join(body) + "\n]"


def _prompt(item: Item) -> str:
    return typst_blocks(parse_blocks(item.question.prompt))


def _item(item: Item) -> str:
    return (
        f"#qk-question(number: {item.number}, points: {item.points})[\n"
        f"{_prompt(item)}\n\n{_answer_area(item)}\n]"
    )


def _answer_area(item: Item) -> str:
    kind = item.kind
    if kind is AnswerKind.CHOICE:
        options = ", ".join(
            f"({typst_string(chr(ord('a') + i))}, [{typst_inlines(parse_inlines(text))}])"
            for i, text in enumerate(item.question.options)
        )
        return f"#qk-options({options})"
    if kind is AnswerKind.LEGAL:
        return "#qk-answer(label: [Does it run?])[#qk-ticks([yes, it runs], [no, torch raises an error])]"
    if kind is AnswerKind.BOOL:
        return "#qk-answer(label: [True or false?])[#qk-ticks([true], [false])]"
    unit = unit_of(item)
    unit_arg = f", unit: [{typst_escape(unit)}]" if unit else ""
    if kind is AnswerKind.SHAPE:
        return f"#qk-answer(label: [Shape:])[#qk-box(width: {SHAPE_BOX})]"
    if is_list_value(item):
        return f"#qk-answer(label: [Values:])[#qk-box(width: {LIST_BOX}{unit_arg})]"
    width = {AnswerKind.VALUE: VALUE_BOX, AnswerKind.INT: INT_BOX}.get(kind, COUNT_BOX)
    return f"#qk-answer[#qk-box(width: {width}{unit_arg})]"


def _key_item(item: Item) -> str:
    question = item.question
    title = f"#strong[{typst_escape(question.template.title)}]"
    options = ""
    if question.options:
        options = "\n\n" + "\n".join(
            f"- ({chr(ord('a') + i)}) {typst_inlines(parse_inlines(text))}"
            for i, text in enumerate(question.options)
        )
    detail = f"[{typst_escape(item.truth.detail)}]" if item.truth.detail else "none"
    accepted = "none" if is_exact(item) else f"[{typst_escape(item.accepted)}]"
    answer = (
        f"#qk-key-answer(answer: [{typst_inlines(parse_inlines(item.answer))}], "
        f"accepted: {accepted}, detail: {detail}, "
        f"id: {typst_string(question.id)})"
    )
    derivation = typst_blocks((parse_lines(question.solution),))
    return (
        f"#qk-question(number: {item.number}, points: {item.points})[\n{title}\n\n"
        f"#qk-prompt-small[{_prompt(item)}{options}]\n\n{answer}\n\n"
        f"#qk-derivation[{derivation}]\n]"
    )


@cache
def _compiler() -> Any:
    try:
        import typst
    except ImportError as error:  # pragma: no cover - typst is a dependency
        raise RenderError(f"PDF output needs the `typst` package ({error})") from None
    return typst.Compiler(ignore_system_fonts=True)


def compile_pdf(source: str) -> bytes:
    """Typeset ``source`` to PDF bytes with Typst's embedded fonts."""
    import typst

    try:
        pdf = _compiler().compile(source.encode("utf-8"), format="pdf")
    except typst.TypstError as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else "unknown error"
        raise RenderError(f"Typst could not typeset the worksheet: {message}") from None
    assert isinstance(pdf, bytes)
    return pdf
