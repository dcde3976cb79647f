"""Wide (CJK) characters keep rich's panels and tables aligned at 80 and 44 columns.

A Chinese character takes two terminal cells; alignment is checked in cells
(:func:`rich.cells.cell_len`), as a terminal draws it, not in code points.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from test_practice_support import NOW

from quizkit.bank.bank import Bank
from quizkit.bank.locale import Lang
from quizkit.bank.question import make_question
from quizkit.practice.report import ReviewItem, Summary, TopicScore, build_stats
from quizkit.practice.schedule import Rating
from quizkit.practice.store import Attempt, AttemptStore
from quizkit.ui.bank import question_panel, render_answer
from quizkit.ui.practice import render_stats, render_summary

WIDTHS = (80, 44)
BORDERS = "│╭╰┃┏┗┡└├"


def record(width: int) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=width, no_color=True, highlight=False), out


def assert_box_aligned(text: str, width: int) -> None:
    """Every line fits; every line of a box ends in its right border at the same cell."""
    lines = text.splitlines()
    assert lines
    for line in lines:
        assert cell_len(line) <= width, f"{cell_len(line)} cells > {width}: {line!r}"
    boxed = [line for line in lines if line and line[0] in BORDERS]
    ends = {cell_len(line.rstrip()) for line in boxed}
    assert len(ends) <= 1, "\n".join(boxed)


def long_chinese_question(lang: Lang = Lang.ZH) -> object:
    """The zh template with the longest prompt (ids and titles are long in Chinese too)."""
    bank = Bank(lang=lang)
    templates = [t for t in bank.templates() if t.answer.kind.value != "choice"]
    template = max(templates, key=lambda t: len(t.prompt))
    return make_question(template, 7)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_question_panel_keeps_its_border_with_chinese_text(width: int) -> None:
    question = long_chinese_question()
    con, out = record(width)
    con.print(question_panel(question, number="10/10", width=width, lang=Lang.ZH))  # type: ignore[arg-type]
    text = out.getvalue()
    assert_box_aligned(text, width)
    assert "难度" in text


@pytest.mark.parametrize("width", WIDTHS)
def test_a_choice_question_and_its_worked_solution_stay_aligned(width: int) -> None:
    bank = Bank(lang=Lang.ZH)
    template = next(t for t in bank.templates(["concepts"]) if t.answer.kind.value == "choice")
    question = make_question(template, 3)
    con, out = record(width)
    con.print(question_panel(question, number="1/3", width=width, lang=Lang.ZH))
    assert_box_aligned(out.getvalue(), width)
    con, out = record(width)
    render_answer(
        con, answer="(b)", accepted="exactly (b)", solution=question.solution, lang=Lang.ZH
    )
    assert_box_aligned(out.getvalue(), width)
    assert "解答过程" in out.getvalue()


def chinese_summary() -> Summary:
    review = (
        ReviewItem("conv-out-size", "卷积层", "missed", NOW + timedelta(minutes=5)),
        ReviewItem("pool-out-size", "汇聚层", "due", NOW - timedelta(hours=1)),
    )
    return Summary(
        topics=(TopicScore("卷积层", 3, 1, 1), TopicScore("批量规范化", 2, 0, 0)),
        correct=5,
        answered=7,
        planned=10,
        seconds=754.0,
        best_run=3,
        day_streak=4,
        review_next=review,
        due_now=1,
        ended_by="quit",
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_session_summary_panel_stays_aligned_in_chinese(width: int) -> None:
    con, out = record(width)
    render_summary(con, chinese_summary(), now=NOW, lang=Lang.ZH)
    text = out.getvalue()
    assert_box_aligned(text, width)
    assert "本次小结" in text and "得分" in text and "批量规范化" in text
    assert "10 道题中有 3 道未作答（你退出了）" in text.replace("\n│ ", "").replace(" │", "")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_stats_table_with_chinese_headers_and_topics_stays_aligned(
    width: int, tmp_path: Path
) -> None:
    with AttemptStore.open(tmp_path / "a.db") as store:
        for day in range(4):
            for n, topic in enumerate(("卷积层", "批量规范化")):
                when = NOW - timedelta(days=day)
                attempt = Attempt(f"t-{n}", topic, 1, day, "1", day % 2 == 0, when, 3.0)
                store.record(attempt, Rating.GOOD)
        report = build_stats(store.attempts(), store.cards(), now=NOW, days=14)
    con, out = record(width)
    render_stats(con, report, now=NOW, lang=Lang.ZH)
    text = out.getvalue()
    table = text.split("\n\n")[0]
    assert_box_aligned(table, width)
    for line in text.splitlines():
        assert cell_len(line) <= width, line
    assert "练习历史" in text and "正确率" in text and "卷积层" in text
