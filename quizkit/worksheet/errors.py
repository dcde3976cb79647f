"""Worksheet errors, each mapped to one line and an exit code by the CLI root."""

from __future__ import annotations

from quizkit.errors import ExitStatus, QuizkitError


class AnswerSheetError(QuizkitError):
    """An answer sheet that cannot be read: not YAML, not an answer sheet, a malformed field.

    The message names the file and, where known, the line: ``answers.yaml:7: ...``.
    """


class StaleWorksheetError(QuizkitError):
    """The bank changed since the worksheet was made, so its questions cannot be regenerated."""


class RenderError(QuizkitError):
    """A worksheet could not be typeset (a bug in quizkit, or a font or Typst problem)."""

    exit_status = ExitStatus.FAILED


class ChangedTemplateError(StaleWorksheetError):
    """A template an answer sheet was made from has changed since (refused by name)."""
