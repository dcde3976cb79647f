"""``quizkit ci init``: the files a CI platform needs to grade a repository with quizkit.

One renderer per platform, all from the same :class:`CiConfig`:

========== ================================================ =============================
platform   files                                            report
========== ================================================ =============================
classroom  ``.github/workflows/quizkit.yml`` + README       ``--format classroom`` →
                                                            autograding-grading-reporter
github     ``.github/workflows/quizkit.yml`` + README       JUnit artifact, step summary
gitlab     ``.gitlab-ci.yml`` + README                      JUnit (``reports: junit``)
gradescope ``setup.sh``, ``run_autograder``,                ``results.json``
           ``autograder.zip`` + README
========== ================================================ =============================

Every one installs the CPU build of torch ``TORCH_VERSION`` and one fixed quizkit
(:mod:`quizkit.ci.install`), caches pip where the platform can, grades with a fixed seed (``--seed
N`` written in, else a repository secret or CI variable, checked to be a whole number before
grading) and runs student code under ``--isolation bwrap``.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import shlex
import stat
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from importlib import resources
from pathlib import Path

import yaml

from quizkit.ci.install import InstallSpec
from quizkit.errors import QuizkitError
from quizkit.exercises.catalog import get_exercise, list_exercises
from quizkit.grade.discover import EXERCISE_SUFFIXES

TORCH_VERSION = "2.13.0"
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
DEFAULT_SEED_SECRET = "QUIZKIT_SEED"
MAX_SEED = 2**63 - 1
README = Path("README.md")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: the archive is reproducible


class CiInitError(QuizkitError):
    """The CI files cannot be written (a file exists, a bad option, an unwritable directory)."""


class Platform(str, Enum):
    CLASSROOM = "classroom"
    GITHUB = "github"
    GITLAB = "gitlab"
    GRADESCOPE = "gradescope"

    @property
    def readme_mark(self) -> str:
        """The heading its README section starts with: present means already appended."""
        return "## Autograding (Gradescope)" if self is Platform.GRADESCOPE else "## Autograding"


@dataclass(frozen=True)
class CiConfig:
    """What every platform's files are rendered from."""

    exercises: tuple[str, ...]
    install: InstallSpec
    seed: int | None = None  # written into the files; None: read from the secret below
    seed_secret: str = DEFAULT_SEED_SECRET  # repository secret (GitHub) / CI variable (GitLab)

    @property
    def cache_key(self) -> str:
        """Changes exactly when what pip installs does."""
        text = f"torch=={TORCH_VERSION} {TORCH_INDEX} {self.install.requirement}"
        return f"torch{TORCH_VERSION}-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def template(name: str) -> str:
    return resources.files("quizkit.ci").joinpath("templates", name).read_text("utf-8")


def fill(text: str, values: dict[str, str]) -> str:
    """Replace every ``@@KEY@@``; a key left over is a bug in a template, not user input."""
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    if "@@" in text:
        raise AssertionError(f"unfilled placeholder near {text[text.index('@@') :][:40]!r}")
    return text


def assignment_exercises(directory: Path, exercises: Sequence[str] | None) -> tuple[str, ...]:
    """The exercises to grade: those named, else those whose ``<name>.py`` or ``<name>.ipynb``
    is in ``directory``, else the whole catalog. The files always name them, so a deleted file
    scores zero instead of shrinking the maximum."""
    if exercises:
        for name in exercises:
            get_exercise(name)
        return tuple(dict.fromkeys(exercises))
    present = [
        i.name
        for i in list_exercises()
        if any((directory / f"{i.name}{suffix}").is_file() for suffix in EXERCISE_SUFFIXES)
    ]
    return tuple(present or [i.name for i in list_exercises()])


