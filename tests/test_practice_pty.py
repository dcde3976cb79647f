"""The real ``quizkit practice`` in a pseudo-terminal, as a student uses it (pexpect)."""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import pexpect
from test_practice_support import (
    QUIZKIT,
    cli_env,
    planned_questions,
    right_answer,
    stored_attempts,
    wrong_answer,
)

PROMPT = "answer › "
RETRY = "try again › "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def spawn(home: Path, bank: Path, args: list[str], **env: str) -> pexpect.spawn:
    child = pexpect.spawn(
        QUIZKIT,
        ["practice", *args],
        env=cli_env(home, bank, **env),
        encoding="utf-8",
        dimensions=(40, 100),
        timeout=60,
    )
    return child


def finish(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return ANSI.sub("", child.before or "")


def test_a_full_session_at_a_terminal(home: Path, bank: Path) -> None:
    questions = planned_questions(bank, ["toy"], count=3, seed=8)
    child = spawn(home, bank, ["toy", "-n", "3", "--seed", "8"])
    child.expect_exact(questions[0].id)
    child.expect_exact(PROMPT)
    child.sendline("?")
    child.expect_exact("Hint:")
    child.expect_exact(PROMPT)
    child.sendline("twelve")
    child.expect_exact("Could not read that")
    child.expect_exact(PROMPT)
    child.sendline(wrong_answer(questions[0]))  # level 1: one more try
    child.expect_exact("Not quite")
    child.expect_exact(RETRY)
    child.sendline(right_answer(questions[0]))
    child.expect_exact("✓ Correct")
    child.expect_exact(questions[1].id)
    child.expect_exact(PROMPT)
    child.sendline("explain")
    child.expect_exact(f"Worked solution of {questions[0].id}")
    child.expect_exact(PROMPT)
    child.sendline(wrong_answer(questions[1]))
    child.expect_exact("✗ Wrong")
    child.expect_exact("Accepted:")
    child.expect_exact("Worked solution")
    child.expect_exact(PROMPT)
    sent = time.perf_counter()
    child.sendline(right_answer(questions[2]))
    child.expect_exact("✓ Correct")
    warm_feedback = time.perf_counter() - sent
    child.expect_exact("Session summary")
    out = finish(child)
    # Budget 0.15 s once warm (bench/bench_practice_startup.py); a loaded CI box gets slack.
    assert warm_feedback < 1.0
    assert "Score 2/3" in out and "Review next" in out
    assert child.exitstatus == 0  # an interactive session ends well even with a wrong answer
    rows = stored_attempts(home)
    assert [(r["template_id"], r["try"], r["correct"], r["hinted"]) for r in rows] == [
        ("toy-add", 1, 0, 1),
        ("toy-add", 2, 1, 1),
        ("toy-mul", 1, 0, 0),
        ("toy-shape", 1, 1, 0),
    ]
    assert all(r["seconds"] is not None and r["seconds"] > 0 for r in rows)
    assert [r["rating"] for r in rows] == [None, 2, 1, rows[3]["rating"]]


def test_ctrl_c_in_the_middle_of_a_question_keeps_every_answered_attempt(
    home: Path, bank: Path
) -> None:
    questions = planned_questions(bank, ["toy"], count=3, seed=9)
    child = spawn(home, bank, ["toy", "-n", "3", "--seed", "9"])
    child.expect_exact(PROMPT)
    child.sendline(right_answer(questions[0]))
    child.expect_exact("✓ Correct")
    child.expect_exact(questions[1].id)
    child.expect_exact(PROMPT)
    child.send("12")  # half-typed answer
    time.sleep(0.2)
    child.sendintr()
    child.expect_exact("Session summary")
    out = finish(child)
    assert "2 of 3 questions not answered (interrupted)" in out
    assert "Traceback" not in out
    assert child.exitstatus == 130
    rows = stored_attempts(home)
    assert [(r["template_id"], r["seed"], r["correct"]) for r in rows] == [
        (questions[0].template.id, questions[0].seed, 1)
    ]


def test_ctrl_d_ends_the_session_with_a_summary(home: Path, bank: Path) -> None:
    child = spawn(home, bank, ["toy", "-n", "2", "--seed", "1"])
    child.expect_exact(PROMPT)
    # Like a person: a ^D sent in the instant between the prompt and readline taking the
    # terminal can be read by the line discipline as a NUL character instead of end-of-file.
    time.sleep(0.5)
    child.sendeof()
    child.expect_exact("Session summary")
    out = finish(child)
    assert "No questions answered" in out
    assert child.exitstatus == 0


def test_a_closed_terminal_keeps_the_answers_given(home: Path, bank: Path) -> None:
    questions = planned_questions(bank, ["toy"], count=3, seed=4)
    child = spawn(home, bank, ["toy", "-n", "3", "--seed", "4"])
    child.expect_exact(PROMPT)
    child.sendline(right_answer(questions[0]))
    child.expect_exact("✓ Correct")
    child.expect_exact(PROMPT)
    child.kill(signal.SIGHUP)
    child.expect(pexpect.EOF)
    child.close()
    assert [r["template_id"] for r in stored_attempts(home)] == [questions[0].template.id]


def test_no_color_and_a_narrow_terminal(home: Path, bank: Path) -> None:
    questions = planned_questions(bank, ["toy"], count=1, seed=2)
    child = pexpect.spawn(
        QUIZKIT,
        ["practice", "toy", "-n", "1", "--seed", "2"],
        env={**cli_env(home, bank, NO_COLOR="1"), "COLUMNS": "44"},
        encoding="utf-8",
        dimensions=(30, 44),
        timeout=60,
    )
    child.expect_exact(PROMPT)
    child.sendline(wrong_answer(questions[0]))
    child.expect_exact(RETRY)
    child.sendline("skip")
    child.expect_exact("Session summary")
    child.expect(pexpect.EOF)
    raw = child.before or ""
    child.close()
    assert not re.search(r"\x1b\[[0-9;]*3[0-7]m", raw), "colour codes despite NO_COLOR"
    lines = ANSI.sub("", raw).splitlines()
    assert max(len(line) for line in lines) <= 44
