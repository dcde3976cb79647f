"""Shared helpers for the practice tests (no tests here): a toy bank, the CLI, the database.

The toy bank's truths are one-line torch expressions, so grading is instant once torch is in.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import textwrap
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from quizkit.bank.bank import Bank
from quizkit.bank.question import Question
from quizkit.practice.plan import plan_session

BIN = Path(sys.executable).parent
QUIZKIT = str(BIN / "quizkit")
NOW = datetime(2025, 3, 14, 12, 0, tzinfo=timezone.utc)

TOY = """
topic: toy
title: Toy questions
description: Tiny questions for the practice tests.
templates:
  - id: toy-add
    title: Add two numbers
    difficulty: 1
    params:
      a: {ints: [10, 99]}
      b: {ints: [10, 99]}
    let:
      result: "a + b"
    prompt: "What is {a} + {b}?"
    answer:
      kind: int
      expr: "torch.tensor(a) + b"
      device: cpu
    hint: "Add the tens, then the units."
    solution: "{a} + {b} = {result}"
  - id: toy-mul
    title: Multiply two numbers
    difficulty: 2
    params:
      a: {ints: [10, 99]}
      b: {ints: [2, 9]}
    let:
      result: "a * b"
    prompt: "What is {a} * {b}?"
    answer:
      kind: int
      expr: "torch.tensor(a) * b"
      device: cpu
    hint: "Multiply."
    solution: "{a} * {b} = {result}"
  - id: toy-shape
    title: Shape of zeros
    difficulty: 3
    params:
      a: {ints: [2, 50]}
      b: {ints: [2, 50]}
    let:
      result: "(a, b)"
    prompt: "What is the shape of torch.zeros({a}, {b})?"
    answer:
      kind: shape
      expr: "torch.zeros(a, b)"
    hint: "Rows, then columns."
    solution: "The shape is {result}"
"""

BROKEN = """
topic: broken
title: A broken template
templates:
  - id: broken-div
    title: Divides by zero in torch
    difficulty: 1
    params:
      a: {ints: [1, 9]}
    let:
      result: "a"
    prompt: "What is {a}?"
    answer:
      kind: int
      expr: "undefined_name + a"
    hint: "It is {a}."
    solution: "{a} = {result}"
"""


def write_toy_bank(root: Path, *, broken: bool = False) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "toy.yaml").write_text(textwrap.dedent(TOY), encoding="utf-8")
    if broken:
        (root / "broken.yaml").write_text(textwrap.dedent(BROKEN), encoding="utf-8")
    return root


def planned_questions(
    bank_root: Path, topics: Sequence[str], *, count: int, seed: int, levels: set[int] | None = None
) -> list[Question]:
    """The questions a ``--seed`` session asks (planning with a seed ignores history)."""
    templates = Bank(bank_root).templates(list(topics), levels=levels)
    plan = plan_session(templates, count=count, seed=seed, now=NOW)
    return [p.question for p in plan.questions]


def right_answer(question: Question) -> str:
    result = question.lets["result"]
    if isinstance(result, tuple):
        return "x".join(str(n) for n in result)
    return str(result)


def wrong_answer(question: Question) -> str:
    result = question.lets["result"]
    if isinstance(result, tuple):
        return "x".join(str(n + 1) for n in result)
    return str(result + 1)


def cli_env(home: Path, bank: Path | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUIZKIT", "NO_COLOR"))}
    env["QUIZKIT_HOME"] = str(home)
    if bank is not None:
        env["QUIZKIT_BANK"] = str(bank)
    env["COLUMNS"] = "100"
    env.update(extra)
    return env


def stored_attempts(home: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(home / "attempts.db") as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM attempts ORDER BY id")]


def stored_cards(home: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(home / "attempts.db") as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM cards ORDER BY template_id")]
