"""Worksheets and keys as Typst source, and PDF through the in-process ``typst`` compiler.

The source is the sheet's words (``qk-words``, from :mod:`quizkit.messages` in the worksheet's
language), then ``templates/worksheet.typ``, then generated calls of its ``qk-`` functions;
every text from the bank goes through :mod:`quizkit.worksheet.markup` (escaped markup or string
literals). An English sheet uses only Typst's embedded fonts (Libertinus Serif, DejaVu Sans
Mono), no system fonts and ``date: none``, so the same source gives the same bytes on every
machine. A Chinese sheet adds a CJK font found on the machine (:mod:`quizkit.worksheet.fonts`)
as the fallback for every character Libertinus lacks, so Latin text, numbers and maths keep
their faces and Chinese is set in a Song (or sans) face.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from quizkit.bank.locale import Lang
from quizkit.bank.model import AnswerKind
from quizkit.messages import Messages, join_wide_lines, localize_accepted
from quizkit.worksheet.build import Item, Version, Worksheet
from quizkit.worksheet.common import (
    is_exact,
    is_list_value,
    points_label,
    subtitle,
    unit_of,
    version_label,
    words,
)
from quizkit.worksheet.errors import RenderError
from quizkit.worksheet.fonts import INSTALL_HINT, CjkFont, cjk_font
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
LATIN_FONT = "Libertinus Serif"
MONO_FONT = "DejaVu Sans Mono"
TYPST_LANG = {Lang.EN: '"en"', Lang.ZH: '"zh", region: "cn"'}


@cache
def template_source() -> str:
    return resources.files("quizkit.worksheet").joinpath("templates/worksheet.typ").read_text()


def words_source(text: Messages) -> str:
    """``qk-words`` and ``qk-page-of``: the template's own words, in one language."""
    entries = {
        "answer-key": text.key_word.capitalize(),
        "name": text.name_field,
        "student-id": text.student_id_field,
        "score": text.score_field,
        "answer": text.answer_field,
        "accepted": text.accepted_label,
        "torch-says": text.torch_says,
        "worked-solution": text.worked_solution,
    }
    body = ", ".join(f"{name}: {typst_string(value)}" for name, value in entries.items())
    # "Page {page} of {pages}" -> [Page #(page) of #(pages)]: the words escaped, the numbers code
    pieces = re.split(r"(\{page\}|\{pages\})", text.page_of)
    page_of = "".join(
        "#(page)" if p == "{page}" else "#(pages)" if p == "{pages}" else typst_escape(p)
        for p in pieces
    )
    return f"#let qk-words = ({body})\n#let qk-page-of(page, pages) = [{page_of}]\n"


def font_source(lang: Lang, font: CjkFont | None) -> str:
    """The language and, for Chinese, the CJK fallback after the Latin faces."""
    lines = [f"#set text(lang: {TYPST_LANG[lang]})"]
    if font is not None:
        family = typst_string(font.family)
        lines += [
            f"#set text(font: ({typst_string(LATIN_FONT)}, {family}))",
            f"#show raw: set text(font: ({typst_string(MONO_FONT)}, {family}))",
        ]
    return "\n".join(lines)


def worksheet_source(
    worksheet: Worksheet, versions: tuple[Version, ...], *, key: bool, font: CjkFont | None = None
) -> str:
    """One Typst document holding ``versions`` (worksheets, or keys when ``key``)."""
    text = words(worksheet)
    what = text.key_word if key else text.worksheet_word
    parts = [
        words_source(text),
        template_source(),
        font_source(worksheet.lang, font),
        f"#set document(title: {typst_string(f'{worksheet.title} ({what})')})",
    ]
    parts += [_version(worksheet, version, key=key) for version in versions]
    return "\n".join(parts) + "\n"


def _version(worksheet: Worksheet, version: Version, *, key: bool) -> str:
    label = version_label(version, key=key, lang=worksheet.lang)
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
        body.append(f"#qk-instructions[{typst_escape(words(worksheet).instructions)}]")
    body += [
        _key_item(item, worksheet) if key else _item(item, worksheet) for item in version.items
    ]
    return head + "\n" + "\n".join(body) + "\n]"


def _prompt(item: Item) -> str:
    return typst_blocks(parse_blocks(join_wide_lines(item.question.prompt)))


def _points(item: Item, worksheet: Worksheet) -> str:
    return typst_string(points_label(item.points, worksheet.lang))


def _item(item: Item, worksheet: Worksheet) -> str:
    return (
        f"#qk-question(number: {item.number}, points: {_points(item, worksheet)})[\n"
        f"{_prompt(item)}\n\n{_answer_area(item, worksheet)}\n]"
    )


