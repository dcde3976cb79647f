"""The interface catalog: every language says everything, with the same placeholders."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import fields

import pytest

from quizkit.answers.check import accepted_interval
from quizkit.answers.formats import accepted_formats
from quizkit.bank.locale import Lang
from quizkit.bank.model import AnswerKind, Tolerance
from quizkit.messages import (
    CATALOG,
    EN,
    ZH,
    Messages,
    join_wide_lines,
    localize_accepted,
    messages,
)
from quizkit.practice.session import Command, Notice, parse_command
from quizkit.ui.bank import formats_line
from quizkit.ui.practice import notice_text

WIDE = re.compile(r"[\u4e00-\u9fff]")
# A month is "Mar" in English and "3月" in Chinese: the chart offers both.
CHOSEN_PLACEHOLDERS = {"month": {"abbr", "number"}}


def placeholders(text: str) -> set[tuple[str, str]]:
    """(name, format spec) of each ``{field}``."""
    return {(name, spec or "") for _, name, spec, _ in string.Formatter().parse(text) if name}


def strings(record: Messages) -> dict[str, str]:
    """Every string of a catalog, mappings flattened to ``field[key]``."""
    flat: dict[str, str] = {}
    for field in fields(record):
        value = getattr(record, field.name)
        if isinstance(value, Mapping):
            for key, text in value.items():
                flat[f"{field.name}[{getattr(key, 'value', key)}]"] = text
        else:
            flat[field.name] = value
    return flat


def test_the_catalog_has_one_record_per_language() -> None:
    assert set(CATALOG) == set(Lang)
    assert messages(Lang.EN) is EN and messages(Lang.ZH) is ZH


@pytest.mark.parametrize("lang", [lang for lang in Lang if lang is not Lang.EN])
def test_every_language_has_the_english_strings_with_the_same_placeholders(lang: Lang) -> None:
    english, other = strings(EN), strings(messages(lang))
    # English formats lines are the parser's own (quizkit.answers.formats); others translate them
    missing = {k for k in english if k not in other}
    assert not missing
    for key, text in english.items():
        if key in CHOSEN_PLACEHOLDERS:  # each language picks among the values offered
            names = {name for name, _ in placeholders(other[key])}
            assert names and names <= CHOSEN_PLACEHOLDERS[key], key
            continue
        assert placeholders(other[key]) == placeholders(text), key
        assert other[key].strip() or not text.strip(), key


def test_chinese_strings_are_chinese_except_symbols_and_commands() -> None:
    symbols = {"column_number", "list_separator", "colon", "seconds", "month", "html_lang"}
    english = strings(EN)
    for key, text in strings(ZH).items():
        if key in symbols or key.startswith("count_units[flops"):
            continue
        if text == english.get(key):
            pytest.fail(f"{key} is not translated: {text!r}")
    assert WIDE.search(ZH.commands_line) and WIDE.search(ZH.page_of)


def test_chinese_formats_lines_cover_every_kind_and_keep_every_english_example() -> None:
    assert set(ZH.formats) == set(AnswerKind)
    for kind in AnswerKind:
        english = accepted_formats(kind)
        examples = re.findall(r"[0-9][0-9A-Za-z.,_*()/+\-\[\]]*[0-9A-Za-z)\]]", english)
        for example in examples:
            while example.count(")") > example.count("("):
                example = example[:-1]
            assert example in ZH.formats[kind], (kind, example)
        assert formats_line(english, ZH) == ZH.formats[kind]
        assert formats_line(english, EN) == english


def test_every_session_notice_is_worded_in_each_language() -> None:
    for notice in Notice:
        assert notice_text(notice, EN) == notice.value
        assert WIDE.search(notice_text(notice, ZH))
    assert notice_text("something else", ZH) == "something else"


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("？", Command.HINT),
        ("提示", Command.HINT),
        ("跳过", Command.SKIP),
        ("讲解", Command.EXPLAIN),
        ("退出", Command.QUIT),
        ("帮助", Command.HELP),
    ],
)
def test_the_chinese_commands_work_as_typed_with_an_ime(typed: str, command: Command) -> None:
    assert parse_command(typed) is command


def test_a_line_break_between_two_chinese_characters_is_dropped_not_made_a_space() -> None:
    assert join_wide_lines("经过\n`nn.Conv2d(1, 2, 3)`。\n输出的形状") == (
        "经过\n`nn.Conv2d(1, 2, 3)`。输出的形状"
    )
    assert join_wide_lines("a batch\ngoes through") == "a batch\ngoes through"
    assert join_wide_lines("```\n# 注释\n# 注释\n```\n中\n文") == "```\n# 注释\n# 注释\n```\n中文"


ACCEPTED_CASES = [
    (AnswerKind.SHAPE, (1, 16, 15, 15), Tolerance()),
    (AnswerKind.BOOL, True, Tolerance()),
    (AnswerKind.PARAMS, 61706, Tolerance()),
    (AnswerKind.FLOPS, 22649241600, Tolerance(sigfigs=3)),
    (AnswerKind.VALUE, 0.2481, Tolerance()),
    (AnswerKind.VALUE, 0.2481, Tolerance(rtol=1e-3)),
    (AnswerKind.VALUE, 0.2481, Tolerance(atol=1e-4)),
    (AnswerKind.VALUE, 0.2481, Tolerance(sigfigs=3)),
    (AnswerKind.VALUE, 1.5, Tolerance(decimals=2)),
    (AnswerKind.VALUE, 0.0, Tolerance(sigfigs=3)),
    (AnswerKind.VALUE, 0.0, Tolerance(sigfigs=3, atol=1e-6)),
    (AnswerKind.VALUE, float("nan"), Tolerance()),
    (AnswerKind.VALUE, [], Tolerance()),
    (AnswerKind.VALUE, [0.1, -0.2, 0.0], Tolerance()),
    (AnswerKind.VALUE, [0.1, 0.2], Tolerance(sigfigs=2)),
    (AnswerKind.VALUE, [0.1] * 40, Tolerance()),
    (AnswerKind.VALUE, [0.1] * 40, Tolerance(sigfigs=2)),
]


@pytest.mark.parametrize(("kind", "truth", "tolerance"), ACCEPTED_CASES)
def test_every_accepted_interval_is_worded_in_chinese(
    kind: AnswerKind, truth: object, tolerance: Tolerance
) -> None:
    english = accepted_interval(kind, truth, tolerance)
    chinese = localize_accepted(english, Lang.ZH)
    assert localize_accepted(english, Lang.EN) == english
    words = set(re.findall(r"[A-Za-z]{2,}", chinese)) - {
        "rtol",
        "atol",
        "nan",
        "inf",
        "true",
        "false",
        "yes",
        "no",
    }
    assert not words, f"{english!r} -> {chinese!r}"
    numbers = re.findall(r"-?\d[\d,.e-]*", english.replace("(rtol", "").replace("atol", ""))
    for number in numbers:
        assert number.rstrip(",.") in chinese, (number, chinese)
