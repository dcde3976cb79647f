"""The practice core in-process: levels, data dir, FSRS grades, the store, planning, the session
state machine (with fake I/O and truths), summaries and rendering."""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from test_practice_support import NOW, planned_questions, right_answer, write_toy_bank, wrong_answer

from quizkit.answers import ParseFailure
from quizkit.bank.bank import Bank
from quizkit.bank.question import Question
from quizkit.errors import TemplateError, UsageError
from quizkit.practice.home import data_dir
from quizkit.practice.plan import Plan, PlannedQuestion, parse_levels, plan_session, template_weight
from quizkit.practice.report import best_run, build_stats, day_streak, summarize, transcript
from quizkit.practice.schedule import Rating, rate
from quizkit.practice.session import (
    EndReason,
    Feedback,
    Session,
    SessionOptions,
    Status,
)
from quizkit.practice.store import (
    SCHEMA_VERSION,
    Attempt,
    AttemptStore,
    NewerStoreError,
    TemplateHistory,
)
from quizkit.ui.practice import TerminalIO, relative, render_stats, render_summary, sparkline

# -- arguments and places ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "levels"),
    [("1", {1}), ("1-2", {1, 2}), ("2,3", {2, 3}), (" 3 ", {3}), ("1,3-3", {1, 3}), (None, None)],
)
def test_levels_accept_single_ranges_and_lists(text: str | None, levels: set[int] | None) -> None:
    assert parse_levels(text) == levels


@pytest.mark.parametrize("text", ["0", "4", "2-1", "easy", "1-", "1,,2"])
def test_levels_outside_1_to_3_or_malformed_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match="--level"):
        parse_levels(text)


def test_data_dir_prefers_quizkit_home_then_xdg_then_home(tmp_path: Path) -> None:
    assert data_dir({"QUIZKIT_HOME": str(tmp_path), "XDG_DATA_HOME": "/x"}) == tmp_path
    assert data_dir({"XDG_DATA_HOME": "/srv/data"}) == Path("/srv/data/quizkit")
    assert data_dir({"XDG_DATA_HOME": "relative"}) == Path.home() / ".local/share/quizkit"
    assert data_dir({}) == Path.home() / ".local/share/quizkit"


# -- FSRS grades -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("correct", "seconds", "tries", "hinted", "rating"),
    [
        (False, 5.0, 1, False, Rating.AGAIN),
        (True, 5.0, 1, False, Rating.EASY),  # fast: under half of 20 s
        (True, 15.0, 1, False, Rating.GOOD),
        (True, 45.0, 1, False, Rating.HARD),  # slow: over twice 20 s
        (True, 5.0, 2, False, Rating.HARD),  # right on the retry
        (True, 5.0, 1, True, Rating.HARD),  # needed the hint
        (True, None, 1, False, Rating.GOOD),  # untimed (piped answers)
    ],
)
def test_answers_map_to_fsrs_grades(
    correct: bool, seconds: float | None, tries: int, hinted: bool, rating: Rating
) -> None:
    assert rate(correct=correct, level=1, seconds=seconds, tries=tries, hinted=hinted) is rating


# -- the store ---------------------------------------------------------------------------------


def attempt(template_id: str = "toy-add", *, correct: bool = True, seed: int = 1) -> Attempt:
    return Attempt(
        template_id=template_id,
        topic="toy",
        level=1,
        seed=seed,
        answer="42",
        correct=correct,
        answered_at=NOW,
        seconds=12.5,
    )


def test_store_creates_schema_in_wal_mode_and_records_attempt_with_its_card(
    tmp_path: Path,
) -> None:
    path = tmp_path / "home" / "attempts.db"
    with AttemptStore.open(path) as store:
        due = store.record(attempt(correct=True), Rating.GOOD)
        store.record(attempt("toy-mul", correct=False), None)
        assert store.notice == ""
    assert due is not None and due > NOW
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        rows = db.execute("SELECT template_id, correct, rating, seconds FROM attempts").fetchall()
        cards = db.execute("SELECT template_id, reviews, lapses FROM cards").fetchall()
    assert rows == [("toy-add", 1, 3, 12.5), ("toy-mul", 0, None, 12.5)]
    assert cards == [("toy-add", 1, 0)]  # the ungraded first try does not review the card


