"""Rendering: golden Markdown, deterministic PDF/HTML/JSON, files written, LMS exports, CLI."""

from __future__ import annotations

import hashlib
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import typst
from test_worksheet_common import (
    BANK_DIR,
    GOLDEN_DIR,
    fixture_bank,
    full_worksheet,
    small_worksheet,
)
from typer.testing import CliRunner

from quizkit.bank.model import AnswerKind
from quizkit.worksheet.html import worksheet_html
from quizkit.worksheet.jsonout import worksheet_json
from quizkit.worksheet.lms import ExportFormat, export_bank
from quizkit.worksheet.lms_gift import gift_escape
from quizkit.worksheet.markdown import worksheet_markdown
from quizkit.worksheet.output import Format, make_worksheet, planned_files, write_worksheet
from quizkit.worksheet.typeset import compile_pdf, worksheet_source

UPDATE = bool(os.environ.get("QUIZKIT_UPDATE_GOLDEN"))


def _golden(name: str, text: str) -> None:
    path = GOLDEN_DIR / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; QUIZKIT_UPDATE_GOLDEN=1"


@pytest.mark.parametrize("key", [False, True], ids=["worksheet", "key"])
def test_markdown_matches_the_golden_file(key: bool) -> None:
    worksheet = full_worksheet()
    text = worksheet_markdown(worksheet, worksheet.versions, key=key)
    _golden(f"{'key' if key else 'worksheet'}.md", text)


def test_pdf_is_byte_identical_across_compilers_and_runs() -> None:
    worksheet = small_worksheet()
    source = worksheet_source(worksheet, worksheet.versions, key=True)
    first = compile_pdf(source)
    fresh = typst.compile(source.encode(), ignore_system_fonts=True)
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(fresh).hexdigest()
    assert compile_pdf(worksheet_source(worksheet, worksheet.versions, key=True)) == first


def test_every_pdf_page_carries_the_version_label_and_page_numbers() -> None:
    worksheet = small_worksheet()
    source = worksheet_source(worksheet, worksheet.versions, key=False)
    assert source.count("#qk-version(") == 3
    for version in worksheet.versions:
        assert f'label: "Version {version.number}"' in source
        assert f'id: "{version.id}"' in source
    template = source.split("// ---- generated document follows ----")[0]
    assert "header: {" in template and "label," in template  # the label in every page header
    assert "qk-page-of(page-now, pages)" in template
    assert "#let qk-page-of(page, pages) = [Page #(page) of #(pages)]" in template
    pages = len(re.findall(rb"/Type/Page[^s]", compile_pdf(source)))
    assert pages >= 3


def test_questions_are_unbreakable_blocks_with_sized_answer_boxes() -> None:
    worksheet = full_worksheet()
    source = worksheet_source(worksheet, worksheet.versions, key=False)
    template = source.split("// ---- generated document follows ----")[0]
    assert "breakable: false" in template
    kinds = {item.kind for item in worksheet.versions[0].items}
    assert AnswerKind.SHAPE in kinds and "#qk-box(width: 8cm)" in source
    assert AnswerKind.LEGAL in kinds and "torch raises an error" in source
    assert AnswerKind.CHOICE in kinds and "#qk-options(" in source


@pytest.mark.parametrize("key", [False, True])
def test_html_and_json_are_deterministic_and_self_contained(key: bool) -> None:
    worksheet = small_worksheet()
    html = worksheet_html(worksheet, worksheet.versions, key=key)
    assert html == worksheet_html(worksheet, worksheet.versions, key=key)
    assert "<style>" in html and "@page" in html and "break-inside: avoid" in html
    assert html.count('<section class="sheet"') == 3
    assert "<script" not in html
    assert worksheet_json(worksheet, worksheet.versions) == worksheet_json(
        worksheet, worksheet.versions
    )


def test_json_holds_questions_parameters_answers_and_derivations() -> None:
    worksheet = small_worksheet()
    data = json.loads(worksheet_json(worksheet, worksheet.versions))
    assert data["format"] == "quizkit-worksheet/1" and data["seed"] == 11
    question = data["versions"][0]["questions"][0]
    item = worksheet.versions[0].items[0]
    assert question["id"] == item.question.id
    assert question["params"] == json.loads(json.dumps(item.question.params))
    assert question["answer"] == json.loads(json.dumps(item.truth.value))
    assert question["solution"] == item.question.solution


