"""Every interface string a student or a printed sheet shows, once per language.

The bank's own text (titles, prompts, hints, solutions) is translated in ``questions/<lang>/``
(see :mod:`quizkit.bank.locale`); this catalog holds the rest: the practice session, ``show``
and ``check``, the worksheet chrome, the answer sheets' comments. One typed record per
language, :class:`Messages`, so a missing string is a type error rather than English leaking
into a Chinese screen; ``tests/test_messages.py`` checks that every language's string carries
the same ``{placeholders}`` as the English.

Conventions of the Chinese: the terms of d2l-zh (形状, 参数量, 解答过程), full-width punctuation
around Chinese text, half-width around code, numbers and ids, and a space between Chinese and a
Latin word or a number (``共 3 题``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import TypeVar

from quizkit.bank.locale import Lang
from quizkit.bank.model import AnswerKind


@dataclass(frozen=True)
class Messages:
    """The interface in one language. Strings with ``{name}`` are ``str.format`` templates."""

    # -- practice: the prompt and the commands ---------------------------------------------
    commands_line: str
    exam_commands_line: str
    reason_due: str
    reason_weak: str
    prompt_answer: str
    prompt_retry: str
    hint_label: str
    unreadable_label: str
    accepted_formats_label: str
    correct_label: str
    not_quite: str
    you_said: str
    you_said_retry: str
    one_more_try: str
    skipped: str
    wrong: str
    likely_mistake: str
    worked_solution_of: str
    recorded: str
    broken_question: str
    loading_torch: str
    next_review: str
    notice_no_hints_in_exam: str
    notice_solutions_at_end: str
    notice_try_once_more: str
    notice_answer_first: str
    # -- practice: the exam review and the summary ------------------------------------------
    exam_results: str
    column_number: str
    column_question: str
    column_your_answer: str
    column_correct_answer: str
    mark_skipped: str
    mark_broken: str
    summary_title: str
    score_label: str
    time_taken: str
    best_run: str
    day_streak: str
    nothing_answered: str
    not_answered: str
    column_topic: str
    column_right: str
    column_wrong: str
    column_skipped: str
    review_next: str
    review_them_now: str
    nothing_to_review: str
    all_correct: str
    strong_session: str
    good_progress: str
    tough_set: str
    ended_quit: str
    ended_eof: str
    ended_interrupt: str
    ended_error: str
    history_hint: str
    missed_today: str
    due_now: str
    due_at: str
    list_separator: str
    review_detail: str
    colon: str
    label_separator: str
    # -- quizkit stats ------------------------------------------------------------------------
    no_practice_yet: str
    stats_title: str
    column_answers: str
    column_accuracy: str
    column_last_days: str
    column_daily_accuracy: str
    column_due: str
    column_last_practised: str
    stats_caption: str
    due_for_review: str
    practise_them: str
    nothing_due: str
    coming_up: str
    chart_title: str
    chart_months: str
    month: str
    # -- times --------------------------------------------------------------------------------
    now: str
    in_a_minute: str
    in_span: str
    span_ago: str
    span_minutes: str
    span_hours: str
    span_day: str
    span_days: str
    seconds: str
    minutes_seconds: str
    seconds_precise: str
    # -- show and check -----------------------------------------------------------------------
    level_names: Mapping[int, str]
    question_footer: str
    answer_label: str
    accepted_label: str
    torch_says: str
    worked_solution: str
    unreadable_check: str
    check_formats_label: str
    right: str
    formats: Mapping[AnswerKind, str]
    # -- quizkit topics -----------------------------------------------------------------------
    topics_title: str
    column_templates: str
    column_levels: str
    column_practises: str
    topics_caption: str
    # -- worksheets, keys and answer sheets -------------------------------------------------------
    default_title: str
    worksheet_word: str
    key_word: str
    worksheets_word: str
    keys_word: str
    version_label: str
    key_version_label: str
    key_title_suffix: str
    subtitle: str
    all_topics: str
    point: str
    points: str
    name_field: str
    student_id_field: str
    score_field: str
    instructions: str
    page_of: str
    does_it_run: str
    yes_it_runs: str
    no_it_raises: str
    true_or_false: str
    true_word: str
    false_word: str
    shape_field: str
    values_field: str
    answer_field: str
    count_units: Mapping[AnswerKind, str]
    sheet_header: str
    sheet_grade_with: str
    sheet_templates: str
    slot_hints: Mapping[AnswerKind, str]
    slot_letter_range: str
    html_lang: str
    # -- quizkit grade's text report ------------------------------------------------------------
    grade_all_passed: str
    grade_not_all_passed: str
    grade_summary: str
    grade_table_title: str
    column_exercise: str
    column_tests_passed: str
    column_points: str
    column_status: str
    status_passed: str
    status_failed: str
    unreadable_input: str
    grade_warning: str
    grade_nothing_handed_in: str
    student_output: str
    more_lines: str
    test_status: Mapping[str, str]


K = TypeVar("K")


def _frozen(mapping: Mapping[K, str]) -> Mapping[K, str]:
    return MappingProxyType(dict(mapping))


_NO_FORMATS: Mapping[AnswerKind, str] = MappingProxyType({})

EN = Messages(
    commands_line="Type an answer, or: ? hint · skip · explain (the last answer) · quit",
    exam_commands_line="Exam: no hints or feedback until the end. Type an answer, or: skip · quit",
    reason_due="due for review",
    reason_weak="one you found hard",
    prompt_answer="answer › ",
    prompt_retry="try again › ",
    hint_label="Hint: ",
    unreadable_label="Could not read that: ",
    accepted_formats_label="Accepted: ",
    correct_label="✓ Correct: ",
    not_quite="✗ Not quite",
    you_said=" (you said {given})",
    you_said_retry=" (you said {given}). ",
    one_more_try="One more try; ? shows a hint.",
    skipped="Skipped.",
    wrong="✗ Wrong",
    likely_mistake="Likely mistake: ",
    worked_solution_of="Worked solution of {id}:",
    recorded="Answer recorded.",
    broken_question="! Skipping a broken question: ",
    loading_torch="Loading torch to check your answer…",
    next_review=" · next review {when}",
    notice_no_hints_in_exam="No hints in exam mode.",
    notice_solutions_at_end="Worked solutions come at the end in exam mode.",
    notice_try_once_more="Try once more first, or type skip to see the answer.",
    notice_answer_first="Answer first; explain then shows the worked derivation.",
    exam_results="Exam results",
    column_number="#",
    column_question="question",
    column_your_answer="your answer",
    column_correct_answer="correct answer",
    mark_skipped="skipped",
    mark_broken="broken",
    summary_title="Session summary",
    score_label="Score ",
    time_taken="time {duration}",
    best_run="best run {count} in a row",
    day_streak="{days}-day streak",
    nothing_answered="No questions answered this time.",
    not_answered="{left} of {planned} questions not answered ({why}).",
    column_topic="topic",
    column_right="right",
    column_wrong="wrong",
    column_skipped="skipped",
    review_next="Review next:",
    review_them_now="Review them now: quizkit practice (mixes in what is due)",
    nothing_to_review="Nothing to review yet; the next review is {template}, {when}.",
    all_correct="All correct. Well done!",
    strong_session="Strong session: the few you missed come back soon.",
    good_progress="Good progress: the ones you missed come back for review.",
    tough_set="Tough set. Each miss comes back soon with new numbers; that is how it sticks.",
    ended_quit="you quit",
    ended_eof="input ended",
    ended_interrupt="interrupted",
    ended_error="stopped by an error",
    history_hint="Your history and due reviews: quizkit stats",
    missed_today="missed today",
    due_now="due now",
    due_at="due {when}",
    list_separator=" · ",
    review_detail="  ({details})",
    colon=":",
    label_separator=": ",
    no_practice_yet="No practice yet. Start with: quizkit practice TOPIC (see quizkit topics)",
    stats_title="Practice history",
    column_answers="answers",
    column_accuracy="accuracy",
    column_last_days="last {days} days",
    column_daily_accuracy="daily accuracy",
    column_due="due",
    column_last_practised="last practised",
    stats_caption="{answers} answers · {days}-day streak",
    due_for_review="Due for review now ({count}):",
    practise_them="Practise them: quizkit practice (mixes in due reviews)",
    nothing_due="Nothing due for review right now.",
    coming_up="Coming up:",
    chart_title="Answers per day (█ right, ░ wrong)",
    chart_months="{months}, ending today",
    month="{abbr}",
    now="now",
    in_a_minute="in 1 min",
    in_span="in {span}",
    span_ago="{span} ago",
    span_minutes="{n} min",
    span_hours="{n} h",
    span_day="{n} day",
    span_days="{n} days",
    seconds="{s} s",
    minutes_seconds="{m} min {s:02d} s",
    seconds_precise="{s:.1f} s",
    level_names=_frozen({1: "easy", 2: "medium", 3: "hard"}),
    question_footer="{id} · level {level} ({name})",
    answer_label="Answer:   ",
    accepted_label="Accepted: ",
    torch_says="torch says: ",
    worked_solution="Worked solution",
    unreadable_check="? Unreadable: ",
    check_formats_label="Accepted formats: ",
    right="✓ Right",
    formats=_NO_FORMATS,  # English: the parser's own line (quizkit.answers.formats)
    topics_title="quizkit topics",
    column_templates="templates",
    column_levels="levels",
    column_practises="what it practises",
    topics_caption="{count} templates; practise with `quizkit practice TOPIC`",
    default_title="Deep-learning fundamentals",
    worksheet_word="worksheet",
    key_word="answer key",
    worksheets_word="worksheets",
    keys_word="answer keys",
    version_label="Version {number}",
    key_version_label="Key · Version {number}",
    key_title_suffix=" — answer key",
    subtitle="{count} {questions} · {points} points · {topics} · level {levels} · {id}",
    all_topics="all topics",
    point="{n} pt",
    points="{n} pts",
    name_field="Name:",
    student_id_field="Student ID:",
    score_field="Score:",
    instructions=(
        "Write each answer in its box. Shapes as (N, C, H, W); counts as whole numbers "
        "(1,234,567 or 1234567); decimals to at least 3 significant figures. "
        "Tick one box where boxes are given."
    ),
    page_of="Page {page} of {pages}",
    does_it_run="Does it run?",
    yes_it_runs="yes, it runs",
    no_it_raises="no, torch raises an error",
    true_or_false="True or false?",
    true_word="true",
    false_word="false",
    shape_field="Shape:",
    values_field="Values:",
    answer_field="Answer:",
    count_units=_frozen({AnswerKind.PARAMS: "parameters", AnswerKind.FLOPS: "FLOPs"}),
    sheet_header=(
        "quizkit answer sheet: write each answer after `answer:`; leave everything else as it is."
    ),
    sheet_grade_with="Grade it with:  quizkit grade {file}",
    sheet_templates="the question templates, as they were: grading checks these, not the bank",
    slot_hints=_frozen(
        {
            AnswerKind.SHAPE: "a shape, e.g. (1, 16, 15, 15)",
            AnswerKind.LEGAL: "yes (it runs) or no (torch raises an error)",
            AnswerKind.BOOL: "true or false",
            AnswerKind.PARAMS: "a parameter count, e.g. 61706 or 1.2M",
            AnswerKind.FLOPS: "a FLOP count, e.g. 22649241600 or 22.6G",
            AnswerKind.INT: "a whole number",
            AnswerKind.VALUE: "a number, e.g. 0.25 (or a list [0.1, 0.2])",
            AnswerKind.CHOICE: "a letter",
        }
    ),
    slot_letter_range="a letter, a to {last}",
    html_lang="en",
    grade_all_passed="all passed",
    grade_not_all_passed="not all passed",
    grade_summary=(
        "{passed}/{total} submission(s) passed every test in {seconds:.1f} s; "
        "reproduce with --seed {seed}"
    ),
    grade_table_title="{who}: {score:g}/{max_score:g} points",
    column_exercise="exercise",
    column_tests_passed="tests passed",
    column_points="points",
    column_status="status",
    status_passed="passed",
    status_failed="failed",
    unreadable_input="unreadable input:",
    grade_warning="warning:",
    grade_nothing_handed_in="nothing handed in by {count} student(s) on the roster:",
    student_output="student output:",
    more_lines="... {count} more lines",
    test_status=_frozen(
        {
            "passed": "passed",
            "failed": "failed",
            "error": "error",
            "timeout": "timeout",
            "forbidden": "forbidden",
            "missing": "missing",
        }
    ),
)

ZH = Messages(
    commands_line="输入答案，或：? 提示 · skip 跳过 · explain 讲解上一题 · quit 退出",
    exam_commands_line="考试模式：结束前没有提示和反馈。输入答案，或：skip 跳过 · quit 退出",
    reason_due="到期复习",
    reason_weak="你觉得难的一题",
    prompt_answer="答案 › ",
    prompt_retry="再试一次 › ",
    hint_label="提示：",
    unreadable_label="无法识别：",
    accepted_formats_label="可接受的格式：",
    correct_label="✓ 正确：",
    not_quite="✗ 不太对",
    you_said="（你的答案：{given}）",
    you_said_retry="（你的答案：{given}）。",
    one_more_try="再试一次；输入 ? 查看提示。",
    skipped="已跳过。",
    wrong="✗ 错误",
    likely_mistake="可能的错误：",
    worked_solution_of="{id} 的解答过程：",
    recorded="答案已记录。",
    broken_question="! 跳过一道出错的题目：",
    loading_torch="正在加载 torch 来检查你的答案…",
    next_review=" · 下次复习：{when}",
    notice_no_hints_in_exam="考试模式下没有提示。",
    notice_solutions_at_end="考试模式下，解答过程在最后给出。",
    notice_try_once_more="请先再试一次，或输入 skip 查看答案。",
    notice_answer_first="请先作答；之后输入 explain 可查看解答过程。",
    exam_results="考试结果",
    column_number="#",
    column_question="题目",
    column_your_answer="你的答案",
    column_correct_answer="正确答案",
    mark_skipped="已跳过",
    mark_broken="出错",
    summary_title="本次小结",
    score_label="得分 ",
    time_taken="用时 {duration}",
    best_run="最多连对 {count} 题",
    day_streak="连续练习 {days} 天",
    nothing_answered="本次没有回答任何题目。",
    not_answered="{planned} 道题中有 {left} 道未作答（{why}）。",
    column_topic="主题",
    column_right="对",
    column_wrong="错",
    column_skipped="跳过",
    review_next="接下来复习：",
    review_them_now="现在就复习：quizkit practice（会混入到期的题）",
    nothing_to_review="暂时没有要复习的题；下一次复习是 {template}，{when}。",
    all_correct="全部正确，做得好！",
    strong_session="表现很好：答错的几道很快会再出现。",
    good_progress="进步不错：答错的题会安排复习。",
    tough_set="这组题有难度。每道错题很快会换一组数字再出现——这样才记得牢。",
    ended_quit="你退出了",
    ended_eof="输入已结束",
    ended_interrupt="被中断",
    ended_error="因错误而停止",
    history_hint="你的练习历史和到期复习：quizkit stats",
    missed_today="今天答错",
    due_now="现在到期",
    due_at="{when}到期",
    list_separator=" · ",
    review_detail="（{details}）",
    colon="：",
    label_separator="：",
    no_practice_yet="还没有练习记录。从这里开始：quizkit practice 主题（见 quizkit topics）",
    stats_title="练习历史",
    column_answers="作答",
    column_accuracy="正确率",
    column_last_days="近 {days} 天",
    column_daily_accuracy="每日正确率",
    column_due="到期",
    column_last_practised="上次练习",
    stats_caption="共 {answers} 次作答 · 连续练习 {days} 天",
    due_for_review="现在到期的复习（{count}）：",
    practise_them="练习它们：quizkit practice（会混入到期复习）",
    nothing_due="现在没有到期的复习。",
    coming_up="即将到期：",
    chart_title="每日作答数（█ 对，░ 错）",
    chart_months="{months}，截至今天",
    month="{number}月",
    now="现在",
    in_a_minute="1 分钟后",
    in_span="{span}后",
    span_ago="{span}前",
    span_minutes="{n} 分钟",
    span_hours="{n} 小时",
    span_day="{n} 天",
    span_days="{n} 天",
    seconds="{s} 秒",
    minutes_seconds="{m} 分 {s:02d} 秒",
    seconds_precise="{s:.1f} 秒",
    level_names=_frozen({1: "简单", 2: "中等", 3: "困难"}),
    question_footer="{id} · 难度 {level}（{name}）",
    answer_label="答案：",
    accepted_label="接受范围：",
    torch_says="torch 的报错：",
    worked_solution="解答过程",
    unreadable_check="? 无法识别：",
    check_formats_label="可接受的格式：",
    right="✓ 正确",
    formats=_frozen(
        {
            AnswerKind.SHAPE: "形状，如 1x16x15x15、(1, 16, 15, 15) 或 torch.Size([1, 16, 15, 15])；"
            "各维可以是算式，如 1x16x(28-5+1)x24；标量写 ()",
            AnswerKind.LEGAL: "yes 或 no（也可以写 能/不能、是/否、会报错、legal/illegal、"
            "true/false、ok/error、y/n）",
            AnswerKind.BOOL: "true 或 false（也可以写 对/错、是/否、yes/no、t/f、y/n、1/0）",
            AnswerKind.PARAMS: "个数，如 61706、61_706、61,706、2*3*3*64+64、1.2e6、1.2M "
            "或 1.2M params（k、M、G、T、P）",
            AnswerKind.FLOPS: "个数，如 22649241600、22,649,241,600、2*3*3*64*64*480*640、22.6G "
            "或 22.6 GFLOPs（k、M、G、T、P；是 FLOPs，不是 MACs）",
            AnswerKind.INT: "整数，如 1024、1_024、1,024、1e3 或 (28-5)//1+1",
            AnswerKind.VALUE: "数，如 0.25、-1.5e-3、1/3 或 exp(-1)；多个数写成 [0.1, 0.2]、"
            "0.1, 0.2 或 tensor([0.1, 0.2])；也可写 nan、inf",
            AnswerKind.CHOICE: "选项字母，如 b、(b) 或 选b；选项序号（1 = 第一个）；或选项的原文",
        }
    ),
    topics_title="quizkit 主题",
    column_templates="模板数",
    column_levels="难度",
    column_practises="练习内容",
    topics_caption="共 {count} 个模板；练习：`quizkit practice 主题`",
    default_title="深度学习基础",
    worksheet_word="练习卷",
    key_word="答案卷",
    worksheets_word="练习卷",
    keys_word="答案卷",
    version_label="版本 {number}",
    key_version_label="答案 · 版本 {number}",
    key_title_suffix=" — 答案卷",
    subtitle="{count} {questions} · 共 {points} 分 · {topics} · 难度 {levels} · {id}",
    all_topics="全部主题",
    point="{n} 分",
    points="{n} 分",
    name_field="姓名：",
    student_id_field="学号：",
    score_field="得分：",
    instructions=(
        "把每个答案写在对应的方框里。形状写成 (N, C, H, W)；个数写整数（1,234,567 或 1234567）；"
        "小数至少保留 3 位有效数字。有勾选框的题，勾选一项。"
    ),
    page_of="第 {page} 页，共 {pages} 页",
    does_it_run="能否运行？",
    yes_it_runs="能，可以运行",
    no_it_raises="不能，torch 会报错",
    true_or_false="对还是错？",
    true_word="对",
    false_word="错",
    shape_field="形状：",
    values_field="各个值：",
    answer_field="答案：",
    count_units=_frozen({AnswerKind.PARAMS: "个参数", AnswerKind.FLOPS: "FLOPs"}),
    sheet_header="quizkit 答题表：把每个答案写在 `answer:` 之后；其余内容保持不变。",
    sheet_grade_with="评分命令：  quizkit grade {file}",
    sheet_templates="出题时的题目模板：评分核对的是这些模板，而不是题库",
    slot_hints=_frozen(
        {
            AnswerKind.SHAPE: "形状，例如 (1, 16, 15, 15)",
            AnswerKind.LEGAL: "yes（能运行）或 no（torch 报错）",
            AnswerKind.BOOL: "true（对）或 false（错）",
            AnswerKind.PARAMS: "参数量，例如 61706 或 1.2M",
            AnswerKind.FLOPS: "FLOP 数，例如 22649241600 或 22.6G",
            AnswerKind.INT: "整数",
            AnswerKind.VALUE: "数，例如 0.25（或列表 [0.1, 0.2]）",
            AnswerKind.CHOICE: "选项字母",
        }
    ),
    slot_letter_range="选项字母，a 到 {last}",
    html_lang="zh-CN",
    grade_all_passed="全部通过",
    grade_not_all_passed="未全部通过",
    grade_summary=(
        "{total} 份提交中有 {passed} 份通过了全部测试，用时 {seconds:.1f} 秒；复现：--seed {seed}"
    ),
    grade_table_title="{who}：{score:g}/{max_score:g} 分",
    column_exercise="练习",
    column_tests_passed="通过的测试",
    column_points="得分",
    column_status="状态",
    status_passed="通过",
    status_failed="未通过",
    unreadable_input="无法读取的输入：",
    grade_warning="警告：",
    grade_nothing_handed_in="名单上有 {count} 名学生没有提交：",
    student_output="程序输出：",
    more_lines="…… 还有 {count} 行",
    test_status=_frozen(
        {
            "passed": "通过",
            "failed": "结果错误",
            "error": "出错",
            "timeout": "超时",
            "forbidden": "调用了禁用的函数",
            "missing": "缺少定义",
        }
    ),
)

CATALOG: Mapping[Lang, Messages] = MappingProxyType({Lang.EN: EN, Lang.ZH: ZH})


def messages(lang: Lang = Lang.EN) -> Messages:
    """The interface strings in ``lang``."""
    return CATALOG[lang]


def question_word(lang: Lang, count: int) -> str:
    """``question``/``questions``, or ``题`` (Chinese has no plural)."""
    if lang is Lang.ZH:
        return "题"
    return "question" if count == 1 else "questions"


def field_names() -> list[str]:
    """The names of every string in :class:`Messages` (for tests and tools)."""
    return [f.name for f in fields(Messages)]


# East Asian wide characters (CJK ideographs, kana, full-width forms and CJK punctuation).
_WIDE = (
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
)
_WIDE_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t]*\n[ \t]*(?=[{_WIDE}])")
_FENCE = re.compile(r"^(```|~~~)", re.MULTILINE)


def join_wide_lines(text: str) -> str:
    """Remove the line breaks between two wide (CJK) characters outside code fences.

    A soft line break in Markdown or Typst reads as a space, which is right between Latin words
    and wrong between Chinese characters (``……3)。 输出``); CSS Text 3 drops such a break too.
    """
    parts = _FENCE.split(text)
    # split keeps the fence markers: [text, "```", code..., "```", text, ...]
    out: list[str] = []
    inside = False
    for part in parts:
        if part in ("```", "~~~"):
            inside = not inside
            out.append(part)
        else:
            out.append(part if inside else _WIDE_BREAK.sub("", part))
    return "".join(out)


# The accepted-interval description is written in English by quizkit.answers.check (the rule
# that grades); these patterns word it in Chinese. A description no pattern knows stays English,
# and tests/test_messages.py samples every shape of description, so a new wording is noticed.
_ACCEPTED_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (
            r"^a list of (\d+), each to (\d+) significant figures$",
            r"\1 个数，每个保留 \2 位有效数字",
        ),
        (
            r"^a list of (\d+), each x within atol \+ rtol·\|t\| of its t",
            r"\1 个数，每个 x 与对应的 t 相差不超过 atol + rtol·|t|",
        ),
        (r"exactly \[\] \(an empty list\)", "精确值 []（空列表）"),
        (r"exactly 0 \(0 has no significant figures\)", "精确值 0（0 没有有效数字）"),
        (r"(?:^|(?<=; )|(?<=: ))exactly ", "精确值 "),
        (r"^a list of (\d+): ", r"\1 个数："),
        (r"0 has no significant figures: ", "0 没有有效数字："),
        (r"(\d+) significant figures of (\S+): ", r"\2 的 \1 位有效数字："),
        (r"between ([^\s;]+) and ([^\s;]+)", r"\1 到 \2 之间"),
        (r"; ", "；"),
        (r" \(((?:rtol|atol) [^()]*)\)$", r"（\1）"),
    )
)


def localize_accepted(text: str, lang: Lang) -> str:
    """The accepted interval (``between 0.2475 and 0.2525 (rtol 1e-2)``) in ``lang``."""
    if lang is Lang.EN:
        return text
    for pattern, replacement in _ACCEPTED_ZH:
        text = pattern.sub(replacement, text)
    return text
