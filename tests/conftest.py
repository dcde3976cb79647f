"""Shared fixtures: small banks written to a temporary folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from test_practice_support import write_toy_bank

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def write_bank(tmp_path: Path) -> Callable[..., Path]:
    """Write ``{topic: yaml_text}`` files into a fresh bank folder and return it."""

    def write(**topics: str) -> Path:
        root = tmp_path / "bank"
        root.mkdir(exist_ok=True)
        for name, text in topics.items():
            (root / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return write


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    """The practice tests' small bank (see test_practice_support.write_toy_bank)."""
    return write_toy_bank(tmp_path / "bank")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fresh QUIZKIT_HOME for one test."""
    return tmp_path / "home"
