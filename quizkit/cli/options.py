"""Options shared by several commands, declared once.

Light on purpose (no quizkit.bank import): ``quizkit --help`` must stay fast. The default of
``--lang`` is decided by the core, :func:`quizkit.bank.locale.resolve_lang`, when a command runs.
"""

from __future__ import annotations

from typing import Any

import typer

LANG_HELP = (
    "Language of questions and feedback: en or zh (中文). "
    "Default: $QUIZKIT_LANG, else zh when $LC_ALL/$LANG is zh*, else en."
)


def lang_option() -> Any:  # typer's OptionInfo; Any so it can default a `str | None` parameter
    """``--lang en|zh``; None means "as the environment says" (resolved by the core)."""
    return typer.Option(None, "--lang", metavar="en|zh", help=LANG_HELP, show_default=False)