def check_seed_secret(name: str) -> str:
    """A name both GitHub (secrets) and GitLab (variables) accept: letters, digits and ``_``,
    not starting with a digit nor with ``GITHUB_`` (reserved). GitLab names are case-sensitive,
    so the case is kept."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or name.upper().startswith("GITHUB_"):
        raise CiInitError(
            f"--seed-secret {name!r}: a secret or variable name is letters, digits and _, "
            "not starting with a digit or GITHUB_"
        )
    return name


# ---------------------------------------------------------------- the shared pieces


def _install_words(config: CiConfig) -> str:
    return shlex.quote(config.install.requirement)


def _seed_value(config: CiConfig) -> str:
    """The value of ``QUIZKIT_SEED`` in a GitHub workflow: the seed, or the secret."""
    if config.seed is not None:
        return f'"{config.seed}"'
    return f'"${{{{ secrets.{config.seed_secret} }}}}"'


def _seed_check(config: CiConfig, indent: str, platform: Platform) -> str:
    """Shell that stops the job, with the reason, when the seed is not a whole number."""
    where = (
        f"the CI/CD variable {config.seed_secret} (Settings > CI/CD > Variables; masked, so "
        "8 digits or more)"
        if platform is Platform.GITLAB
        else f"the repository secret {config.seed_secret} (Settings > Secrets and variables)"
    )
    lines = [
        'case "$QUIZKIT_SEED" in',
        "  ''|*[!0-9]*)",
        f'    echo "quizkit: set {where} to a whole number: the seed of the hidden tests" >&2',
        "    exit 2 ;;",
        "esac",
    ]
    if config.seed is not None:
        lines = [f"# the seed is fixed in this file: {config.seed}", *lines]
    return "\n".join(indent + line for line in lines)


def _exercise_list(config: CiConfig) -> str:
    return ", ".join(f"`{name}`" for name in config.exercises)


def _local_block(config: CiConfig, platform: Platform) -> str:
    exercises = ",".join(config.exercises)
    seed = f" --seed {config.seed}" if config.seed is not None else ""
    lead = (
        "Try it locally on a submission folder (Python 3.10 or newer):"
        if platform is Platform.GRADESCOPE
        else "Check your work locally first (Python 3.10 or newer):"
    )
    return "\n".join(
        [
            lead,
            "",
            "```console",
            f"$ pip install torch=={TORCH_VERSION} --index-url {TORCH_INDEX}",
            f"$ pip install {_install_words(config)}",
            f"$ quizkit exercise check {config.exercises[0]} {config.exercises[0]}.py"
            "   # one exercise, with reasons",
            f"$ quizkit grade . --exercises {exercises}{seed}   # what CI runs (minus its sandbox)",
            "```",
        ]
    )


def _seed_text(config: CiConfig, platform: Platform) -> str:
    if config.seed is not None:
        where = "in `run_autograder`" if platform is Platform.GRADESCOPE else "in the CI file"
        return (
            f"The hidden test cases come from the seed {config.seed}, fixed {where}: every "
            "submission is graded on the same cases, so the same code always gets the same "
            f"points, and `quizkit grade . --seed {config.seed}` reproduces the grading exactly."
        )
    kind = "CI/CD variable" if platform is Platform.GITLAB else "repository secret"
    return (
        f"The hidden test cases come from a seed your teacher keeps in the {kind} "
        f"`{config.seed_secret}`: every push is graded on the same cases, so the same code always "
        "gets the same points; locally, each check draws new cases of the same kind."
    )


def render_readme_section(config: CiConfig, platform: Platform) -> str:
    return fill(
        template(f"readme-{platform.value}.md"),
        {
            "EXERCISE_LIST": _exercise_list(config),
            "LOCAL": _local_block(config, platform),
            "SEED_TEXT": _seed_text(config, platform),
        },
    )


# ---------------------------------------------------------------- per platform


def render_workflow(config: CiConfig, platform: Platform) -> str:
    """``.github/workflows/quizkit.yml`` for ``classroom`` or ``github``."""
    if platform not in (Platform.CLASSROOM, Platform.GITHUB):
        raise ValueError(f"{platform.value} has no GitHub workflow")
    common = {
        "CACHE_KEY": config.cache_key,
        "TORCH": TORCH_VERSION,
        "TORCH_INDEX": TORCH_INDEX,
        "INSTALL": _install_words(config),
    }
    setup = fill(template("github-setup.yaml"), common).rstrip("\n")
    return fill(
        template(f"{platform.value}.yaml"),
        {
            "SETUP_STEPS": setup,
            "SEED_VALUE": _seed_value(config),
            "SEED_CHECK": _seed_check(config, " " * 10, platform),
            "EXERCISES": ",".join(config.exercises),
        },
    )


def render_gitlab(config: CiConfig) -> str:
    seed_variable = f'  QUIZKIT_SEED: "{config.seed}"\n' if config.seed is not None else ""
    check = _seed_check(config, " " * 6, Platform.GITLAB)
    if config.seed is None and config.seed_secret != "QUIZKIT_SEED":
        check = f'      QUIZKIT_SEED="${config.seed_secret}"\n' + check
    return fill(
        template("gitlab-ci.yaml"),
        {
            "SEED_VARIABLE": seed_variable,
            "SEED_CHECK": check,
            "CACHE_KEY": config.cache_key,
            "TORCH": TORCH_VERSION,
            "TORCH_INDEX": TORCH_INDEX,
            "INSTALL": _install_words(config),
            "EXERCISES": ",".join(config.exercises),
        },
    )


def render_gradescope(config: CiConfig) -> dict[str, str]:
    """``setup.sh`` and ``run_autograder``; Gradescope keeps the zip private, so the seed is
    always written in (a random one when none is given)."""
    if config.seed is None:
        raise ValueError("a Gradescope autograder needs its seed written in")
    files = yaml.safe_load(template("gradescope.yaml"))
    values = {
        "TORCH": TORCH_VERSION,
        "TORCH_INDEX": TORCH_INDEX,
        "INSTALL": _install_words(config),
        "EXERCISES": ",".join(config.exercises),
        "SEED": str(config.seed),
    }
    return {name: fill(text, values) for name, text in files.items()}


def autograder_zip(files: dict[str, str]) -> bytes:
    """The zip Gradescope takes: the files at its root, executable, with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return buffer.getvalue()


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class CiInitResult:
    """What ``ci init`` did: the files written and the facts the user must know."""

    platform: Platform
    written: tuple[Path, ...]
    install: InstallSpec
    seed: int | None
    seed_secret: str
    seed_generated: bool


