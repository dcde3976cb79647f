"""Build a worksheet: its templates, and per version the questions with their torch truths.

This module imports torch only when a truth is computed, so the CLI can import it cheaply.

Question seeds: slot ``i`` (1-based) of version ``v`` of a worksheet with seed ``s`` asks
``<template>@<n>`` with ``n = int(sha256("ws:s:v:i:<template>")[:4 bytes]) mod 10**6``; so the
same (seed, version, bank) always gives the same questions, and versions differ in parameters.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from quizkit.answers import shown_answer
from quizkit.bank.bank import Bank
from quizkit.bank.locale import Lang
from quizkit.bank.model import AnswerKind, Template
from quizkit.bank.question import Question, Truth, make_question
from quizkit.errors import UsageError
from quizkit.worksheet.ids import WorksheetId
from quizkit.worksheet.select import Selection, select_templates

QUESTION_SEEDS = 10**6
MAX_VERSIONS = 999


@dataclass(frozen=True)
class Item:
    """One numbered question of a version, with its truth as the key shows it."""

    number: int
    question: Question
    truth: Truth
    answer: str  # the truth as format_value writes it (what parse_answer reads back)
    accepted: str  # the accepted interval or the exact value, from the tolerance
    points: int = 1

    @property
    def kind(self) -> AnswerKind:
        return self.question.kind

    @property
    def unit(self) -> str | None:
        return self.question.template.answer.unit


@dataclass(frozen=True)
class Version:
    """One student's variant: its id and its numbered questions."""

    id: WorksheetId
    items: tuple[Item, ...]

    @property
    def number(self) -> int:
        return self.id.version

    @property
    def max_points(self) -> int:
        return sum(item.points for item in self.items)


@dataclass(frozen=True)
class Worksheet:
    """A worksheet: what was asked for, and every version built from it."""

    title: str
    selection: Selection
    seed: int
    bank: str
    templates: tuple[Template, ...]
    versions: tuple[Version, ...]
    lang: Lang = Lang.EN  # the bank's language: of the questions and the sheet's chrome


def question_seed(seed: int, version: int, slot: int, template_id: str) -> int:
    digest = hashlib.sha256(f"ws:{seed}:{version}:{slot}:{template_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % QUESTION_SEEDS


def build_item(number: int, question: Question, *, truths: bool = True) -> Item:
    """Compute the truth of ``question`` with torch and format it for the key.

    With ``truths=False`` the item is blank (no answer): enough to typeset the students'
    sheets, which show no answers, before torch has loaded.
    """
    if not truths:
        return Item(number, question, Truth(question.kind, None), answer="", accepted="")
    from quizkit.bank.truth import compute_truth  # torch loads here, not at import

    truth = compute_truth(question)
    shown = shown_answer(question, truth)
    return Item(number, question, truth, answer=shown.answer, accepted=shown.accepted)


def build_version(
    templates: list[Template] | tuple[Template, ...],
    *,
    seed: int,
    version: int,
    bank: str,
    truths: bool = True,
) -> Version:
    """Version ``version`` (1-based) of the worksheet asking ``templates``."""
    items = tuple(
        build_item(
            slot,
            make_question(template, question_seed(seed, version, slot, template.id)),
            truths=truths,
        )
        for slot, template in enumerate(templates, start=1)
    )
    return Version(WorksheetId(seed, version, bank), items)


def default_title(bank: Bank, selection: Selection) -> str:
    if not selection.topics:
        from quizkit.messages import messages

        return messages(bank.lang).default_title
    return " · ".join(bank.topic(name).title for name in dict.fromkeys(selection.topics))


def build_worksheet(
    bank: Bank,
    selection: Selection,
    *,
    seed: int,
    versions: int = 1,
    title: str | None = None,
    only: list[int] | None = None,
    truths: bool = True,
) -> Worksheet:
    """Build versions 1..``versions`` (or just those in ``only``) of a worksheet; with
    ``truths=False``, blank (no answers, no torch), for typesetting the students' sheets."""
    if not 1 <= versions <= MAX_VERSIONS:
        raise UsageError(f"--versions must be between 1 and {MAX_VERSIONS}, got {versions}")
    if seed < 0 or seed >= 10**12:
        raise UsageError(f"--seed must be a whole number from 0 to 10^12 - 1, got {seed}")
    fingerprint = bank.fingerprint()
    templates = tuple(select_templates(bank, selection, seed=seed))
    numbers = only if only is not None else list(range(1, versions + 1))
    return Worksheet(
        title=title if title is not None else default_title(bank, selection),
        selection=selection,
        seed=seed,
        bank=fingerprint,
        templates=templates,
        versions=tuple(
            build_version(templates, seed=seed, version=number, bank=fingerprint, truths=truths)
            for number in numbers
        ),
        lang=bank.lang,
    )
