"""Time ``check_exercise`` on one solution and ``check_many`` on every solution.

.venv/bin/python bench/bench_exercise_check.py [--jobs 2]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import quizkit
from quizkit.exercises.catalog import list_exercises
from quizkit.exercises.runner import check_exercise, check_many
from quizkit.exercises.sandbox import warm_up

SOLUTIONS = Path(quizkit.__file__).parent.parent / "solutions"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    jobs = parser.parse_args().jobs
    started = time.perf_counter()
    warm_up()
    result = check_exercise("conv2d", SOLUTIONS / "conv2d.py", seed=0)
    print(f"first check (conv2d, incl. fork server start): {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    check_exercise("conv2d", SOLUTIONS / "conv2d.py", seed=1)
    print(f"warm check (conv2d): {time.perf_counter() - started:.2f} s")
    files = {i.name: SOLUTIONS / f"{i.name}.py" for i in list_exercises()}
    started = time.perf_counter()
    results = check_many(files, seed=0, jobs=jobs)
    elapsed = time.perf_counter() - started
    passed = sum(r.passed for r in results)
    print(f"all {len(results)} exercises, jobs={jobs}: {elapsed:.2f} s ({passed} passed)")
    assert result.passed


if __name__ == "__main__":
    main()
