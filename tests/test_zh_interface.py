"""The Chinese interface end to end: --lang and its defaults, worksheets, PDFs, practice."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from test_practice_support import (
    QUIZKIT,
    cli_env,
    planned_questions,
    right_answer,
    write_toy_bank,
    wrong_answer,
)
from typer.testing import CliRunner

from quizkit.bank.bank import Bank
from quizkit.bank.locale import Lang
from quizkit.cli.main import app
from quizkit.errors import ExitStatus
from quizkit.worksheet.errors import RenderError
from quizkit.worksheet.fonts import INSTALL_HINT, find_cjk_font

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_PROSE = re.compile(r"\b(?:the|is|are|of|and|each|with|so|for|per|every)\b")
CHINESE_TEXT = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
TOY_ZH = """
topic: toy
title: 小练习
description: 练习测试用的小题。
templates:
  toy-add:
    title: 两数相加
    prompt: "{a} + {b} 等于多少？"
    hint: "先加十位，再加个位。"
    solution: "{a} + {b} = {result}"
  toy-mul:
    title: 两数相乘
    prompt: "{a} * {b} 等于多少？"
    hint: "做乘法。"
    solution: "{a} * {b} = {result}"
  toy-shape:
    title: 全零张量的形状
    prompt: "torch.zeros({a}, {b}) 的形状是什么？"
    hint: "先行，后列。"
    solution: "形状是 {result}"
