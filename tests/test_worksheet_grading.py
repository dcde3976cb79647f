"""Grading answer sheets: the key scores 100%, a blank sheet 0%, bad sheets fail clearly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_worksheet_common import BANK_DIR, fixture_bank, small_worksheet

from quizkit.bank.bank import Bank
from quizkit.bank.model import AnswerKind
from quizkit.worksheet.build import Version
from quizkit.worksheet.errors import AnswerSheetError, StaleWorksheetError
from quizkit.worksheet.grading import grade_answer_sheet, is_answer_sheet
from quizkit.worksheet.sheet import read_answer_sheet, render_answer_sheet, sheet_filename


def _write(tmp_path: Path, version: Version, answers: list[str] | None = None) -> Path:
    path = tmp_path / sheet_filename(version)
    path.write_text(render_answer_sheet(small_worksheet(), version, answers=answers))
    return path


def _key(version: Version) -> list[str]:
    return [item.answer for item in version.items]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_the_key_itself_graded_as_an_answer_sheet_scores_full_marks(
    tmp_path: Path, index: int
) -> None:
    version = small_worksheet().versions[index]
    result = grade_answer_sheet(_write(tmp_path, version, _key(version)), bank=fixture_bank())
    wrong = [q for q in result.questions if not q.correct]
    assert not wrong, wrong
    assert result.points == result.max_points == len(version.items)
    assert result.percent == 100.0


def test_a_blank_sheet_scores_zero_with_no_answer_messages(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    result = grade_answer_sheet(_write(tmp_path, version), bank=fixture_bank())
    assert result.points == 0 and result.percent == 0.0
    assert {q.message for q in result.questions} == {"no answer"}
    assert all(q.given is None for q in result.questions)


def test_another_versions_key_does_not_score_full_marks(tmp_path: Path) -> None:
    first, second = small_worksheet().versions[:2]
    result = grade_answer_sheet(_write(tmp_path, first, _key(second)), bank=fixture_bank())
    assert result.points < result.max_points


def test_an_unreadable_answer_is_wrong_with_its_line_and_reason(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    answers = _key(version)
    answers[0] = "three by four"
    result = grade_answer_sheet(_write(tmp_path, version, answers), bank=fixture_bank())
    first = result.questions[0]
    assert not first.correct and first.points == 0
    assert first.message.startswith(f"line {first.line}: could not read the answer")
    assert all(q.correct for q in result.questions[1:])


def test_a_wrong_answer_says_expected_and_given(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    shapes = [i for i, item in enumerate(version.items) if item.kind is AnswerKind.SHAPE]
    answers = _key(version)
    answers[shapes[0]] = "(1, 2, 3)"
    result = grade_answer_sheet(_write(tmp_path, version, answers), bank=fixture_bank())
    message = result.questions[shapes[0]].message
    assert message.startswith("expected (") and "got (1, 2, 3)" in message


def test_answers_are_read_as_written_not_as_yaml_values(tmp_path: Path) -> None:
    """``answer: no`` is the word, ``answer: [1, 2]`` the list text — not YAML's False or list."""
    version = small_worksheet().versions[0]
    path = _write(tmp_path, version)
    text = path.read_text()
    for item in version.items:
        if item.kind in (AnswerKind.LEGAL, AnswerKind.BOOL, AnswerKind.SHAPE):
            plain = (
                item.answer if item.kind is not AnswerKind.SHAPE else str(list(item.truth.value))
            )
            slot = f"    question: {item.question.id}\n    answer:"
            text = text.replace(slot, f"{slot} {plain}", 1)
    path.write_text(text)
    result = grade_answer_sheet(path, bank=fixture_bank())
    answered = [q for q in result.questions if q.given is not None]
    assert answered and all(q.correct for q in answered), answered