def test_wrong_answer_brings_the_card_back_within_minutes_and_counts_a_lapse(
    tmp_path: Path,
) -> None:
    with AttemptStore.open(tmp_path / "a.db") as store:
        store.record(attempt(correct=True), Rating.GOOD)
        due = store.record(attempt(correct=False), Rating.AGAIN)
        (card,) = store.cards()
    assert due is not None and due - NOW <= timedelta(minutes=10)
    assert (card.reviews, card.lapses) == (2, 1)


def test_history_counts_graded_answers_and_seeds_seen(tmp_path: Path) -> None:
    with AttemptStore.open(tmp_path / "a.db") as store:
        store.record(attempt(correct=False, seed=5), None)  # first try: not graded
        store.record(attempt(correct=True, seed=5), Rating.HARD)
        store.record(attempt(correct=False, seed=9), Rating.AGAIN)
        history = store.history()
    entry = history["toy-add"]
    assert (entry.answered, entry.correct, entry.seeds) == (2, 1, {5, 9})
    assert entry.due is not None


def test_corrupt_database_is_moved_aside_with_a_notice_and_a_new_one_started(
    tmp_path: Path,
) -> None:
    path = tmp_path / "attempts.db"
    garbage = b"this is not sqlite at all\n" * 200
    path.write_bytes(garbage)
    with AttemptStore.open(path, now=NOW) as store:
        assert "unreadable" in store.notice and ".bak" in store.notice
        store.record(attempt(), Rating.GOOD)
    (backup,) = tmp_path.glob("attempts.db.corrupt-*.bak")
    assert backup.read_bytes() == garbage
    with AttemptStore.open(path) as store:
        assert len(store.attempts()) == 1 and store.notice == ""


def test_foreign_sqlite_file_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "attempts.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("INSERT INTO notes VALUES ('mine')")
    db.close()
    with AttemptStore.open(path, now=NOW) as store:
        assert "no quizkit schema" in store.notice
    (backup,) = tmp_path.glob("attempts.db.corrupt-*.bak")
    with contextlib.closing(sqlite3.connect(backup)) as db:
        assert db.execute("SELECT text FROM notes").fetchall() == [("mine",)]


def test_newer_schema_is_refused_backed_up_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "attempts.db"
    with AttemptStore.open(path) as store:
        store.record(attempt(), Rating.GOOD)
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = path.read_bytes()
    with pytest.raises(NewerStoreError, match="newer quizkit") as raised:
        AttemptStore.open(path)
    assert raised.value.exit_status == 1
    assert path.read_bytes() == before
    (backup,) = tmp_path.glob(f"attempts.db.schema{SCHEMA_VERSION + 1}-*.bak")
    assert backup.read_bytes() == before


def _write_many(path: str, template_id: str, count: int) -> None:
    with AttemptStore.open(Path(path)) as store:
        for n in range(count):
            store.record(attempt(template_id, seed=n, correct=n % 2 == 0), Rating.GOOD)


def test_two_sessions_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "attempts.db"
    AttemptStore.open(path).close()
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_write_many, args=(str(path), f"toy-{name}", 40))
        for name in ("add", "mul")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    with AttemptStore.open(path) as store:
        assert len(store.attempts()) == 80
        assert {c.template_id: c.reviews for c in store.cards()} == {"toy-add": 40, "toy-mul": 40}
        assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- planning ----------------------------------------------------------------------------------


@pytest.fixture
def toy_bank(tmp_path: Path) -> Bank:
    return Bank(write_toy_bank(tmp_path / "bank"))


