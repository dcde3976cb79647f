"""Worksheets and keys as one self-contained HTML page with print-ready CSS (no dependency).

Printing from a browser gives A4 pages; each version starts on a new page, its title and
version label repeat at the top of every page (a table header, which browsers repeat), and no
question is split across pages (``break-inside: avoid``).
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources

from quizkit.bank.model import AnswerKind
from quizkit.worksheet.build import Item, Version, Worksheet
from quizkit.worksheet.common import (
    INSTRUCTIONS,
    is_exact,
    is_list_value,
    points_label,
    subtitle,
    unit_of,
    version_label,
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


def worksheet_html(worksheet: Worksheet, versions: tuple[Version, ...], *, key: bool) -> str:
    """``versions`` (worksheets, or keys when ``key``) as one HTML document."""
    what = "answer key" if key else "worksheet"
    body = "\n".join(_version(worksheet, version, key=key) for version in versions)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(worksheet.title)} ({what})</title>\n"
        f"<style>\n{stylesheet()}</style>\n</head>\n"
        f'<body class="{"key" if key else "worksheet"}">\n{body}\n</body>\n</html>\n'
    )


def _version(worksheet: Worksheet, version: Version, *, key: bool) -> str:
    label = escape(version_label(version, key=key))
    tag = ' <span class="tag">Answer key</span>' if key else ""
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
            '<div class="fields"><span>Name:</span><span>Student ID:</span>'
            f'<span class="score">Score: ____ / {version.max_points}</span></div>',
            f'<div class="instructions">{escape(INSTRUCTIONS)}</div>',
        ]
    items = [_key_item(item) if key else _item(item) for item in version.items]
    return "\n".join(head + items + ["</td></tr></tbody></table>", "</section>"])


def _question(item: Item, body: str) -> str:
    return (
        f'<div class="question"><div class="number">{item.number}.</div>'
        f'<div class="body">{body}</div>'
        f'<div class="points">[{points_label(item.points)}]</div></div>'
    )


def _options(item: Item, *, circles: bool) -> str:
    mark = '<span class="circle"></span>' if circles else ""
    items = "".join(
        f"<li>{mark}({chr(ord('a') + i)}) {html_inlines(parse_inlines(text))}</li>"
        for i, text in enumerate(item.question.options)
    )
    return f'<ol class="options">{items}</ol>'


def _ticks(*labels: str) -> str:
    ticks = "".join(f'<span><span class="tick"></span>{escape(label)}</span>' for label in labels)
    return f'<div class="answer ticks">{ticks}</div>'


def _answer_area(item: Item) -> str:
    kind = item.kind
    if kind is AnswerKind.CHOICE:
        return _options(item, circles=True)
    if kind is AnswerKind.LEGAL:
        return _ticks("yes, it runs", "no, torch raises an error")
    if kind is AnswerKind.BOOL:
        return _ticks("true", "false")
    unit = unit_of(item)
    unit_html = f"<span>{escape(unit)}</span>" if unit else ""
    if kind is AnswerKind.SHAPE:
        label, size = "Shape:", "shape"
    elif is_list_value(item):
        label, size = "Values:", "list"
    else:
        label = "Answer:"
        size = {AnswerKind.VALUE: "value", AnswerKind.INT: "int"}.get(kind, "count")
    return f'<div class="answer">{label} <span class="box {size}"></span>{unit_html}</div>'


def _item(item: Item) -> str:
    return _question(item, html_blocks(parse_blocks(item.question.prompt)) + _answer_area(item))


def _key_item(item: Item) -> str:
    question = item.question
    detail = (
        f'<span class="detail">torch says: {escape(item.truth.detail)}</span>'
        if item.truth.detail
        else ""
    )
    options = _options(item, circles=False) if question.options else ""
    accepted = (
        "" if is_exact(item) else f'<span class="accepted">Accepted: {escape(item.accepted)}</span>'
    )
    body = (
        f"<p><strong>{escape(question.template.title)}</strong></p>"
        f'<div class="prompt-small">{html_blocks(parse_blocks(question.prompt))}{options}</div>'
        f'<div class="key-answer"><span class="qid"><code>{escape(question.id)}</code></span>'
        f"<strong>Answer:</strong> {html_inlines(parse_inlines(item.answer))}"
        f"{accepted}{detail}</div>"
        f'<div class="derivation"><div class="head">Worked solution</div>'
        f"{html_blocks((parse_lines(question.solution),))}</div>"
    )
    return _question(item, body)
