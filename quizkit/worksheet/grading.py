"""Grade a filled answer sheet: regenerate its worksheet version, check each answer with torch.

:func:`grade_answer_sheet` is the API behind ``quizkit grade answers-<id>.yaml``. The sheet's
id gives the seed, version and bank fingerprint; if the bank's fingerprint differs now, the
questions could differ too, so grading refuses (:class:`StaleWorksheetError`). Otherwise the
version is rebuilt from the sheet's selection and seed, every slot's question id is checked
against it, and every answer is parsed and checked. An unreadable or blank answer is a wrong
answer with a message, never an error; only a sheet that is not a sheet is an error.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from quizkit.answers import ParseFailure, check_answer, parse_answer
from quizkit.bank.bank import Bank
from quizkit.bank.checking import misconception_named
from quizkit.bank.model import Template
from quizkit.errors import UnknownQuestionError
from quizkit.worksheet.build import Item, build_version
from quizkit.worksheet.errors import AnswerSheetError, ChangedTemplateError, StaleWorksheetError
from quizkit.worksheet.fingerprint import template_fingerprint
from quizkit.worksheet.select import select_templates
from quizkit.worksheet.sheet import AnswerSheet, Slot, is_answer_sheet, read_answer_sheet

__all__ = [
    "QuestionResult",
    "SheetResult",
    "grade_answer_sheet",
    "grade_sheet",
    "is_answer_sheet",
]


@dataclass(frozen=True)
class QuestionResult:
    """The grade of one question. ``given`` is None when the slot was left blank."""

    number: int
    id: str  # the question id, template@seed
    title: str  # the template's short title
    kind: str
    given: str | None
    expected: str
    accepted: str
    correct: bool
    points: int
    max_points: int
    message: str
    line: int | None  # the answer's line in the sheet
    misconception: str | None = None  # the classic mistake a wrong answer matches, by name


@dataclass(frozen=True)
class SheetResult:
    """A graded answer sheet; plain data, JSON-serializable with :meth:`to_dict`."""

    path: str
    worksheet: str
    title: str
    name: str
    student_id: str
    questions: tuple[QuestionResult, ...]
    warnings: tuple[str, ...] = ()  # e.g. graded although a template changed

    @property
    def points(self) -> int:
        return sum(q.points for q in self.questions)

    @property
    def max_points(self) -> int:
        return sum(q.max_points for q in self.questions)

    @property
    def percent(self) -> float:
        return 100.0 * self.points / self.max_points if self.max_points else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(points=self.points, max_points=self.max_points, percent=self.percent)
        return data


def grade_answer_sheet(path: Path, *, bank: Bank, allow_changed_bank: bool = False) -> SheetResult:
    """Read ``path`` and grade it against ``bank``.

    Raises :class:`AnswerSheetError` for a file that is not a readable answer sheet (the message
    names file and line) and :class:`StaleWorksheetError` if its questions cannot be rebuilt
    (see the module docstring; ``allow_changed_bank`` grades changed templates anyway).
    """
    return grade_sheet(read_answer_sheet(path), bank=bank, allow_changed_bank=allow_changed_bank)


def grade_sheet(sheet: AnswerSheet, *, bank: Bank, allow_changed_bank: bool = False) -> SheetResult:
    """Grade an already read sheet (see :func:`grade_answer_sheet`)."""
    worksheet_id = sheet.worksheet
    if sheet.templates:
        templates, warnings = _recorded_templates(sheet, bank, allow_changed_bank)
    else:
        templates, warnings = _selected_templates(sheet, bank, allow_changed_bank)
    version = build_version(
        templates, seed=worksheet_id.seed, version=worksheet_id.version, bank=worksheet_id.bank
    )
    slots = _slots_by_number(sheet, [item.question.id for item in version.items], bank)
    return SheetResult(
        path=str(sheet.path),
        worksheet=str(worksheet_id),
        title=sheet.title,
        name=sheet.name,
        student_id=sheet.student_id,
        questions=tuple(_grade_item(item, slots.get(item.number)) for item in version.items),
        warnings=tuple(warnings),
    )


def _recorded_templates(
    sheet: AnswerSheet, bank: Bank, allow_changed: bool
) -> tuple[list[Template], list[str]]:
    """The sheet's templates as the bank holds them now, checked (see the module docstring)."""
    where = str(sheet.path)
    templates: list[Template] = []
    changed: list[str] = []
    for ref in sheet.templates:
        try:
            template = bank.template(ref.id)
        except UnknownQuestionError:
            raise StaleWorksheetError(
                f"{where}:{ref.line}: template {ref.id} of worksheet {sheet.worksheet} is no "
                "longer in the bank, so its question cannot be rebuilt"
            ) from None
        if template_fingerprint(template) != ref.fingerprint and ref.id not in changed:
            changed.append(ref.id)
        templates.append(template)
    if len(templates) != sheet.selection.count:
        raise AnswerSheetError(
            f"{where}: `templates:` lists {len(templates)} questions but `count:` is "
            f"{sheet.selection.count}; was the sheet edited?"
        )
    if bank.fingerprint() == sheet.worksheet.bank:
        drawn = [t.id for t in select_templates(bank, sheet.selection, seed=sheet.worksheet.seed)]
        if drawn != [t.id for t in templates]:
            raise AnswerSheetError(
                f"{where}: `templates:` is not what worksheet {sheet.worksheet} asks; "
                "was the sheet edited?"
            )
    else:
        _check_in_selection(sheet, templates)
    warnings = []
    if changed:
        names = ", ".join(changed)
        if not allow_changed:
            raise ChangedTemplateError(
                f"{where}: template(s) {names} changed since worksheet {sheet.worksheet} was "
                "made, so those questions may differ; not graded (grade with the bank it was "
                "made from, or pass --allow-changed-bank)"
            )
        warnings.append(
            f"graded with changed template(s) {names}: those questions may differ from what "
            "the student saw (--allow-changed-bank)"
        )
    return templates, warnings


