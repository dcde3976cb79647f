"""The output and export formats, in a module light enough for the CLI to import at start-up."""

from __future__ import annotations

from enum import Enum


class Format(str, Enum):
    """Output formats of ``quizkit worksheet``."""

    PDF = "pdf"
    MD = "md"
    HTML = "html"
    JSON = "json"


class ExportFormat(str, Enum):
    """Learning-management-system exports of ``quizkit export``."""

    MOODLE = "moodle"
    GIFT = "gift"
    QTI = "qti"  # QTI 1.2 zip, as Canvas and Blackboard import it
