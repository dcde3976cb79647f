"""Time ``check_exercise`` on one solution (its own sandbox) and ``check_many`` on every
solution (one sandbox for all).

.venv/bin/python bench/bench_exercise_check.py [--jobs 2]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import quizkit
from quizkit.exercises.catalog import list_exercises
from quizkit.exercises.runner import check_exercise, check_many

SOLUTIONS = Path(quizkit.__file__).parent.parent / "solutions"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    jobs = parser.parse_args().jobs
    started = time.perf_counter()
    result = check_exercise("conv2d", SOLUTIONS / "conv2d.py", seed=0)
    print(
        f"one check (conv2d, incl. its sandbox's server start): {time.perf_counter() - started:.2f} s"
    )
    files = {i.name: SOLUTIONS / f"{i.name}.py" for i in list_exercises()}
    started = time.perf_counter()
    results = check_many(files, seed=0, jobs=jobs)
    elapsed = time.perf_counter() - started
    passed = sum(r.passed for r in results)
    print(f"all {len(results)} exercises, jobs={jobs}: {elapsed:.2f} s ({passed} passed)")
    assert result.passed


if __name__ == "__main__":
    main()
