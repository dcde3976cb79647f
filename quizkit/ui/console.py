"""Consoles for stdout and stderr, honouring NO_COLOR and narrow terminals (rich does both)."""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console
from rich.markup import escape


def make_console(file: TextIO | None = None, *, stderr: bool = False) -> Console:
    """A rich console on ``file`` (default stdout/stderr); no colour when not a terminal."""
    stream = file if file is not None else (sys.stderr if stderr else sys.stdout)
    return Console(file=stream, highlight=False, soft_wrap=False)


def print_error(message: str) -> None:
    """One line on stderr: ``quizkit: error: <message>``."""
    console = make_console(stderr=True)
    console.print(f"[bold red]quizkit: error:[/] {escape(message)}", markup=True, soft_wrap=True)