def _option(text: str) -> str:
    return typst_inlines(parse_inlines(join_wide_lines(text)))


def _answer_area(item: Item, worksheet: Worksheet) -> str:
    text = words(worksheet)
    kind = item.kind
    if kind is AnswerKind.CHOICE:
        options = ", ".join(
            f"({typst_string(chr(ord('a') + i))}, [{_option(option)}])"
            for i, option in enumerate(item.question.options)
        )
        return f"#qk-options({options})"
    if kind is AnswerKind.LEGAL:
        return (
            f"#qk-answer(label: [{typst_escape(text.does_it_run)}])"
            f"[#qk-ticks([{typst_escape(text.yes_it_runs)}], [{typst_escape(text.no_it_raises)}])]"
        )
    if kind is AnswerKind.BOOL:
        return (
            f"#qk-answer(label: [{typst_escape(text.true_or_false)}])"
            f"[#qk-ticks([{typst_escape(text.true_word)}], [{typst_escape(text.false_word)}])]"
        )
    unit = unit_of(item, worksheet.lang)
    unit_arg = f", unit: [{typst_escape(unit)}]" if unit else ""
    if kind is AnswerKind.SHAPE:
        return f"#qk-answer(label: [{typst_escape(text.shape_field)}])[#qk-box(width: {SHAPE_BOX})]"
    if is_list_value(item):
        return (
            f"#qk-answer(label: [{typst_escape(text.values_field)}])"
            f"[#qk-box(width: {LIST_BOX}{unit_arg})]"
        )
    width = {AnswerKind.VALUE: VALUE_BOX, AnswerKind.INT: INT_BOX}.get(kind, COUNT_BOX)
    return f"#qk-answer[#qk-box(width: {width}{unit_arg})]"


def _key_item(item: Item, worksheet: Worksheet) -> str:
    question = item.question
    title = f"#strong[{typst_escape(question.template.title)}]"
    options = ""
    if question.options:
        options = "\n\n" + "\n".join(
            f"- ({chr(ord('a') + i)}) {_option(text)}" for i, text in enumerate(question.options)
        )
    detail = f"[{typst_escape(item.truth.detail)}]" if item.truth.detail else "none"
    shown = localize_accepted(item.accepted, worksheet.lang)
    accepted = "none" if is_exact(item) else f"[{typst_escape(shown)}]"
    answer = (
        f"#qk-key-answer(answer: [{typst_inlines(parse_inlines(item.answer))}], "
        f"accepted: {accepted}, detail: {detail}, "
        f"id: {typst_string(question.id)})"
    )
    derivation = typst_blocks((parse_lines(question.solution),))
    return (
        f"#qk-question(number: {item.number}, points: {_points(item, worksheet)})[\n{title}\n\n"
        f"#qk-prompt-small[{_prompt(item)}{options}]\n\n{answer}\n\n"
        f"#qk-derivation[{derivation}]\n]"
    )


@cache
def _compiler(font_paths: tuple[str, ...] = ()) -> Any:
    try:
        import typst
    except ImportError as error:  # pragma: no cover - typst is a dependency
        raise RenderError(f"PDF output needs the `typst` package ({error})") from None
    return typst.Compiler(font_paths=list(font_paths), ignore_system_fonts=True)


def font_for(lang: Lang) -> CjkFont | None:
    """The CJK font a sheet in ``lang`` needs (None for English); :class:`RenderError` if none."""
    return cjk_font() if lang is Lang.ZH else None


def compile_pdf(source: str, font: CjkFont | None = None) -> bytes:
    """Typeset ``source`` to PDF bytes with Typst's embedded fonts (and ``font``'s folders)."""
    import typst

    try:
        pdf, warnings = _compiler(font.paths if font is not None else ()).compile_with_warnings(
            source.encode("utf-8"), format="pdf"
        )
    except typst.TypstError as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else "unknown error"
        raise RenderError(f"Typst could not typeset the worksheet: {message}") from None
    for warning in warnings:
        # a family Typst cannot find would be replaced glyph by glyph: refuse, never print tofu
        if "unknown font family" in warning.message:
            raise RenderError(f"Typst: {warning.message}; {INSTALL_HINT}")
    assert isinstance(pdf, bytes)
    return pdf


def render_pdf(worksheet: Worksheet, versions: tuple[Version, ...], *, key: bool) -> bytes:
    """``versions`` of ``worksheet`` as PDF, with a CJK font when the worksheet is Chinese."""
    font = font_for(worksheet.lang)
    return compile_pdf(worksheet_source(worksheet, versions, key=key, font=font), font)
