"""Every reference solution passes every hidden test over several seeds; every starter file
earns nothing; every starter's visible examples pass once the solution is filled in."""

from __future__ import annotations

import importlib.util
import io
from contextlib import redirect_stdout
from pathlib import Path
from types import ModuleType

import pytest

import quizkit
from quizkit.exercises.catalog import list_exercises, starter_source
from quizkit.exercises.models import TestStatus
from quizkit.exercises.runner import check_exercise

SOLUTIONS = Path(quizkit.__file__).parent.parent / "solutions"
NAMES = [info.name for info in list_exercises()]
SEEDS = (0, 1, 2)


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_catalog_exercise_has_a_solution_and_a_starter() -> None:
    for name in NAMES:
        assert (SOLUTIONS / f"{name}.py").is_file(), name
        assert "NotImplementedError" in starter_source(name)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_every_hidden_test_over_several_seeds(name: str) -> None:
    for seed in SEEDS:
        result = check_exercise(name, SOLUTIONS / f"{name}.py", seed=seed)
        failures = [
            f"{t.name}: {t.status.value}: {t.message}"
            for t in result.tests
            if t.points < t.max_points
        ]
        assert result.passed, f"seed {seed}:\n" + "\n".join(failures)
        assert result.score == result.max_score > 0


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_starter_file_earns_no_points(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.py"
    path.write_text(starter_source(name))
    result = check_exercise(name, path, seed=0)
    assert not result.passed
    assert result.score == 0
    assert all(t.status in (TestStatus.ERROR, TestStatus.FAILED) for t in result.tests)
    assert all("NotImplementedError" in t.message for t in result.tests)


@pytest.mark.parametrize("name", NAMES)
def test_starter_examples_pass_with_the_solution_filled_in(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"starter_{name}.py"
    path.write_text(starter_source(name))
    starter = _load(path, f"starter_{name}")
    solution = _load(SOLUTIONS / f"{name}.py", f"solution_{name}")
    info = next(i for i in list_exercises() if i.name == name)
    for api_name in info.api:
        setattr(starter, api_name, getattr(solution, api_name))
    out = io.StringIO()
    with redirect_stdout(out):
        assert starter._examples() is True, out.getvalue()
    assert "MISMATCH" not in out.getvalue()


@pytest.mark.parametrize("name", NAMES)
def test_starter_examples_report_not_implemented_without_crashing(
    name: str, tmp_path: Path
) -> None:
    path = tmp_path / f"bare_{name}.py"
    path.write_text(starter_source(name))
    starter = _load(path, f"bare_{name}")
    out = io.StringIO()
    with redirect_stdout(out):
        assert starter._examples() is False
    assert "not implemented yet" in out.getvalue()
