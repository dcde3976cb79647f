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

from quizkit.bank.question import Question
from quizkit.practice.plan import PlannedQuestion
from quizkit.practice.report import ReviewItem, StatsReport, Summary
from quizkit.practice.session import Feedback, SessionResult, Status
from quizkit.ui.bank import question_panel, render_answer

if TYPE_CHECKING:
    from quizkit.answers import ParseFailure

COMMANDS_LINE = "Type an answer, or: ? hint · skip · explain (the last answer) · quit"
EXAM_COMMANDS_LINE = "Exam: no hints or feedback until the end. Type an answer, or: skip · quit"
REASONS = {"due": "due for review", "weak": "one you found hard"}
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
    ) -> None:
        self.exam = exam
        self.console = console
        self.read_line = read_line
        self.interactive = interactive
        self.now = now

    def question(self, planned: PlannedQuestion, number: int, total: int) -> None:
        console = self.console
        console.print()
        reason = REASONS.get(planned.reason)
        if reason:
            console.print(Text(f"  {reason}", style="dim italic"))
        console.print(
            question_panel(planned.question, number=f"{number}/{total}", width=console.width)
        )
        if number == 1:
            self.commands()

    def ask(self, *, retry: bool) -> str | None:
        return self.read_line("try again › " if retry else "answer › ")

    def hint(self, question: Question) -> None:
        self.console.print(Text.assemble(("Hint: ", "bold yellow"), question.hint))

    def unreadable(self, failure: ParseFailure) -> None:
        self.console.print(Text.assemble(("Could not read that: ", "bold yellow"), failure.message))
        self.console.print(Text.assemble(("Accepted: ", "dim"), (failure.formats, "dim")))

    def feedback(self, feedback: Feedback, *, retry: bool) -> None:
        console = self.console
        took = _seconds(feedback.seconds)
        if feedback.correct:
            console.print(
                Text.assemble(
                    ("✓ Correct: ", "bold green"),
                    feedback.answer,
                    (f" · {took}" if took else "", "dim"),
                    (self._next(feedback.due), "dim"),
                )
            )
            return
        if retry:
            console.print(
                Text.assemble(
                    ("✗ Not quite", "bold red"),
                    f" (you said {feedback.given}). ",
                    ("One more try; ? shows a hint.", "yellow"),
                )
            )
            self._mistake(feedback)
            return
        head = (
            Text("Skipped.", style="bold yellow")
            if feedback.given is None
            else Text.assemble(("✗ Wrong", "bold red"), f" (you said {feedback.given})")
        )
        head.append(self._next(feedback.due), style="dim")
        console.print(head)
        self._mistake(feedback)
        self._answer(feedback)

    def _mistake(self, feedback: Feedback) -> None:
        """Name the classic mistake the answer matches, as a teacher would."""
        if feedback.misconception is not None and feedback.misconception.feedback:
            self.console.print(
                Text.assemble(("Likely mistake: ", "bold yellow"), feedback.misconception.feedback)
            )

    def explain(self, feedback: Feedback) -> None:
        self.console.print(Text(f"Worked solution of {feedback.question.id}:", style="bold"))
        self._answer(feedback)

    def recorded(self, question: Question) -> None:
        self.console.print(Text("Answer recorded.", style="dim"))

    def notice(self, message: str) -> None:
        self.console.print(Text(message, style="yellow"))

    def commands(self) -> None:
        self.console.print(Text(EXAM_COMMANDS_LINE if self.exam else COMMANDS_LINE, style="dim"))

    def template_error(self, question: Question, message: str) -> None:
        self.console.print(
            Text.assemble(("! Skipping a broken question: ", "bold yellow"), (message, "yellow"))
        )

    def waiting(self) -> contextlib.AbstractContextManager[object]:
        if not self.console.is_terminal:
            return contextlib.nullcontext()
        return self.console.status("Loading torch to check your answer…", spinner="dots")

    def _answer(self, feedback: Feedback) -> None:
        _render_feedback(self.console, feedback)

    def _next(self, due: datetime | None) -> str:
        return f" · next review {relative(due, self.now())}" if due else ""


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