def planned_files(config: CiConfig, platform: Platform) -> dict[Path, bytes]:
    """Every file (but the README) ``platform`` needs, relative to the repository root."""
    if platform in (Platform.CLASSROOM, Platform.GITHUB):
        text = render_workflow(config, platform)
        return {Path(".github/workflows/quizkit.yml"): text.encode()}
    if platform is Platform.GITLAB:
        return {Path(".gitlab-ci.yml"): render_gitlab(config).encode()}
    scripts = render_gradescope(config)
    out = {Path(name): text.encode() for name, text in scripts.items()}
    out[Path("autograder.zip")] = autograder_zip(scripts)
    return out


def init_ci(
    directory: Path,
    *,
    platform: Platform,
    install: InstallSpec,
    exercises: Sequence[str] | None = None,
    seed: int | None = None,
    seed_secret: str = DEFAULT_SEED_SECRET,
    force: bool = False,
) -> CiInitResult:
    """Write ``platform``'s files into ``directory`` and append its README section."""
    if directory.exists() and not directory.is_dir():
        raise CiInitError(f"{directory}: not a directory")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise CiInitError(f"--seed {seed}: a seed is a whole number from 0 to {MAX_SEED}")
    generated = False
    if seed is None and platform is Platform.GRADESCOPE:
        seed, generated = secrets.randbelow(10**9), True
    config = CiConfig(
        exercises=assignment_exercises(directory, exercises),
        install=install,
        seed=seed,
        seed_secret=check_seed_secret(seed_secret),
    )
    files = planned_files(config, platform)
    existing = [directory / p for p in files if (directory / p).exists()]
    if existing and not force:
        raise CiInitError(f"{existing[0]}: already exists (use --force to overwrite)")
    readme = directory / README
    try:
        before = readme.read_text("utf-8") if readme.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise CiInitError(f"{readme}: cannot read ({error})") from None
    written: list[Path] = []
    try:
        for relative, data in files.items():
            path = directory / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            if path.suffix in (".sh", "") and platform is Platform.GRADESCOPE:
                path.chmod(0o755)
            written.append(path)
        if platform.readme_mark not in before.splitlines():
            readme.write_text(
                _appended(before, render_readme_section(config, platform)), encoding="utf-8"
            )
            written.append(readme)
    except OSError as error:
        raise CiInitError(f"{directory}: cannot write ({error.strerror or error})") from None
    return CiInitResult(platform, tuple(written), install, seed, config.seed_secret, generated)


def _appended(existing: str, section: str) -> str:
    if not existing:
        return section
    if existing.endswith("\n\n"):
        return existing + section
    return existing + ("\n" if existing.endswith("\n") else "\n\n") + section