"""


def run(args: list[str], **env: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, args, env={"COLUMNS": "100", **env})
    return result.exit_code, result.output


@pytest.fixture
def zh_bank(tmp_path: Path) -> Path:
    root = write_toy_bank(tmp_path / "bank")
    (root / "zh").mkdir()
    (root / "zh" / "toy.yaml").write_text(textwrap.dedent(TOY_ZH), encoding="utf-8")
    return root


# -- --lang and its defaults -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "args", "chinese"),
    [
        ({}, ["--lang", "zh"], True),
        ({"QUIZKIT_LANG": "zh"}, [], True),
        ({"LANG": "zh_CN.UTF-8"}, [], True),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, [], True),
        ({"QUIZKIT_LANG": "en", "LANG": "zh_CN.UTF-8"}, [], False),
        ({"LANG": "zh_CN.UTF-8"}, ["--lang", "en"], False),
        ({"LANG": "C.UTF-8"}, [], False),
    ],
)
def test_lang_comes_from_the_option_then_quizkit_lang_then_the_locale(
    env: dict[str, str], args: list[str], chinese: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("QUIZKIT_LANG", "LC_ALL", "LANG"):
        monkeypatch.delenv(name, raising=False)
    code, out = run(["show", "conv-out-size@3", *args], **env)
    assert code == 0, out
    assert bool(CHINESE.search(out)) is chinese, out
    assert ("难度 1（简单）" in out) is chinese


def test_an_unknown_language_is_a_one_line_usage_error() -> None:
    code, out = run(["show", "conv-out-size@3", "--lang", "fr"])
    assert code == ExitStatus.BAD_INPUT
    assert "unknown language 'fr'; expected one of: en, zh" in out


@pytest.mark.parametrize(
    "command",
    [
        ["practice"],
        ["stats"],
        ["topics"],
        ["show", "x"],
        ["check", "x", "1"],
        ["worksheet"],
        ["export", "gift"],
        ["exercise", "start", "linear"],
        ["grade", "x"],
    ],
)
def test_every_command_that_shows_questions_or_feedback_takes_lang(command: list[str]) -> None:
    code, out = run([*command, "--help"])
    assert code == 0 and "--lang" in out, out


def test_show_answer_and_check_speak_chinese() -> None:
    from quizkit.bank.question import make_question
    from quizkit.bank.truth import compute_truth

    truth = compute_truth(make_question(Bank().template("conv-out-size"), 3)).value
    shape = "(" + ", ".join(map(str, truth)) + ")"
    code, out = run(["show", "conv-out-size@3", "--answer", "--lang", "zh"])
    assert code == 0
    assert f"答案：{shape}" in out and "解答过程" in out and "接受范围：" in out
    typed = "（" + "，".join(map(str, truth)) + "）"  # as a Chinese IME types it
    code, out = run(["check", "conv-out-size@3", typed, "--lang", "zh"])
    assert code == 0 and f"✓ 正确（你的答案：{shape}）" in out
    code, out = run(["check", "conv-out-size@3", "四", "--lang", "zh"])
    assert code == ExitStatus.BAD_INPUT
    assert "? 无法识别：" in out and "可接受的格式：形状，如 1x16x15x15" in out


def test_every_zh_question_ends_with_the_zh_precision_sentence() -> None:
    from quizkit.answers.precision import precision_sentence
    from quizkit.bank.question import make_question

    checked = 0
    for template in Bank(lang=Lang.ZH).templates():
        question = make_question(template, 1)
        listed = isinstance(question.lets.get("result"), list | tuple)
        spec = template.answer
        zh = precision_sentence(spec.kind, spec.tolerance, listed=listed, lang="zh")
        en = precision_sentence(spec.kind, spec.tolerance, listed=listed, lang="en")
        if zh:
            assert question.prompt.endswith("\n\n" + zh), template.id
            assert en not in question.prompt, template.id
            checked += 1
    assert checked > 50


# -- worksheets ------------------------------------------------------------------------------


def _worksheet_json(tmp_path: Path, topic: str, count: int, lang: str) -> dict[str, object]:
    out = tmp_path / f"{topic}-{lang}"
    args = ["worksheet", topic, "-n", str(count), "--seed", "11", "-f", "json", "-o", str(out)]
    code, text = run([*args, "--lang", lang])
    assert code == 0, text
    (path,) = out.glob("worksheet-*.json")
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("topic", Bank().topic_names())
def test_zh_worksheet_json_is_chinese_for_every_template_with_the_english_numbers(
    topic: str, tmp_path: Path
) -> None:
    count = len(Bank().templates([topic]))
    zh = _worksheet_json(tmp_path, topic, count, "zh")
    en = _worksheet_json(tmp_path, topic, count, "en")
    assert zh["lang"] == "zh" and en["lang"] == "en"
    zh_questions = zh["versions"][0]["questions"]  # type: ignore[index]
    en_questions = en["versions"][0]["questions"]  # type: ignore[index]
    assert {q["template"] for q in zh_questions} == {t.id for t in Bank().templates([topic])}
    for mine, theirs in zip(zh_questions, en_questions, strict=True):
        where = mine["id"]
        assert mine["id"] == theirs["id"] and mine["params"] == theirs["params"], where
        assert mine["answer"] == theirs["answer"], where
        if mine["kind"] != "choice":  # a choice's answer text is its (translated) option
            assert mine["answer_text"] == theirs["answer_text"], where
        for field in ("title", "prompt", "hint", "solution"):
            if field in ("hint", "solution") and not ENGLISH_PROSE.search(theirs[field]):
                continue  # a formula only (``lr = lr0 * gamma^k = …``) is the same in Chinese
            assert CHINESE_TEXT.search(mine[field]), (
                f"{where}: {field} not Chinese: {mine[field]!r}"
            )
        # every parameter value the English prompt shows, the Chinese one shows too
        for value in NUMBER.findall(_without_precision(theirs["prompt"])):
            if any(str(v) == value for v in _flat(theirs["params"])):
                assert value in mine["prompt"], f"{where}: {value} missing from the zh prompt"


def _without_precision(prompt: str) -> str:
    return prompt.rsplit("\n\n", 1)[0] if "\n\n" in prompt else prompt


def _flat(value: object) -> list[object]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _flat(v)]
    if isinstance(value, list | tuple):
        return [x for v in value for x in _flat(v)]
    return [value]


def test_zh_markdown_and_html_carry_the_chinese_chrome(tmp_path: Path) -> None:
    out = tmp_path / "ws"
    args = ["worksheet", "conv", "-n", "3", "--seed", "4", "-f", "md", "-f", "html", "-o", str(out)]
    code, text = run([*args, "--lang", "zh"])
    assert code == 0, text
    (md,) = out.glob("worksheet-*.md")
    (key_md,) = out.glob("key-*.md")
    (html,) = out.glob("worksheet-*.html")
    (sheet,) = out.glob("answers-*.yaml")
    body = md.read_text(encoding="utf-8")
    assert "姓名：" in body and "学号：" in body and "得分：" in body and "**版本 1**" in body
    assert "3 题 · 共 3 分" in body and "1 分" in body
    assert "— 答案卷" in key_md.read_text(encoding="utf-8")
    page = html.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "姓名：" in page
    assert 'content: "第 " counter(page) " 页，共 " counter(pages) " 页"' in page
    comments = [line for line in sheet.read_text(encoding="utf-8").splitlines() if "#" in line]
    assert comments[0].startswith("# quizkit 答题表") and "评分命令" in comments[1]
    assert all(CHINESE.search(line) for line in comments)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_a_zh_pdf_is_typeset_in_chinese(tmp_path: Path) -> None:
    out = tmp_path / "ws"
    code, text = run(
        ["worksheet", "conv", "losses", "-n", "4", "--seed", "3", "-o", str(out), "--lang", "zh"]
    )
    assert code == 0, text
    (sheet,) = out.glob("worksheet-*.pdf")
    (key,) = out.glob("key-*.pdf")
    sheet_text = subprocess.run(
        ["pdftotext", str(sheet), "-"], capture_output=True, text=True, check=True
    ).stdout
    key_text = subprocess.run(
        ["pdftotext", str(key), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "姓名" in sheet_text and "学号" in sheet_text and "得分" in sheet_text
    assert "版本 1" in sheet_text and "第 1 页，共" in sheet_text
    joined = sheet_text.replace("\n", "")
    assert "卷积层" in joined and "是什么？" in joined
    assert "答案卷" in key_text and "解答过程" in key_text
    chinese = len(CHINESE.findall(sheet_text))
    assert chinese > 100, sheet_text[:500]
    assert "\ufffd" not in sheet_text  # no replacement characters: every glyph was found
    fonts = subprocess.run(["pdffonts", str(sheet)], capture_output=True, text=True).stdout
    assert "CJK" in fonts or "Han" in fonts or "Song" in fonts, fonts


def test_a_missing_chinese_font_is_one_line_naming_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(RenderError) as error:
        find_cjk_font(env={}, search_dirs=[tmp_path], use_fontconfig=False)
    assert error.value.message == INSTALL_HINT
    assert "\n" not in INSTALL_HINT and "fonts-noto-cjk" in INSTALL_HINT
    with pytest.raises(RenderError, match="no CJK font in \\$QUIZKIT_FONT_PATH"):
        find_cjk_font(env={"QUIZKIT_FONT_PATH": str(tmp_path)}, use_fontconfig=False)


def test_the_english_pdf_needs_no_system_font(tmp_path: Path) -> None:
    from quizkit.worksheet.typeset import font_for

    assert font_for(Lang.EN) is None


# -- practice --------------------------------------------------------------------------------


def test_a_piped_practice_session_in_chinese(tmp_path: Path, zh_bank: Path) -> None:
    home = tmp_path / "home"
    questions = planned_questions(zh_bank, ["toy"], count=3, seed=1)
    lines = [right_answer(questions[0]), "？", "十二", wrong_answer(questions[1]), "跳过"]
    done = subprocess.run(
        [QUIZKIT, "practice", "toy", "-n", "3", "--seed", "1", "--lang", "zh"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=cli_env(home, zh_bank),
        timeout=120,
    )
    out = done.stdout
    assert done.returncode == 1, done.stderr
    assert "输入答案，或：? 提示" in out
    assert "答案 › " in out and "✓ 正确：" in out and "✗ 错误（你的答案：" in out
    assert "提示：" in out and "无法识别：" in out and "可接受的格式：" in out
    assert "已跳过。" in out and "解答过程" in out and "接受范围：" in out
    assert "本次小结" in out and "得分 1/3" in out and "主题" in out
    assert "等于多少？" in out and "难度 1（简单）" in out
    for english in ("Correct", "Wrong", "Hint", "Session summary", "Score", "level 1"):
        assert english not in out, english


def test_stats_in_chinese(tmp_path: Path, zh_bank: Path) -> None:
    home = tmp_path / "home"
    questions = planned_questions(zh_bank, ["toy"], count=2, seed=2)
    subprocess.run(
        [QUIZKIT, "practice", "toy", "-n", "2", "--seed", "2"],
        input="\n".join(right_answer(q) for q in questions) + "\n",
        capture_output=True,
        text=True,
        env=cli_env(home, zh_bank),
        timeout=120,
        check=True,
    )
    done = subprocess.run(
        [QUIZKIT, "stats"],
        capture_output=True,
        text=True,
        env=cli_env(home, zh_bank, LANG="zh_CN.UTF-8"),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "练习历史" in done.stdout and "正确率" in done.stdout and "每日作答数" in done.stdout
    assert "月，截至今天" in done.stdout


def test_a_chinese_session_in_a_44_column_terminal(tmp_path: Path, zh_bank: Path) -> None:
    import pexpect
    from rich.cells import cell_len

    questions = planned_questions(zh_bank, ["toy"], count=3, seed=8)
    child = pexpect.spawn(
        QUIZKIT,
        ["practice", "toy", "-n", "3", "--seed", "8"],
        env=cli_env(tmp_path / "home", zh_bank, QUIZKIT_LANG="zh", COLUMNS="44"),
        encoding="utf-8",
        dimensions=(40, 44),
        timeout=60,
    )
    prompt, retry = "答案 › ", "再试一次 › "
    child.expect_exact("难度 1（简单）")
    child.expect_exact(prompt)
    child.sendline("？")
    child.expect_exact("提示：")
    child.expect_exact(prompt)
    child.sendline("十二")
    child.expect_exact("无法识别：")
    child.expect_exact(prompt)
    child.sendline(wrong_answer(questions[0]))  # level 1: one more try
    child.expect_exact("✗ 不太对")
    child.expect_exact(retry)
    child.sendline(right_answer(questions[0]))
    child.expect_exact("✓ 正确：")
    child.expect_exact(prompt)
    child.sendline("讲解")
    child.expect_exact(f"{questions[0].id} 的解答过程：")
    child.expect_exact(prompt)
    child.sendline("跳过")
    child.expect_exact("已跳过。")
    child.expect_exact(prompt)
    child.sendline("退出")
    child.expect_exact("本次小结")
    child.expect(pexpect.EOF)
    child.close()
    out = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before or "")
    assert "1 道未作答（你退出了）" in out.replace("\r\n│ ", "").replace(" │", "")
    assert child.exitstatus == 0
    lines = [line for line in out.replace("\r", "").splitlines() if line.startswith(("│", "╭"))]
    assert lines and {cell_len(line.rstrip()) for line in lines} == {44}, "\n".join(lines)


def test_grades_text_report_in_chinese_keeps_its_table_aligned() -> None:
    from rich.cells import cell_len

    from quizkit.exercises.models import ExerciseResult, TestResult, TestStatus
    from quizkit.grade.models import GradeRun, SubmissionKind, SubmissionResult
    from quizkit.ui.grade import text_report

    tests = [
        TestResult(
            name="shape",
            function="linear",
            group="g",
            status=TestStatus.PASSED,
            points=1,
            max_points=1,
        ),
        TestResult(
            name="values",
            function="linear",
            group="g",
            status=TestStatus.TIMEOUT,
            points=0,
            max_points=2,
            message="killed after 10 s",
            output="x\n" * 20,
        ),
    ]
    exercise = ExerciseResult.from_tests("linear", tests, seed=5)
    run = GradeRun(
        seed=5,
        submissions=[
            SubmissionResult(
                submission="alice", kind=SubmissionKind.DIRECTORY, exercises=[exercise]
            )
        ],
    )
    report = text_report(run, width=60, lang=Lang.ZH)
    assert "alice：1/3 分" in report and "练习" in report and "通过的测试" in report
    assert "超时 linear · values" in report and "程序输出：" in report and "…… 还有 8 行" in report
    assert "未全部通过：1 份提交中有 0 份通过了全部测试" in report and "--seed 5" in report
    table = [line for line in report.splitlines() if line[:1] in ("┃", "│", "┏", "└", "┡")]
    assert table and len({cell_len(line) for line in table}) == 1, "\n".join(table)
    english = text_report(run, width=60)
    assert "not all passed: 0/1 submission(s) passed every test" in english


def test_export_lang_zh_writes_chinese_questions_and_choices(tmp_path: Path) -> None:
    target = tmp_path / "zh.gift.txt"
    args = ["export", "gift", "broadcasting", "--variants", "1", "-o", str(target)]
    code, out = run([*args, "--lang", "zh"])
    assert code == 0, out
    text = target.read_text(encoding="utf-8")
    assert "能，可以运行" in text and "不能，torch 会报错" in text
    assert "答案：" in text and "yes, it runs" not in text
    assert "</code>。 " not in text  # no space between two Chinese sentences


def test_a_font_that_typst_cannot_find_stops_the_pdf_instead_of_printing_tofu() -> None:
    from quizkit.worksheet.fonts import CjkFont
    from quizkit.worksheet.typeset import compile_pdf

    with pytest.raises(RenderError, match="unknown font family: no such cjk"):
        compile_pdf('#set text(font: ("Libertinus Serif", "No Such CJK"))\n中文', CjkFont("x", ()))


@pytest.mark.skipif(
    not Path("/usr/share/fonts/opentype/noto").is_dir(), reason="needs fonts-noto-cjk"
)
def test_quizkit_font_path_names_the_font_folder() -> None:
    folder = "/usr/share/fonts/opentype/noto"
    font = find_cjk_font(env={"QUIZKIT_FONT_PATH": folder}, use_fontconfig=False)
    assert font.family == "Noto Serif CJK SC" and font.paths == (folder,)
    found = find_cjk_font(env={}, search_dirs=[Path(folder)], use_fontconfig=False)
    assert found.family == "Noto Serif CJK SC"