def test_write_worksheet_writes_per_version_and_combined_files(tmp_path: Path) -> None:
    worksheet = small_worksheet()
    written = write_worksheet(worksheet, formats=[Format.MD, Format.JSON], out_dir=tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(w.path.name for w in written)
    assert [w.path.name for w in written] == [
        n for n, _ in planned_files(worksheet, [Format.MD, Format.JSON])
    ]
    for version in worksheet.versions:
        assert f"worksheet-{version.id}.md" in names
        assert f"key-{version.id}.md" in names
        assert f"answers-{version.id}.yaml" in names
    assert {"worksheets-s11-all.md", "keys-s11-all.md", "worksheets-s11-all.json"} <= set(names)


def test_students_sheets_typeset_while_torch_loads_are_the_same_files(tmp_path: Path) -> None:
    formats = [Format.PDF, Format.MD, Format.HTML, Format.JSON]
    plain = small_worksheet()
    write_worksheet(plain, formats=formats, out_dir=tmp_path / "plain")
    built, written = make_worksheet(
        fixture_bank(),
        plain.selection,
        seed=plain.seed,
        versions=3,
        title=plain.title,
        formats=formats,
        out_dir=tmp_path / "overlapped",
    )
    assert built == plain
    files = sorted(w.path.name for w in written)
    assert files == sorted(p.name for p in (tmp_path / "plain").iterdir())
    for name in files:
        overlapped = (tmp_path / "overlapped" / name).read_bytes()
        assert overlapped == (tmp_path / "plain" / name).read_bytes(), name


def test_moodle_xml_is_well_formed_with_numerical_tolerances() -> None:
    export = export_bank(fixture_bank(), ExportFormat.MOODLE, variants=2, seed=1)
    assert export.templates == 9 and export.questions == 18
    root = ET.fromstring(export.text)
    types = [q.get("type") for q in root.iter("question")]
    assert types.count("category") == 9
    assert {"numerical", "multichoice", "truefalse", "cloze"} <= set(types)
    for question in root.iter("question"):
        if question.get("type") == "multichoice":
            fractions = [a.get("fraction") for a in question.iter("answer")]
            assert fractions.count("100") == 1
    assert re.search(r"\{\d+:NUMERICAL:=", export.text)


def test_gift_escapes_its_special_characters() -> None:
    assert gift_escape("a=b {c} ~d #e :f \\g\nh") == "a\\=b \\{c\\} \\~d \\#e \\:f \\\\g&\\#10;h"
    export = export_bank(fixture_bank(), ExportFormat.GIFT, topics=["alpha"], variants=1)
    blocks = [b for b in export.text.split("\n\n") if b.strip() and not b.startswith("$CATEGORY")]
    assert len(blocks) == 4
    for block in blocks:
        question = block.split("\n", 1)[1].strip()
        assert re.fullmatch(r"::[^\n]*::\[html\][^\n]*\{[^\n]*\}", question), question


# --- the command -----------------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("QUIZKIT_BANK", str(BANK_DIR))
    monkeypatch.setenv("COLUMNS", "100")
    return CliRunner()


def test_worksheet_command_writes_files_and_prints_how_to_reprint(
    cli: CliRunner, tmp_path: Path
) -> None:
    from quizkit.cli.main import app

    out = tmp_path / "out"
    args = ["worksheet", "alpha", "-n", "3", "--versions", "2", "--seed", "5", "-f", "md"]
    result = cli.invoke(app, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "quizkit worksheet alpha -n 3 --level 1-3 --versions 2 --seed 5" in result.output
    assert len(list(out.glob("answers-ws-5-v*.yaml"))) == 2
    assert (out / "worksheets-s5-all.md").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["worksheet", "gamma"], "unknown topic 'gamma'"),
        (["worksheet", "--level", "4"], "bad level '4'"),
        (["worksheet", "alpha", "--level", "3"], "no templates match"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    cli: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    from quizkit.cli.main import app

    result = cli.invoke(app, [*args, "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert message in result.output


def test_export_command_writes_gift_to_stdout(cli: CliRunner) -> None:
    from quizkit.cli.main import app

    result = cli.invoke(app, ["export", "gift", "beta", "--variants", "1", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("$CATEGORY: $course$/quizkit/beta/")
