"""Worksheets and keys as Markdown: prompts as the bank wrote them, answers as blanks."""

from __future__ import annotations

from quizkit.bank.model import AnswerKind
from quizkit.messages import Messages, join_wide_lines, localize_accepted
from quizkit.worksheet.build import Item, Version, Worksheet
from quizkit.worksheet.common import (
    is_exact,
    points_label,
    subtitle,
    unit_of,
    version_label,
    words,
)
from quizkit.worksheet.markup import markdown_escape, markdown_lines, parse_lines

BLANK = "_" * 24


def worksheet_markdown(worksheet: Worksheet, versions: tuple[Version, ...], *, key: bool) -> str:
    """``versions`` (worksheets, or keys when ``key``) as one Markdown document."""
    parts = [_version(worksheet, version, key=key) for version in versions]
    return "\n\n---\n\n".join(parts) + "\n"


def _version(worksheet: Worksheet, version: Version, *, key: bool) -> str:
    text = words(worksheet)
    label = version_label(version, key=key, lang=worksheet.lang)
    lines = [
        f"# {markdown_escape(worksheet.title)}{text.key_title_suffix if key else ''}",
        "",
        f"**{label}** · {markdown_escape(subtitle(worksheet, version))}",
        "",
    ]
    if not key:
        lines += [
            f"{text.name_field} {BLANK}  {text.student_id_field} {BLANK[:14]}  "
            f"{text.score_field} ____ / {version.max_points}",
            "",
            f"> {text.instructions}",
            "",
        ]
    for item in version.items:
        lines += _key_item(item, worksheet) if key else _item(item, worksheet)
    return "\n".join(lines).rstrip()


def _heading(item: Item, worksheet: Worksheet, *, key: bool) -> str:
    title = f" {markdown_escape(item.question.template.title)}" if key else ""
    return f"## {item.number}.{title} ({points_label(item.points, worksheet.lang)})"


def _options(item: Item, *, boxes: bool) -> list[str]:
    mark = "- [ ] " if boxes else "- "
    return [
        f"{mark}({chr(ord('a') + i)}) {join_wide_lines(text)}"
        for i, text in enumerate(item.question.options)
    ] + [""]


def _item(item: Item, worksheet: Worksheet) -> list[str]:
    text = words(worksheet)
    prompt = join_wide_lines(item.question.prompt)
    lines = [_heading(item, worksheet, key=False), "", prompt, ""]
    kind = item.kind
    if kind is AnswerKind.CHOICE:
        return lines + _options(item, boxes=True)
    if kind is AnswerKind.LEGAL:
        return [*lines, f"- [ ] {text.yes_it_runs}", f"- [ ] {text.no_it_raises}", ""]
    if kind is AnswerKind.BOOL:
        return [*lines, f"- [ ] {text.true_word}", f"- [ ] {text.false_word}", ""]
    unit = unit_of(item, worksheet.lang)
    label = _field(text, kind)
    return [*lines, f"{label} {BLANK}{f' {unit}' if unit else ''}", ""]


def _field(text: Messages, kind: AnswerKind) -> str:
    return text.shape_field if kind is AnswerKind.SHAPE else text.answer_field


def _key_item(item: Item, worksheet: Worksheet) -> list[str]:
    text = words(worksheet)
    question = item.question
    lines = [_heading(item, worksheet, key=True), "", join_wide_lines(question.prompt), ""]
    if question.options:
        lines += _options(item, boxes=False)
    lines.append(f"**{text.answer_field}** {item.answer}\\")
    if not is_exact(item):
        lines.append(
            f"{text.accepted_label}{markdown_escape(localize_accepted(item.accepted, worksheet.lang))}\\"
        )
    lines += [f"`{question.id}`", ""]
    if item.truth.detail:
        lines += [f"{text.torch_says}{markdown_escape(item.truth.detail)}", ""]
    lines += [
        f"*{text.worked_solution}{text.colon}*",
        "",
        markdown_lines(parse_lines(question.solution, formulas=False)),
        "",
    ]
    return lines