def test_seeded_plan_is_reproducible_and_goes_from_easy_to_hard(toy_bank: Bank) -> None:
    first = planned_questions(toy_bank.root, ["toy"], count=3, seed=7)
    again = planned_questions(toy_bank.root, ["toy"], count=3, seed=7)
    assert [q.id for q in first] == [q.id for q in again]
    assert [q.template.difficulty for q in first] == [1, 2, 3]


def test_more_questions_than_templates_draws_fresh_variants_without_repeats(
    toy_bank: Bank,
) -> None:
    questions = planned_questions(toy_bank.root, ["toy"], count=10, seed=3)
    assert len(questions) == 10
    assert len({q.prompt for q in questions}) == 10
    assert {q.template.id for q in questions[:3]} == {"toy-add", "toy-mul", "toy-shape"}


def test_level_filter_keeps_only_those_levels(toy_bank: Bank) -> None:
    questions = planned_questions(toy_bank.root, ["toy"], count=4, seed=1, levels={2, 3})
    assert {q.template.difficulty for q in questions} == {2, 3}


def test_due_and_weak_templates_weigh_more_than_new_and_known_ones() -> None:
    due = TemplateHistory(answered=4, correct=4, due=NOW - timedelta(hours=1))
    weak = TemplateHistory(answered=4, correct=0, due=NOW + timedelta(minutes=5))
    known = TemplateHistory(answered=4, correct=4, due=NOW + timedelta(days=20))
    weights = {
        name: template_weight(history, 0.5, NOW)
        for name, history in {"due": due, "weak": weak, "known": known, "new": None}.items()
    }
    assert weights["due"][1] == "due" and weights["weak"][1] == "weak"
    assert weights["new"] == (1.75, "new")
    assert template_weight(None, 0.2, NOW)[0] > template_weight(None, 0.9, NOW)[0]
    assert weights["due"][0] > weights["weak"][0] > weights["new"][0] > weights["known"][0]


def test_unseeded_plan_prefers_the_due_template(toy_bank: Bank) -> None:
    templates = toy_bank.templates(["toy"])
    history = {
        "toy-add": TemplateHistory(answered=9, correct=9, due=NOW + timedelta(days=30)),
        "toy-mul": TemplateHistory(answered=9, correct=9, due=NOW + timedelta(days=30)),
        "toy-shape": TemplateHistory(answered=9, correct=2, due=NOW - timedelta(days=1)),
    }
    picks = [
        plan_session(templates, count=1, history=history, now=NOW).questions[0] for _ in range(40)
    ]
    share = sum(p.question.template.id == "toy-shape" for p in picks) / len(picks)
    assert share > 0.6
    assert all(p.reason == "due" for p in picks if p.question.template.id == "toy-shape")


def test_due_reviews_come_first_even_in_a_large_bank(tmp_path: Path) -> None:
    many = "\n".join(
        f"""
  - id: toy-n{n}
    title: Number {n}
    difficulty: 1
    params:
      a: {{ints: [1, 9]}}
    let:
      result: "a + {n}"
    prompt: "What is {{a}} + {n}?"
    answer: {{kind: int, expr: "a + {n}"}}
    hint: "Add."
    solution: "{{result}}"
"""
        for n in range(60)
    )
    root = tmp_path / "big"
    root.mkdir()
    (root / "big.yaml").write_text(f"topic: big\ntitle: Big\ntemplates:{many}", encoding="utf-8")
    templates = Bank(root).templates()
    history = {
        f"toy-n{n}": TemplateHistory(answered=1, correct=0, due=NOW - timedelta(hours=n))
        for n in (5, 17, 42)
    }
    plan = plan_session(templates, count=10, history=history, now=NOW)
    due = [p.question.template.id for p in plan.questions if p.reason == "due"]
    assert sorted(due) == ["toy-n17", "toy-n42", "toy-n5"]
    small = plan_session(templates, count=2, history=history, now=NOW)
    assert [p.question.template.id for p in small.questions] == ["toy-n42", "toy-n17"]


