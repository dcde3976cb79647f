"""Write a worksheet's files into a folder: per version the worksheet, key and answer sheet.

Per version ``<id>`` and format ``<ext>``: ``worksheet-<id>.<ext>``, ``key-<id>.<ext>`` and
``answers-<id>.yaml``. With more than one version, also ``worksheets-s<seed>-all.<ext>`` and
``keys-s<seed>-all.<ext>``: every version in one file, for printing in one go. The combined
PDFs are the single ones joined page for page (:mod:`quizkit.worksheet.pdfmerge`), which is as
fast as copying, rather than a second typesetting of every version.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from quizkit.bank.bank import Bank
from quizkit.errors import UsageError
from quizkit.worksheet.build import Version, Worksheet, build_item, build_worksheet
from quizkit.worksheet.formats import Format
from quizkit.worksheet.select import Selection
from quizkit.worksheet.sheet import render_answer_sheet, sheet_filename


@dataclass(frozen=True)
class Written:
    """One file written, and what it holds."""

    path: Path
    what: str


Renderer = Callable[[Worksheet, tuple[Version, ...], bool], bytes]


def _pdf(worksheet: Worksheet, versions: tuple[Version, ...], key: bool) -> bytes:
    from quizkit.worksheet.typeset import render_pdf

    return render_pdf(worksheet, versions, key=key)


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


def render_files(
    worksheet: Worksheet,
    formats: Sequence[Format],
    *,
    key: bool,
    ready: Mapping[str, bytes] | None = None,
) -> dict[str, bytes]:
    """The keys (``key``) or the students' sheets of every version, single and combined;
    files already in ``ready`` are reused, not rendered again.

    JSON always holds the answers, so it is rendered with the keys (named ``worksheet-*``).
    """
    done = ready or {}
    contents: dict[str, bytes] = {}
    for fmt in formats:
        if fmt is Format.JSON and not key:
            continue
        keyed = key and fmt is not Format.JSON
        stem, all_stem = ("key", "keys") if keyed else ("worksheet", "worksheets")
        names = [f"{stem}-{v.id}.{fmt.value}" for v in worksheet.versions]
        singles = {
            name: done[name] if name in done else render(worksheet, (v,), fmt, key=keyed)
            for name, v in zip(names, worksheet.versions, strict=True)
        }
        contents.update(singles)
        if len(worksheet.versions) > 1:
            name = f"{all_stem}-s{worksheet.seed}-all.{fmt.value}"
            if name in done:
                contents[name] = done[name]
            elif fmt is Format.PDF:
                contents[name] = _combined_pdf(worksheet, list(singles.values()), key=keyed)
            else:
                contents[name] = render(worksheet, worksheet.versions, fmt, key=keyed)
    return contents


def _combined_pdf(worksheet: Worksheet, singles: list[bytes], *, key: bool) -> bytes:
    """The versions' PDFs joined (milliseconds), or typeset again if they cannot be joined."""
    from quizkit.messages import messages
    from quizkit.worksheet.pdfmerge import merge_pdfs

    text = messages(worksheet.lang)
    title = f"{worksheet.title} ({text.keys_word if key else text.worksheets_word})"
    try:
        return merge_pdfs(singles, title=title)
    except ValueError:  # a Typst version writing PDFs the joiner does not know
        return render(worksheet, worksheet.versions, Format.PDF, key=key)


def make_worksheet(
    bank: Bank,
    selection: Selection,
    *,
    seed: int,
    versions: int,
    title: str | None,
    formats: Sequence[Format],
    out_dir: Path,
) -> tuple[Worksheet, list[Written]]:
    """Build and write a worksheet, overlapping torch's start-up and the truths with Typst.

    The students' sheets show no answers, so they are typeset from a blank build while a
    background thread imports torch (Typst releases the GIL while it compiles). Then each
    version's truths are computed while the previous version's key PDF compiles. The files are
    byte for byte those :func:`write_worksheet` alone would write for the same worksheet.
    """
    from quizkit.bank.truth_loader import load_truth_engine

    loader = threading.Thread(target=load_truth_engine, name="quizkit-torch", daemon=True)
    loader.start()
    blank = build_worksheet(
        bank, selection, seed=seed, versions=versions, title=title, truths=False
    )
    ready = render_files(blank, formats, key=False)
    loader.join()
    full: list[Version] = []
    keys: dict[str, Future[bytes]] = {}
    with ThreadPoolExecutor(max_workers=1) as typesetter:
        for version in blank.versions:
            built = Version(
                version.id, tuple(build_item(i.number, i.question) for i in version.items)
            )
            full.append(built)
            if Format.PDF in formats:
                keys[f"key-{built.id}.pdf"] = typesetter.submit(
                    render, blank, (built,), Format.PDF, key=True
                )
        ready.update({name: future.result() for name, future in keys.items()})
    worksheet = replace(blank, versions=tuple(full))
    return worksheet, write_worksheet(worksheet, formats=formats, out_dir=out_dir, ready=ready)


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
    contents = dict(ready or {})
    for key in (False, True):
        contents.update(render_files(worksheet, formats, key=key, ready=contents))
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
