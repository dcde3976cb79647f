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
from quizkit.worksheet.errors import AnswerSheetError, ChangedTemplateError, StaleWorksheetError
from quizkit.worksheet.fingerprint import template_fingerprint
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


def _edited_bank(tmp_path: Path, old: str, new: str, topic: str = "alpha") -> Bank:
    changed = tmp_path / "bank"
    shutil.copytree(BANK_DIR, changed, dirs_exist_ok=True)
    path = changed / f"{topic}.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return Bank(root=changed)


def test_the_sheet_records_each_questions_template_and_fingerprint(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    sheet = read_answer_sheet(_write(tmp_path, version))
    assert [ref.id for ref in sheet.templates] == [i.question.template.id for i in version.items]
    assert [ref.fingerprint for ref in sheet.templates] == [
        template_fingerprint(i.question.template) for i in version.items
    ]


def test_a_sheet_stays_gradable_after_bank_edits_that_do_not_touch_its_templates(
    tmp_path: Path,
) -> None:
    version = small_worksheet().versions[0]
    path = _write(tmp_path, version, _key(version))
    # a topic title, a comment, and a hint are not what a question asks
    bank = _edited_bank(tmp_path, "Alpha shapes", "Alpha shapes!")
    bank_dir = bank.root
    (bank_dir / "beta.yaml").write_text("# a comment\n" + (bank_dir / "beta.yaml").read_text())
    bank = _edited_bank(tmp_path, 'hint: "weight plus bias"', 'hint: "weights, then biases"')
    assert bank.fingerprint() != version.id.bank
    result = grade_answer_sheet(path, bank=bank)
    assert result.points == result.max_points == len(version.items) and not result.warnings


def test_a_new_template_in_the_bank_does_not_change_a_sheets_questions(tmp_path: Path) -> None:
    version = small_worksheet().versions[1]
    path = _write(tmp_path, version, _key(version))
    text = (BANK_DIR / "alpha.yaml").read_text()
    start = text.index("  - id: alpha-linear-params")
    end = text.index("  - id:", start + 1)
    clone = text[start:end].replace("alpha-linear-params", "alpha-linear-params-2")
    bank = _edited_bank(tmp_path, "templates:\n", "templates:\n" + clone)
    result = grade_answer_sheet(path, bank=bank)
    assert result.points == result.max_points


def test_a_changed_template_is_refused_by_name(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    path = _write(tmp_path, version, _key(version))
    asked = {item.question.template.id for item in version.items}
    assert "alpha-linear-params" in asked
    bank = _edited_bank(tmp_path, "i: {choices: [10, 20, 30]}", "i: {choices: [10, 20, 40]}")
    with pytest.raises(ChangedTemplateError) as caught:
        grade_answer_sheet(path, bank=bank)
    message = caught.value.message
    assert "alpha-linear-params" in message and "--allow-changed-bank" in message
    assert "alpha-conv-shape" not in message and "\n" not in message


def test_allow_changed_bank_grades_a_changed_template_with_a_warning(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    path = _write(tmp_path, version, _key(version))
    bank = _edited_bank(tmp_path, "i: {choices: [10, 20, 30]}", "i: {choices: [10, 20, 40]}")
    result = grade_answer_sheet(path, bank=bank, allow_changed_bank=True)
    assert len(result.questions) == len(version.items)
    [warning] = result.warnings
    assert "alpha-linear-params" in warning


def test_a_template_gone_from_the_bank_is_refused_by_name(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    path = _write(tmp_path, version, _key(version))
    bank = _edited_bank(tmp_path, "id: alpha-linear-params", "id: alpha-linear-parameters")
    with pytest.raises(StaleWorksheetError, match=r"template alpha-linear-params .* no longer"):
        grade_answer_sheet(path, bank=bank)


def test_swapping_a_recorded_template_is_refused(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    path = _write(tmp_path, version, _key(version))
    sheet = read_answer_sheet(path)
    first, other = (
        sheet.templates[0],
        next(r for r in sheet.templates if r.id != sheet.templates[0].id),
    )
    lines = path.read_text().splitlines(keepends=True)
    lines[first.line - 1] = f"  - {{id: {other.id}, fingerprint: {other.fingerprint}}}\n"
    path.write_text("".join(lines))
    with pytest.raises(AnswerSheetError, match="was the sheet edited"):
        grade_answer_sheet(path, bank=fixture_bank())


def test_an_old_sheet_without_templates_needs_the_same_bank(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    path = _write(tmp_path, version, _key(version))
    text = path.read_text()
    start = text.index("templates:")
    path.write_text(text[:start] + text[text.index("name:") :])
    assert read_answer_sheet(path).templates == ()
    assert grade_answer_sheet(path, bank=fixture_bank()).points == len(version.items)
    bank = _edited_bank(tmp_path, "Alpha shapes", "Alpha shapes!")
    with pytest.raises(StaleWorksheetError) as caught:
        grade_answer_sheet(path, bank=bank)
    assert version.id.bank in caught.value.message and bank.fingerprint() in caught.value.message
    graded = grade_answer_sheet(path, bank=bank, allow_changed_bank=True)
    assert graded.warnings and graded.points == len(version.items)


def test_an_unknown_question_id_is_refused_naming_it(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    path = _write(tmp_path, version)
    first = version.items[0].question.id
    path.write_text(path.read_text().replace(f"question: {first}", "question: nope-nope@1", 1))
    with pytest.raises(
        AnswerSheetError, match=r":\d+: unknown question id 'nope-nope@1' for question 1"
    ):
        grade_answer_sheet(path, bank=fixture_bank())


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


def test_a_wrong_answer_matching_a_misconception_names_the_mistake(tmp_path: Path) -> None:
    version = small_worksheet().versions[0]
    item = next(i for i in version.items if i.question.template.id == "alpha-linear-params")
    i, o = item.question.params["i"], item.question.params["o"]
    answers = [str(i * o) if x is item else x.answer for x in version.items]
    result = grade_answer_sheet(_write(tmp_path, version, answers), bank=fixture_bank())
    [graded] = [q for q in result.questions if q.id == item.question.id]
    assert not graded.correct and graded.misconception == "forgot-bias"
    assert graded.message.endswith(
        f"likely mistake: You counted the weight only: nn.Linear also has {o} biases."
    )
    assert result.to_dict()["questions"][item.number - 1]["misconception"] == "forgot-bias"
