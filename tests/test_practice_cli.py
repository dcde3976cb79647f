"""``quizkit practice`` and ``quizkit stats`` as a script would run them: answers piped in."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_practice_support import (
    QUIZKIT,
    cli_env,
    planned_questions,
    right_answer,
    stored_attempts,
    stored_cards,
    write_toy_bank,
    wrong_answer,
)

from quizkit.practice.store import SCHEMA_VERSION


def practice(
    home: Path, bank: Path, args: list[str], stdin: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [QUIZKIT, "practice", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=cli_env(home, bank, **env),
        timeout=120,
    )


def test_piped_answers_one_per_line_are_graded_recorded_and_summarised(
    home: Path, bank: Path
) -> None:
    questions = planned_questions(bank, ["toy"], count=3, seed=1)
    lines = [right_answer(questions[0]), "?", "not a number", wrong_answer(questions[1]), "skip"]
    done = practice(home, bank, ["toy", "-n", "3", "--seed", "1"], "\n".join(lines) + "\n")
    out = done.stdout
    assert done.returncode == 1, done.stderr  # piped, and not all right
    for question in questions:
        assert question.id in out
    assert "✓ Correct" in out and "✗ Wrong" in out and "Skipped." in out
    assert "Hint:" in out and "Could not read that" in out
    assert "Worked solution" in out and "Accepted:" in out
    assert "Session summary" in out and "Score 1/3" in out
    assert "\x1b[" not in out  # no colour codes in a pipe
    rows = stored_attempts(home)
    assert [(r["template_id"], r["correct"], r["skipped"]) for r in rows] == [
        (questions[0].template.id, 1, 0),
        (questions[1].template.id, 0, 0),
        (questions[2].template.id, 0, 1),
    ]
    assert [r["seed"] for r in rows] == [q.seed for q in questions]
    assert all(r["seconds"] is None for r in rows)  # piped answers are untimed
    assert {c["template_id"] for c in stored_cards(home)} == {q.template.id for q in questions}


def test_all_right_piped_session_exits_0_and_json_transcript_is_machine_readable(
    home: Path, bank: Path
) -> None:
    questions = planned_questions(bank, ["toy"], count=4, seed=5)
    stdin = "".join(right_answer(q) + "\n" for q in questions)
    done = practice(home, bank, ["toy", "-n", "4", "--seed", "5", "--json"], stdin)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [q["id"] for q in data["questions"]] == [q.id for q in questions]
    assert [q["status"] for q in data["questions"]] == ["correct"] * 4
    assert data["score"] == {
        "correct": 4,
        "answered": 4,
        "by_topic": {"toy": {"correct": 4, "wrong": 0, "skipped": 0}},
    }
    assert data["ended_by"] == "done"
    assert "Session summary" in done.stderr  # the human view goes to stderr


def test_running_out_of_answers_ends_the_session(home: Path, bank: Path) -> None:
    done = practice(home, bank, ["toy", "-n", "3", "--seed", "2"], "not a number\n")
    assert done.returncode == 1
    assert "Could not read that" in done.stdout
    assert "3 of 3 questions not answered (input ended)" in done.stdout
    assert stored_attempts(home) == []


def test_level_filter_and_exam_mode(home: Path, bank: Path) -> None:
    questions = planned_questions(bank, ["toy"], count=2, seed=3, levels={3})
    assert {q.template.id for q in questions} == {"toy-shape"}
    stdin = f"{wrong_answer(questions[0])}\n?\n{right_answer(questions[1])}\n"
    done = practice(home, bank, ["toy", "-n", "2", "--seed", "3", "--level", "3", "--exam"], stdin)
    out = done.stdout
    head, _, tail = out.partition("Exam results")
    assert "✗ Wrong" not in head and "✓ Correct" not in head and "Worked solution" not in head
    assert "No hints in exam mode." in head and head.count("Answer recorded.") == 2
    assert "Worked solution" in tail and "Score 1/2" in tail


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuchtopic"], "unknown topic 'nosuchtopic'; topics: toy"),
        (["toy", "--level", "5"], "--level '5': levels run from 1 (easy) to 3 (hard)"),
        (["toy", "-n", "0"], "Invalid value"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    home: Path, bank: Path, args: list[str], message: str
) -> None:
    done = practice(home, bank, args, "")
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_broken_template_is_skipped_with_one_line_and_not_recorded(
    home: Path, tmp_path: Path
) -> None:
    bank = write_toy_bank(tmp_path / "bank2", broken=True)
    done = practice(home, bank, ["broken", "-n", "1", "--seed", "1"], "5\n")
    assert "Skipping a broken question" in done.stdout and "NameError" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert stored_attempts(home) == []


def test_first_question_is_on_screen_before_torch_is_imported(home: Path, bank: Path) -> None:
    """Run the real command in-process with the question renderer spied on."""
    script = """
