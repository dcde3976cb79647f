"""Student-controlled text (exception messages, stdout/stderr) made safe for reports and CI logs.

- terminal escapes and other control characters are removed (a report must not repaint the
  terminal or hide lines), tabs and newlines are kept;
- a line that a CI runner would read as a command — GitHub Actions ``::error::``/``::set-output``/
  ``::stop-commands::``, Azure ``##vso[``, legacy ``##[`` — is defused by breaking its prefix:
  ``::error::x`` becomes ``: :error::x``. Only line starts are touched, so messages that name
  ops such as ``aten::relu`` read as before.
"""

from __future__ import annotations

import re

from quizkit.exercises.models import ExerciseResult

_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_COMMAND = re.compile(r"^(\s*)(::|##)", re.MULTILINE)


def clean_text(text: str) -> str:
    """``text`` without control characters and with CI commands at line starts defused."""
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
