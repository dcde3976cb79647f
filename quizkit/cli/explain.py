"""``quizkit explain``: per-layer shapes, parameters, FLOPs and memory, with the formulas."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer

from quizkit.cli.leave import leave
from quizkit.explain import DEFAULT_DEPTH  # the core default; importing it loads no torch

if TYPE_CHECKING:
    from quizkit.explain.inputs import InputSpec


def explain(
    subject: str = typer.Argument(
        ...,
        metavar="EXPR|MODEL",
        help='A module expression ("nn.Conv2d(3, 16, 5, stride=2)") or a zoo model (resnet50).',
    ),
    input_specs: list[str] = typer.Option(
        None,
        "--input",
        "-i",
        help="Input shape, e.g. 1,3,224,224 or 4x50:long (suffix :long/:int64/:float64... sets "
        "the dtype). Repeat once per positional input; one input to attention = self-attention.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
    no_formulas: bool = typer.Option(False, "--no-formulas", help="Hide the formulas."),
    depth: int = typer.Option(
        DEFAULT_DEPTH, "--depth", "-d", min=0, help="Show layers nested up to this depth."
    ),
    train: bool = typer.Option(
        False, "--train", help="Explain in training mode (default: eval mode)."
    ),
) -> None:
    """Explain a model layer by layer: shapes, parameters, FLOPs, memory and the formula behind each."""
    from quizkit.explain import explain as run_explain
    from quizkit.ui.console import make_console
    from quizkit.ui.explain import render_explain

    specs = [parse_input(text) for text in input_specs or []]
    report = run_explain(subject, specs or None, train=train)
    if as_json:
        typer.echo(json.dumps(report.to_json()))
    else:
        render_explain(make_console(), report, formulas=not no_formulas, depth=depth)
    leave(0)


def parse_input(text: str) -> InputSpec:
    """``--input`` as an :class:`~quizkit.explain.InputSpec`: a shape in any of the answer
    formats (``1,3,32,32``, ``1x3x32x32``…) with an optional ``:dtype`` suffix."""
    from quizkit.answers import ParseFailure, parse_answer
    from quizkit.bank.model import AnswerKind
    from quizkit.errors import UsageError
    from quizkit.explain.inputs import InputSpec, split_suffix

    body, dtype = split_suffix(text)
    parsed = parse_answer(AnswerKind.SHAPE, body)
    if isinstance(parsed, ParseFailure):
        raise UsageError(f"--input {text!r}: {parsed.message}; expected {parsed.formats}")
    if not isinstance(parsed.value, tuple) or not parsed.value:
        raise UsageError(f"--input {text!r}: expected a non-empty shape such as 1,3,32,32")
    if any(n < 0 for n in parsed.value):
        raise UsageError(f"--input {text!r}: sizes cannot be negative")
    return InputSpec(tuple(int(n) for n in parsed.value), dtype)


def register(app: typer.Typer) -> None:
    """Attach the explain command to ``app``."""
    app.command()(explain)
