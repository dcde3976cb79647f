"""Smoke tests over the real bank: a worksheet of every topic renders, and its key grades 100%."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from quizkit.bank.bank import Bank
from quizkit.worksheet.build import Worksheet, build_worksheet
from quizkit.worksheet.grading import grade_answer_sheet
from quizkit.worksheet.lms import ExportFormat, export_bank
from quizkit.worksheet.select import Selection
from quizkit.worksheet.sheet import render_answer_sheet
from quizkit.worksheet.typeset import compile_pdf, worksheet_source


def real_worksheet(bank: Bank) -> Worksheet:
    count = 2 * len(bank.topic_names())
    return build_worksheet(bank, Selection(count=count), seed=20)


def test_a_worksheet_over_every_topic_typesets(tmp_path: Path) -> None:
    worksheet = real_worksheet(Bank())
    for key in (False, True):
        pdf = compile_pdf(worksheet_source(worksheet, worksheet.versions, key=key))
        assert pdf.startswith(b"%PDF")


def test_the_real_banks_key_grades_full_marks(tmp_path: Path) -> None:
    bank = Bank()
    worksheet = real_worksheet(bank)
    version = worksheet.versions[0]
    path = tmp_path / "answers.yaml"
    answers = [item.answer for item in version.items]
    path.write_text(render_answer_sheet(worksheet, version, answers=answers))
    result = grade_answer_sheet(path, bank=bank)
    assert [q for q in result.questions if not q.correct] == []


def test_every_template_of_the_real_bank_exports_to_moodle() -> None:
    export = export_bank(Bank(), ExportFormat.MOODLE, variants=1)
    root = ET.fromstring(export.text)
    assert (
        len([q for q in root.iter("question") if q.get("type") != "category"]) == export.questions
    )
