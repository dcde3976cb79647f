"""LMS exports import cleanly and grade fairly: Moodle XML as Moodle's importer reads it, GIFT
through a real GIFT parser (gift-pegjs), QTI in text2qti's structure — and every exported
interval is one the answer checker accepts, while each misconception's is one it rejects.

Moodle's importer followed: question/format/xml/format.php of moodle/moodle at 00055ef6
(import_headers, import_numerical, import_multichoice, import_truefalse, import_shortanswer,
import_multianswer) and the cloze syntax of question/type/multianswer/questiontype.php.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from quizkit.answers import check_answer
from quizkit.bank.bank import Bank
from quizkit.bank.model import AnswerKind
from quizkit.worksheet.build import Item
from quizkit.worksheet.lms import QType, _variants, blanks, inward, plain_number, qtype
from quizkit.worksheet.lms_gift import render as render_gift
from quizkit.worksheet.lms_moodle import marks_scale
from quizkit.worksheet.lms_moodle import render as render_moodle
from quizkit.worksheet.lms_qti import render as render_qti

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
# qtype_multianswer's subquestion grammar: {weight:TYPE:answers}, answers "=" or "%n%" led.
CLOZE_BLANK = re.compile(r"\{(?P<weight>\d+):NUMERICAL:(?P<answers>(?:[=~]|~?%-?\d+%)[^{}]*?)\}")


@pytest.fixture(scope="module")
def items() -> list[Item]:
    """One variant of every template of the real bank, with torch truths."""
    bank = Bank()
    return list(_variants(bank.templates(None, levels={1, 2, 3}), 1, 7))


def _kind(item: Item) -> AnswerKind:
    return AnswerKind.INT if item.kind is AnswerKind.SHAPE else item.kind


# --- one tolerance rule ------------------------------------------------------------------------


def test_every_exported_interval_is_accepted_and_every_misconception_range_rejected(
    items: list[Item],
) -> None:
    checked = wrongs = 0
    for item in items:
        if qtype(item) not in (QType.NUMERICAL, QType.MULTI_NUMERICAL):
            continue
        tolerance = item.question.template.answer.tolerance
        for blank in blanks(item):
            centre, width = Fraction(blank.text), Fraction(blank.tolerance)
            for edge in (centre - width, centre, centre + width):
                verdict = check_answer(_kind(item), blank.value, float(edge), tolerance)
                assert verdict.correct, (item.question.id, blank, float(edge))
                checked += 1
            for wrong in blank.wrong:
                low = Fraction(wrong.text) - Fraction(wrong.tolerance)
                high = Fraction(wrong.text) + Fraction(wrong.tolerance)
                assert high < centre - width or low > centre + width, (item.question.id, wrong)
                for edge in (low, high):
                    verdict = check_answer(_kind(item), blank.value, float(edge), tolerance)
                    assert not verdict.correct, (item.question.id, wrong, float(edge))
                wrongs += 1
    assert checked > 500 and wrongs > 0


@pytest.mark.parametrize(
    ("bound", "text"),
    [
        (Fraction(1, 50), "0.02"),
        (Fraction(20001, 1000000), "0.02"),  # rounded down, never up
        (Fraction(19999, 1000000), "0.0199"),
        (Fraction(1, 3), "0.333"),
        (Fraction(12345678), "12300000"),
        (Fraction(0), "0"),
        (Fraction(1, 10**9), "0.000000001"),
    ],
)
def test_tolerances_are_rounded_inward_to_three_figures_in_plain_decimals(
    bound: Fraction, text: str
) -> None:
    assert inward(bound) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(1e-5, "0.00001"), (-0.5, "-0.5"), (2.5e-8, "0.000000025"), (12, "12"), (1e20, "1e20")],
)
def test_numbers_are_written_without_exponents_where_lms_parsers_need_it(
    value: float, text: str
) -> None:
    if text == "1e20":  # beyond 1e18 an integer float keeps its digits exactly
        assert plain_number(value) == "100000000000000000000"
    else:
        assert plain_number(value) == text


# --- Moodle XML, element by element ------------------------------------------------------------


@pytest.fixture(scope="module")
def moodle(items: list[Item]) -> ET.Element:
    return ET.fromstring(render_moodle(items))


def _questions(root: ET.Element) -> list[ET.Element]:
    return [q for q in root.iter("question") if q.get("type") != "category"]


def test_moodle_questions_carry_what_the_importer_reads(
    moodle: ET.Element, items: list[Item]
) -> None:
    questions = _questions(moodle)
    assert len(questions) == len(items)
    scale = marks_scale(items)
    for question, item in zip(questions, items, strict=True):
        qtype_ = question.get("type")
        assert (
            question.findtext("name/text") == f"{item.question.template.title} ({item.question.id})"
        )
        assert question.find("questiontext").get("format") == "html"  # type: ignore[union-attr]
        assert question.findtext("questiontext/text")
        assert question.findtext("generalfeedback/text")
        if qtype_ == "cloze":
            weights = [
                int(m.group("weight"))
                for m in CLOZE_BLANK.finditer(question.findtext("questiontext/text") or "")
            ]
            assert len(weights) == len(blanks(item))
            assert sum(weights) == item.points * scale  # a shape is worth one question
            continue
        assert question.findtext("defaultgrade") == str(item.points * scale)
        answers = question.findall("answer")
        assert answers and all(a.get("fraction") in ("0", "100") for a in answers)
        if qtype_ == "numerical":
            assert answers[0].get("fraction") == "100"
            for answer in answers:
                float(answer.findtext("text") or "x")
                float(answer.findtext("tolerance") or "x")


def test_moodle_counts_take_si_units_so_the_prompts_example_is_accepted(
    moodle: ET.Element, items: list[Item]
) -> None:
    for question, item in zip(_questions(moodle), items, strict=True):
        if question.get("type") != "numerical":
            continue
        units = {u.findtext("unit_name"): u.findtext("multiplier") for u in question.iter("unit")}
        if item.kind is AnswerKind.FLOPS:
            assert units["FLOPs"] == "1" and units["G"] == "0.000000001"
            assert units["GFLOPs"] == "0.000000001" and question.findtext("showunits") == "0"
        elif item.kind is AnswerKind.PARAMS:
            assert units["params"] == "1" and units["M"] == "0.000001"
        else:
            assert not units


def test_moodle_numerical_names_each_misconception_on_its_wrong_answer(
    moodle: ET.Element, items: list[Item]
) -> None:
    named = 0
    for question, item in zip(_questions(moodle), items, strict=True):
        if question.get("type") != "numerical" or not item.truth.misconceptions:
            continue
        zero = [a for a in question.findall("answer") if a.get("fraction") == "0"]
        feedback = {html.unescape(a.findtext("feedback/text") or "") for a in zero}
        assert feedback <= {f for f in item.question.feedback.values()} | {""}
        named += len(zero)
    assert named > 0


# --- GIFT, through a real parser ---------------------------------------------------------------


def _gift_parser() -> Path | None:
    """gift-pegjs installed by ./dev set-up (npm) beside the venv."""
    for root in (Path(sys.prefix) / "gift", Path(sys.prefix).parent / "gift"):
        if (root / "node_modules" / "gift-pegjs").is_dir():
            return root
    return None


def _parse_gift(text: str) -> list[dict[str, object]]:
    root = _gift_parser()
    node = shutil.which("node")
    if root is None or node is None:
        pytest.skip("gift-pegjs (npm) or node is not installed; ./dev set-up installs them")
    script = (
        "const {parse}=require('gift-pegjs');let s='';process.stdin.on('data',d=>s+=d);"
        "process.stdin.on('end',()=>process.stdout.write(JSON.stringify(parse(s))));"
    )
    done = subprocess.run(
        [node, "-e", script], input=text, capture_output=True, text=True, cwd=root, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    parsed: list[dict[str, object]] = json.loads(done.stdout)
    return parsed


def test_gift_parses_with_gift_pegjs_into_the_right_types_and_numbers(items: list[Item]) -> None:
    parsed = [q for q in _parse_gift(render_gift(items)) if q["type"] != "Category"]
    expected: list[tuple[str, Item, int]] = []
    for item in items:
        kind = qtype(item)
        if kind is QType.MULTI_NUMERICAL and item.kind is not AnswerKind.SHAPE:
            expected += [("Numerical", item, i) for i in range(len(blanks(item)))]
        elif kind in (QType.NUMERICAL,):
            expected.append(("Numerical", item, 0))
        elif kind is QType.MULTICHOICE:
            expected.append(("MC", item, 0))
        elif kind is QType.TRUEFALSE:
            expected.append(("TF", item, 0))
        else:
            expected.append(("Short", item, 0))
    assert [q["type"] for q in parsed] == [e[0] for e in expected]
    for question, (kind, item, index) in zip(parsed, expected, strict=True):
        assert item.question.id in str(question["title"])
        if kind != "Numerical":
            continue
        blank = blanks(item)[index]
        [right, *wrong] = question["choices"]  # type: ignore[misc]
        assert right["text"]["number"] == pytest.approx(float(blank.text), rel=1e-12, abs=0)
        assert right["text"]["range"] == pytest.approx(float(blank.tolerance), rel=1e-12, abs=0)
        assert [w["weight"] for w in wrong] == [0] * len(blank.wrong)
        assert [w["feedback"]["text"] for w in wrong] == [
            w.feedback.replace("\n", "&#10;") for w in blank.wrong
        ]


# --- QTI (Canvas, Blackboard) ------------------------------------------------------------------


@pytest.fixture(scope="module")
def qti(items: list[Item]) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(render_qti(items)))


def _assessment(archive: zipfile.ZipFile) -> ET.Element:
    [name] = [n for n in archive.namelist() if n.endswith(".xml") and "/" in n and "meta" not in n]
    return ET.fromstring(archive.read(name))


def test_qti_zip_has_the_layout_canvas_imports(qti: zipfile.ZipFile) -> None:
    names = qti.namelist()
    assert "imsmanifest.xml" in names and "non_cc_assessments/" in names
    manifest = ET.fromstring(qti.read("imsmanifest.xml"))
    hrefs = {f.get("href") for f in manifest.iter() if f.tag.endswith("file")}
    assert hrefs == {n for n in names if n.endswith(".xml") and n != "imsmanifest.xml"}


def _items(root: ET.Element) -> Iterator[ET.Element]:
    return root.iter(f"{QTI}item")


def _field(item: ET.Element, label: str) -> str:
    for field in item.iter(f"{QTI}qtimetadatafield"):
        if field.findtext(f"{QTI}fieldlabel") == label:
            return field.findtext(f"{QTI}fieldentry") or ""
    raise AssertionError(f"no {label}")


def test_qti_numerical_ranges_hold_the_torch_truth_and_split_shapes_into_blanks(
    qti: zipfile.ZipFile, items: list[Item]
) -> None:
    by_question: dict[str, list[ET.Element]] = {}
    for element in _items(_assessment(qti)):
        question_id = element.get("title", "").rsplit("(", 1)[1].split(")")[0]
        by_question.setdefault(question_id, []).append(element)
    for item in items:
        elements = by_question[item.question.id]
        kind = qtype(item)
        if kind not in (QType.NUMERICAL, QType.MULTI_NUMERICAL):
            expected = {
                QType.MULTICHOICE: "multiple_choice_question",
                QType.TRUEFALSE: "true_false_question",
                QType.SHORTANSWER: "short_answer_question",
            }[kind]
            assert [_field(e, "question_type") for e in elements] == [expected]
            continue
        parts = blanks(item)
        assert len(elements) == len(parts)
        total = sum(Fraction(_field(e, "points_possible")) for e in elements)
        assert abs(total - item.points) < Fraction(1, 10**12)
        for element, blank in zip(elements, parts, strict=True):
            assert _field(element, "question_type") == "numerical_question"
            [right, *wrong] = [
                c
                for c in element.iter(f"{QTI}respcondition")
                if c.find(f".//{QTI}vargte") is not None
            ]
            low = float(right.findtext(f".//{QTI}vargte") or "x")
            high = float(right.findtext(f".//{QTI}varlte") or "x")
            assert low <= float(blank.value) <= high
            assert len(wrong) == len(blank.wrong)


def test_qti_items_use_only_the_structure_text2qti_writes(qti: zipfile.ZipFile) -> None:
    text2qti = pytest.importorskip("text2qti.quiz")
    from text2qti.config import Config
    from text2qti.qti import QTI as Text2QTI

    source = (
        "Quiz title: reference\n\n"
        "1.  Pick one.\n...  general feedback\n*a) yes\nb) no\n\n"
        "2.  A number?\n...  general feedback\n=   2.5 +- 0.5\n\n"
        "4.  A range?\n...  general feedback\n=   [1.5, 2.5]\n\n"
        "3.  Words?\n...  general feedback\n*   nan\n"
    )
    reference = Text2QTI(text2qti.Quiz(source, config=Config()))
    theirs = ET.fromstring(reference.assessment)
    allowed = {_path(e, theirs) for e in theirs.iter()}
    # A question group (section with selection_ordering) is text2qti's GROUP construct.
    ours = _assessment(qti)
    unknown = (
        {_path(e, ours) for e in ours.iter()}
        - allowed
        - {
            "questestinterop/assessment/section/section",
            "questestinterop/assessment/section/section/selection_ordering",
            "questestinterop/assessment/section/section/selection_ordering/selection",
            "questestinterop/assessment/section/section/selection_ordering/selection/selection_number",
            "questestinterop/assessment/section/section/selection_ordering/selection/selection_extension",
            "questestinterop/assessment/section/section/selection_ordering/selection/selection_extension/points_per_item",
        }
    )
    unknown = {
        p for p in unknown if not p.startswith("questestinterop/assessment/section/section/item")
    }
    assert not unknown


def _path(element: ET.Element, root: ET.Element) -> str:
    parents = {child: parent for parent in root.iter() for child in parent}
    names = []
    node: ET.Element | None = element
    while node is not None:
        names.append(node.tag.removeprefix(QTI))
        node = parents.get(node)
    return "/".join(reversed(names))
