"""The Chinese bank: every template translated, with the English numbers, truth and terminology.

The zh text of a template is an overlay (``questions/zh/<topic>.yaml``) over the English one;
these tests hold it to the English for many seeds, and to one glossary
(``questions/zh/glossary.yaml``, d2l-zh terms) for the words.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

from quizkit.bank.bank import Bank
from quizkit.bank.locale import Lang, translation_gaps
from quizkit.bank.model import Template
from quizkit.bank.question import Question, make_question, render_text

SEEDS = 20
TRUTH_SEEDS = 3
ENGLISH = Bank()
CHINESE = Bank(ENGLISH.root, lang=Lang.ZH)
TOPICS = ENGLISH.topic_names()
TRANSLATED_TOPICS = [t for t in TOPICS if (ENGLISH.root / "zh" / f"{t}.yaml").is_file()]
TRANSLATED = [t for name in TRANSLATED_TOPICS for t in ENGLISH.topic(name).templates]
GLOSSARY = Path(ENGLISH.root) / "zh" / "glossary.yaml"

# A number as a reader sees it: not the digit of an identifier (Conv2d, L1, fp32, x_1).
# `3x3` is read as 3 × 3.
NUMBER = re.compile(r"(?<![A-Za-z_\d.])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
TIMES = re.compile(r"(?<=\d)x(?=\d)")
# Hand-written sentences stating the precision are not translated (a sentence generated from the
# tolerance, in the question's language, ends the prompt instead), so their numbers are not compared.
PRECISION = re.compile(r"(?:at least )?\d+ (?:significant figures|decimal places)")
# Four English words in a row, outside code, is prose that was not translated.
ENGLISH_PROSE = re.compile(r"(?<![\w.])[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){3,}(?![\w(=.])")
CODE = re.compile(r"```.*?```|`[^`]*`", re.S)
PYTHON_WORDS = re.compile(r"\b(?:True|False|None)\b")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _numbers(text: str) -> Counter[str]:
    return Counter(_canonical(n) for n in NUMBER.findall(TIMES.sub(" × ", text)))


def _canonical(number: str) -> str:
    return repr(float(number))


def _texts(question: Question) -> list[str]:
    """Prompt (as written, without a generated precision sentence), hint, solution, options."""
    scope = {**question.scope, "options": question.options}
    prompt = render_text(question.template.prompt, scope, where=question.id)
    return [prompt, question.hint, question.solution, *question.options]


def _pair(template: Template, seed: int) -> tuple[Question, Question]:
    zh_template = CHINESE.template(template.id)
    return make_question(template, seed), make_question(zh_template, seed)


def test_topic_discovery_does_not_take_the_zh_folder_for_a_topic() -> None:
    assert "zh" not in TOPICS and "glossary" not in TOPICS
    assert all((ENGLISH.root / f"{name}.yaml").is_file() for name in TOPICS)


def test_every_template_has_a_complete_and_current_chinese_translation() -> None:
    gaps = [
        f"{gap.template_id}: {gap.message}"
        for name in TOPICS
        for gap in translation_gaps(
            ENGLISH.topic(name),
            ENGLISH.overlay(name, Lang.ZH),
            Lang.ZH,
            ENGLISH.sources(Lang.ZH, name),
        )
    ]
    assert not gaps, "\n".join(gaps)


@pytest.mark.parametrize("name", TRANSLATED_TOPICS)
def test_topic_title_and_description_are_chinese(name: str) -> None:
    topic = CHINESE.topic(name)
    assert CJK.search(topic.title) and CJK.search(topic.description)


@pytest.mark.parametrize("template", TRANSLATED, ids=lambda t: t.id)
def test_zh_and_en_carry_the_same_numbers_for_many_seeds(template: Template) -> None:
    for seed in range(SEEDS):
        en, zh = _pair(template, seed)
        assert zh.params == en.params and zh.id == en.id
        for field, en_text, zh_text in zip(
            ("prompt", "hint", "solution", *(f"option {i}" for i in range(len(en.options)))),
            _texts(en),
            _texts(zh),
            strict=True,
        ):
            expected = _numbers(PRECISION.sub("", en_text))
            got = _numbers(zh_text)
            assert got == expected, (
                f"{zh.id} {field}: numbers differ\n"
                f"  only en: {sorted((expected - got).elements())}\n"
                f"  only zh: {sorted((got - expected).elements())}\n  zh: {zh_text}"
            )


@pytest.mark.parametrize("template", TRANSLATED, ids=lambda t: t.id)
def test_zh_text_is_chinese_and_leaves_no_english_prose(template: Template) -> None:
    for seed in range(SEEDS):
        _, zh = _pair(template, seed)
        assert CJK.search(zh.template.title), f"{zh.id}: title {zh.template.title!r}"
        assert CJK.search(zh.prompt), f"{zh.id}: no Chinese in {zh.prompt!r}"
        for text in _texts(zh):
            prose = ENGLISH_PROSE.search(PYTHON_WORDS.sub(" ", CODE.sub(" ", text)))
            assert prose is None, f"{zh.id}: English prose {prose.group()!r} in {text!r}"


@pytest.mark.slow
@pytest.mark.parametrize("template", TRANSLATED, ids=lambda t: t.id)
def test_zh_and_en_have_the_same_truth(template: Template) -> None:
    from quizkit.bank.truth import compute_truth

    for seed in range(TRUTH_SEEDS):
        en, zh = _pair(template, seed)
        assert compute_truth(zh) == compute_truth(en)


# --- glossary ------------------------------------------------------------------------------------


@cache
def _glossary() -> list[dict[str, object]]:
    entries = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))["terms"]
    assert isinstance(entries, list)
    return entries


def _english_prose(template: Template) -> str:
    """The English words a student reads: text fields and prose lets, minus code."""
    parts = [template.title, template.prompt, template.hint, template.solution]
    parts += [o.text for o in template.answer.options or ()]
    zh_text = CHINESE.overlay(template.topic, Lang.ZH)
    reworded = zh_text.templates[template.id].let if zh_text else {}
    parts += [template.let[name] for name in reworded]
    return CODE.sub(" ", "\n".join(parts))


def _chinese_text(template: Template) -> str:
    overlay = CHINESE.overlay(template.topic, Lang.ZH)
    assert overlay is not None
    text = overlay.templates[template.id]
    return "\n".join([text.title, text.prompt, text.hint, text.solution, *(text.options or ()),
                      *text.let.values()])  # fmt: skip


def _term(term: str) -> re.Pattern[str]:
    # a term as a word of prose, not part of an identifier (`padding=1`, `.weight_decay`)
    return re.compile(r"(?<![\w.])" + re.escape(term) + r"(?![\w=(])", re.IGNORECASE)


def _uses(term: str, english: str) -> bool:
    """Whether ``english`` uses ``term``, other than inside a longer glossary term.

    "bias correction" is 偏差修正, not 偏置 + 修正: the longer entry decides there.
    """
    for entry in _glossary():
        longer = str(entry["en"])
        if len(longer) > len(term) and _term(term).search(longer):
            english = _term(longer).sub(" ", english)
    return _term(term).search(english) is not None


def test_glossary_entries_are_well_formed() -> None:
    seen: set[str] = set()
    ids = {t.id for t in ENGLISH.templates()}
    for entry in _glossary():
        assert set(entry) <= {"en", "zh", "note", "except"}, entry
        assert isinstance(entry["en"], str) and isinstance(entry["zh"], str), entry
        assert CJK.search(entry["zh"]) and entry["note"], entry
        assert entry["en"].lower() not in seen, f"{entry['en']} twice"
        seen.add(entry["en"].lower())
        exceptions = entry.get("except") or {}
        assert isinstance(exceptions, dict) and set(exceptions) <= ids, entry


@pytest.mark.parametrize("template", TRANSLATED, ids=lambda t: t.id)
def test_glossary_terms_are_the_ones_the_translation_uses(template: Template) -> None:
    english, chinese = _english_prose(template), _chinese_text(template)
    missing = [
        f"{entry['en']} -> {entry['zh']}"
        for entry in _glossary()
        if _uses(str(entry["en"]), english)
        and str(entry["zh"]) not in chinese
        and template.id not in (entry.get("except") or {})
    ]
    assert not missing, f"{template.id}: the English says it, the Chinese lacks: {missing}"
