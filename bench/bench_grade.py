"""Time ``quizkit grade`` on generated submissions against the naive approach.

.venv/bin/python bench/bench_grade.py [-n 20] [--jobs 2] [--naive 1]

Generates N complete submissions (every catalog exercise: reference solutions, every third
student with a careless softmax), then measures, end to end as CI runs them:

- one full submission: ``quizkit grade DIR --jobs J`` (interpreter start, fork server, all tests);
- N submissions: ``quizkit grade DIR1 ... DIRN --jobs J``;
- naive: a fresh ``python -m pytest`` process per exercise (each imports torch and checks one
  exercise), for ``--naive`` submissions.

Prints seconds per submission for both.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import quizkit
from quizkit.exercises.catalog import list_exercises

ROOT = Path(quizkit.__file__).parent.parent
SOLUTIONS = ROOT / "solutions"
QUIZKIT = [sys.executable, "-m", "quizkit"]
CARELESS_SOFTMAX = (
    "def softmax(x, dim):\n    e = x.exp()\n    return e / e.sum(dim, keepdim=True)\n"
)
NAIVE_TEST = """
from pathlib import Path
from quizkit.exercises.runner import check_exercise

def test_{name}():
    assert check_exercise("{name}", Path("{path}"), seed=0).passed
"""


def make_submissions(root: Path, count: int) -> list[Path]:
    dirs = []
    for i in range(count):
        student = root / f"student{i:03d}"
        student.mkdir()
        for info in list_exercises():
            shutil.copy(SOLUTIONS / f"{info.name}.py", student / f"{info.name}.py")
        if i % 3 == 2:
            softmax = (SOLUTIONS / "softmax.py").read_text()
            (student / "softmax.py").write_text(softmax + "\n\n" + CARELESS_SOFTMAX)
        dirs.append(student)
    return dirs


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done.returncode


def naive(student: Path, work: Path) -> float:
    total = 0.0
    for info in list_exercises():
        test = work / f"test_naive_{student.name}_{info.name}.py"
        test.write_text(NAIVE_TEST.format(name=info.name, path=student / f"{info.name}.py"))
        seconds, _ = timed(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)], work
        )
        total += seconds
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=20, help="submissions to grade")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--naive", type=int, default=1, help="submissions graded the naive way")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="quizkit-bench-") as tmp:
        work = Path(tmp)
        students = make_submissions(work, max(args.n, args.naive, 1))
        jobs = ["--jobs", str(args.jobs), "--seed", "0", "-f", "json", "-o", os.devnull]
        one, code = timed([*QUIZKIT, "grade", str(students[0]), *jobs], work)
        print(
            f"one full submission ({len(list_exercises())} exercises), jobs={args.jobs}: "
            f"{one:.1f} s (exit {code})"
        )
        many, code = timed([*QUIZKIT, "grade", *map(str, students[: args.n]), *jobs], work)
        print(
            f"{args.n} submissions, jobs={args.jobs}: {many:.1f} s, "
            f"{many / args.n:.2f} s per submission (exit {code})"
        )
        if args.naive:
            slow = sum(naive(s, work) for s in students[: args.naive]) / args.naive
            print(f"naive (a fresh `python -m pytest` per exercise): {slow:.1f} s per submission")
            print(f"speed-up: {slow / (many / args.n):.1f}x per submission in bulk")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
