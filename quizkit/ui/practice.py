"""Rendering of practice sessions and ``quizkit stats``: the terminal side of the session.

:class:`TerminalIO` implements :class:`quizkit.practice.session.SessionIO` on a rich console
and a line reader: a prompt at a terminal, or one line per answer from a pipe (echoed, so the
transcript reads like the terminal session). Colour follows rich (``NO_COLOR`` honoured), and
everything wraps to the console width.
"""

from __future__ import annotations

import contextlib
import math
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizkit.bank.locale import Lang
from quizkit.bank.question import Question
from quizkit.messages import Messages, messages
from quizkit.practice.plan import PlannedQuestion
from quizkit.practice.report import ReviewItem, StatsReport, Summary
from quizkit.practice.session import Feedback, Notice, SessionResult, Status
from quizkit.ui.bank import formats_line, question_panel, render_answer

if TYPE_CHECKING:
    from quizkit.answers import ParseFailure

SPARK = "▁▂▃▄▅▆▇█"


class TerminalIO:
    """The session's screen and keyboard. ``read_line`` returns None at end of input."""

    def __init__(
        self,
        console: Console,
        read_line: Callable[[str], str | None],
        *,
        interactive: bool,
        now: Callable[[], datetime],
        exam: bool = False,
        lang: Lang = Lang.EN,
    ) -> None:
        self.exam = exam
        self.lang = lang
        self.text = messages(lang)
        self.console = console
        self.read_line = read_line
        self.interactive = interactive
        self.now = now

    def question(self, planned: PlannedQuestion, number: int, total: int) -> None:
        console = self.console
        console.print()
        reason = {"due": self.text.reason_due, "weak": self.text.reason_weak}.get(planned.reason)
        if reason:
            console.print(Text(f"  {reason}", style="dim italic"))
        console.print(
            question_panel(
                planned.question, number=f"{number}/{total}", width=console.width, lang=self.lang
            )
        )
        if number == 1:
            self.commands()

    def ask(self, *, retry: bool) -> str | None:
        return self.read_line(self.text.prompt_retry if retry else self.text.prompt_answer)

    def hint(self, question: Question) -> None:
        self.console.print(Text.assemble((self.text.hint_label, "bold yellow"), question.hint))

    def unreadable(self, failure: ParseFailure) -> None:
        text = self.text
        self.console.print(Text.assemble((text.unreadable_label, "bold yellow"), failure.message))
        self.console.print(
            Text.assemble(
                (text.accepted_formats_label, "dim"), (formats_line(failure.formats, text), "dim")
            )
        )

    def feedback(self, feedback: Feedback, *, retry: bool) -> None:
        console = self.console
        text = self.text
        took = _seconds(feedback.seconds, text)
        if feedback.correct:
            console.print(
                Text.assemble(
                    (text.correct_label, "bold green"),
                    feedback.answer,
                    (f" · {took}" if took else "", "dim"),
                    (self._next(feedback.due), "dim"),
                )
            )
            return
        if retry:
            console.print(
                Text.assemble(
                    (text.not_quite, "bold red"),
                    text.you_said_retry.format(given=feedback.given),
                    (text.one_more_try, "yellow"),
                )
            )
            self._mistake(feedback)
            return
        head = (
            Text(text.skipped, style="bold yellow")
            if feedback.given is None
            else Text.assemble((text.wrong, "bold red"), text.you_said.format(given=feedback.given))
        )
        head.append(self._next(feedback.due), style="dim")
        console.print(head)
        self._mistake(feedback)
        self._answer(feedback)

    def _mistake(self, feedback: Feedback) -> None:
        """Name the classic mistake the answer matches, as a teacher would."""
        if feedback.misconception is not None and feedback.misconception.feedback:
            self.console.print(
                Text.assemble(
                    (self.text.likely_mistake, "bold yellow"), feedback.misconception.feedback
                )
            )

    def explain(self, feedback: Feedback) -> None:
        self.console.print(
            Text(self.text.worked_solution_of.format(id=feedback.question.id), style="bold")
        )
        self._answer(feedback)

    def recorded(self, question: Question) -> None:
        self.console.print(Text(self.text.recorded, style="dim"))

    def notice(self, message: str) -> None:
        self.console.print(Text(notice_text(message, self.text), style="yellow"))

    def commands(self) -> None:
        text = self.text
        self.console.print(
            Text(text.exam_commands_line if self.exam else text.commands_line, style="dim")
        )

    def template_error(self, question: Question, message: str) -> None:
        self.console.print(
            Text.assemble((self.text.broken_question, "bold yellow"), (message, "yellow"))
        )

    def waiting(self) -> contextlib.AbstractContextManager[object]:
        if not self.console.is_terminal:
            return contextlib.nullcontext()
        return self.console.status(self.text.loading_torch, spinner="dots")

    def _answer(self, feedback: Feedback) -> None:
        _render_feedback(self.console, feedback, self.lang)

    def _next(self, due: datetime | None) -> str:
        if due is None:
            return ""
        return self.text.next_review.format(when=relative(due, self.now(), self.text))


