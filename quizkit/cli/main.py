"""The ``quizkit`` command: sub-apps joined with ``add_typer``; errors mapped to exits once.

Nothing here imports torch: ``quizkit --help`` and ``quizkit topics`` must stay fast.
"""

from __future__ import annotations

import os
from typing import Any

import typer
from typer.core import TyperGroup

from quizkit.errors import QuizkitError


class QuizkitGroup(TyperGroup):
    """Maps every :class:`QuizkitError` raised by a command to one line on stderr and its exit code.

    Set ``QUIZKIT_TRACEBACK=1`` to re-raise instead (for debugging quizkit itself).
    """

    def invoke(self, ctx: Any) -> Any:  # typer vendors click; its Context type is private
        try:
            return super().invoke(ctx)
        except QuizkitError as error:
            if os.environ.get("QUIZKIT_TRACEBACK"):
                raise
            from quizkit.ui.console import print_error

            print_error(error.message)
            raise typer.Exit(int(error.exit_status)) from None


app = typer.Typer(
    cls=QuizkitGroup,
    name="quizkit",
    help="Practise, check and autograde deep-learning fundamentals against live PyTorch.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        from quizkit import __version__

        typer.echo(f"quizkit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """Practise, check and autograde deep-learning fundamentals against live PyTorch."""


def _register() -> None:
    """Attach every command module. Each module is light: torch loads only inside commands."""
    from quizkit.cli import bank, exercise, explain, grade, practice, worksheet

    for module in (bank, practice, explain, exercise, grade, worksheet):
        module.register(app)


_register()


def main() -> None:
    """Console-script entry point."""
    from quizkit.cli import leave

    leave.FAST_EXIT = True
    app()
