"""Leaving a command quickly once torch is loaded.

Interpreter teardown after torch (and torch._dynamo, which FlopCounterMode loads) takes 0.5-1 s,
paid after the user already has every result. A command whose files are written and closed,
and that leaves no child process behind, may skip it with :func:`leave`. Only the real
console command allows this (``quizkit.cli.main.main`` sets :data:`FAST_EXIT`); in-process
callers such as tests get an ordinary ``typer.Exit``.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import typer

FAST_EXIT = False


def leave(status: int = 0) -> NoReturn:
    """Exit with ``status``, skipping interpreter teardown when torch is loaded (see above)."""
    if FAST_EXIT and "torch" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    raise typer.Exit(status)
