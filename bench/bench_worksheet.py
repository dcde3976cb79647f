"""Benchmark: a worksheet of 10 questions x 30 versions with keys, as PDF (target: under 5 s).

Run: ``.venv/bin/python bench/bench_worksheet.py [--count 10] [--versions 30] [--repeat 3]``.

Times the real command, ``quizkit worksheet -n COUNT --versions V --seed S -f pdf -o DIR``, in
a fresh process from start to exit (median of ``--repeat`` runs), next to
``python -c "import torch"`` measured in the same run: every command that computes truths pays
torch's start-up once, and the worksheet command overlaps it with typesetting the students'
sheets (which show no answers). Also prints the files written and their size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUIZKIT = str(Path(sys.executable).parent / "quizkit")


def _seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--versions", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    torch_runs, worksheet_runs = [], []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        command = [QUIZKIT, "worksheet", "-n", str(args.count), "--versions", str(args.versions)]
        command += ["--seed", str(args.seed), "-f", "pdf", "-o", str(out)]
        _seconds(command)  # warm the file cache
        for _ in range(args.repeat):
            torch_runs.append(_seconds([sys.executable, "-c", "import torch"]))
            worksheet_runs.append(_seconds(command))
        files = list(out.iterdir())
        size = sum(path.stat().st_size for path in files)

    torch_s, worksheet_s = statistics.median(torch_runs), statistics.median(worksheet_runs)
    print(
        f"quizkit worksheet -n {args.count} --versions {args.versions} -f pdf (with keys): "
        f"{len(files)} files, {size / 1e6:.1f} MB"
    )
    print(f"  python -c 'import torch'   {torch_s:6.2f} s  (median of {args.repeat})")
    print(
        f"  quizkit worksheet          {worksheet_s:6.2f} s  "
        f"({worksheet_s / torch_s:.2f} x import torch; target < 5 s)"
    )
    print(json.dumps({"import_torch_s": round(torch_s, 3), "worksheet_s": round(worksheet_s, 3)}))


if __name__ == "__main__":
    main()
