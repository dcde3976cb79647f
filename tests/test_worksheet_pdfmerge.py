"""Joining Typst PDFs: the combined worksheet is the single ones, page for page."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_worksheet_common import small_worksheet

from quizkit.worksheet.pdfmerge import _read, merge_pdfs
from quizkit.worksheet.typeset import compile_pdf, worksheet_source


def _singles(key: bool) -> list[bytes]:
    worksheet = small_worksheet()
    return [compile_pdf(worksheet_source(worksheet, (v,), key=key)) for v in worksheet.versions]


def test_merged_pdf_has_every_page_in_order_and_resolving_references() -> None:
    singles = _singles(key=True)
    merged = merge_pdfs(singles, title="Keys (all)")
    objects, pages = _read(merged)
    assert len(pages) == sum(len(_read(pdf)[1]) for pdf in singles)
    for number, obj in objects.items():
        for ref in re.findall(rb"(\d+) 0 R", obj.head):
            assert int(ref) in objects, f"object {number} refers to missing {ref!r}"
    offsets = [m.start() for m in re.finditer(rb"(?m)^\d+ 0 obj$", merged)]
    assert len(offsets) == len(objects)


def test_merging_is_deterministic_and_keeps_the_title() -> None:
    singles = _singles(key=False)
    first = merge_pdfs(singles, title="Worksheets, all")
    assert first == merge_pdfs(singles, title="Worksheets, all")
    assert "Worksheets, all".encode("utf-16-be") in first


@pytest.mark.parametrize(
    "bad", [b"", b"%PDF-1.7\nnothing here", b"%PDF-1.7\n" + b"x" * 100 + b"startxref\n5\n%%EOF"]
)
def test_what_it_cannot_read_is_a_value_error(bad: bytes) -> None:
    with pytest.raises(ValueError):
        merge_pdfs([bad])


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm")
def test_merged_pages_render_exactly_like_the_typeset_combined_document(tmp_path: Path) -> None:
    worksheet = small_worksheet()
    merged = tmp_path / "merged.pdf"
    typeset = tmp_path / "typeset.pdf"
    merged.write_bytes(merge_pdfs(_singles(key=False)))
    typeset.write_bytes(compile_pdf(worksheet_source(worksheet, worksheet.versions, key=False)))

    def pixels(path: Path) -> bytes:
        return subprocess.run(
            ["pdftoppm", "-r", "30", "-gray", str(path)], check=True, capture_output=True
        ).stdout

    assert pixels(merged) == pixels(typeset)