def render_exam_review(console: Console, result: SessionResult) -> None:
    """Exam mode: every answer against the truth, then the derivations of those missed."""
    table = Table(title="Exam results", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("question", style="cyan", overflow="fold")
    table.add_column("your answer", overflow="fold")
    table.add_column("correct answer", overflow="fold")
    table.add_column("", no_wrap=True)
    for number, outcome in enumerate(result.outcomes, 1):
        feedback = outcome.feedback
        mark = {
            Status.CORRECT: Text("✓", style="bold green"),
            Status.WRONG: Text("✗", style="bold red"),
            Status.SKIPPED: Text("skipped", style="yellow"),
            Status.BROKEN: Text("broken", style="yellow"),
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
            _render_feedback(console, outcome.feedback)


def render_summary(console: Console, summary: Summary, *, now: datetime) -> None:
    """Score per topic, time taken, streaks and what to review next."""
    lines: list[Text | Table] = []
    if summary.answered:
        lines.append(
            Text.assemble(
                ("Score ", "bold"),
                (f"{summary.correct}/{summary.answered}", _score_style(summary)),
                f" ({summary.score_percent}%)",
                ("  ·  ", "dim"),
                f"time {_duration(summary.seconds)}",
                ("  ·  ", "dim"),
                f"best run {summary.best_run} in a row",
                ("  ·  ", "dim"),
                f"{summary.day_streak}-day streak",
            )
        )
    else:
        lines.append(Text("No questions answered this time.", style="bold"))
    if summary.answered < summary.planned:
        left = summary.planned - summary.answered
        lines.append(
            Text(
                f"{left} of {summary.planned} questions not answered ({_ended(summary.ended_by)}).",
                style="dim",
            )
        )
    if summary.topics:
        table = Table(box=None, pad_edge=False, show_header=True, header_style="dim")
        table.add_column("topic", style="cyan")
        table.add_column("right", justify="right")
        table.add_column("wrong", justify="right")
        table.add_column("skipped", justify="right")
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
        lines.append(Text("Review next:", style="bold"))
        for item in summary.review_next:
            lines.append(_review_line(item, now))
        lines.append(Text("Review them now: quizkit practice (mixes in what is due)", style="dim"))
    elif summary.next_due is not None:
        lines.append(
            Text(
                f"Nothing to review yet; the next review is {summary.next_due.template_id}, "
                f"{relative(summary.next_due.due, now)}.",
                style="dim",
            )
        )
    if summary.answered:
        lines.append(Text(_encouragement(summary), style="bold"))
    lines.append(Text("Your history and due reviews: quizkit stats", style="dim"))
    console.print()
    console.print(
        Panel(Group(*lines), title="Session summary", title_align="left", border_style="magenta")
    )


def _encouragement(summary: Summary) -> str:
    ratio = summary.correct / summary.answered
    if ratio == 1:
        return "All correct. Well done!"
    if ratio >= 0.8:
        return "Strong session: the few you missed come back soon."
    if ratio >= 0.5:
        return "Good progress: the ones you missed come back for review."
    return "Tough set. Each miss comes back soon with new numbers; that is how it sticks."


def _ended(reason: str) -> str:
    return {
        "quit": "you quit",
        "eof": "input ended",
        "interrupt": "interrupted",
        "error": "stopped by an error",
    }.get(reason, reason)


def _review_line(item: ReviewItem, now: datetime) -> Text:
    parts = [item.topic]
    if item.why == "missed":
        parts.append("missed today")
    if item.due is not None:
        parts.append("due now" if item.due <= now else f"due {relative(item.due, now)}")
    return Text.assemble("  • ", (item.template_id, "cyan"), (f"  ({' · '.join(parts)})", "dim"))


def _score_style(summary: Summary) -> str:
    if not summary.answered:
        return "bold"
    ratio = summary.correct / summary.answered
    return "bold green" if ratio >= 0.8 else "bold yellow" if ratio >= 0.5 else "bold red"


# -- quizkit stats -----------------------------------------------------------------------------


def render_stats(console: Console, report: StatsReport, *, now: datetime) -> None:
    if not report.total_answered and not report.topics:
        console.print(
            Text("No practice yet. Start with: quizkit practice TOPIC (see quizkit topics)")
        )
        return
    table = Table(title="Practice history", title_justify="left")
    table.add_column("topic", style="cyan", no_wrap=True)
    table.add_column("answers", justify="right")
    table.add_column("accuracy", justify="right")
    table.add_column(f"last {len(report.days)} days", justify="right")
    table.add_column("daily accuracy", no_wrap=True, overflow="crop")
    table.add_column("due", justify="right")
    table.add_column("last practised", overflow="fold")
    for topic in report.topics:
        recent = f"{topic.recent_correct}/{topic.recent_answered}" if topic.recent_answered else "-"
        table.add_row(
            topic.topic,
            str(topic.answered),
            f"{topic.accuracy:.0%}" if topic.accuracy is not None else "-",
            recent,
            sparkline(topic.daily),
            Text(str(topic.due), style="bold yellow") if topic.due else Text("0", style="dim"),
            relative(topic.last, now) if topic.last else "-",
        )
    table.caption = f"{report.total_answered} answers · {report.day_streak}-day streak"
    console.print(table)
    console.print()
    console.print(daily_chart(report, width=console.width))
    console.print()
    if report.due:
        console.print(Text(f"Due for review now ({len(report.due)}):", style="bold"))
        for item in report.due:
            console.print(_review_line(item, now))
        console.print(Text("Practise them: quizkit practice (mixes in due reviews)", style="dim"))
    else:
        console.print(Text("Nothing due for review right now.", style="green"))
    if report.upcoming:
        console.print(Text("Coming up:", style="bold"))
        for item in report.upcoming[:5]:
            console.print(_review_line(item, now))


def daily_chart(report: StatsReport, *, width: int, height: int = 6) -> Group:
    """A vertical bar chart of answers per day: right answers █ (green) under wrong ones ░ (red)."""
    column = 3
    fit = max(3, (width - 6) // column)
    days = report.days[-fit:]
    daily = report.daily[-fit:]
    peak = max((answered for answered, _ in daily), default=0)
    rows: list[Text] = [Text("Answers per day (█ right, ░ wrong)", style="bold")]
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
    months = sorted(
        {day.strftime("%b") for day in days},
        key=lambda m: [d.strftime("%b") for d in days].index(m),
    )
    rows.append(Text(f"     {' / '.join(months)}, ending today", style="dim"))
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


def relative(moment: datetime | None, now: datetime) -> str:
    """``in 10 min``, ``in 3 days``, ``now``, ``2 h ago``."""
    if moment is None:
        return "-"
    delta = (moment - now).total_seconds()
    if -60 < delta <= 0:
        return "now"
    if 0 < delta < 60:
        return "in 1 min"
    words = _span(abs(delta))
    return f"in {words}" if delta > 0 else f"{words} ago"


def _span(seconds: float) -> str:
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    if seconds < 86400:
        return f"{round(seconds / 3600)} h"
    days = round(seconds / 86400)
    return f"{days} day" + ("s" if days != 1 else "")


def _duration(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


def _seconds(seconds: float | None) -> str:
    return f"{seconds:.1f} s" if seconds is not None else ""


def _bar(part: int, whole: int, *, width: int) -> Text:
    filled = round(width * part / whole) if whole else 0
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "red"))


def render_warning(console: Console, message: str) -> None:
    console.print(Text.assemble(("quizkit: warning: ", "bold yellow"), message))


def _render_feedback(console: Console, feedback: Feedback) -> None:
    """The correct answer, the accepted tolerance and the worked derivation."""
    render_answer(
        console,
        answer=feedback.answer,
        accepted=feedback.accepted,
        solution=feedback.solution,
        detail=feedback.detail,
    )
