"""``quizkit exercise list|start|check``: coding exercises checked against PyTorch.

Thin layer: parse arguments, call :mod:`quizkit.exercises`, render with :mod:`quizkit.ui`.
torch is imported only inside ``check``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from quizkit.cli.options import lang_option
from quizkit.errors import ExitStatus, UsageError
from quizkit.exercises.sandbox import Isolation, Limits

_LIMITS = Limits()  # CLI defaults come from the core

exercise_app = typer.Typer(
    name="exercise",
    help="Implement layers yourself; hidden tests compare them with PyTorch.",
    no_args_is_help=True,
)


@exercise_app.command("list")
def list_command() -> None:
    """Show the catalog: name, difficulty and a one-line description."""
    from quizkit.exercises.catalog import list_exercises
    from quizkit.ui.console import make_console
    from quizkit.ui.exercise import render_catalog

    render_catalog(make_console(), list_exercises())


@exercise_app.command("start")
def start_command(
    name: str = typer.Argument(..., help="Exercise name (see `quizkit exercise list`)."),
    output: Path | None = typer.Option(
        None, "-o", "--output", dir_okay=False, help="Where to write the starter file."
    ),
    notebook: bool = typer.Option(
        False, "--notebook", help="Write a Jupyter notebook (the default with -o FILE.ipynb)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    lang: str | None = lang_option(),
) -> None:
    """Write the starter file: signatures, exact docstrings, runnable examples."""
    from quizkit.bank.locale import resolve_lang
    from quizkit.exercises.catalog import get_exercise, starter_source
    from quizkit.exercises.notebook import is_notebook

    get_exercise(name)  # unknown name: exit 2 before touching any file
    language = resolve_lang(lang)
    notebook = notebook or (output is not None and is_notebook(output))
    target = output or Path(f"{name}.ipynb" if notebook else f"{name}.py")
    if target.exists() and not force:
        raise UsageError(f"{target}: already exists (use --force to overwrite)")
    if notebook:
        import nbformat

        from quizkit.exercises.starter_notebook import starter_notebook

        source = nbformat.writes(starter_notebook(name, target.name)) + "\n"
        hint = f"open it in Jupyter (`jupyter lab {target}`) and run its last cell to check"
    else:
        source = starter_source(name, language).replace("THIS_FILE", str(target))
        hint = f"run `python {target}`, then `quizkit exercise check {name} {target}`"
    try:
        target.write_text(source, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{target}: cannot write ({error.strerror})") from None
    typer.echo(f"wrote {target}; {hint}")


@exercise_app.command("check")
def check_command(
    name: str = typer.Argument(..., help="Exercise name."),
    file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="Your solution: a .py file or a Jupyter notebook (.ipynb).",
    ),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
    seed: int | None = typer.Option(None, "--seed", help="Fix the hidden cases (default: random)."),
    timeout: float = typer.Option(_LIMITS.timeout, "--timeout", min=0.1, help="Seconds per test."),
    isolation: Isolation | None = typer.Option(
        None,
        "--isolation",
        help="bwrap (sandbox) or process (no sandbox); default: bwrap when installed.",
    ),
) -> None:
    """Run the hidden tests on FILE. Exit 0 iff every test passed, 1 otherwise."""
    from quizkit.exercises.catalog import get_exercise
    from quizkit.exercises.sandbox import resolve_isolation

    get_exercise(name)  # unknown name: exit 2 before any work
    mode, notice = resolve_isolation(isolation)
    if notice:
        typer.echo(f"note: {notice}", err=True)
    from quizkit.exercises.notebook import check_file
    from quizkit.ui.console import make_console
    from quizkit.ui.exercise import render_json, render_result

    limits = Limits(timeout=timeout)
    result = check_file(name, file, seed=seed, limits=limits, isolation=mode)
    console = make_console()
    if json_output:
        render_json(console, result)
    else:
        render_result(console, result, str(file))
    if not result.passed:
        raise typer.Exit(int(ExitStatus.FAILED))


def register(app: typer.Typer) -> None:
    """Attach ``quizkit exercise`` to the root app."""
    app.add_typer(exercise_app, name="exercise")