def test_unseeded_plan_avoids_seeds_already_seen(toy_bank: Bank) -> None:
    templates = toy_bank.templates(["toy"])[:1]
    history = {"toy-add": TemplateHistory(answered=1, correct=1, seeds=set(range(0, 10_000, 2)))}
    for _ in range(5):
        plan = plan_session(templates, count=3, history=history, now=NOW)
        assert all(p.question.seed % 2 == 1 for p in plan.questions)


# -- the session state machine, with fakes -----------------------------------------------------


@dataclass(frozen=True)
class FakeTruth:
    value: Any
    detail: str = ""
    misconceptions: tuple[Any, ...] = ()


class FakeChecker:
    """Truths from the question's own ``let.result``; ``broken`` ids raise TemplateError."""

    def __init__(self, broken: frozenset[str] = frozenset()) -> None:
        self.broken = broken
        self.prefetched: list[str] = []

    def prefetch(self, question: Question) -> None:
        self.prefetched.append(question.id)

    def is_ready(self, question: Question) -> bool:
        return True

    def truth(self, question: Question) -> Any:
        if question.template.id in self.broken:
            raise TemplateError(f"{question.id}.answer.expr: NameError: boom")
        return FakeTruth(question.lets["result"])


class ScriptedIO:
    """Answers from a script; ``"^C"`` raises KeyboardInterrupt; records what was shown."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = list(lines)
        self.events: list[tuple[str, Any]] = []

    def question(self, planned: PlannedQuestion, number: int, total: int) -> None:
        self.events.append(("question", planned.question.id))

    def ask(self, *, retry: bool) -> str | None:
        if not self.lines:
            return None
        line = self.lines.pop(0)
        if line == "^C":
            raise KeyboardInterrupt
        return line

    def hint(self, question: Question) -> None:
        self.events.append(("hint", question.id))

    def unreadable(self, failure: ParseFailure) -> None:
        self.events.append(("unreadable", failure.message))

    def feedback(self, feedback: Feedback, *, retry: bool) -> None:
        self.events.append(("retry" if retry else "feedback", feedback.correct))

    def explain(self, feedback: Feedback) -> None:
        self.events.append(("explain", feedback.question.id))

    def recorded(self, question: Question) -> None:
        self.events.append(("recorded", question.id))

    def notice(self, message: str) -> None:
        self.events.append(("notice", message))

    def commands(self) -> None:
        self.events.append(("commands", None))

    def template_error(self, question: Question, message: str) -> None:
        self.events.append(("template_error", message))

    def waiting(self) -> contextlib.AbstractContextManager[object]:
        return contextlib.nullcontext()

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.events]


class MemoryRecorder:
    def __init__(self) -> None:
        self.rows: list[tuple[Attempt, Rating | None]] = []

    def record(self, attempt: Attempt, rating: Rating | None = None) -> None:
        self.rows.append((attempt, rating))


def run_session(
    questions: list[Question],
    lines: list[str],
    *,
    exam: bool = False,
    interactive: bool = True,
    checker: FakeChecker | None = None,
) -> tuple[Any, ScriptedIO, MemoryRecorder]:
    io_ = ScriptedIO(lines)
    recorder = MemoryRecorder()
    ticks = iter(range(0, 10_000, 5))  # every clock reading is 5 s later
    session = Session(
        plan=Plan(tuple(PlannedQuestion(q) for q in questions)),
        io=io_,
        checker=checker or FakeChecker(),
        recorder=recorder,
        options=SessionOptions(exam=exam, interactive=interactive),
        clock=lambda: float(next(ticks)),
        now=lambda: NOW,
    )
    return session.run(), io_, recorder


@pytest.fixture
def three(toy_bank: Bank) -> list[Question]:
    return planned_questions(toy_bank.root, ["toy"], count=3, seed=11)


def test_right_answers_are_recorded_and_graded(three: list[Question]) -> None:
    result, io_, recorder = run_session(three, [right_answer(q) for q in three])
    assert result.ended_by is EndReason.DONE
    assert [o.status for o in result.outcomes] == [Status.CORRECT] * 3
    assert [a.correct for a, _ in recorder.rows] == [True] * 3
    assert all(rating is not None for _, rating in recorder.rows)
    assert io_.kinds().count("feedback") == 3


def test_unreadable_input_is_asked_again_and_never_counted(three: list[Question]) -> None:
    lines = ["forty-two?", right_answer(three[0])]
    result, io_, recorder = run_session(three[:1], lines)
    assert io_.kinds() == ["question", "unreadable", "feedback"]
    assert len(recorder.rows) == 1 and recorder.rows[0][0].correct
    assert result.outcomes[0].answers == [right_answer(three[0])]


def test_level_one_allows_one_retry_and_a_right_retry_is_hard(three: list[Question]) -> None:
    easy = three[0]
    assert easy.template.difficulty == 1
    result, io_, recorder = run_session([easy], [wrong_answer(easy), right_answer(easy)])
    assert io_.kinds() == ["question", "retry", "feedback"]
    assert [(a.correct, a.try_number, r) for a, r in recorder.rows] == [
        (False, 1, None),
        (True, 2, Rating.HARD),
    ]
    assert result.outcomes[0].status is Status.CORRECT


def test_wrong_twice_on_level_one_shows_the_answer_and_schedules_again(
    three: list[Question],
) -> None:
    easy = three[0]
    result, io_, recorder = run_session([easy], [wrong_answer(easy), wrong_answer(easy)])
    assert io_.events[-1] == ("feedback", False)
    assert recorder.rows[-1][1] is Rating.AGAIN
    assert result.outcomes[0].feedback is not None
    assert result.outcomes[0].feedback.answer == right_answer(easy)


def test_harder_levels_and_piped_sessions_get_no_retry(three: list[Question]) -> None:
    _, io_, _ = run_session([three[1]], [wrong_answer(three[1])])
    assert io_.kinds() == ["question", "feedback"]
    _, io_, recorder = run_session([three[0]], [wrong_answer(three[0])], interactive=False)
    assert io_.kinds() == ["question", "feedback"]
    assert recorder.rows[0][0].seconds is None  # piped answers are not timed


def test_hint_skip_and_explain_commands(three: list[Question]) -> None:
    lines = ["explain", "?", right_answer(three[0]), "explain", "skip", "help", "quit"]
    result, io_, recorder = run_session(three, lines)
    assert io_.kinds() == [
        "question",
        "notice",  # explain before any answer
        "hint",
        "feedback",
        "question",
        "explain",
        "feedback",  # the skip shows the answer
        "question",
        "commands",
    ]
    assert io_.events[5] == ("explain", three[0].id)
    assert recorder.rows[0][1] is Rating.HARD  # right, but after a hint
    assert recorder.rows[1][0].skipped and recorder.rows[1][1] is Rating.AGAIN
    assert result.ended_by is EndReason.QUIT
    assert len(result.outcomes) == 2  # the question on screen at quit is not recorded


def test_exam_mode_gives_no_feedback_hints_or_retries(three: list[Question]) -> None:
    lines = ["?", wrong_answer(three[0]), right_answer(three[1]), right_answer(three[2])]
    result, io_, recorder = run_session(three, lines, exam=True)
    assert "feedback" not in io_.kinds() and "hint" not in io_.kinds()
    assert io_.kinds().count("recorded") == 3
    assert [o.status for o in result.outcomes] == [Status.WRONG, Status.CORRECT, Status.CORRECT]
    assert len(recorder.rows) == 3


def test_ctrl_c_mid_question_keeps_the_answers_given(three: list[Question]) -> None:
    result, _, recorder = run_session(three, [right_answer(three[0]), "^C"])
    assert result.ended_by is EndReason.INTERRUPT
    assert [a.template_id for a, _ in recorder.rows] == [three[0].template.id]


def test_end_of_input_ends_the_session(three: list[Question]) -> None:
    result, _, _ = run_session(three, [right_answer(three[0])])
    assert result.ended_by is EndReason.EOF and len(result.outcomes) == 1


def test_broken_template_is_reported_skipped_and_not_recorded(three: list[Question]) -> None:
    checker = FakeChecker(broken=frozenset({three[0].template.id}))
    lines = [right_answer(q) for q in three]
    result, io_, recorder = run_session(three, lines, checker=checker)
    assert io_.kinds()[1] == "template_error"
    assert [o.status for o in result.outcomes] == [Status.BROKEN, Status.CORRECT, Status.CORRECT]
    assert [a.template_id for a, _ in recorder.rows] == [q.template.id for q in three[1:3]]


def test_each_question_prefetches_its_truth_and_the_next(three: list[Question]) -> None:
    checker = FakeChecker()
    run_session(three, [right_answer(q) for q in three], checker=checker)
    assert checker.prefetched[:2] == [three[0].id, three[1].id]


# -- summaries, stats, transcript --------------------------------------------------------------


def test_summary_scores_per_topic_and_lists_what_was_missed(three: list[Question]) -> None:
    lines = [right_answer(three[0]), wrong_answer(three[1]), right_answer(three[2])]
    result, _, _ = run_session(three, lines)
    summary = summarize(result, attempts=[], cards=[], now=NOW)
    assert (summary.correct, summary.answered, summary.best_run) == (2, 3, 1)
    (topic,) = summary.topics
    assert (topic.topic, topic.correct, topic.wrong, topic.skipped) == ("toy", 2, 1, 0)
    assert [r.template_id for r in summary.review_next] == [three[1].template.id]
    data = transcript(result, summary)
    assert [q["status"] for q in data["questions"]] == ["correct", "wrong", "correct"]
    assert data["questions"][1]["expected"] == right_answer(three[1])


def test_day_streak_counts_consecutive_days_up_to_today_or_yesterday() -> None:
    days = [NOW - timedelta(days=n) for n in (1, 2, 3, 5)]
    assert day_streak(days, NOW) == 3
    assert day_streak([NOW, *days], NOW) == 4
    assert day_streak([NOW - timedelta(days=3)], NOW) == 0


def test_best_run_is_the_longest_run_of_right_answers(three: list[Question]) -> None:
    lines = [right_answer(three[0]), right_answer(three[1]), wrong_answer(three[2])]
    result, _, _ = run_session(three, lines)
    assert best_run(result.outcomes) == 2


def console(width: int = 100) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=width, no_color=True, highlight=False), out


def test_summary_and_stats_render_on_a_narrow_terminal(
    tmp_path: Path, three: list[Question]
) -> None:
    path = tmp_path / "a.db"
    with AttemptStore.open(path) as store:
        for day in range(5):
            when = NOW - timedelta(days=day)
            for n in range(day + 1):
                store.record(
                    Attempt("toy-add", "toy", 1, n, "1", n % 2 == 0, when, 3.0), Rating.GOOD
                )
        report = build_stats(store.attempts(), store.cards(), now=NOW, days=14)
    result, _, _ = run_session(three, [right_answer(q) for q in three])
    for width in (40, 100):
        con, out = console(width)
        render_summary(con, summarize(result, attempts=[], cards=[], now=NOW), now=NOW)
        render_stats(con, report, now=NOW)
        text = out.getvalue()
        assert "Score" in text and "3/3" in text
        assert "toy" in text and "█" in text
        assert max(len(line) for line in text.splitlines()) <= width
    assert report.total_answered == 15
    assert report.daily[-1] == (1, 1) and report.daily[-5] == (5, 3)


def test_terminal_io_echoes_piped_answers_and_shows_feedback(three: list[Question]) -> None:
    con, out = console()
    lines = iter([right_answer(three[0]) + "\n"])

    def read(prompt: str) -> str | None:
        line = next(lines, None)
        if line is not None:
            con.print(prompt + line.rstrip())
        return None if line is None else line.rstrip()

    terminal = TerminalIO(con, read, interactive=False, now=lambda: NOW)
    session = Session(
        plan=Plan((PlannedQuestion(three[0]),)),
        io=terminal,
        checker=FakeChecker(),
        recorder=MemoryRecorder(),
        now=lambda: NOW,
    )
    session.run()
    text = out.getvalue()
    assert three[0].id in text and "answer › " + right_answer(three[0]) in text
    assert "✓ Correct" in text


def test_relative_times_and_sparkline() -> None:
    assert relative(NOW + timedelta(minutes=10), NOW) == "in 10 min"
    assert relative(NOW + timedelta(seconds=20), NOW) == "in 1 min"
    assert relative(NOW - timedelta(days=2), NOW) == "2 days ago"
    assert sparkline([(0, 0), (2, 2), (2, 0)]).plain == "·█▁"


def test_yes_no_questions_get_no_retry(tmp_path: Path) -> None:
    root = tmp_path / "yn"
    root.mkdir()
    (root / "yn.yaml").write_text(
        """
