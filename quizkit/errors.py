"""The error hierarchy. Each error carries a one-line message and the exit code it maps to.

The CLI catches :class:`QuizkitError` once, at the top, and prints ``quizkit: error: <message>``;
no traceback reaches the user for bad input. Exit codes: 0 ok, 1 wrong or failed, 2 bad usage
or bad input.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    FAILED = 1
    BAD_INPUT = 2


class QuizkitError(Exception):
    """Base class: an expected failure with a message fit for the user."""

    exit_status: ExitStatus = ExitStatus.BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BankError(QuizkitError):
    """The question bank is malformed: a YAML or schema error, located as ``file:line: field``."""


class UnknownQuestionError(QuizkitError):
    """A template id, topic or question id that the bank does not hold."""


class TemplateError(QuizkitError):
    """A template failed while sampling, rendering or computing its truth."""

    exit_status = ExitStatus.FAILED


class ValidationFailed(QuizkitError):
    """``quizkit validate`` found broken templates."""

    exit_status = ExitStatus.FAILED


class ExplainError(QuizkitError):
    """A module expression or input shape that cannot be explained (e.g. too small an input)."""

    exit_status = ExitStatus.FAILED


class UsageError(QuizkitError):
    """Bad arguments that typer's own validation cannot catch."""