def notice_text(message: str, text: Messages) -> str:
    """A session notice in the interface language (other messages are shown as they are)."""
    try:
        notice = Notice(message)
    except ValueError:
        return message
    return {
        Notice.NO_HINTS_IN_EXAM: text.notice_no_hints_in_exam,
        Notice.SOLUTIONS_AT_END: text.notice_solutions_at_end,
        Notice.TRY_ONCE_MORE: text.notice_try_once_more,
        Notice.ANSWER_FIRST: text.notice_answer_first,
    }[notice]


def terminal_reader(console: Console) -> Callable[[str], str | None]:
    """Read from the keyboard with line editing; None on Ctrl-D."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())

    def read(prompt: str) -> str | None:
        try:
            return console.input(Text(prompt, style="bold cyan"))
        except EOFError:
            console.print()
            return None

    return read


def pipe_reader(console: Console, stream: TextIO | None = None) -> Callable[[str], str | None]:
    """Read one answer per line from a pipe, echoing it after the prompt; None at the end."""
    source = stream if stream is not None else sys.stdin

    def read(prompt: str) -> str | None:
        line = source.readline()
        if not line:
            return None
        text = line.rstrip("\r\n")
        console.print(Text.assemble((prompt, "bold cyan"), text))
        return text

    return read


# -- end of session ----------------------------------------------------------------------------


def render_exam_review(console: Console, result: SessionResult, lang: Lang = Lang.EN) -> None:
    """Exam mode: every answer against the truth, then the derivations of those missed."""
    text = messages(lang)
    table = Table(title=text.exam_results, title_justify="left")
    table.add_column(text.column_number, justify="right")
    table.add_column(text.column_question, style="cyan", overflow="fold")
    table.add_column(text.column_your_answer, overflow="fold")
    table.add_column(text.column_correct_answer, overflow="fold")
    table.add_column("", no_wrap=True)
    for number, outcome in enumerate(result.outcomes, 1):
        feedback = outcome.feedback
        mark = {
            Status.CORRECT: Text("✓", style="bold green"),
            Status.WRONG: Text("✗", style="bold red"),
            Status.SKIPPED: Text(text.mark_skipped, style="yellow"),
            Status.BROKEN: Text(text.mark_broken, style="yellow"),
        }[outcome.status]
        table.add_row(
            str(number),
            outcome.question.id,
            (feedback.given or "-") if feedback else (outcome.answers or ["-"])[-1],
            feedback.answer if feedback else outcome.error,
            mark,
        )
    console.print()
    console.print(table)
    for outcome in result.outcomes:
        if outcome.feedback and outcome.status in (Status.WRONG, Status.SKIPPED):
            console.print()
            console.print(Text(outcome.question.id, style="bold"))
            console.print(Markdown(outcome.question.prompt))
            _render_feedback(console, outcome.feedback, lang)


def render_summary(
    console: Console, summary: Summary, *, now: datetime, lang: Lang = Lang.EN
) -> None:
    """Score per topic, time taken, streaks and what to review next."""
    text = messages(lang)
    lines: list[Text | Table] = []
    if summary.answered:
        lines.append(
            Text.assemble(
                (text.score_label, "bold"),
                (f"{summary.correct}/{summary.answered}", _score_style(summary)),
                f" ({summary.score_percent}%)",
                ("  ·  ", "dim"),
                text.time_taken.format(duration=_duration(summary.seconds, text)),
                ("  ·  ", "dim"),
                text.best_run.format(count=summary.best_run),
                ("  ·  ", "dim"),
                text.day_streak.format(days=summary.day_streak),
            )
        )
    else:
        lines.append(Text(text.nothing_answered, style="bold"))
    if summary.answered < summary.planned:
        left = summary.planned - summary.answered
        why = _ended(summary.ended_by, text)
        lines.append(
            Text(text.not_answered.format(left=left, planned=summary.planned, why=why), style="dim")
        )
    if summary.topics:
        table = Table(box=None, pad_edge=False, show_header=True, header_style="dim")
        table.add_column(text.column_topic, style="cyan")
        table.add_column(text.column_right, justify="right")
        table.add_column(text.column_wrong, justify="right")
        table.add_column(text.column_skipped, justify="right")
        table.add_column("", no_wrap=True)
        for topic in summary.topics:
            table.add_row(
                topic.topic,
                str(topic.correct),
                str(topic.wrong),
                str(topic.skipped),
                _bar(topic.correct, topic.answered, width=10),
            )
        lines.append(table)
    if summary.review_next:
        lines.append(Text(text.review_next, style="bold"))
        for item in summary.review_next:
            lines.append(_review_line(item, now, text))
        lines.append(Text(text.review_them_now, style="dim"))
    elif summary.next_due is not None:
        when = relative(summary.next_due.due, now, text)
        lines.append(
            Text(
                text.nothing_to_review.format(template=summary.next_due.template_id, when=when),
                style="dim",
            )
        )
    if summary.answered:
        lines.append(Text(_encouragement(summary, text), style="bold"))
    lines.append(Text(text.history_hint, style="dim"))
    console.print()
    console.print(
        Panel(Group(*lines), title=text.summary_title, title_align="left", border_style="magenta")
    )


def _encouragement(summary: Summary, text: Messages) -> str:
    ratio = summary.correct / summary.answered
    if ratio == 1:
        return text.all_correct
    if ratio >= 0.8:
        return text.strong_session
    if ratio >= 0.5:
        return text.good_progress
    return text.tough_set


def _ended(reason: str, text: Messages) -> str:
    return {
        "quit": text.ended_quit,
        "eof": text.ended_eof,
        "interrupt": text.ended_interrupt,
        "error": text.ended_error,
    }.get(reason, reason)


def _review_line(item: ReviewItem, now: datetime, text: Messages) -> Text:
    parts = [item.topic]
    if item.why == "missed":
        parts.append(text.missed_today)
    if item.due is not None:
        due = item.due
        parts.append(
            text.due_now if due <= now else text.due_at.format(when=relative(due, now, text))
        )
    return Text.assemble(
        "  • ",
        (item.template_id, "cyan"),
        (text.review_detail.format(details=text.list_separator.join(parts)), "dim"),
    )


def _score_style(summary: Summary) -> str:
    if not summary.answered:
        return "bold"
    ratio = summary.correct / summary.answered
    return "bold green" if ratio >= 0.8 else "bold yellow" if ratio >= 0.5 else "bold red"


# -- quizkit stats -----------------------------------------------------------------------------


def render_stats(
    console: Console, report: StatsReport, *, now: datetime, lang: Lang = Lang.EN
) -> None:
    text = messages(lang)
    if not report.total_answered and not report.topics:
        console.print(Text(text.no_practice_yet))
        return
    table = Table(title=text.stats_title, title_justify="left")
    table.add_column(text.column_topic, style="cyan", no_wrap=True)
    table.add_column(text.column_answers, justify="right")
    table.add_column(text.column_accuracy, justify="right")
    table.add_column(text.column_last_days.format(days=len(report.days)), justify="right")
    table.add_column(text.column_daily_accuracy, no_wrap=True, overflow="crop")
    table.add_column(text.column_due, justify="right")
    table.add_column(text.column_last_practised, overflow="fold")
    for topic in report.topics:
        recent = f"{topic.recent_correct}/{topic.recent_answered}" if topic.recent_answered else "-"
        table.add_row(
            topic.topic,
            str(topic.answered),
            f"{topic.accuracy:.0%}" if topic.accuracy is not None else "-",
            recent,
            sparkline(topic.daily),
            Text(str(topic.due), style="bold yellow") if topic.due else Text("0", style="dim"),
            relative(topic.last, now, text) if topic.last else "-",
        )
    table.caption = text.stats_caption.format(answers=report.total_answered, days=report.day_streak)
    console.print(table)
    console.print()
    console.print(daily_chart(report, width=console.width, lang=lang))
    console.print()
    if report.due:
        console.print(Text(text.due_for_review.format(count=len(report.due)), style="bold"))
        for item in report.due:
            console.print(_review_line(item, now, text))
        console.print(Text(text.practise_them, style="dim"))
    else:
        console.print(Text(text.nothing_due, style="green"))
    if report.upcoming:
        console.print(Text(text.coming_up, style="bold"))
        for item in report.upcoming[:5]:
            console.print(_review_line(item, now, text))


def daily_chart(report: StatsReport, *, width: int, height: int = 6, lang: Lang = Lang.EN) -> Group:
    """A vertical bar chart of answers per day: right answers █ (green) under wrong ones ░ (red)."""
    text = messages(lang)
    column = 3
    fit = max(3, (width - 6) // column)
    days = report.days[-fit:]
    daily = report.daily[-fit:]
    peak = max((answered for answered, _ in daily), default=0)
    rows: list[Text] = [Text(text.chart_title, style="bold")]
    for level in range(height, 0, -1):
        row = Text(f"{_axis(level, height, peak):>4} ")
        for answered, correct in daily:
            bar_right = _cells(correct, peak, height)
            bar_all = _cells(answered, peak, height)
            if level <= bar_right:
                row.append("██ ", style="green")
            elif level <= bar_all:
                row.append("░░ ", style="red")
            else:
                row.append("   ")
        rows.append(row)
    labels = Text("     ")
    for day in days:
        labels.append(f"{day.day:>2} ", style="dim")
    rows.append(labels)
    months = list(
        dict.fromkeys(text.month.format(abbr=day.strftime("%b"), number=day.month) for day in days)
    )
    rows.append(Text(f"     {text.chart_months.format(months=' / '.join(months))}", style="dim"))
    return Group(*rows)


def _cells(count: int, peak: int, height: int) -> int:
    if not count or not peak:
        return 0
    return max(1, round(height * count / peak))


def _axis(level: int, height: int, peak: int) -> str:
    if level == height:
        return str(peak)
    if level == 1:
        return "0" if not peak else ""
    return ""


def sparkline(daily: Sequence[tuple[int, int]]) -> Text:
    """Accuracy per day as ▁..█ (· for a day without answers)."""
    text = Text()
    for answered, correct in daily:
        if not answered:
            text.append("·", style="dim")
            continue
        ratio = correct / answered
        style = "green" if ratio >= 0.8 else "yellow" if ratio >= 0.5 else "red"
        text.append(SPARK[min(len(SPARK) - 1, math.floor(ratio * (len(SPARK) - 1) + 0.5))], style)
    return text


# -- small formats -----------------------------------------------------------------------------


def relative(moment: datetime | None, now: datetime, text: Messages | None = None) -> str:
    """``in 10 min``, ``in 3 days``, ``now``, ``2 h ago`` (``10 分钟后`` … in Chinese)."""
    words = text or messages()
    if moment is None:
        return "-"
    delta = (moment - now).total_seconds()
    if -60 < delta <= 0:
        return words.now
    if 0 < delta < 60:
        return words.in_a_minute
    span = _span(abs(delta), words)
    return words.in_span.format(span=span) if delta > 0 else words.span_ago.format(span=span)


def _span(seconds: float, text: Messages) -> str:
    if seconds < 3600:
        return text.span_minutes.format(n=round(seconds / 60))
    if seconds < 86400:
        return text.span_hours.format(n=round(seconds / 3600))
    days = round(seconds / 86400)
    return (text.span_day if days == 1 else text.span_days).format(n=days)


def _duration(seconds: float, text: Messages) -> str:
    whole = round(seconds)
    if whole < 60:
        return text.seconds.format(s=whole)
    return text.minutes_seconds.format(m=whole // 60, s=whole % 60)


def _seconds(seconds: float | None, text: Messages) -> str:
    return text.seconds_precise.format(s=seconds) if seconds is not None else ""


def _bar(part: int, whole: int, *, width: int) -> Text:
    filled = round(width * part / whole) if whole else 0
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "red"))


def render_warning(console: Console, message: str) -> None:
    console.print(Text.assemble(("quizkit: warning: ", "bold yellow"), message))


def _render_feedback(console: Console, feedback: Feedback, lang: Lang = Lang.EN) -> None:
    """The correct answer, the accepted tolerance and the worked derivation."""
    render_answer(
        console,
        answer=feedback.answer,
        accepted=feedback.accepted,
        solution=feedback.solution,
        detail=feedback.detail,
        lang=lang,
    )