topic: yn
title: Yes or no
templates:
  - id: yn-runs
    title: Does it run
    difficulty: 1
    params:
      n: {ints: [1, 3]}
    let:
      result: "True"
    prompt: "Does torch.zeros({n}) run?"
    answer: {kind: legal, expr: "torch.zeros(n)"}
    hint: "It does."
    solution: "It runs: {result}"
""",
        encoding="utf-8",
    )
    (question,) = planned_questions(root, ["yn"], count=1, seed=1)
    checker = FakeChecker()
    checker.truth = lambda q: FakeTruth(True)  # type: ignore[method-assign]
    result, io_, _ = run_session([question], ["no"], checker=checker)
    assert io_.kinds() == ["question", "feedback"]
    assert result.outcomes[0].status is Status.WRONG


def test_truth_worker_computes_off_the_main_thread_and_reraises_template_errors(
    three: list[Question],
) -> None:
    import threading

    from quizkit.practice.truths import TruthEngineError, TruthWorker

    threads: list[str] = []

    def compute(question: Question) -> Any:
        threads.append(threading.current_thread().name)
        if question is three[1]:
            raise TemplateError("broken on purpose")
        return FakeTruth(question.lets["result"])

    worker = TruthWorker(compute=compute, warm_up=lambda: None)
    worker.prefetch(three[0])
    assert worker.truth(three[0]).value == three[0].lets["result"]
    assert worker.is_ready(three[0]) and not worker.is_ready(three[2])
    with pytest.raises(TemplateError, match="on purpose"):
        worker.truth(three[1])
    worker.close()
    assert threads == ["quizkit-truth", "quizkit-truth"]

    def no_torch() -> None:
        raise ImportError("no module named torch")

    failing = TruthWorker(compute=compute, warm_up=no_torch)
    with pytest.raises(TruthEngineError, match="loading torch failed: ImportError"):
        failing.truth(three[0])
    failing.close()


def test_a_topic_never_practised_starts_mostly_with_level_one() -> None:
    templates = Bank().templates(["conv"])
    levels = [
        planned.question.template.difficulty
        for seed in range(30)
        for planned in plan_session(templates, count=5, seed=seed, now=NOW).questions
    ]
    assert levels.count(1) > len(levels) / 2
    assert levels.count(3) < levels.count(2) < levels.count(1)
