"""Benchmark: a worksheet of 10 questions x 30 versions with keys, as PDF (target: under 5 s).

Run: ``.venv/bin/python bench/bench_worksheet.py [--count 10] [--versions 30] [--format pdf]``.

Prints the time of each phase: torch start-up (import and first-use costs, paid once per
process by every command that computes truths), building the versions (300 torch truths),
and rendering and writing every file (per-version worksheets, keys and answer sheets, plus
the combined worksheet and key). ``total`` is the wall time from before importing torch;
the ``_cpu`` figures are this process's CPU time (steadier than wall time on a busy machine).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--versions", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--format", action="append", choices=["pdf", "md", "html", "json"])
    parser.add_argument("--bank", type=Path, default=None, help="bank folder (default: questions/)")
    args = parser.parse_args()
    formats = args.format or ["pdf"]

    start, cpu_start = time.perf_counter(), time.process_time()
    from quizkit.bank.truth import warm_up

    warm_up()
    torch_ready, cpu_ready = time.perf_counter(), time.process_time()

    from quizkit.bank.bank import Bank
    from quizkit.worksheet.build import build_worksheet
    from quizkit.worksheet.output import Format, write_worksheet
    from quizkit.worksheet.select import Selection

    bank = Bank(root=args.bank) if args.bank else Bank()
    worksheet = build_worksheet(
        bank, Selection(count=args.count), seed=args.seed, versions=args.versions
    )
    built = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        written = write_worksheet(
            worksheet, formats=[Format(f) for f in formats], out_dir=Path(folder)
        )
        size = sum(item.path.stat().st_size for item in written)
    rendered, cpu_end = time.perf_counter(), time.process_time()

    timings = {
        "torch_startup_s": round(torch_ready - start, 3),
        "build_truths_s": round(built - torch_ready, 3),
        "render_write_s": round(rendered - built, 3),
        "worksheet_s": round(rendered - torch_ready, 3),
        "total_s": round(rendered - start, 3),
        "worksheet_cpu_s": round(cpu_end - cpu_ready, 3),
        "total_cpu_s": round(cpu_end - cpu_start, 3),
    }
    print(
        f"{args.count} questions x {args.versions} versions with keys, {', '.join(formats)}: "
        f"{len(written)} files, {size / 1e6:.1f} MB"
    )
    for name, seconds in timings.items():
        print(f"  {name:<16} {seconds:7.3f}")
    print(json.dumps({"count": args.count, "versions": args.versions, **timings}))


if __name__ == "__main__":
    main()
