"""Write a worksheet's files into a folder: per version the worksheet, key and answer sheet.

Per version ``<id>`` and format ``<ext>``: ``worksheet-<id>.<ext>``, ``key-<id>.<ext>`` and
``answers-<id>.yaml``. With more than one version, also ``worksheets-s<seed>-all.<ext>`` and
``keys-s<seed>-all.<ext>``: every version in one file, for printing in one go. The combined
PDFs are the single ones joined page for page (:mod:`quizkit.worksheet.pdfmerge`), which is as
fast as copying, rather than a second typesetting of every version.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from quizkit.errors import UsageError
from quizkit.worksheet.build import Version, Worksheet
from quizkit.worksheet.formats import Format
from quizkit.worksheet.sheet import render_answer_sheet, sheet_filename


@dataclass(frozen=True)
class Written:
    """One file written, and what it holds."""

    path: Path
    what: str


Renderer = Callable[[Worksheet, tuple[Version, ...], bool], bytes]


def _pdf(worksheet: Worksheet, versions: tuple[Version, ...], key: bool) -> bytes:
    from quizkit.worksheet.typeset import compile_pdf, worksheet_source

    return compile_pdf(worksheet_source(worksheet, versions, key=key))


def _md(worksheet: Worksheet, versions: tuple[Version, ...], key: bool) -> bytes:
    from quizkit.worksheet.markdown import worksheet_markdown

    return worksheet_markdown(worksheet, versions, key=key).encode()


def _html(worksheet: Worksheet, versions: tuple[Version, ...], key: bool) -> bytes:
    from quizkit.worksheet.html import worksheet_html

    return worksheet_html(worksheet, versions, key=key).encode()


def _json(worksheet: Worksheet, versions: tuple[Version, ...], key: bool) -> bytes:
    from quizkit.worksheet.jsonout import worksheet_json

    return worksheet_json(worksheet, versions).encode()


RENDERERS: dict[Format, Renderer] = {
    Format.PDF: _pdf,
    Format.MD: _md,
    Format.HTML: _html,
    Format.JSON: _json,
}


def render(worksheet: Worksheet, versions: tuple[Version, ...], fmt: Format, *, key: bool) -> bytes:
    """``versions`` of ``worksheet`` in format ``fmt``; JSON always includes the answers."""
    return RENDERERS[fmt](worksheet, versions, key)


def planned_files(worksheet: Worksheet, formats: Sequence[Format]) -> list[tuple[str, str]]:
    """(file name, what) of every file :func:`write_worksheet` writes, in order."""
    names: list[tuple[str, str]] = []
    for version in worksheet.versions:
        for fmt in formats:
            names.append(
                (f"worksheet-{version.id}.{fmt.value}", f"worksheet, version {version.number}")
            )
            if fmt is not Format.JSON:
                names.append((f"key-{version.id}.{fmt.value}", f"key, version {version.number}"))
        names.append((sheet_filename(version), f"answer sheet, version {version.number}"))
    if len(worksheet.versions) > 1:
        for fmt in formats:
            names.append((f"worksheets-s{worksheet.seed}-all.{fmt.value}", "all worksheets"))
            if fmt is not Format.JSON:
                names.append((f"keys-s{worksheet.seed}-all.{fmt.value}", "all keys"))
    return names


def _combined_pdf(worksheet: Worksheet, singles: list[bytes], *, key: bool) -> bytes:
    """The versions' PDFs joined (milliseconds), or typeset again if they cannot be joined."""
    from quizkit.worksheet.pdfmerge import merge_pdfs

    title = f"{worksheet.title} ({'answer keys' if key else 'worksheets'})"
    try:
        return merge_pdfs(singles, title=title)
    except ValueError:  # a Typst version writing PDFs the joiner does not know
        return render(worksheet, worksheet.versions, Format.PDF, key=key)


def write_worksheet(
    worksheet: Worksheet, *, formats: Sequence[Format], out_dir: Path
) -> list[Written]:
    """Render every file of ``worksheet`` into ``out_dir`` (created if needed)."""
    if not formats:
        raise UsageError("give at least one --format")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"{out_dir}: cannot create the output folder: {error.strerror}") from None
    contents: dict[str, bytes] = {}
    for version in worksheet.versions:
        single = (version,)
        for fmt in formats:
            contents[f"worksheet-{version.id}.{fmt.value}"] = render(
                worksheet, single, fmt, key=False
            )
            if fmt is not Format.JSON:
                contents[f"key-{version.id}.{fmt.value}"] = render(worksheet, single, fmt, key=True)
        contents[sheet_filename(version)] = render_answer_sheet(worksheet, version).encode()
    if len(worksheet.versions) > 1:
        for fmt in formats:
            for key in (False, True) if fmt is not Format.JSON else (False,):
                name = f"{'keys' if key else 'worksheets'}-s{worksheet.seed}-all.{fmt.value}"
                if fmt is Format.PDF:
                    singles = [
                        contents[f"{'key' if key else 'worksheet'}-{v.id}.pdf"]
                        for v in worksheet.versions
                    ]
                    contents[name] = _combined_pdf(worksheet, singles, key=key)
                else:
                    contents[name] = render(worksheet, worksheet.versions, fmt, key=key)
    written = []
    for name, what in planned_files(worksheet, formats):
        path = out_dir / name
        try:
            path.write_bytes(contents[name])
        except OSError as error:
            raise UsageError(f"{path}: cannot write: {error.strerror}") from None
        written.append(Written(path, what))
    return written
