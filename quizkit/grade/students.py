"""A class's submissions as students: who each one belongs to, duplicate student ids, and the
``--roster`` of students expected (those with nothing handed in are reported, not dropped).

Torch-free. A sheet's student comes from its ``name:`` and ``student_id:`` lines, read leniently
(a line scan, not the full sheet parser), so even a sheet too malformed to grade is reported
under its student's name. A submission without a sheet (a student's repository of exercise
files) is matched to the roster by its folder or file name: the student id itself, or ending
in ``-<id>`` as GitHub Classroom names clones (``lab3-ada-l`` for ``ada-l``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from quizkit.errors import QuizkitError
from quizkit.grade.models import GradeRun, Submission, SubmissionKind, SubmissionResult

_FIELD = re.compile(r"^(name|student_id)[ \t]*:(.*)$", re.MULTILINE)
MAX_ROSTER_BYTES = 10_000_000
ID_COLUMNS = ("student_id", "id", "student id", "student")
NAME_COLUMNS = ("name", "full name", "student name")


class RosterError(QuizkitError):
    """The ``--roster`` file cannot be read (names the file, line and column)."""


@dataclass(frozen=True)
class Student:
    """Who a submission (or a roster line) belongs to; empty strings when not known."""

    name: str = ""
    student_id: str = ""

    @property
    def key(self) -> str:
        """Student ids compare without case or surrounding space: ``S123`` is ``s123 ``."""
        return self.student_id.strip().casefold()


def sheet_student(path: Path) -> Student:
    """The ``name:`` and ``student_id:`` a sheet's author filled in (first occurrence each)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024).decode("utf-8", errors="replace")
    except OSError:
        return Student()
    found: dict[str, str] = {}
    for match in _FIELD.finditer(head):
        found.setdefault(match[1], _scalar(match[2]))
    return Student(found.get("name", ""), found.get("student_id", ""))


def _scalar(text: str) -> str:
    """A one-line YAML value as written: quotes removed, a trailing comment dropped."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text.strip()
    if value is None or isinstance(value, (dict, list)):
        return "" if value is None else text.strip()
    return str(value).strip()


def submission_student(submission: Submission) -> Student:
    """A sheet's student; for a directory, that of its first sheet that names one."""
    for sheet in submission.sheets:
        student = sheet_student(sheet)
        if student.name or student.student_id:
            return student
    return Student()


@dataclass(frozen=True)
class RosterLine:
    student: Student
    line: int


def read_roster(path: Path) -> list[RosterLine]:
    """A CSV with a header naming a student-id column (``student_id``, ``id``, ...) and
    optionally a name column; :class:`RosterError` (file:line) for anything else."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RosterError(f"{path}: cannot read ({error.strerror or error})") from None
    if len(data) > MAX_ROSTER_BYTES:
        raise RosterError(f"{path}: too large for a roster ({len(data)} bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(f"{path}: not UTF-8 text") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise RosterError(f"{path}: empty; expected a header such as student_id,name")
    header = [cell.strip().casefold() for cell in rows[0]]
    id_col = next((header.index(c) for c in ID_COLUMNS if c in header), None)
    if id_col is None:
        raise RosterError(
            f"{path}:1: no student id column (one of: {', '.join(ID_COLUMNS)}); "
            f"the header is {','.join(rows[0])!r}"
        )
    name_col = next((header.index(c) for c in NAME_COLUMNS if c in header), None)
    out: list[RosterLine] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        student_id = row[id_col].strip() if id_col < len(row) else ""
        if not student_id:
            raise RosterError(f"{path}:{number}: no student id in column {rows[0][id_col]!r}")
        name = row[name_col].strip() if name_col is not None and name_col < len(row) else ""
        student = Student(name, student_id)
        if student.key in seen:
            raise RosterError(
                f"{path}:{number}: student id {student_id!r} is also on line {seen[student.key]}"
            )
        seen[student.key] = number
        out.append(RosterLine(student, number))
    return out


def _by_name(submission: Submission, roster: Sequence[RosterLine]) -> Student:
    """The roster student whose id is the submission's name, or its ``-``-separated tail."""
    stem = (submission.path.name if submission.path.is_dir() else submission.path.stem).casefold()
    matches = [
        line.student
        for line in roster
        if stem == line.student.key or stem.endswith("-" + line.student.key)
    ]
    # the longest id wins: "lab3-ada-l" is ada-l, not l
    return max(matches, key=lambda st: len(st.key), default=Student())


def attach_students(
    run: GradeRun,
    submissions: Sequence[Submission],
    *,
    roster: Sequence[RosterLine] | None = None,
) -> GradeRun:
    """``run`` with each submission's student filled in, duplicate student ids reported as an
    input error of every sheet sharing one (all are still graded), and, with a roster, one
    ``missing`` entry per roster student with no submission and a warning on submissions whose
    student is not on it."""
    students = [submission_student(s) for s in submissions]
    if roster is not None:
        students = [
            st if st.key or sub.sheets else _by_name(sub, roster)
            for st, sub in zip(students, submissions, strict=True)
        ]
    results = [
        r.model_copy(
            update={
                "name": st.name,
                "student_id": st.student_id,
                "errors": list(r.errors),
                "warnings": list(r.warnings),
            }
        )
        for r, st in zip(run.submissions, students, strict=True)
    ]
    by_id: dict[str, list[int]] = {}
    for index, student in enumerate(students):
        if student.key:
            by_id.setdefault(student.key, []).append(index)
    for indices in by_id.values():
        if len(indices) < 2:
            continue
        for index in indices:
            others = ", ".join(results[i].submission for i in indices if i != index)
            results[index].errors.append(
                f"{results[index].submission}: student id {students[index].student_id!r} is "
                f"also on {others}; which one is whose?"
            )
    if roster is not None:
        expected = {line.student.key for line in roster}
        for index, sub in enumerate(submissions):
            if not students[index].key and not sub.sheets:
                results[index].warnings.append(f"{sub.label}: matches no student on the roster")
            elif not students[index].key:
                results[index].warnings.append(f"{sub.label}: no student_id on the sheet")
            elif students[index].key not in expected:
                results[index].warnings.append(
                    f"{sub.label}: student id {students[index].student_id!r} is not on the roster"
                )
        results += [
            SubmissionResult(
                submission="",
                kind=SubmissionKind.MISSING,
                name=line.student.name,
                student_id=line.student.student_id,
                errors=[],
                warnings=[
                    f"nothing handed in by {line.student.student_id} (roster line {line.line})"
                ],
            )
            for line in roster
            if line.student.key not in by_id
        ]
    return run.model_copy(update={"submissions": results})
