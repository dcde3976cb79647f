"""``quizkit topics``, ``quizkit show``, ``quizkit validate`` (being written)."""

import typer


def register(app: typer.Typer) -> None:
    """Attach the bank commands to ``app``."""
