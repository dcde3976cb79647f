"""PATHs on the command line → submissions. Torch-free.

A PATH is one of:

- a student's submission directory: files named ``<exercise>.py`` (or exactly the
  ``--exercises``), plus any answer sheets in it, all graded as one student;
- a class's folder of answer sheets (a directory with no exercise files and no
  ``--exercises``): every answer sheet in it is its own student;
- a single exercise file (``conv2d.py``, or any name with one ``--exercises`` name);
- a single answer sheet.

Answer sheets are recognized by content (a ``quizkit: answer-sheet`` line near the top), whatever
their file names. Every problem found here is a :class:`GradeInputError` (exit status 2) raised
before any grading starts; problems inside a sheet are found when it is graded and reported
for that student only.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from quizkit.errors import QuizkitError
from quizkit.exercises.catalog import get_exercise, list_exercises
from quizkit.grade.models import Submission, SubmissionKind

EXERCISE_SUFFIXES = (".py", ".ipynb")  # in preference order when a directory holds both


class GradeInputError(QuizkitError):
    """A PATH that is not a submission, or an option that does not fit it."""


def _is_sheet(path: Path) -> bool:
    from quizkit.worksheet.sheet import is_answer_sheet

    return is_answer_sheet(path)


def discover(paths: Sequence[Path], *, exercises: Sequence[str] | None = None) -> list[Submission]:
    """One :class:`Submission` per PATH (per answer sheet in a class folder), in the order given.

    With ``exercises`` a directory is graded on exactly those (a missing file fails its tests);
    without, on every catalog exercise whose file is present.
    """
    if not paths:
        raise GradeInputError("give at least one PATH (a submission directory or file)")
    names = list(dict.fromkeys(exercises or ()))
    for name in names:
        get_exercise(name)  # UnknownExerciseError names the choices
    seen: dict[Path, str] = {}
    out: list[Submission] = []
    for path in paths:
        found = _discover_one(path, names)
        for sub in found:
            items = {sub.path.resolve(): sub.path}
            items.update((p.resolve(), p) for p in (*sub.exercises.values(), *sub.sheets))
            for resolved, item in items.items():
                if resolved in seen:
                    raise GradeInputError(f"{item}: given twice (also as {seen[resolved]})")
                seen[resolved] = str(path)
        out += found
    return out


def _discover_one(path: Path, names: list[str]) -> list[Submission]:
    if path.is_dir():
        return _directory(path, names)
    return [_file(path, names)]


def _file(path: Path, names: list[str]) -> Submission:
    label = str(path)
    if not path.exists():
        raise GradeInputError(f"{path}: no such file or directory")
    if not path.is_file():
        raise GradeInputError(f"{path}: not a regular file or directory")
    if path.suffix in EXERCISE_SUFFIXES:
        return Submission(label, path, SubmissionKind.FILE, {_exercise_of(path, names): path})
    if _is_sheet(path):
        if names:
            raise GradeInputError(f"{path}: an answer sheet takes no --exercises")
        return Submission(label, path, SubmissionKind.SHEET, sheets=(path,))
    raise GradeInputError(
        f"{path}: not an exercise file (<exercise>.py or .ipynb), an answer sheet "
        "(a file with a 'quizkit: answer-sheet' line) or a directory"
    )


def _exercise_of(path: Path, names: list[str]) -> str:
    if len(names) > 1:
        raise GradeInputError(f"{path}: one file holds one exercise; give one --exercises name")
    if names:
        return names[0]
    catalog = {info.name for info in list_exercises()}
    if path.stem not in catalog:
        raise GradeInputError(
            f"{path}: {path.stem!r} is not an exercise name; rename the file or pass "
            f"--exercises NAME (one of: {', '.join(sorted(catalog))})"
        )
    return path.stem


def _directory(path: Path, names: list[str]) -> list[Submission]:
    try:
        entries = {p.name: p for p in path.iterdir()}
    except OSError as error:
        raise GradeInputError(f"{path}: cannot list ({error.strerror or error})") from None
    if names:
        files = {name: _exercise_file(path, name, entries) or path / f"{name}.py" for name in names}
    else:
        found = {info.name: _exercise_file(path, info.name, entries) for info in list_exercises()}
        files = {name: file for name, file in found.items() if file is not None}
    taken = {p.name for p in files.values()}
    sheets = tuple(p for name, p in sorted(entries.items()) if name not in taken and _is_sheet(p))
    if files:
        return [Submission(str(path), path, SubmissionKind.DIRECTORY, files, sheets)]
    if not sheets:
        wanted = ", ".join(f"{i.name}.py" for i in list_exercises()[:3])
        raise GradeInputError(
            f"{path}: no exercise files ({wanted}, ... or .ipynb) and no answer sheets; "
            "name the files after the exercises or pass --exercises"
        )
    # a class's folder of answer sheets: each sheet is one student
    return [Submission(str(p), p, SubmissionKind.SHEET, sheets=(p,)) for p in sheets]


def _exercise_file(path: Path, name: str, entries: dict[str, Path]) -> Path | None:
    """``<name>.py``, else ``<name>.ipynb``, in the directory listing ``entries``."""
    for suffix in EXERCISE_SUFFIXES:
        file = entries.get(f"{name}{suffix}")
        if file is not None and file.is_file():
            return file
    return None
