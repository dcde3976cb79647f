"""Worksheets and keys as one self-contained HTML page with print-ready CSS (no dependency).

Printing from a browser gives A4 pages; each version starts on a new page, its title and
version label repeat at the top of every page (a table header, which browsers repeat), and no
question is split across pages (``break-inside: avoid``).
"""

from __future__ import annotations

import json
import re
from functools import cache
from html import escape
from importlib import resources

from quizkit.bank.model import AnswerKind
from quizkit.messages import join_wide_lines, localize_accepted
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
from quizkit.worksheet.markup import (
    html_blocks,
    html_inlines,
    parse_blocks,
    parse_inlines,
    parse_lines,
)


@cache
def stylesheet() -> str:
    return resources.files("quizkit.worksheet").joinpath("templates/worksheet.css").read_text()


def page_rule(page_of: str) -> str:
    """The printed page footer (``Page 1 of 3``, ``第 1 页，共 3 页``) as a CSS margin box."""
    pieces = re.split(r"(\{page\}|\{pages\})", page_of)
    content = " ".join(
        "counter(page)"
        if p == "{page}"
        else "counter(pages)"
        if p == "{pages}"
        else json.dumps(p, ensure_ascii=False)
        for p in pieces
        if p
    )
    return f"@page {{ @bottom-center {{ content: {content}; }} }}\n"


def worksheet_html(worksheet: Worksheet, versions: tuple[Version, ...], *, key: bool) -> str:
    """``versions`` (worksheets, or keys when ``key``) as one HTML document."""
    text = words(worksheet)
    what = text.key_word if key else text.worksheet_word
    body = "\n".join(_version(worksheet, version, key=key) for version in versions)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{text.html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(worksheet.title)} ({what})</title>\n"
        f"<style>\n{stylesheet()}{page_rule(text.page_of)}</style>\n</head>\n"
        f'<body class="{"key" if key else "worksheet"}">\n{body}\n</body>\n</html>\n'
    )


def _version(worksheet: Worksheet, version: Version, *, key: bool) -> str:
    text = words(worksheet)
    label = escape(version_label(version, key=key, lang=worksheet.lang))
    tag = f' <span class="tag">{escape(text.key_word.capitalize())}</span>' if key else ""
    head = [
        f'<section class="sheet" id="{escape(str(version.id))}">',
        '<table class="version"><thead><tr><td><div class="running">'
        f'<span>{escape(worksheet.title)}</span><span class="label">{label}</span>'
        "</div></td></tr></thead><tbody><tr><td>",
        f"<h1>{escape(worksheet.title)}{tag}</h1>",
        f'<p class="subtitle">{escape(subtitle(worksheet, version))}</p>',
    ]
    if not key:
        head += [
            f'<div class="fields"><span>{escape(text.name_field)}</span>'
            f"<span>{escape(text.student_id_field)}</span>"
            f'<span class="score">{escape(text.score_field)} ____ / {version.max_points}</span>'
            "</div>",
            f'<div class="instructions">{escape(text.instructions)}</div>',
        ]
    items = [
        _key_item(item, worksheet) if key else _item(item, worksheet) for item in version.items
    ]
    return "\n".join(head + items + ["</td></tr></tbody></table>", "</section>"])


def _question(item: Item, body: str, worksheet: Worksheet) -> str:
    points = points_label(item.points, worksheet.lang)
    return (
        f'<div class="question"><div class="number">{item.number}.</div>'
        f'<div class="body">{body}</div>'
        f'<div class="points">[{points}]</div></div>'
    )


def _options(item: Item, *, circles: bool) -> str:
    mark = '<span class="circle"></span>' if circles else ""
    items = "".join(
        f"<li>{mark}({chr(ord('a') + i)}) {html_inlines(parse_inlines(join_wide_lines(text)))}</li>"
        for i, text in enumerate(item.question.options)
    )
    return f'<ol class="options">{items}</ol>'


def _ticks(*labels: str) -> str:
    ticks = "".join(f'<span><span class="tick"></span>{escape(label)}</span>' for label in labels)
    return f'<div class="answer ticks">{ticks}</div>'


def _answer_area(item: Item, worksheet: Worksheet) -> str:
    text = words(worksheet)
    kind = item.kind
    if kind is AnswerKind.CHOICE:
        return _options(item, circles=True)
    if kind is AnswerKind.LEGAL:
        return _ticks(text.yes_it_runs, text.no_it_raises)
    if kind is AnswerKind.BOOL:
        return _ticks(text.true_word, text.false_word)
    unit = unit_of(item, worksheet.lang)
    unit_html = f"<span>{escape(unit)}</span>" if unit else ""
    if kind is AnswerKind.SHAPE:
        label, size = text.shape_field, "shape"
    elif is_list_value(item):
        label, size = text.values_field, "list"
    else:
        label = text.answer_field
        size = {AnswerKind.VALUE: "value", AnswerKind.INT: "int"}.get(kind, "count")
    return f'<div class="answer">{escape(label)} <span class="box {size}"></span>{unit_html}</div>'


def _prompt_html(item: Item) -> str:
    return html_blocks(parse_blocks(join_wide_lines(item.question.prompt)))


def _item(item: Item, worksheet: Worksheet) -> str:
    return _question(item, _prompt_html(item) + _answer_area(item, worksheet), worksheet)


def _key_item(item: Item, worksheet: Worksheet) -> str:
    text = words(worksheet)
    question = item.question
    detail = (
        f'<span class="detail">{escape(text.torch_says)}{escape(item.truth.detail)}</span>'
        if item.truth.detail
        else ""
    )
    options = _options(item, circles=False) if question.options else ""
    accepted = (
        ""
        if is_exact(item)
        else f'<span class="accepted">{escape(text.accepted_label)}'
        f"{escape(localize_accepted(item.accepted, worksheet.lang))}</span>"
    )
    body = (
        f"<p><strong>{escape(question.template.title)}</strong></p>"
        f'<div class="prompt-small">{_prompt_html(item)}{options}</div>'
        f'<div class="key-answer"><span class="qid"><code>{escape(question.id)}</code></span>'
        f"<strong>{escape(text.answer_field)}</strong> {html_inlines(parse_inlines(item.answer))}"
        f"{accepted}{detail}</div>"
        f'<div class="derivation"><div class="head">{escape(text.worked_solution)}</div>'
        f"{html_blocks((parse_lines(question.solution),))}</div>"
    )
    return _question(item, body, worksheet)
