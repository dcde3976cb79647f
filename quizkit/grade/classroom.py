"""``quizkit classroom init``: the files a GitHub Classroom template repository needs to grade
itself: ``.github/workflows/quizkit.yml`` and an "Autograding" section in ``README.md``."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from quizkit.errors import QuizkitError
from quizkit.exercises.catalog import get_exercise, list_exercises

WORKFLOW = Path(".github/workflows/quizkit.yml")
README = Path("README.md")
SECTION_MARK = "## Autograding"


class ClassroomInitError(QuizkitError):
    """The template repository cannot be set up (a file exists, a name is unknown)."""


def template(name: str) -> str:
    return resources.files("quizkit.grade").joinpath("templates", name).read_text("utf-8")


def assignment_exercises(directory: Path, exercises: Sequence[str] | None) -> list[str]:
    """The exercises to grade: those named, else those whose ``<name>.py`` or ``<name>.ipynb``
    is in ``directory``,
    else the whole catalog. The workflow always names them, so a deleted file scores zero
    instead of shrinking the maximum."""
    if exercises:
        for name in exercises:
            get_exercise(name)
        return list(dict.fromkeys(exercises))
    present = [
        i.name
        for i in list_exercises()
        if any((directory / f"{i.name}{suffix}").is_file() for suffix in (".py", ".ipynb"))
    ]
    return present or [i.name for i in list_exercises()]


def render_workflow(exercises: Sequence[str], install: str = "quizkit") -> str:
    return template("workflow.yaml").format(exercises=",".join(exercises), install=install)


def render_readme_section(exercises: Sequence[str], install: str = "quizkit") -> str:
    listed = ", ".join(f"`{name}`" for name in exercises)
    return template("readme-section.md").format(exercise_list=listed, install=install)


def init_classroom(
    directory: Path,
    *,
    exercises: Sequence[str] | None = None,
    install: str = "quizkit",
    force: bool = False,
) -> list[Path]:
    """Write the workflow and append the README section; the paths written."""
    if directory.exists() and not directory.is_dir():
        raise ClassroomInitError(f"{directory}: not a directory")
    names = assignment_exercises(directory, exercises)
    workflow = directory / WORKFLOW
    if workflow.exists() and not force:
        raise ClassroomInitError(f"{workflow}: already exists (use --force to overwrite)")
    readme = directory / README
    try:
        existing = readme.read_text("utf-8") if readme.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise ClassroomInitError(f"{readme}: cannot read ({error})") from None
    written = []
    try:
        workflow.parent.mkdir(parents=True, exist_ok=True)
        workflow.write_text(render_workflow(names, install), encoding="utf-8")
        written.append(workflow)
        if SECTION_MARK not in existing:
            separator = "" if not existing or existing.endswith("\n\n") else "\n"
            if existing and not existing.endswith("\n"):
                separator = "\n\n"
            readme.write_text(
                existing + separator + render_readme_section(names, install), encoding="utf-8"
            )
            written.append(readme)
    except OSError as error:
        raise ClassroomInitError(f"{directory}: cannot write ({error.strerror or error})") from None
    return written
