"""Time ``quizkit grade`` on generated submissions, per isolation mode, against the naive approach.

.venv/bin/python bench/bench_grade.py [-n 20] [--jobs 2] [--naive 1] [--isolation bwrap,process]

Generates N complete submissions (every catalog exercise: reference solutions, every third
student with a careless softmax), then measures, end to end as CI runs them, for each isolation
mode in one run (so the ratios are comparable on a shared machine):

- one full submission from a cold start: ``quizkit grade DIR --jobs J`` (interpreter start, the
  submission's sandbox and its torch-preloaded fork server, all tests);
- N submissions: ``quizkit grade DIR1 ... DIRN --jobs J`` (one sandbox per submission);
- naive: a fresh ``python -m pytest`` process per exercise (each imports torch and checks one
  exercise), for ``--naive`` submissions.

Targets (issue 10, 2 cores): cold < 10 s, bulk <= 2.5 s per submission with ``--jobs 2``.
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


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, env=env)
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
    parser.add_argument("--isolation", default="bwrap,process", help="modes, comma-separated")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a directory holding an older quizkit package (e.g. `git archive REV quizkit | "
        "tar -x -C DIR`), measured in the same run as `baseline`",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="quizkit-bench-") as tmp:
        work = Path(tmp)
        students = make_submissions(work, max(args.n, args.naive, 1))
        many_per: dict[str, float] = {}
        modes = args.isolation.split(",") + (["baseline"] if args.baseline else [])
        for mode in modes:
            jobs = ["--jobs", str(args.jobs), "--seed", "0", "-f", "json", "-o", os.devnull]
            env = None
            if mode == "baseline":
                env = {**os.environ, "PYTHONPATH": str(args.baseline.resolve())}
            else:
                jobs += ["--isolation", mode]
            one, code = timed([*QUIZKIT, "grade", str(students[0]), *jobs], work, env)
            print(
                f"[{mode}] one full submission ({len(list_exercises())} exercises), cold, "
                f"jobs={args.jobs}: {one:.1f} s (exit {code})"
            )
            many, code = timed([*QUIZKIT, "grade", *map(str, students[: args.n]), *jobs], work, env)
            many_per[mode] = many / args.n
            print(
                f"[{mode}] {args.n} submissions, jobs={args.jobs}: {many:.1f} s, "
                f"{many / args.n:.2f} s per submission (exit {code})"
            )
        if args.naive:
            slow = sum(naive(s, work) for s in students[: args.naive]) / args.naive
            print(f"naive (a fresh `python -m pytest` per exercise): {slow:.1f} s per submission")
            for mode, per in many_per.items():
                print(f"speed-up [{mode}]: {slow / per:.1f}x per submission in bulk")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
