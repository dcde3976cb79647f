"""How fast ``quizkit practice`` feels: the first question against ``import torch``, in one run.

Usage: python bench/bench_practice_startup.py [--repeat N] [--topic conv]

Drives the real command in a pseudo-terminal (pexpect), as a student would, with a throw-away
``QUIZKIT_HOME``, and reports medians over ``--repeat`` fresh processes of:

- ``python -c "import torch"``: the cost the practice command must hide;
- first question on screen: from spawning ``quizkit practice TOPIC`` to its answer prompt;
- first feedback when answering at once: includes waiting for torch to load in the background;
- feedback once warm: Enter on an answer to the verdict on screen, over later questions
  (after a pause long enough for torch and ``FlopCounterMode`` to warm up).

Targets (issue 4): first question < 0.4 s; feedback once warm < 0.15 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pexpect

BIN = Path(sys.executable).parent
PROMPT = "answer › "
VERDICTS = ["✓ Correct", "✗ Wrong", "Not quite", "Skipped."]
FIRST_QUESTION_TARGET = 0.4
WARM_FEEDBACK_TARGET = 0.15


def time_import_torch(repeat: int) -> float:
    command = [sys.executable, "-c", "import torch"]
    subprocess.run(command, check=True)  # warm the file cache
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def right_answers(topic: str, count: int, seed: int) -> list[str]:
    """The answers of the seeded session, computed here with the same engine."""
    from quizkit.answers import format_value
    from quizkit.bank.bank import Bank
    from quizkit.bank.truth import compute_truth
    from quizkit.practice.plan import plan_session

    plan = plan_session(
        Bank().templates([topic]), count=count, seed=seed, now=datetime.now(timezone.utc)
    )
    answers = []
    for planned in plan.questions:
        question = planned.question
        truth = compute_truth(question)
        answers.append(format_value(question.kind, truth.value, options=question.options))
    return answers


def one_session(topic: str, count: int, seed: int, answers: list[str], pause: float) -> dict:
    """One practice session in a pty: returns first-question, cold and warm feedback seconds."""
    with tempfile.TemporaryDirectory() as home:
        start = time.perf_counter()
        child = pexpect.spawn(
            str(BIN / "quizkit"),
            ["practice", topic, "-n", str(count), "--seed", str(seed)],
            env={"QUIZKIT_HOME": home, "PATH": str(BIN), "TERM": "xterm-256color"},
            encoding="utf-8",
            dimensions=(40, 100),
            timeout=60,
        )
        child.expect_exact(PROMPT)
        first_question = time.perf_counter() - start
        warm: list[float] = []
        cold = 0.0
        for index, answer in enumerate(answers):
            if index == 1:
                time.sleep(pause)  # the student reads; torch finishes warming up
            sent = time.perf_counter()
            child.sendline(answer)
            child.expect_exact(VERDICTS)
            took = time.perf_counter() - sent
            if index == 0:
                cold = took
            else:
                warm.append(took)
            if child.after == "Not quite":  # a level-1 retry: give the same answer again
                child.expect_exact("try again › ")
                child.sendline(answer)
                child.expect_exact(VERDICTS)
            if index + 1 < len(answers):
                child.expect_exact(PROMPT)
        child.expect_exact("Session summary")
        child.expect(pexpect.EOF)
        child.close()
    return {"first": first_question, "cold": cold, "warm": warm}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="sessions (and torch imports)")
    parser.add_argument("--topic", default="conv")
    parser.add_argument("--count", type=int, default=4, help="questions per session")
    parser.add_argument("--pause", type=float, default=6.0, help="seconds to read question 2")
    args = parser.parse_args()

    torch_seconds = time_import_torch(args.repeat)
    answers = right_answers(args.topic, args.count, seed=1)
    runs = [one_session(args.topic, args.count, 1, answers, args.pause) for _ in range(args.repeat)]
    first = statistics.median(r["first"] for r in runs)
    cold = statistics.median(r["cold"] for r in runs)
    warm = [w for r in runs for w in r["warm"]]
    print(f"quizkit practice {args.topic}: {args.repeat} sessions in a pty, {args.count} questions")
    print(f"  python -c 'import torch'          {torch_seconds:6.3f} s  (median)")
    print(
        f"  first question on screen          {first:6.3f} s  (median; "
        f"{first / torch_seconds:.2f} x import torch; target < {FIRST_QUESTION_TARGET} s)"
    )
    print(f"  first feedback, answered at once  {cold:6.3f} s  (waits for torch in the background)")
    print(
        f"  feedback once warm                {statistics.median(warm):6.3f} s  (median of "
        f"{len(warm)}; max {max(warm):.3f} s; target < {WARM_FEEDBACK_TARGET} s)"
    )
    ok = first < FIRST_QUESTION_TARGET and max(warm) < WARM_FEEDBACK_TARGET
    print("  targets met" if ok else "  TARGETS MISSED")


if __name__ == "__main__":
    main()
