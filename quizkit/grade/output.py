"""Writing reports: only to the path the instructor named, atomically (a temporary file in the
same directory, then ``os.replace``), so a reader never sees half a report and a file a student
wrote at that path beforehand is replaced, not appended to. Text that UTF-8 cannot encode (a
lone surrogate a report builder missed) is written as a backslash escape, never an error."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from quizkit.errors import QuizkitError


class ReportWriteError(QuizkitError):
    """The report file cannot be written."""


def write_atomic(path: Path, text: str) -> None:
    if path.exists() and not path.is_file():
        # A device or pipe (/dev/null, /dev/stdout, a FIFO): replacing it would destroy it
        # (as root, /dev/null itself), so write into it instead.
        _write_in_place(path, text)
        return
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise ReportWriteError(f"{path}: cannot write ({error.strerror or error})") from None
    try:
        with os.fdopen(
            fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n"
        ) as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ReportWriteError(f"{path}: cannot write ({error.strerror or error})") from None


def _write_in_place(path: Path, text: str) -> None:
    try:
        with path.open("w", encoding="utf-8", errors="backslashreplace", newline="\n") as handle:
            handle.write(text)
    except OSError as error:
        raise ReportWriteError(f"{path}: cannot write ({error.strerror or error})") from None