def _check_in_selection(sheet: AnswerSheet, templates: list[Template]) -> None:
    topics = set(sheet.selection.topics)
    levels = set(sheet.selection.levels)
    for ref, template in zip(sheet.templates, templates, strict=True):
        if (topics and template.topic not in topics) or template.difficulty not in levels:
            raise AnswerSheetError(
                f"{sheet.path}:{ref.line}: template {ref.id} is not in worksheet "
                f"{sheet.worksheet}'s selection ({sheet.selection.describe()}); "
                "was the sheet edited?"
            )


def _selected_templates(
    sheet: AnswerSheet, bank: Bank, allow_changed: bool
) -> tuple[list[Template], list[str]]:
    """A sheet without ``templates:``: redraw the selection, valid only with the same bank."""
    worksheet_id = sheet.worksheet
    now = bank.fingerprint()
    warnings = []
    if worksheet_id.bank != now:
        if not allow_changed:
            raise StaleWorksheetError(
                f"{sheet.path}: worksheet {worksheet_id} was made from bank {worksheet_id.bank}, "
                f"but the bank is now {now}, and this sheet does not list its templates; its "
                "questions may have changed, so it is not graded (grade with the bank it was "
                "made from, or pass --allow-changed-bank)"
            )
        warnings.append(
            f"graded against bank {now}, not {worksheet_id.bank} that the worksheet was made "
            "from: questions may differ from what the student saw (--allow-changed-bank)"
        )
    return select_templates(bank, sheet.selection, seed=worksheet_id.seed), warnings


def _slots_by_number(sheet: AnswerSheet, expected_ids: list[str], bank: Bank) -> dict[int, Slot]:
    asked = {e.split("@", 1)[0] for e in expected_ids}
    slots: dict[int, Slot] = {}
    for slot in sheet.slots:
        where = f"{sheet.path}:{slot.line}"
        if not 1 <= slot.number <= len(expected_ids):
            raise AnswerSheetError(
                f"{where}: question {slot.number} is not on worksheet {sheet.worksheet} "
                f"(it has questions 1 to {len(expected_ids)})"
            )
        if slot.number in slots:
            raise AnswerSheetError(f"{where}: question {slot.number} is answered twice")
        expected = expected_ids[slot.number - 1]
        if slot.question != expected:
            if slot.question.split("@", 1)[0] not in asked and not _in_bank(bank, slot.question):
                raise AnswerSheetError(
                    f"{where}: unknown question id {slot.question!r} for question "
                    f"{slot.number} (worksheet {sheet.worksheet} asks {expected} there)"
                )
            raise AnswerSheetError(
                f"{where}: question {slot.number} of worksheet {sheet.worksheet} is {expected}, "
                f"but the sheet says {slot.question}; was the sheet edited?"
            )
        slots[slot.number] = slot
    return slots


def _in_bank(bank: Bank, question_id: str) -> bool:
    try:
        bank.template(question_id.split("@", 1)[0])
    except UnknownQuestionError:
        return False
    return True


def _grade_item(item: Item, slot: Slot | None) -> QuestionResult:
    question = item.question
    spec = question.template.answer

    def result(correct: bool, message: str) -> QuestionResult:
        return QuestionResult(
            number=item.number,
            id=question.id,
            title=question.template.title,
            kind=question.kind.value,
            given=slot.answer if slot is not None else None,
            expected=item.answer,
            accepted=item.accepted,
            correct=correct,
            points=item.points if correct else 0,
            max_points=item.points,
            message=message,
            line=slot.line if slot is not None else None,
        )

    if slot is None:
        return result(False, "missing from the sheet")
    if slot.answer is None:
        return result(False, "no answer")
    parsed = parse_answer(question.kind, slot.answer, options=question.options)
    if isinstance(parsed, ParseFailure):
        return result(False, f"line {slot.line}: could not read the answer: {parsed.message}")
    verdict = check_answer(question.kind, item.truth.value, parsed.value, spec.tolerance)
    if verdict.correct:
        return result(True, "correct")
    named = misconception_named(question, item.truth, parsed.value)
    if named is None:
        return result(False, f"expected {verdict.expected}, got {verdict.given}")
    why = f"expected {verdict.expected}, got {verdict.given}; likely mistake: {named.feedback}"
    return replace(result(False, why), misconception=named.name)
