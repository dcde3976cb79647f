"""``quizkit ci init`` and its GitHub Classroom alias ``quizkit classroom init``.

Thin layer: parse arguments, call :func:`quizkit.ci.init.init_ci`, print what was written.
"""

from __future__ import annotations

from pathlib import Path

import typer

from quizkit.ci.init import DEFAULT_SEED_SECRET, Platform

ci_app = typer.Typer(
    name="ci", help="Write CI files that grade a repository with quizkit.", no_args_is_help=True
)
classroom_app = typer.Typer(
    name="classroom",
    help="GitHub Classroom: set up a student template repository that grades itself.",
    no_args_is_help=True,
)

_DIRECTORY = typer.Argument(
    Path("."), file_okay=False, help="The repository (or autograder folder) to write into."
)
_EXERCISES = typer.Option(
    None, "--exercises", "-e", help="Exercises to grade, comma-separated (default: files present)."
)
_INSTALL = typer.Option(
    None,
    "--install",
    metavar="SPEC",
    help="quizkit for CI to install: quizkit==X.Y.Z, git+https://.../quizkit@COMMIT or a "
    "https://....whl URL (default: where this quizkit was installed from).",
)
_SEED = typer.Option(
    None, "--seed", min=0, help="Hidden-test seed written into the files (default: from a secret)."
)
_SEED_SECRET = typer.Option(
    DEFAULT_SEED_SECRET,
    "--seed-secret",
    metavar="NAME",
    help="Repository secret / CI variable holding the seed when --seed is not given.",
)
_FORCE = typer.Option(False, "--force", help="Overwrite existing files.")


@ci_app.command("init")
def ci_init(
    directory: Path = _DIRECTORY,
    platform: Platform = typer.Option(..., "--platform", "-p", help="Where grading runs."),
    exercises: list[str] = _EXERCISES,
    install: str | None = _INSTALL,
    seed: int | None = _SEED,
    seed_secret: str = _SEED_SECRET,
    force: bool = _FORCE,
) -> None:
    """Write the CI files for PLATFORM and a README section telling students how grading works."""
    _init(directory, platform, exercises, install, seed, seed_secret, force)


@classroom_app.command("init")
def classroom_init(
    directory: Path = _DIRECTORY,
    exercises: list[str] = _EXERCISES,
    install: str | None = _INSTALL,
    seed: int | None = _SEED,
    seed_secret: str = _SEED_SECRET,
    force: bool = _FORCE,
) -> None:
    """Same as `quizkit ci init --platform classroom`."""
    _init(directory, Platform.CLASSROOM, exercises, install, seed, seed_secret, force)


def _init(
    directory: Path,
    platform: Platform,
    exercises: list[str] | None,
    install: str | None,
    seed: int | None,
    seed_secret: str,
    force: bool,
) -> None:
    from quizkit.ci.init import init_ci
    from quizkit.ci.install import resolve_install
    from quizkit.cli.grade import split_names
    from quizkit.ui.ci import render_ci_init
    from quizkit.ui.console import make_console

    result = init_ci(
        directory,
        platform=platform,
        install=resolve_install(install),
        exercises=split_names(exercises),
        seed=seed,
        seed_secret=seed_secret,
        force=force,
    )
    render_ci_init(make_console(), result)


def register(app: typer.Typer) -> None:
    """Attach ``ci`` and ``classroom`` to the root app."""
    app.add_typer(ci_app, name="ci")
    app.add_typer(classroom_app, name="classroom")
