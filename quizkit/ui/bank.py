"""Rendering of topics, questions, answers and validation reports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizkit.answers.formats import accepted_formats
from quizkit.bank.checking import AnswerCheck
from quizkit.bank.loader import TopicSummary
from quizkit.bank.locale import Lang
from quizkit.bank.model import AnswerKind
from quizkit.bank.question import OPTION_LETTERS, Question
from quizkit.messages import Messages, localize_accepted, messages

if TYPE_CHECKING:
    from quizkit.bank.validate import TemplateReport, ValidationReport


def render_topics(console: Console, topics: Sequence[TopicSummary], lang: Lang = Lang.EN) -> None:
    text = messages(lang)
    table = Table(title=text.topics_title, title_justify="left")
    table.add_column(text.column_topic, style="bold cyan", no_wrap=True)
    table.add_column(text.column_templates, justify="right")
    table.add_column(text.column_levels)
    table.add_column(text.column_practises, overflow="fold")
    for topic in topics:
        levels = ",".join(str(level) for level in topic.levels)
        table.add_row(topic.topic, str(topic.templates), levels, topic.description or topic.title)
    table.caption = text.topics_caption.format(count=sum(t.templates for t in topics))
    console.print(table)


def formats_line(formats: str, text: Messages) -> str:
    """The parser's accepted-formats line (English, from :mod:`quizkit.answers.formats`) in the
    interface language: the catalog's line for the same answer kind, when it has one."""
    for kind in AnswerKind:
        if kind in text.formats and accepted_formats(kind) == formats:
            return text.formats[kind]
    return formats


def question_panel(
    question: Question, *, number: str = "", width: int | None = None, lang: Lang = Lang.EN
) -> Panel:
    """A question as a panel: prompt (Markdown), lettered options, id/topic/level on the border.

    On a terminal narrower than the title or the id (``width``), they move into the body, where
    they wrap instead of being cut off at the border.
    """
    template = question.template
    body: list[Markdown | Text] = [Markdown(question.prompt)]
    if question.options:
        options = Text()
        for letter, option in zip(OPTION_LETTERS, question.options, strict=False):
            options.append(f"\n  ({letter}) ", style="bold")
            options.append(option)
        body.append(options)
    text = messages(lang)
    level = text.level_names.get(template.difficulty, str(template.difficulty))
    title = Text.assemble(
        (f"{number}  " if number else "", "bold"),
        (template.title, "bold"),
        ("  ·  ", "dim"),
        (template.topic, "cyan"),
    )
    footer = Text(
        text.question_footer.format(id=question.id, level=template.difficulty, name=level),
        style="dim",
    )
    if width is not None and max(title.cell_len, footer.cell_len) + 8 > width:
        return Panel(Group(title, *body, footer), border_style="blue")
    return Panel(
        Group(*body),
        title=title,
        title_align="left",
        subtitle=footer,
        subtitle_align="right",
        border_style="blue",
    )


def render_question(console: Console, question: Question, lang: Lang = Lang.EN) -> None:
    console.print(question_panel(question, width=console.width, lang=lang))


def render_answer(
    console: Console,
    *,
    answer: str,
    accepted: str,
    solution: str,
    detail: str = "",
    lang: Lang = Lang.EN,
) -> None:
    """The correct answer, the accepted interval and the worked derivation."""
    text = messages(lang)
    console.print(Text.assemble((text.answer_label, "bold green"), answer))
    shown = localize_accepted(accepted, lang)
    console.print(Text.assemble((text.accepted_label, "dim"), (shown, "dim")))
    if detail:
        console.print(Text.assemble((text.torch_says, "dim"), (detail, "dim italic")))
    console.print(
        Panel(Text(solution), title=text.worked_solution, title_align="left", border_style="green")
    )


def render_check(console: Console, result: AnswerCheck, lang: Lang = Lang.EN) -> None:
    """One line verdict of ``quizkit check``, the misconception named when there is one."""
    text = messages(lang)
    if not result.readable:
        console.print(Text.assemble((text.unreadable_check, "bold yellow"), result.message))
        console.print(
            Text.assemble(
                (text.check_formats_label, "dim"), (formats_line(result.formats, text), "dim")
            )
        )
        return
    said = text.you_said.format(given=result.answer_read)
    if result.correct:
        console.print(Text.assemble((text.right, "bold green"), said))
        return
    console.print(Text.assemble((text.wrong, "bold red"), said))
    if result.misconception is not None:
        console.print(
            Text.assemble((text.likely_mistake, "bold yellow"), result.misconception.feedback)
        )
    console.print(Text.assemble((text.answer_label, "bold green"), result.truth))
    accepted = localize_accepted(result.accepted, lang)
    console.print(Text.assemble((text.accepted_label, "dim"), (accepted, "dim")))


def render_template_progress(console: Console, report: TemplateReport) -> None:
    mark = Text("ok  ", style="green") if report.ok else Text("FAIL", style="bold red")
    console.print(
        Text.assemble(
            mark,
            f" {report.topic}/{report.template_id}",
            (f"  {report.distinct_answers} distinct answers", "dim"),
        )
    )


def render_validation(console: Console, report: ValidationReport) -> None:
    failed = report.failed
    total = len(report.templates)
    samples = sum(t.samples for t in report.templates)
    data = report.as_json()
    mis = f"{data['misconceptions']} misconceptions over {data['templates_with_misconceptions']} templates"
    if not failed:
        console.print(
            Text(
                f"All {total} templates valid ({samples} samples, {mis}, {report.seconds:.1f} s).",
                style="bold green",
            )
        )
        return
    table = Table(title=f"{len(failed)} of {total} templates failed", title_style="bold red")
    table.add_column("question", style="cyan", no_wrap=True)
    table.add_column("problem", overflow="fold")
    for template in failed:
        for problem in template.problems:
            table.add_row(problem.question_id, problem.message)
    console.print(table)
