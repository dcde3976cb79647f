"""Rich rendering of the exercise catalog and of check results (plain data in, console out)."""

from __future__ import annotations

import io
import json

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from quizkit.exercises.catalog import ExerciseInfo
from quizkit.exercises.models import ExerciseResult, TestStatus

STATUS_STYLE = {  # shared with quizkit.ui.grade
    TestStatus.PASSED: "green",
    TestStatus.FAILED: "red",
    TestStatus.ERROR: "red",
    TestStatus.TIMEOUT: "yellow",
    TestStatus.FORBIDDEN: "magenta",
    TestStatus.MISSING: "yellow",
}


def render_catalog(console: Console, exercises: tuple[ExerciseInfo, ...]) -> None:
    table = Table(title="Coding exercises", show_lines=False)
    table.add_column("exercise", style="bold")
    table.add_column("difficulty")
    table.add_column("description")
    for info in exercises:
        table.add_row(info.name, info.difficulty.value, escape(info.summary))
    console.print(table)
    console.print(
        "Start one with: quizkit exercise start NAME -o FILE (add --notebook for Jupyter)"
    )


def render_result(
    console: Console, result: ExerciseResult, path: str, *, reproduce: str = ""
) -> None:
    """The result table, points per group, every failure in full, and the verdict line;
    ``reproduce`` says how to re-run with the same seed (default: ``--seed N``)."""
    table = Table(title=f"{result.exercise}: {escape(path)} (seed {result.seed})")
    table.add_column("group")
    table.add_column("test")
    table.add_column("status")
    table.add_column("points", justify="right")
    for t in result.tests:
        style = STATUS_STYLE[t.status]
        table.add_row(
            escape(t.group),
            escape(t.name),
            f"[{style}]{t.status.value}[/]",
            f"{t.points:g}/{t.max_points:g}",
        )
    console.print(table)
    groups = Table(title="points per group", show_header=True)
    groups.add_column("group")
    groups.add_column("points", justify="right")
    for group, points, max_points in result.group_points():
        groups.add_row(escape(group), f"{points:g}/{max_points:g}")
    console.print(groups)
    failures = [t for t in result.tests if t.status is not TestStatus.PASSED]
    for t in failures:
        style = STATUS_STYLE[t.status]
        console.print(f"[bold {style}]{t.status.value}[/] [bold]{escape(t.name)}[/]")
        for line in t.message.splitlines():
            console.print(f"  {escape(line)}")
        if t.output.strip():
            console.print("  [dim]output:[/]")
            for line in t.output.strip().splitlines()[:20]:
                console.print(f"  [dim]| {escape(line)}[/]")
    verdict = "[bold green]all tests passed[/]" if result.passed else "[bold red]not yet[/]"
    console.print(
        f"{verdict}: {result.score:g}/{result.max_score:g} points; "
        f"reproduce with {escape(reproduce or f'--seed {result.seed}')}"
    )


def render_json(console: Console, result: ExerciseResult) -> None:
    """Exactly one JSON object on one line (the documented schema)."""
    console.file.write(json.dumps(result.to_json_dict()) + "\n")


def render_notebook_check(
    console: Console,
    result: ExerciseResult | None,
    notebook: str,
    unsaved: list[str],
    *,
    error: str = "",
) -> None:
    """The check cell's output: a warning when the kernel ran code the saved notebook does not
    hold, then the result table (rich renders it as HTML in Jupyter), or one error line."""
    if error or result is None:
        console.print(f"[bold red]quizkit: error:[/] {escape(error)}")
        return
    if unsaved:
        names = ", ".join(unsaved)
        console.print(
            f"[bold yellow]warning:[/] the code you ran for {escape(names)} differs from the "
            f"saved {escape(notebook)}, and the saved file is what is checked: save the "
            "notebook (Ctrl+S / Cmd+S) and run this cell again"
        )
    render_result(console, result, notebook, reproduce=f"check_here(..., seed={result.seed})")


_NOTEBOOK_HTML = (
    '<pre style="white-space:pre;overflow-x:auto;line-height:normal;'
    "font-family:Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace\">{code}</pre>"
)


def notebook_check_bundle(
    result: ExerciseResult | None,
    notebook: str,
    unsaved: list[str],
    *,
    error: str = "",
    width: int = 100,
) -> dict[str, str]:
    """The check cell's output as one Jupyter display bundle: ``text/html`` (the coloured
    tables, inline styles) and ``text/plain`` (the same text without any terminal escapes)."""
    console = Console(
        file=io.StringIO(),
        record=True,
        width=width,
        force_terminal=True,
        force_jupyter=False,
        color_system="truecolor",
        highlight=False,
    )
    render_notebook_check(console, result, notebook, unsaved, error=error)
    html = console.export_html(inline_styles=True, code_format=_NOTEBOOK_HTML, clear=False)
    return {"text/plain": console.export_text(styles=False), "text/html": html}
