"""Start-up latency of the CLI against ``import torch``, measured in one run.

Usage: python bench/bench_startup.py [--repeat N]

Reports the median wall time of: ``python -c "import torch"``, ``quizkit --help``,
``quizkit topics`` and ``quizkit show conv-out-size@1``, each in a fresh interpreter,
and their ratio to importing torch.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CASES = {
    "python -c 'import torch'": [sys.executable, "-c", "import torch"],
    "quizkit --help": [str(BIN / "quizkit"), "--help"],
    "quizkit topics": [str(BIN / "quizkit"), "topics"],
    "quizkit show conv-out-size@1": [str(BIN / "quizkit"), "show", "conv-out-size@1"],
}


def time_command(command: list[str], repeat: int) -> float:
    """Median seconds over ``repeat`` runs (after one warm-up run for the file cache)."""
    subprocess.run(command, capture_output=True, check=True)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    results = {name: time_command(command, args.repeat) for name, command in CASES.items()}
    baseline = results["python -c 'import torch'"]
    print(f"{'command':34} {'median s':>9} {'÷ import torch':>15}")
    for name, seconds in results.items():
        print(f"{name:34} {seconds:9.3f} {seconds / baseline:15.2f}")


if __name__ == "__main__":
    main()
