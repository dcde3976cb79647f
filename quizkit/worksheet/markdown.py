"""Worksheets and keys as Markdown: prompts as the bank wrote them, answers as blanks."""

from __future__ import annotations

from quizkit.bank.model import AnswerKind
from quizkit.worksheet.build import Item, Version, Worksheet
from quizkit.worksheet.common import (
    INSTRUCTIONS,
    is_exact,
    points_label,
    subtitle,
    unit_of,
    version_label,
)
from quizkit.worksheet.markup import markdown_escape, markdown_lines, parse_lines

BLANK = "_" * 24


def worksheet_markdown(worksheet: Worksheet, versions: tuple[Version, ...], *, key: bool) -> str:
    """``versions`` (worksheets, or keys when ``key``) as one Markdown document."""
    parts = [_version(worksheet, version, key=key) for version in versions]
    return "\n\n---\n\n".join(parts) + "\n"


def _version(worksheet: Worksheet, version: Version, *, key: bool) -> str:
    label = version_label(version, key=key)
    lines = [
        f"# {markdown_escape(worksheet.title)}{' — answer key' if key else ''}",
        "",
        f"**{label}** · {markdown_escape(subtitle(worksheet, version))}",
        "",
    ]
    if not key:
        lines += [
            f"Name: {BLANK}  Student ID: {BLANK[:14]}  Score: ____ / {version.max_points}",
            "",
            f"> {INSTRUCTIONS}",
            "",
        ]
    for item in version.items:
        lines += _key_item(item) if key else _item(item)
    return "\n".join(lines).rstrip()


def _heading(item: Item, *, key: bool) -> str:
    title = f" {markdown_escape(item.question.template.title)}" if key else ""
    return f"## {item.number}.{title} ({points_label(item.points)})"


def _options(item: Item, *, boxes: bool) -> list[str]:
    mark = "- [ ] " if boxes else "- "
    return [
        f"{mark}({chr(ord('a') + i)}) {text}" for i, text in enumerate(item.question.options)
    ] + [""]


def _item(item: Item) -> list[str]:
    lines = [_heading(item, key=False), "", item.question.prompt, ""]
    kind = item.kind
    if kind is AnswerKind.CHOICE:
        return lines + _options(item, boxes=True)
    if kind is AnswerKind.LEGAL:
        return [*lines, "- [ ] yes, it runs", "- [ ] no, torch raises an error", ""]
    if kind is AnswerKind.BOOL:
        return [*lines, "- [ ] true", "- [ ] false", ""]
    unit = unit_of(item)
    label = "Shape" if kind is AnswerKind.SHAPE else "Answer"
    return [*lines, f"{label}: {BLANK}{f' {unit}' if unit else ''}", ""]


def _key_item(item: Item) -> list[str]:
    question = item.question
    lines = [_heading(item, key=True), "", question.prompt, ""]
    if question.options:
        lines += _options(item, boxes=False)
    lines.append(f"**Answer:** {item.answer}\\")
    if not is_exact(item):
        lines.append(f"Accepted: {markdown_escape(item.accepted)}\\")
    lines += [f"`{question.id}`", ""]
    if item.truth.detail:
        lines += [f"torch says: {markdown_escape(item.truth.detail)}", ""]
    lines += [
        "*Worked solution:*",
        "",
        markdown_lines(parse_lines(question.solution, formulas=False)),
        "",
    ]
    return lines
