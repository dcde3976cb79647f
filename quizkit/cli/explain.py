"""``quizkit explain`` (being written)."""

import typer


def register(app: typer.Typer) -> None:
    """Attach the explain command to ``app``."""
