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


def render_files(worksheet: Worksheet, formats: Sequence[Format], *, key: bool) -> dict[str, bytes]:
    """The keys (``key``) or the students' sheets of every version, single and combined.

    JSON always holds the answers, so it is rendered with the keys (named ``worksheet-*``).
    """
    contents: dict[str, bytes] = {}
    for fmt in formats:
        if fmt is Format.JSON and not key:
            continue
        keyed = key and fmt is not Format.JSON
        stem, all_stem = ("key", "keys") if keyed else ("worksheet", "worksheets")
        singles = {
            f"{stem}-{v.id}.{fmt.value}": render(worksheet, (v,), fmt, key=keyed)
            for v in worksheet.versions
        }
        contents.update(singles)
        if len(worksheet.versions) > 1:
            name = f"{all_stem}-s{worksheet.seed}-all.{fmt.value}"
            if fmt is Format.PDF:
                contents[name] = _combined_pdf(worksheet, list(singles.values()), key=keyed)
            else:
                contents[name] = render(worksheet, worksheet.versions, fmt, key=keyed)
    return contents


def _combined_pdf(worksheet: Worksheet, singles: list[bytes], *, key: bool) -> bytes:
    """The versions' PDFs joined (milliseconds), or typeset again if they cannot be joined."""
    from quizkit.worksheet.pdfmerge import merge_pdfs

    title = f"{worksheet.title} ({'answer keys' if key else 'worksheets'})"
    try:
        return merge_pdfs(singles, title=title)
    except ValueError:  # a Typst version writing PDFs the joiner does not know
        return render(worksheet, worksheet.versions, Format.PDF, key=key)


def make_worksheet(
    build: Callable[[bool], Worksheet], *, formats: Sequence[Format], out_dir: Path
) -> tuple[Worksheet, list[Written]]:
    """Build and write a worksheet, typesetting the students' sheets while torch loads.

    ``build(truths)`` builds the worksheet, blank when ``truths`` is false. The students' sheets
    show no answers, so they are rendered from the blank build while a background thread
    imports torch (Typst releases the GIL while it compiles); the keys follow once the truths
    are computed. The files are the same as :func:`write_worksheet` alone would write.
    """
    import threading

    from quizkit.bank.truth_loader import load_truth_engine

    loader = threading.Thread(target=load_truth_engine, name="quizkit-torch", daemon=True)
    loader.start()
    students = render_files(build(False), formats, key=False)
    loader.join()
    worksheet = build(True)
    return worksheet, write_worksheet(worksheet, formats=formats, out_dir=out_dir, ready=students)


def write_worksheet(
    worksheet: Worksheet,
    *,
    formats: Sequence[Format],
    out_dir: Path,
    ready: dict[str, bytes] | None = None,
) -> list[Written]:
    """Render every file of ``worksheet`` into ``out_dir`` (created if needed); files already
    rendered (``ready``, e.g. the students' sheets) are written as they are."""
    if not formats:
        raise UsageError("give at least one --format")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"{out_dir}: cannot create the output folder: {error.strerror}") from None
    students = ready if ready is not None else render_files(worksheet, formats, key=False)
    contents = {**students, **render_files(worksheet, formats, key=True)}
    for version in worksheet.versions:
        contents[sheet_filename(version)] = render_answer_sheet(worksheet, version).encode()
    written = []
    for name, what in planned_files(worksheet, formats):
        path = out_dir / name
        try:
            path.write_bytes(contents[name])
        except OSError as error:
            raise UsageError(f"{path}: cannot write: {error.strerror}") from None
        written.append(Written(path, what))
    return written
