"""Languages: resolving --lang, loading translation overlays, and rendering a question in zh."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel

from quizkit.bank.bank import Bank
from quizkit.bank.loader import summarize_topics
from quizkit.bank.locale import (
    Lang,
    english_digest,
    load_overlay,
    main,
    resolve_lang,
    stamp,
    template_lang,
    translate_topic,
    translation_gaps,
    write_sources,
)
from quizkit.bank.model import TopicFile
from quizkit.bank.question import make_question
from quizkit.bank.validate import validate_bank
from quizkit.errors import BankError, UsageError

ENGLISH = """\
topic: demo
title: Demo
templates:
  - id: demo-add
    title: Adding
    difficulty: 1
    params:
      a: {ints: [1, 9]}
      b: {floats: [0.1, 0.9]}
    let:
      why: "'a is small' if a < 5 else 'a is large'"
      result: "a + b"
    prompt: "What is {a} + {b}?"
    answer:
      kind: value
      expr: "torch.tensor(a, dtype=torch.float64) + b"
    hint: "Add them ({why})."
    solution: "{a} + {b} = {result:.4f}"
  - id: demo-pick
    title: Picking
    difficulty: 1
    params:
      a: {ints: [1, 9]}
    prompt: "Is {a} even?"
    answer:
      kind: choice
      options:
        - {text: "yes, {a} is even", when: "a % 2 == 0"}
        - {text: "no", when: "a % 2 == 1"}
    hint: "Look at the last digit."
    solution: "{a} % 2"
"""

CHINESE = """\
topic: demo
title: 演示
templates:
  demo-add:
    title: 加法
    prompt: "{a} + {b} 等于多少？"
    hint: "把它们相加（{why}）。"
    solution: "{a} + {b} = {result:.4f}"
    let:
      why: "'a 较小' if a < 5 else 'a 较大'"
  demo-pick:
    title: 选择
    prompt: "{a} 是偶数吗？"
    hint: "看个位数。"
    solution: "{a} % 2"
    options: ["是，{a} 是偶数", "否"]