import sys
from quizkit.ui import practice as ui
seen = []
original = ui.TerminalIO.question
def spy(self, planned, number, total):
    original(self, planned, number, total)
    if number == 1:
        seen.append("torch" in sys.modules)
        print("TORCH_AT_FIRST_QUESTION", "torch" in sys.modules, "fsrs" in sys.modules)
ui.TerminalIO.question = spy
from quizkit.cli.main import app
try:
    app(["practice", "toy", "-n", "1", "--seed", "1"])
except SystemExit:
    pass
print("TORCH_AT_END", "torch" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        input="1\n",
        capture_output=True,
        text=True,
        env=cli_env(home, bank),
        timeout=120,
    )
    assert "TORCH_AT_FIRST_QUESTION False False" in done.stdout, done.stdout + done.stderr
    assert "TORCH_AT_END True" in done.stdout  # the answer was graded by torch


def test_cli_module_imports_neither_torch_nor_fsrs() -> None:
    code = (
        "import sys, quizkit.cli.main, quizkit.cli.practice;"
        "print(sorted(m for m in ('torch', 'fsrs', 'rich') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_stats_shows_history_chart_and_due_reviews(home: Path, bank: Path) -> None:
    questions = planned_questions(bank, ["toy"], count=3, seed=4)
    stdin = f"{right_answer(questions[0])}\n{wrong_answer(questions[1])}\nskip\n"
    practice(home, bank, ["toy", "-n", "3", "--seed", "4"], stdin)
    done = subprocess.run(
        [QUIZKIT, "stats"], capture_output=True, text=True, env=cli_env(home, bank), timeout=60
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Practice history" in out and "toy" in out and "1/3" in out
    assert "Answers per day" in out and "█" in out and "░" in out
    assert "Due for review" in out or "Coming up" in out
    as_json = subprocess.run(
        [QUIZKIT, "stats", "--json"],
        capture_output=True,
        text=True,
        env=cli_env(home, bank),
        timeout=60,
    )
    data = json.loads(as_json.stdout)
    assert data["total_answered"] == 3 and data["daily"][-1] == {"answered": 3, "correct": 1}


def test_stats_without_history_says_how_to_start(home: Path, bank: Path) -> None:
    done = subprocess.run(
        [QUIZKIT, "stats"], capture_output=True, text=True, env=cli_env(home, bank), timeout=60
    )
    assert done.returncode == 0 and "No practice yet" in done.stdout


def test_corrupt_database_is_backed_up_and_the_session_goes_on(home: Path, bank: Path) -> None:
    home.mkdir()
    (home / "attempts.db").write_bytes(b"\x00garbage" * 500)
    questions = planned_questions(bank, ["toy"], count=1, seed=1)
    done = practice(home, bank, ["toy", "-n", "1", "--seed", "1"], right_answer(questions[0]))
    assert done.returncode == 0, done.stderr
    assert "warning" in done.stdout and "unreadable" in done.stdout
    assert len(list(home.glob("attempts.db.corrupt-*.bak"))) == 1
    assert len(stored_attempts(home)) == 1


def test_newer_database_is_refused_with_a_clear_message(home: Path, bank: Path) -> None:
    home.mkdir()
    with sqlite3.connect(home / "attempts.db") as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    done = practice(home, bank, ["toy", "-n", "1", "--seed", "1"], "1\n")
    assert done.returncode == 1
    assert "written by a newer quizkit" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(list(home.glob("attempts.db.schema*.bak"))) == 1


MISCONCEIVED = """\
topic: pads
title: Padding
templates:
  - id: pads-conv
    title: conv with padding
    difficulty: 2
    params:
      h: {ints: [6, 12]}
      p: {ints: [1, 2]}
    let:
      result: "(1, 1, h + 2 * p - 2, h + 2 * p - 2)"
    prompt: "Input (1, 1, {h}, {h}) through nn.Conv2d(1, 1, 3, padding={p})?"
    answer:
      kind: shape
      module: "nn.Conv2d(1, 1, 3, padding=p)"
      input: "(1, 1, h, h)"
    misconceptions:
      - name: forgot-padding
        expr: "(1, 1, h - 2, h - 2)"
        feedback: "You ignored padding={p}: it adds {p} pixels on each side."
    hint: "h + 2p - k + 1"
    solution: "{result}"
"""


def test_practice_names_the_misconception_a_wrong_answer_matches(
    home: Path, tmp_path: Path
) -> None:
    bank = tmp_path / "misbank"
    bank.mkdir()
    (bank / "pads.yaml").write_text(MISCONCEIVED, encoding="utf-8")
    [question] = planned_questions(bank, ["pads"], count=1, seed=3)
    h, p = question.params["h"], question.params["p"]
    done = practice(
        home, bank, ["pads", "-n", "1", "--seed", "3", "--json"], f"1x1x{h - 2}x{h - 2}\n"
    )
    assert f"Likely mistake: You ignored padding={p}" in " ".join(done.stderr.split())
    [entry] = json.loads(done.stdout)["questions"]
    assert entry["status"] == "wrong" and entry["misconception"] == "forgot-padding"
