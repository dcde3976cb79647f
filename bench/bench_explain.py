"""``quizkit explain`` against torchinfo's ``summary`` on the same model, measured in one run.

Usage: python bench/bench_explain.py [--model resnet50] [--repeat N]

Cold (what a user waits for, each in a fresh interpreter, median of N after one warm-up):

- ``quizkit explain MODEL --input 1,3,224,224 --json``;
- ``torchinfo.summary`` of the same model built on CPU by ``quizkit.zoo`` (torchinfo runs
  the model for real, as it always does), with input/output/params/mult-adds columns, printed;
- ``python -c "import torch"`` as the floor both pay.

Each child's peak resident memory (``ru_maxrss`` from ``os.wait4``) is reported too.
Warm (in-process, the model already imported): ``explain()`` vs ``build + summary()``.
torchinfo is in the ``dev`` extra; without it, its rows are skipped.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent

TORCHINFO = """
import torch, torchinfo
from quizkit.zoo import build
model = build({model!r}, device="cpu")
stats = torchinfo.summary(model, input_size={shape!r}, depth=3, verbose=0,
    col_names=("input_size", "output_size", "num_params", "mult_adds"))
print(stats)
"""


def run_once(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.stderr is not None
    error = process.stderr.read().decode()
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{error}")
    return seconds, usage.ru_maxrss // 1024


def measure(commands: dict[str, list[str]], repeat: int) -> dict[str, tuple[float, int]]:
    """Median seconds and max RSS per command; runs interleaved so load hits all alike."""
    for command in commands.values():
        run_once(command)  # warm the file cache
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            samples[name].append(run_once(command))
    return {
        name: (statistics.median(s for s, _ in runs), max(m for _, m in runs))
        for name, runs in samples.items()
    }


def warm(model: str, shape: tuple[int, ...], repeat: int) -> dict[str, float]:
    """In-process medians once everything is imported."""
    from quizkit.explain import explain

    results = {"explain() [meta]": _median(lambda: explain(model, shape), repeat)}
    if importlib.util.find_spec("torchinfo") is not None:
        import torchinfo

        from quizkit.zoo import build

        def summary() -> None:
            torchinfo.summary(
                build(model, device="cpu"),
                input_size=shape,
                depth=3,
                verbose=0,
                col_names=("input_size", "output_size", "num_params", "mult_adds"),
            )

        results["build + torchinfo.summary() [cpu]"] = _median(summary, repeat)
    return results


def _median(function: object, repeat: int) -> float:
    assert callable(function)
    function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet50")
    parser.add_argument("--input", default="1,3,224,224")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    shape = tuple(int(n) for n in args.input.split(","))
    commands = {
        "python -c 'import torch'": [sys.executable, "-c", "import torch"],
        f"quizkit explain {args.model} --json": [
            str(BIN / "quizkit"), "explain", args.model, "--input", args.input, "--json",
        ],
    }  # fmt: skip
    has_torchinfo = importlib.util.find_spec("torchinfo") is not None
    if has_torchinfo:
        script = TORCHINFO.format(model=args.model, shape=shape)
        commands[f"torchinfo.summary({args.model})"] = [sys.executable, "-c", script]
    else:
        print("torchinfo is not installed (pip install -e '.[dev]'): its rows are skipped")
    cold = measure(commands, args.repeat)
    print(f"cold, median of {args.repeat} (fresh interpreter each)")
    print(f"  {'command':40} {'seconds':>8} {'peak RSS MB':>12}")
    for name, (seconds, rss) in cold.items():
        print(f"  {name:40} {seconds:8.3f} {rss:12d}")
    if has_torchinfo:
        ours = cold[f"quizkit explain {args.model} --json"][0]
        theirs = cold[f"torchinfo.summary({args.model})"][0]
        print(f"  explain / torchinfo = {ours / theirs:.2f}")
    print("warm, in-process")
    for name, seconds in warm(args.model, shape, args.repeat).items():
        print(f"  {name:40} {seconds:8.3f}")


if __name__ == "__main__":
    main()