def test_the_result_is_plain_json_serializable_data(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    result = grade_answer_sheet(_write(tmp_path, version, _key(version)), bank=fixture_bank())
    data = json.loads(json.dumps(result.to_dict()))
    assert data["worksheet"] == str(version.id)
    assert data["points"] == data["max_points"] == len(version.items)
    assert set(data["questions"][0]) >= {
        "id", "title", "given", "expected", "correct", "points", "max_points", "message",
    }  # fmt: skip


def test_a_changed_bank_is_refused_with_both_fingerprints(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    path = _write(tmp_path, version, _key(version))
    changed = tmp_path / "bank"
    shutil.copytree(BANK_DIR, changed)
    extra = (changed / "alpha.yaml").read_text().replace("Alpha shapes", "Alpha shapes!")
    (changed / "alpha.yaml").write_text(extra)
    bank = Bank(root=changed)
    with pytest.raises(StaleWorksheetError) as caught:
        grade_answer_sheet(path, bank=bank)
    assert version.id.bank in caught.value.message and bank.fingerprint() in caught.value.message


def test_an_edited_question_id_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    path = _write(tmp_path, version)
    first = version.items[0].question.id
    path.write_text(path.read_text().replace(first, "alpha-batches@1", 1))
    with pytest.raises(AnswerSheetError, match=rf"{path.name}:\d+: question 1 of worksheet"):
        grade_answer_sheet(path, bank=fixture_bank())


def test_a_deleted_slot_counts_as_missing(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    path = _write(tmp_path, version, _key(version))
    lines = path.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  - q: 2"))
    del lines[start : start + 3]
    path.write_text("".join(lines))
    result = grade_answer_sheet(path, bank=fixture_bank())
    assert result.questions[1].message == "missing from the sheet"
    assert result.points == result.max_points - 1


SHEET_HEAD = "quizkit: answer-sheet\nworksheet: {id}\ntopics: []\ncount: 9\nlevels: 1-3\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "empty file"),
        ("- just\n- a list\n", "must be a mapping"),
        ("quizkit: answer-sheet\nworksheet: [unclosed\n", "not valid YAML"),
        ("title: no magic\n", "not a quizkit answer sheet"),
        ("quizkit: answer-sheet\nworksheet: nope\n", "not a worksheet id"),
        ("{head}count: lots\nanswers: []\n", "must be a whole number"),
        ("{head}", "missing `answers:`"),
        ("{head}answers: 3\n", "must be a list"),
        ("{head}answers:\n  - q: 1\n", "missing `question:`"),
        ("{head}answers:\n  - q: 99\n    question: x@1\n", "question 99 is not on worksheet"),
        ("{head}levels: 7\nanswers: []\n", "bad level"),
    ],
)
def test_malformed_sheets_fail_with_one_line_naming_the_file(
    tmp_path: Path, body: str, message: str
) -> None:
    version = small_worksheet().versions[0]
    head = SHEET_HEAD.format(id=version.id)
    path = tmp_path / "answers.yaml"
    path.write_text(body.replace("{head}", head))
    with pytest.raises(AnswerSheetError) as caught:
        grade_answer_sheet(path, bank=fixture_bank())
    assert caught.value.message.startswith(str(path))
    assert message in caught.value.message
    assert "\n" not in caught.value.message


def test_yaml_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("quizkit: answer-sheet\nworksheet: ws-1-v1-000000000000\nanswers: [\n")
    with pytest.raises(AnswerSheetError, match=r"answers\.yaml:\d+: not valid YAML"):
        read_answer_sheet(path)


def test_binary_and_missing_files_are_sheet_errors(tmp_path: Path) -> None:
    binary = tmp_path / "answers.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(AnswerSheetError, match="not UTF-8"):
        read_answer_sheet(binary)
    with pytest.raises(AnswerSheetError, match="cannot read"):
        read_answer_sheet(tmp_path / "absent.yaml")


def test_answer_sheets_are_recognised_by_their_magic_line(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    sheet = _write(tmp_path, version)
    other = tmp_path / "other.yaml"
    other.write_text("topic: conv\n")
    assert is_answer_sheet(sheet)
    assert not is_answer_sheet(other)
    assert not is_answer_sheet(tmp_path / "missing.yaml")
    assert not is_answer_sheet(BANK_DIR)


def test_the_grade_table_shows_each_question_and_the_score(tmp_path: Path) -> None:
    import io

    from quizkit.ui.console import make_console
    from quizkit.ui.worksheet import render_sheet_result

    version = small_worksheet().versions[0]
    answers = _key(version)
    answers[0] = "nonsense"
    result = grade_answer_sheet(_write(tmp_path, version, answers), bank=fixture_bank())
    stream = io.StringIO()
    console = make_console(stream)
    console.width = 160
    render_sheet_result(console, result)
    text = stream.getvalue()
    assert str(version.id) in text
    assert f"Score: {len(answers) - 1}/{len(answers)}" in text
    assert "could not read the answer" in text
