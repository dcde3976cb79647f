"""Shared helpers for the worksheet tests (the fixture bank, a built worksheet), and id tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from quizkit.bank.bank import Bank
from quizkit.errors import UsageError
from quizkit.worksheet.build import Worksheet, build_worksheet
from quizkit.worksheet.ids import WorksheetId, parse_worksheet_id
from quizkit.worksheet.select import Selection

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BANK_DIR = FIXTURES / "worksheet_bank"
GOLDEN_DIR = FIXTURES / "worksheet_golden"


def fixture_bank() -> Bank:
    return Bank(root=BANK_DIR)


@cache
def small_worksheet() -> Worksheet:
    """Nine fixture questions, three versions (seed 11), built once per process."""
    return build_worksheet(
        fixture_bank(), Selection(count=9), seed=11, versions=3, title="Fixture quiz"
    )


def test_worksheet_id_encodes_seed_version_and_bank_fingerprint() -> None:
    worksheet_id = WorksheetId(4242, 3, "3f9a2c1b7d4e")
    assert str(worksheet_id) == "ws-4242-v3-3f9a2c1b7d4e"
    assert parse_worksheet_id(str(worksheet_id)) == worksheet_id


@pytest.mark.parametrize(
    "text", ["", "ws-1-1-3f9a2c1b7d4e", "ws-1-v1-3F9A", "ws-x-v1-3f9a2c1b7d4e", "4242"]
)
def test_malformed_worksheet_ids_are_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(UsageError, match="ws-SEED-vVERSION-FINGERPRINT"):
        parse_worksheet_id(text)


def test_every_version_of_the_fixture_worksheet_carries_the_bank_fingerprint() -> None:
    worksheet = small_worksheet()
    assert worksheet.bank == fixture_bank().fingerprint()
    assert [str(v.id) for v in worksheet.versions] == [
        f"ws-11-v{n}-{worksheet.bank}" for n in (1, 2, 3)
    ]


@cache
def full_worksheet() -> Worksheet:
    """Ten fixture questions, one version (seed 3): every fixture template, the nasty one too."""
    return build_worksheet(fixture_bank(), Selection(count=10), seed=3, title="Golden quiz")
