"""Rendering of ``quizkit explain`` reports.

Layout rules, so no word is ever broken (``tests/test_explain_ui.py`` renders at 80 and 120
columns and finds every name, shape and formula token whole):

- every cell is made of words that rich may wrap *between* (a shape such as ``1×64×56×56`` is
  one word, a name and its type are two);
- column widths are set explicitly by :func:`fit_widths`: each column at least its longest
  word, so rich never has to fold one; if even that does not fit, rows become paragraphs;
- the "why" column is only inline when the console is at least :data:`INLINE_WHY_WIDTH` wide;
  narrower, the formulas follow the table, one indented paragraph per layer, wrapped at spaces.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from quizkit.explain import FLOP_CONVENTION, ExplainReport, LayerRow

INLINE_WHY_WIDTH = 160


def shape_text(shape: list[int]) -> str:
    return "×".join(str(n) for n in shape) if shape else "-"


def si(n: float) -> str:
    """``4089958701`` → ``4.09G``."""
    for factor, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")):
        if abs(n) >= factor:
            return f"{n / factor:.2f}{suffix}"
    return str(int(n))


def megabytes(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def layer_label(row: LayerRow) -> str:
    """``conv1 Conv2d`` indented by depth; the root shows its type; repeated calls ``(2/3)``."""
    name = row.name.rsplit(".", 1)[-1] if row.name else ""
    call = f" ({row.call}/{row.calls})" if row.calls > 1 else ""
    indent = "  " * max(row.depth - 1, 0) if row.depth else ""
    return f"{indent}{name}{call} {row.type}".strip() if name else f"{row.type}{call}"


def _figures(row: LayerRow, collapsed: bool) -> tuple[str, str]:
    """Params and FLOPs cells: totals for leaves and collapsed rows; an expanded container
    shows only what its children do not (``--`` when that is nothing), so cells add up."""
    if row.leaf or collapsed:
        params, flops = row.params, row.flops
    else:
        params, flops = row.own_params, row.own_flops
    shared = row.call > 1 and row.module_params > 0  # parameters counted at the first call
    params_text = "(shared)" if shared else f"{params:,}"
    if not (row.leaf or collapsed) and params == 0:
        params_text = "--"
    flops_text = si(flops) if (row.leaf or collapsed or flops) else "--"
    return params_text, flops_text


GAP = 3
"""Characters between two columns: one of padding each side and the (blank) separator."""

HEADERS = ("layer", "input", "output", "params", "FLOPs", "why")
RIGHT = {"params", "FLOPs"}


def fit_widths(columns: list[list[str]], headers: list[str], available: int) -> list[int] | None:
    """Column widths that fit ``available`` without breaking a word, or None if impossible.

    Each column gets at least its longest word (and header); what is left goes first to the
    columns whose cells then fit on one line, narrowest need first, then shared out in order.
    """
    words = [
        max(
            [
                len(head),
                *(
                    len(word)
                    for cell in cells
                    for line in cell.splitlines()
                    for word in line.split()
                ),
            ]
        )
        for head, cells in zip(headers, columns, strict=True)
    ]
    natural = [
        max([len(head), *(len(line) for cell in cells for line in cell.splitlines())])
        for head, cells in zip(headers, columns, strict=True)
    ]
    room = available - GAP * (len(columns) - 1)
    if sum(words) > room:
        return None
    widths = list(words)
    spare = room - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: natural[i] - words[i]):
        grow = min(natural[i] - widths[i], spare)
        widths[i] += grow
        spare -= grow
    return widths


def render_explain(
    console: Console, report: ExplainReport, *, formulas: bool = True, depth: int = 3
) -> None:
    visible = report.visible(depth)
    inputs = ", ".join(f"{shape_text(list(i.shape))} {i.dtype}" for i in report.inputs)
    if report.arguments > len(report.inputs):
        inputs += " (self-attention: the same tensor as query, key and value)"
    console.print(Text.assemble((report.subject, "bold"), f"  {report.mode} mode, input {inputs}"))
    rows = []
    for row, collapsed in visible:
        params, flops = _figures(row, collapsed)
        cells = [
            layer_label(row),
            ", ".join(shape_text(s) for s in row.input_shapes) or "-",
            shape_text(row.output_shape),
            params,
            flops,
            "\n".join([*(line.text for line in row.formula), *row.notes]),
        ]
        rows.append((cells, collapsed))
    width = console.width
    widths = None
    inline = formulas and width >= INLINE_WHY_WIDTH
    if inline:
        widths = fit_widths([list(col) for col in zip(*(c for c, _ in rows), strict=True)], list(HEADERS), width)  # fmt: skip
        inline = widths is not None
    if not inline:
        rows = [(cells[:-1], collapsed) for cells, collapsed in rows]
        columns = [list(col) for col in zip(*(c for c, _ in rows), strict=True)]
        widths = fit_widths(columns, list(HEADERS[:-1]), width)
    if widths is None:
        _row_list(console, rows)
    else:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1), pad_edge=False)
        for header, column_width in zip(HEADERS, widths, strict=False):
            table.add_column(
                header,
                width=column_width,
                justify="right" if header in RIGHT else "left",
                style={"layer": "cyan", "why": "dim"}.get(header),
                overflow="fold",
            )
        for cells, collapsed in rows:
            table.add_row(*cells, style="dim" if collapsed else None)
        console.print(table)
    hidden = max((row.depth for row in report.layers), default=0) > depth
    if hidden:
        console.print(
            Text(
                f"Showing depth {depth} (--depth N for more): dimmed rows are totals of the "
                "layers inside them; --json keeps every row.",
                style="dim",
            )
        )
    if formulas and not inline:
        _why_section(console, [row for row, collapsed in visible if row.formula or row.notes])
    _footer(console, report)


def _row_list(console: Console, rows: list[tuple[list[str], bool]]) -> None:
    """Too narrow for columns: one wrapped paragraph per row."""
    for cells, collapsed in rows:
        label, shape_in, shape_out, params, flops = cells[:5]
        console.print(
            Text(f"{label}: {shape_in} -> {shape_out}, params {params}, FLOPs {flops}"),
            style="dim" if collapsed else None,
        )


def _why_section(console: Console, rows: list[LayerRow]) -> None:
    """The formulas below the table; a note already shown for an earlier row is not repeated."""
    seen: set[str] = set()
    printed_header = False
    for row in rows:
        notes = [note for note in row.notes if note not in seen]
        seen.update(notes)
        if not row.formula and not notes:
            continue
        if not printed_header:
            console.print(Text("Why", style="bold"))
            printed_header = True
        title = f"{row.name} {row.type}" if row.name else row.type
        call = f" (call {row.call} of {row.calls})" if row.calls > 1 else ""
        console.print(Text("  " + title + call, style="cyan"))
        for line in row.formula:
            _indented(console, Text(line.text))
        for note in notes:
            _indented(console, Text(note, style="dim"))


def _indented(console: Console, text: Text, indent: int = 4) -> None:
    """``text`` wrapped at spaces to the console width, every line indented (a hanging block)."""
    for line in text.wrap(console, max(console.width - indent, 20)):
        line.rstrip()
        console.print(Text(" " * indent) + line)


def _footer(console: Console, report: ExplainReport) -> None:
    memory = report.memory
    lines = [
        Text.assemble(
            ("Output ", "bold"),
            ", ".join(shape_text(s) for s in report.output_shapes),
        ),
        Text.assemble(("Total params ", "bold"), f"{report.params:,}"),
        Text.assemble(("Trainable params ", "bold"), f"{report.trainable_params:,}"),
        Text.assemble(("Non-trainable params ", "bold"), f"{report.non_trainable_params:,}"),
        Text.assemble(
            ("FLOPs ", "bold"),
            f"{report.flops:,} ({si(report.flops)}), ",
            ("MACs ", "bold"),
            f"{report.macs:,} ({si(report.macs)})",
        ),
        Text.assemble(
            ("Memory ", "bold"),
            f"input {megabytes(memory.input_bytes)}, params {megabytes(memory.param_bytes)}, "
            f"buffers {megabytes(memory.buffer_bytes)}, activations "
            f"{megabytes(memory.activation_bytes)} (forward; x2 with gradients = "
            f"{megabytes(memory.forward_backward_bytes)}), total "
            f"{megabytes(memory.total_bytes)}",
        ),
        Text(FLOP_CONVENTION, style="dim"),
        *(Text(f"torch warned: {warning}", style="yellow") for warning in report.warnings),
    ]
    for line in lines:
        console.print(line)
