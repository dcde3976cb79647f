"""Rendering of ``quizkit explain`` reports."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from quizkit.explain import ExplainReport


def _shape(shape: list[int]) -> str:
    return "×".join(str(n) for n in shape) if shape else "-"


def _si(n: int) -> str:
    for factor, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")):
        if abs(n) >= factor:
            return f"{n / factor:.2f}{suffix}"
    return str(n)


def render_explain(console: Console, report: ExplainReport, *, formulas: bool = True) -> None:
    table = Table(
        title=f"{report.subject}  on input {_shape(report.input_shape)}", title_justify="left"
    )
    table.add_column("layer", style="cyan", no_wrap=True)
    table.add_column("type")
    table.add_column("output", no_wrap=True)
    table.add_column("params", justify="right")
    table.add_column("FLOPs", justify="right")
    if formulas:
        table.add_column("why", style="dim", overflow="fold")
    for row in report.layers:
        cells = [row.name, row.type, _shape(row.output_shape), f"{row.params:,}", _si(row.flops)]
        if formulas:
            cells.append("\n".join(row.formula))
        table.add_row(*cells)
    console.print(table)
    console.print(
        Text.assemble(
            ("Output ", "bold"),
            _shape(report.output_shape),
            ("   Params ", "bold"),
            f"{report.params:,}",
            (f" ({report.trainable_params:,} trainable)", "dim"),
            ("   FLOPs ", "bold"),
            f"{report.flops:,} ({_si(report.flops)})",
            ("   MACs ", "bold"),
            f"{report.macs:,} ({_si(report.macs)})",
        )
    )
    console.print(
        Text(
            "FLOPs as torch.utils.flop_counter counts them: 1 multiply-add (MAC) = 2 FLOPs.",
            style="dim",
        )
    )
