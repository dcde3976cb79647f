"""Student-controlled text (exception messages, stdout/stderr) made safe for reports and CI logs.

- terminal escapes and other control characters are removed (a report must not repaint the
  terminal or hide lines), tabs and newlines are kept;
- a line that a CI runner would read as a command — GitHub Actions ``::error::``/``::set-output``/
  ``::stop-commands::``, Azure ``##vso[``, legacy ``##[`` — is defused by breaking its prefix:
  ``::error::x`` becomes ``: :error::x``. Only line starts are touched, so messages that name
  ops such as ``aten::relu`` read as before;
- characters no encoder or XML writer accepts — lone surrogates (``\\ud800``), NUL, the
  noncharacters U+FFFE/U+FFFF/U+FDD0–U+FDEF — are written as visible escapes (``\\ud800``),
  never raised on;
- the length is bounded (:data:`MAX_TEXT` characters).

Worker text enters the grader's results only through :func:`clean_text` (the exercise runner
calls it on every message and captured output), so every report format gets safe text.
"""

from __future__ import annotations

import re

from quizkit.exercises.models import ExerciseResult

_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_COMMAND = re.compile(r"^(\s*)(::|##)", re.MULTILINE)
_UNENCODABLE = re.compile("[\ud800-\udfff\ufffe\uffff\ufdd0-\ufdef\x00]")
MAX_TEXT = 20_000


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` without control characters, unencodable characters escaped, CI commands at line
    starts defused, at most ``limit`` characters (then ``... (truncated)``)."""
    if not isinstance(text, str):
        text = repr(text)
    if len(text) > limit:
        text = text[:limit] + "... (truncated)"
    text = _UNENCODABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", _ANSI.sub("", text))
    return _COMMAND.sub(lambda m: f"{m.group(1)}{m.group(2)[0]} {m.group(2)[1]}", text)


def clean_result(result: ExerciseResult) -> ExerciseResult:
    """A copy of ``result`` whose messages and captured output went through :func:`clean_text`."""
    tests = [
        t.model_copy(update={"message": clean_text(t.message), "output": clean_text(t.output)})
        for t in result.tests
    ]
    return result.model_copy(update={"tests": tests})
