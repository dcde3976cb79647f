"""Where quizkit keeps a student's history."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DB_NAME = "attempts.db"


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$QUIZKIT_HOME`` if set, else ``$XDG_DATA_HOME/quizkit``, else ``~/.local/share/quizkit``.

    An empty variable counts as unset, as the XDG base-directory specification says.
    """
    env = os.environ if environ is None else environ
    if env.get("QUIZKIT_HOME"):
        return Path(env["QUIZKIT_HOME"]).expanduser()
    xdg = env.get("XDG_DATA_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "quizkit"
    return Path.home() / ".local" / "share" / "quizkit"


def db_path(environ: Mapping[str, str] | None = None) -> Path:
    return data_dir(environ) / DB_NAME
