"""The release check's content step: it passes the real wheel and sdist and fails a wheel that
lost a bank file, carries an edited one, or ships a solution."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "release_check.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("release_check", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


release_check = _load_script()


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A real sdist and wheel, built as the release check builds them."""
    tree = release_check.source_tree(REPO, tmp_path_factory.mktemp("tree"))
    wheel, sdist = release_check.build(tree, tmp_path_factory.mktemp("dist"))
    return wheel, sdist


def _rewrite(wheel: Path, out: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """A copy of ``wheel`` with each member passed through ``change`` (None drops it)."""
    with zipfile.ZipFile(wheel) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info, data)
    return out


def _check(wheel: Path, sdist: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPT), "--dists", str(wheel), str(sdist)]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO)


def test_the_built_wheel_and_sdist_hold_every_bank_file_and_no_solution(
    dists: tuple[Path, Path],
) -> None:
    wheel, sdist = dists
    assert release_check.check_dists(wheel, sdist) == []
    done = _check(wheel, sdist)
    assert (done.returncode, done.stdout) == (0, "")


def test_a_wheel_missing_a_bank_file_fails_the_check(
    dists: tuple[Path, Path], tmp_path: Path
) -> None:
    wheel, sdist = dists
    target = "quizkit/questions/pooling.yaml"
    broken = _rewrite(wheel, tmp_path / wheel.name, lambda n, d: None if n == target else d)
    done = _check(broken, sdist)
    assert done.returncode == 1
    assert done.stdout == (
        f"release-check: {wheel.name}: {target} is missing (the bank file pooling.yaml)\n"
    )


def test_a_wheel_missing_a_module_fails_the_check(dists: tuple[Path, Path], tmp_path: Path) -> None:
    wheel, sdist = dists
    target = "quizkit/bank/loader.py"
    broken = _rewrite(wheel, tmp_path / wheel.name, lambda n, d: None if n == target else d)
    assert release_check.check_dists(broken, sdist) == [f"{wheel.name}: {target} is missing"]


def test_a_wheel_with_an_edited_bank_file_fails_the_check(
    dists: tuple[Path, Path], tmp_path: Path
) -> None:
    wheel, sdist = dists
    target = "quizkit/questions/conv.yaml"
    broken = _rewrite(
        wheel, tmp_path / wheel.name, lambda n, d: d + b"# edited\n" if n == target else d
    )
    assert release_check.check_dists(broken, sdist) == [
        f"{wheel.name}: {target} differs from questions/conv.yaml"
    ]


def test_a_solution_inside_the_wheel_fails_the_check_whatever_its_name(
    dists: tuple[Path, Path], tmp_path: Path
) -> None:
    wheel, sdist = dists
    solution = (REPO / "solutions" / "linear.py").read_bytes()
    target = "quizkit/exercises/__init__.py"
    leaky = _rewrite(wheel, tmp_path / wheel.name, lambda n, d: solution if n == target else d)
    assert release_check.check_dists(leaky, sdist) == [
        f"{wheel.name}: {target} is solutions/linear.py"
    ]


def test_the_wheel_ships_the_bank_as_package_data_beside_the_code(
    dists: tuple[Path, Path],
) -> None:
    wheel, _ = dists
    names = zipfile.ZipFile(wheel).namelist()
    assert "quizkit/questions/__init__.py" in names
    assert not [n for n in names if n.startswith(("questions/", "solutions/", "tests/"))]
