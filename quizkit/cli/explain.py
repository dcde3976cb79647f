"""``quizkit explain``: per-layer output shapes, parameters and FLOPs, with the formulas."""

from __future__ import annotations

import json

import typer

from quizkit.cli.leave import leave


def explain(
    subject: str = typer.Argument(
        ...,
        metavar="EXPR|MODEL",
        help='A module expression ("nn.Conv2d(3, 16, 5, stride=2)") or a zoo model (resnet50).',
    ),
    input_shape: str = typer.Option(
        None,
        "--input",
        "-i",
        help="Input shape, e.g. 1,3,224,224 or 1x3x224x224 (zoo models have a default).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    no_formulas: bool = typer.Option(False, "--no-formulas", help="Hide the 'why' column."),
) -> None:
    """Explain a model layer by layer: output shape, parameters, FLOPs and the formula behind each."""
    from quizkit.explain import explain as run_explain
    from quizkit.ui.console import make_console
    from quizkit.ui.explain import render_explain

    shape = _parse_shape(input_shape) if input_shape is not None else None
    report = run_explain(subject, shape)
    if as_json:
        typer.echo(json.dumps(report.to_json()))
    else:
        render_explain(make_console(), report, formulas=not no_formulas)
    leave(0)


def _parse_shape(text: str) -> tuple[int, ...]:
    """``--input`` as a shape, in any of the answer formats (``1,3,32,32``, ``1x3x32x32``...)."""
    from quizkit.answers import ParseFailure, parse_answer
    from quizkit.bank.model import AnswerKind
    from quizkit.errors import UsageError

    parsed = parse_answer(AnswerKind.SHAPE, text)
    if isinstance(parsed, ParseFailure):
        raise UsageError(f"--input {text!r}: {parsed.message}; expected {parsed.formats}")
    if not isinstance(parsed.value, tuple) or not parsed.value:
        raise UsageError(f"--input {text!r}: expected a non-empty shape such as 1,3,32,32")
    return parsed.value


def register(app: typer.Typer) -> None:
    """Attach the explain command to ``app``."""
    app.command()(explain)