"""


@pytest.fixture
def bilingual(write_bank: Callable[..., Path]) -> Callable[[str], Path]:
    """A demo bank whose ``zh/demo.yaml`` holds the given text."""

    def write(chinese: str) -> Path:
        root = write_bank(demo=ENGLISH)
        (root / "zh").mkdir(exist_ok=True)
        (root / "zh" / "demo.yaml").write_text(chinese, encoding="utf-8")
        # stamped: each translation was written from the current English
        english = Bank(root).english_topic("demo").templates
        write_sources(root, Lang.ZH, {t.id: english_digest(t) for t in english})
        return root

    return write


# --- choosing the language -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cli", "env", "expected"),
    [
        ("zh", {"QUIZKIT_LANG": "en"}, Lang.ZH),
        (None, {"QUIZKIT_LANG": "zh", "LANG": "en_US.UTF-8"}, Lang.ZH),
        (None, {"QUIZKIT_LANG": "", "LANG": "zh_CN.UTF-8"}, Lang.ZH),
        (None, {"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, Lang.ZH),
        (None, {"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, Lang.EN),
        (None, {"LANG": "de_DE.UTF-8"}, Lang.EN),
        (None, {}, Lang.EN),
        ("ZH", {}, Lang.ZH),
        (Lang.EN, {"QUIZKIT_LANG": "zh"}, Lang.EN),
    ],
)
def test_lang_comes_from_the_option_then_quizkit_lang_then_the_locale(
    cli: str | Lang | None, env: dict[str, str], expected: Lang
) -> None:
    assert resolve_lang(cli, env) is expected


def test_an_unknown_language_is_a_usage_error_naming_the_choices() -> None:
    with pytest.raises(UsageError, match=r"unknown language 'fr'; expected one of: en, zh"):
        resolve_lang("fr", {})
    with pytest.raises(UsageError, match="'klingon'"):
        resolve_lang(None, {"QUIZKIT_LANG": "klingon"})


# --- rendering in Chinese ----------------------------------------------------------------------


def test_chinese_question_has_the_english_numbers_and_the_translated_text(
    bilingual: Callable[[str], Path],
) -> None:
    root = bilingual(CHINESE)
    english, chinese = Bank(root), Bank(root, lang=Lang.ZH)
    for seed in range(20):
        en = make_question(english.template("demo-add"), seed)
        zh = make_question(chinese.template("demo-add"), seed)
        assert zh.params == en.params
        assert zh.lets["result"] == en.lets["result"]
        # (a generated precision sentence, in the question's language, may follow)
        assert zh.prompt.startswith(f"{en.params['a']} + {en.params['b']} 等于多少？")
        assert ("较小" in zh.hint) == (en.params["a"] < 5)
    pick = make_question(chinese.template("demo-pick"), 4)
    assert pick.options[1] == "否" and pick.options[0].startswith("是")
    assert chinese.topic("demo").title == "演示"


def test_topic_discovery_ignores_the_translation_folders(bilingual: Callable[[str], Path]) -> None:
    root = bilingual(CHINESE)
    assert Bank(root).topic_names() == ["demo"]
    assert Bank(root, lang=Lang.ZH).topic_names() == ["demo"]


def test_validate_passes_a_complete_translation(bilingual: Callable[[str], Path]) -> None:
    report = validate_bank(Bank(root=bilingual(CHINESE)), samples=5)
    assert report.ok, [p.message for t in report.failed for p in t.problems]


def test_validate_fails_a_template_without_translation_and_practice_falls_back_to_english(
    bilingual: Callable[[str], Path],
) -> None:
    partial = CHINESE.split("  demo-pick:")[0]
    root = bilingual(partial)
    report = validate_bank(Bank(root), samples=3)
    failed = {t.template_id: [p.message for p in t.problems] for t in report.failed}
    assert list(failed) == ["demo-pick"]
    assert failed["demo-pick"] == ["no zh translation in zh/demo.yaml"]
    shown = make_question(Bank(root, lang=Lang.ZH).template("demo-pick"), 1)
    assert shown.prompt == make_question(Bank(root).template("demo-pick"), 1).prompt
    assert shown.prompt.startswith("Is ")


def test_validate_fails_every_template_of_a_topic_whose_translation_file_is_missing(
    bilingual: Callable[[str], Path],
) -> None:
    root = bilingual(CHINESE)
    (root / "zh" / "demo.yaml").unlink()
    report = validate_bank(Bank(root), samples=2)
    assert [t.template_id for t in report.failed] == ["demo-add", "demo-pick"]


# --- bad overlays: one line naming file, line and field ------------------------------------------


def _overlay_error(root: Path) -> str:
    with pytest.raises(BankError) as caught:
        Bank(root, lang=Lang.ZH).topic("demo")
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_an_unknown_template_id_names_its_line(bilingual: Callable[[str], Path]) -> None:
    root = bilingual(CHINESE.replace("  demo-pick:", "  demo-pik:"))
    message = _overlay_error(root)
    assert message.startswith(f"{root / 'zh' / 'demo.yaml'}:11: demo-pik: no template 'demo-pik'")


def test_a_missing_field_names_the_template_and_field(bilingual: Callable[[str], Path]) -> None:
    root = bilingual(CHINESE.replace('    hint: "看个位数。"\n', ""))
    assert _overlay_error(root).endswith("zh/demo.yaml:11: demo-pick.hint: Field required")


def test_an_unknown_field_is_rejected(bilingual: Callable[[str], Path]) -> None:
    root = bilingual(CHINESE.replace("    title: 加法\n", "    title: 加法\n    tittle: x\n"))
    assert _overlay_error(root).endswith("zh/demo.yaml:6: demo-add.tittle: unknown field")


def test_a_missing_placeholder_names_the_field_and_the_placeholder(
    bilingual: Callable[[str], Path],
) -> None:
    root = bilingual(CHINESE.replace('"{a} + {b} 等于多少？"', '"{a} 加 3 等于多少？"'))
    assert _overlay_error(root).endswith(
        "zh/demo.yaml:6: demo-add.prompt: placeholders differ from the English: lacks {b}"
    )


def test_a_different_format_spec_is_a_placeholder_mismatch(
    bilingual: Callable[[str], Path],
) -> None:
    root = bilingual(CHINESE.replace('"{a} + {b} = {result:.4f}"', '"{a} + {b} = {result:.2f}"'))
    assert _overlay_error(root).endswith(
        "demo-add.solution: placeholders differ from the English: lacks {result:.4f}; "
        "adds {result:.2f}"
    )


def test_an_option_with_other_placeholders_is_named_by_index(
    bilingual: Callable[[str], Path],
) -> None:
    root = bilingual(CHINESE.replace('"否"]', '"否，{a} 是奇数"]'))
    assert _overlay_error(root).endswith(
        "zh/demo.yaml:16: demo-pick.options[1]: placeholders differ from the English: adds {a}"
    )


def test_a_missing_option_is_counted(bilingual: Callable[[str], Path]) -> None:
    root = bilingual(CHINESE.replace(', "否"]', "]"))
    assert _overlay_error(root).endswith("demo-pick.options: 1 options, the English has 2")


def test_a_lone_brace_is_reported_with_how_to_escape_it(bilingual: Callable[[str], Path]) -> None:
    root = bilingual(CHINESE.replace('"看个位数。"', '"看个位数 {。"'))
    assert "demo-pick.hint: not a format string" in _overlay_error(root)


def test_a_let_that_decides_the_answer_cannot_be_reworded(
    bilingual: Callable[[str], Path],
) -> None:
    root = bilingual(CHINESE.replace("      why:", "      result: 'a'\n      why:"))
    assert _overlay_error(root).endswith(
        "zh/demo.yaml:10: demo-add.let.result: cannot re-word 'result': it can change an answer"
    )


def test_a_misconception_unknown_in_english_is_rejected(bilingual: Callable[[str], Path]) -> None:
    root = bilingual(CHINESE + "    misconceptions: {off-by-one: 差一}\n")
    assert "demo-pick.misconceptions.off-by-one: the English template has no misconception" in (
        _overlay_error(root)
    )


def test_a_topic_name_other_than_the_file_is_rejected(bilingual: Callable[[str], Path]) -> None:
    root = bilingual(CHINESE.replace("topic: demo", "topic: demos"))
    assert _overlay_error(root).endswith(
        "zh/demo.yaml:1: topic: 'demos' must equal the file name and the English topic"
    )


# --- misconception feedback (the English schema names each misconception) ----------------------


class _Misconception(BaseModel):
    name: str
    feedback: str


def _with_misconceptions(topic: TopicFile, template_id: str, *names: str) -> TopicFile:
    """The topic with English misconceptions attached to one template, as the schema will have."""
    templates = [
        t.model_copy(
            update={
                "misconceptions": [_Misconception(name=n, feedback=f"wrong: {n}") for n in names]
            }
        )
        if t.id == template_id
        else t
        for t in topic.templates
    ]
    return topic.model_copy(update={"templates": templates})


def test_each_english_misconception_needs_chinese_feedback(
    bilingual: Callable[[str], Path],
) -> None:
    root = bilingual(
        CHINESE.replace(
            "    title: 加法\n", "    title: 加法\n    misconceptions: {swapped: 顺序反了}\n"
        )
    )
    english = _with_misconceptions(Bank(root).topic("demo"), "demo-add", "swapped", "off-by-one")
    overlay = load_overlay(root / "zh" / "demo.yaml", english)
    gaps = translation_gaps(english, overlay, Lang.ZH)
    assert [(g.template_id, g.message) for g in gaps] == [
        ("demo-add", "no zh feedback for misconception(s) off-by-one in zh/demo.yaml")
    ]
    shown = translate_topic(english, overlay).templates[0]
    feedback = {m.name: m.feedback for m in shown.misconceptions}  # type: ignore[attr-defined]
    assert feedback == {"swapped": "顺序反了", "off-by-one": "wrong: off-by-one"}


# --- stale translations ------------------------------------------------------------------------


def test_a_translation_goes_stale_when_its_english_changes_until_stamped_again(
    bilingual: Callable[[str], Path],
) -> None:
    root = bilingual(CHINESE)
    assert validate_bank(Bank(root), samples=2).ok
    english = (root / "demo.yaml").read_text(encoding="utf-8")
    (root / "demo.yaml").write_text(english.replace("Is {a} even?", "Is {a} an even number?"))
    failed = {t.template_id: t.problems for t in validate_bank(Bank(root), samples=2).failed}
    assert list(failed) == ["demo-pick"]
    assert failed["demo-pick"][0].message.startswith(
        "zh translation is stale: the English changed since it was written (review zh/demo.yaml"
    )
    assert stamp(root, Lang.ZH, ["demo-pick"]) == ["demo-pick"]
    assert validate_bank(Bank(root), samples=2).ok


def test_a_template_never_stamped_is_stale(bilingual: Callable[[str], Path]) -> None:
    root = bilingual(CHINESE)
    (root / "zh" / "sources.yaml").unlink()
    assert [t.template_id for t in validate_bank(Bank(root), samples=1).failed] == [
        "demo-add",
        "demo-pick",
    ]


def test_stamp_command_refuses_an_id_without_translation(
    bilingual: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = bilingual(CHINESE.split("  demo-pick:")[0])
    monkeypatch.setenv("QUIZKIT_BANK", str(root))
    assert main(["stamp", "zh", "demo-pick"]) == 2
    assert capsys.readouterr().err == "quizkit: error: no zh translation to stamp for: demo-pick\n"
    assert main(["stamp", "zh", "--all"]) == 0
    assert "stamped 1 zh translation(s)" in capsys.readouterr().out


def test_misconception_feedback_keeps_the_english_placeholders(
    bilingual: Callable[[str], Path],
) -> None:
    root = bilingual(
        CHINESE.replace(
            "    title: 加法\n", '    title: 加法\n    misconceptions: {swapped: "把 {a} 看错了"}\n'
        )
    )
    english = Bank(root).topic("demo")
    templates = [
        t.model_copy(
            update={"misconceptions": [_Misconception(name="swapped", feedback="you misread {b}")]}
        )
        if t.id == "demo-add"
        else t
        for t in english.templates
    ]
    english = english.model_copy(update={"templates": templates})
    with pytest.raises(BankError) as caught:
        load_overlay(root / "zh" / "demo.yaml", english)
    assert str(caught.value).endswith(
        "zh/demo.yaml:6: demo-add.misconceptions.swapped: placeholders differ from the English: "
        "lacks {b}; adds {a}"
    )


def test_a_translated_template_knows_its_language(bilingual: Callable[[str], Path]) -> None:
    root = bilingual(CHINESE.split("  demo-pick:")[0])
    chinese = Bank(root, lang=Lang.ZH)
    assert template_lang(chinese.template("demo-add")) is Lang.ZH
    assert template_lang(chinese.template("demo-pick")) is Lang.EN  # no translation: English
    assert template_lang(Bank(root).template("demo-add")) is Lang.EN


def test_validate_names_each_broken_entry_and_still_checks_the_others(
    bilingual: Callable[[str], Path],
) -> None:
    root = bilingual(CHINESE.replace('"{a} 是偶数吗？"', '"是偶数吗？"'))
    report = validate_bank(Bank(root), samples=2)
    failed = {t.template_id: [p.message for p in t.problems] for t in report.failed}
    assert list(failed) == ["demo-pick"]
    [message] = failed["demo-pick"]
    assert message.endswith(
        "zh/demo.yaml:13: demo-pick.prompt: placeholders differ from the English: lacks {a}"
    )


def test_validate_blames_every_template_for_a_file_wide_problem(
    bilingual: Callable[[str], Path],
) -> None:
    root = bilingual(CHINESE.replace("  demo-pick:", "  demo-pik:"))
    report = validate_bank(Bank(root), samples=2)
    messages = {t.template_id: t.problems[0].message for t in report.failed}
    assert set(messages) == {"demo-add", "demo-pick"}
    assert all("demo-pik: no template 'demo-pik'" in m for m in messages.values())


def test_topic_summaries_in_chinese(bilingual: Callable[[str], Path]) -> None:
    root = bilingual(CHINESE)
    [english] = summarize_topics(root)
    [chinese] = summarize_topics(root, Lang.ZH)
    assert (english.title, chinese.title) == ("Demo", "演示")
    assert chinese.templates == english.templates == 2
