"""The HTML worksheet in a real browser: headless Chromium prints it to PDF, and the pages are
read back with pdfinfo/pdftotext (A4, each version on its own pages, the running header on
every page, no question split, the key's answers all there). Skipped without chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizkit.cli.main import app

CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None
)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium is not installed (Debian package chromium; ./dev installs it as root)",
    ),
    pytest.mark.skipif(
        shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
        reason="pdfinfo/pdftotext are not installed (Debian package poppler-utils)",
    ),
]

SEED, VERSIONS, COUNT = 21, 2, 6


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two versions of a six-question worksheet as HTML (and JSON, for the answers)."""
    out = tmp_path_factory.mktemp("ws")
    args = ["worksheet", "conv", "pooling", "-n", str(COUNT), "--versions", str(VERSIONS)]
    args += ["--seed", str(SEED), "-f", "html", "-f", "json", "-o", str(out)]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return out


def _print_to_pdf(html: Path, tmp_path: Path) -> Path:
    assert CHROMIUM is not None
    pdf = tmp_path / f"{html.stem}.pdf"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",  # needed as root; the page is our own local file
        "--disable-gpu",
        f"--user-data-dir={tmp_path / 'profile'}",  # parallel tests must not share a profile
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        html.as_uri(),
    ]
    subprocess.run(command, capture_output=True, timeout=180, check=True)
    assert pdf.read_bytes().startswith(b"%PDF-")
    return pdf


def _pages(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "(A4)" in info.stdout, info.stdout
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert found is not None, info.stdout
    count = int(found[1])
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    pages = text.stdout.split("\f")
    assert len(pages) >= count and not "".join(pages[count:]).strip()
    return pages[:count]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_each_version_prints_on_its_own_a4_pages_with_the_header_on_every_page(
    made: Path, tmp_path: Path
) -> None:
    [html] = made.glob(f"worksheets-s{SEED}-all.html")
    pages = _pages(_print_to_pdf(html, tmp_path))
    assert len(pages) >= VERSIONS
    owner = []  # the version each page belongs to, from its running header
    for number, page in enumerate(pages, 1):
        first = page.strip().splitlines()[0]
        found = re.search(r"Convolution layers · Pooling layers\s+Version (\d+)$", first)
        assert found, f"page {number} has no running header: {first!r}"
        owner.append(int(found[1]))
        assert f"Page {number}" in page
    assert owner == sorted(owner) and set(owner) == set(range(1, VERSIONS + 1))
    for version in range(1, VERSIONS + 1):
        mine = [p for p, v in zip(pages, owner, strict=True) if v == version]
        assert f"ws-{SEED}-v{version}-" in mine[0] and "Name:" in mine[0]
        numbers = [n for page in mine for n in re.findall(r"^\s*(\d+)\.\s", page, re.MULTILINE)]
        assert numbers == [str(i) for i in range(1, COUNT + 1)]
        for page in mine:  # a question split over two pages would leave a page with a bare mark
            marks = len(re.findall(r"\[1 pt\]", page))
            assert marks == len(re.findall(r"^\s*\d+\.\s", page, re.MULTILINE)), page


def test_the_printed_key_shows_every_answer_of_every_version(made: Path, tmp_path: Path) -> None:
    [html] = made.glob(f"keys-s{SEED}-all.html")
    [data] = made.glob(f"worksheets-s{SEED}-all.json")
    text = _squash("".join(_pages(_print_to_pdf(html, tmp_path))))
    versions = json.loads(data.read_text("utf-8"))["versions"]
    assert len(versions) == VERSIONS
    for version in versions:
        for question in version["questions"]:
            assert _squash(question["answer_text"]) in text, question["id"]
