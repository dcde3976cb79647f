"""Spec of what students may type: parse_answer per kind, safe arithmetic, format round trips."""

from __future__ import annotations

import math
import re
import time
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizkit.answers import (
    Parsed,
    ParseFailure,
    accepted_formats,
    check_answer,
    format_value,
    parse_answer,
)
from quizkit.answers.expr import ExprError, evaluate
from quizkit.answers.formats import format_float
from quizkit.bank.model import AnswerKind, Tolerance

K = AnswerKind
COUNT_KINDS = (K.PARAMS, K.FLOPS, K.INT)
OPTIONS = ("Conv2d", "Linear", "ReLU", "BatchNorm2d")
INTERNAL_ERROR = re.compile(r"\(internal error: \w+\)$")  # parse_answer's last-resort message


def parsed(kind: AnswerKind, text: str, **kwargs: object) -> object:
    result = parse_answer(kind, text, **kwargs)  # type: ignore[arg-type]
    assert isinstance(result, Parsed), f"{text!r} as {kind.value}: {result}"
    return result.value


def failure(kind: AnswerKind, text: str, **kwargs: object) -> ParseFailure:
    result = parse_answer(kind, text, **kwargs)  # type: ignore[arg-type]
    assert isinstance(result, ParseFailure), f"{text!r} as {kind.value} parsed to {result}"
    return result


# --- shape ------------------------------------------------------------------------------------

SHAPES = [
    ("1x16x15x15", (1, 16, 15, 15)),
    ("1×16×15×15", (1, 16, 15, 15)),
    ("1 x 16 x 15 x 15", (1, 16, 15, 15)),
    ("1X16", (1, 16)),
    ("(1, 16, 15, 15)", (1, 16, 15, 15)),
    ("[1,16,15,15]", (1, 16, 15, 15)),
    ("1,16,15,15", (1, 16, 15, 15)),
    ("1, 16, 15, 15,", (1, 16, 15, 15)),
    ("(1,)", (1,)),
    ("(23)", (23,)),
    ("1 16 15 15", (1, 16, 15, 15)),
    ("`(2, 3)`", (2, 3)),
    ("(0, 3)", (0, 3)),
]


@pytest.mark.parametrize(("text", "expected"), SHAPES)
def test_shape_accepts_common_notations(text: str, expected: tuple[int, ...]) -> None:
    assert parsed(K.SHAPE, text) == expected


@pytest.mark.parametrize(
    "text", ["torch.Size([1, 16, 15, 15])", "Size([1, 16, 15, 15])", "torch.Size([1,16,15,15])"]
)
def test_shape_accepts_torch_size_repr(text: str) -> None:
    assert parsed(K.SHAPE, text) == (1, 16, 15, 15)


@pytest.mark.parametrize("text", ["()", "[]", "torch.Size([])", "( )"])
def test_shape_accepts_empty_brackets_as_scalar_shape(text: str) -> None:
    assert parsed(K.SHAPE, text) == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1x16x(28-5+1)x24", (1, 16, 24, 24)),
        ("(28-5)//2+1 x 4", (12, 4)),
        ("(1, 2*8, (32-3)//2+1)", (1, 16, 15)),
        ("[1, (28-5)/1+1]", (1, 24)),
        ("2**3 x 2^2", (8, 4)),
    ],
)
def test_shape_sizes_may_be_arithmetic(text: str, expected: tuple[int, ...]) -> None:
    assert parsed(K.SHAPE, text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("1x16,15", "mixes"),
        ("1,,2", "size 2 of 3 is empty"),
        ("1x", "empty"),
        ("(28-5)/2 x 3", "not a whole number (use // to round down)"),
        ("-1x3", "negative"),
        ("1*16*15", "single size"),
        ("(1, 16", "unbalanced"),
        ("1, 16]", "unbalanced"),
        ("batch x 3", "unknown name"),
        ("1/0 x 3", "division by zero"),
    ],
)
def test_shape_refuses_unreadable_input_with_reason(text: str, says: str) -> None:
    assert says in failure(K.SHAPE, text).message


# --- legal and bool ---------------------------------------------------------------------------

LEGAL_TRUE = ["yes", "Y", "true", "T", "legal", "OK", "okay", "valid", "1", " Yes. "]
LEGAL_FALSE = ["no", "N", "false", "f", "illegal", "error", "raises", "Exception", "0", "NO!"]


@pytest.mark.parametrize("text", LEGAL_TRUE)
def test_legal_reads_yes_words_case_insensitively(text: str) -> None:
    assert parsed(K.LEGAL, text) is True


@pytest.mark.parametrize("text", LEGAL_FALSE)
def test_legal_reads_no_words_case_insensitively(text: str) -> None:
    assert parsed(K.LEGAL, text) is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[("true", True), ("T", True), ("yes", True), ("y", True), ("1", True)],
        *[("false", False), ("F", False), ("no", False), ("n", False), ("0", False)],
    ],
)
def test_bool_reads_true_false_words(text: str, expected: bool) -> None:
    assert parsed(K.BOOL, text) is expected


@pytest.mark.parametrize(("kind", "text"), [(K.LEGAL, "maybe"), (K.BOOL, "legal"), (K.BOOL, "")])
def test_yes_no_kinds_refuse_other_words(kind: AnswerKind, text: str) -> None:
    assert failure(kind, text).formats == accepted_formats(kind)


# --- counts: params, flops, int ---------------------------------------------------------------

COUNTS = [
    ("22649241600", 22_649_241_600),
    ("22_649_241_600", 22_649_241_600),
    ("22,649,241,600", 22_649_241_600),
    ("1,024", 1024),
    ("-1,024", -1024),
    ("2*3*3*64*64*480*640", 22_649_241_600),
    ("(28-5)/1+1", 24),
    ("(28 - 5) // 2 + 1", 12),
    ("1e3", 1000),
    ("2.5e3", 2500),
    ("2^10", 1024),
    ("3×3×64", 576),
    ("3·3", 9),
    ("sqrt(16)", 4),
    ("22,649,241,600 (≈ 22.6 G)", 22_649_241_600),
    ("760", 760),
    ("  760  ", 760),
]


@pytest.mark.parametrize("kind", COUNT_KINDS)
@pytest.mark.parametrize(("text", "expected"), COUNTS)
def test_count_reads_exact_whole_numbers_as_int(kind: AnswerKind, text: str, expected: int) -> None:
    value = parsed(kind, text)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22.6G", 22.6e9),
        ("22.6 G", 22.6e9),
        ("1.2M", 1.2e6),
        ("760k", 760e3),
        ("760K", 760e3),
        ("3T", 3e12),
        ("1.5P", 1.5e15),
        ("1.5 billion", 1.5e9),
        ("2 Million", 2e6),
        ("~22.6G", 22.6e9),
        ("≈ 22.6G", 22.6e9),
    ],
)
def test_count_reads_si_suffix_as_rounded_float(text: str, expected: float) -> None:
    value = parsed(K.INT, text)
    assert value == expected
    assert type(value) is float


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (K.FLOPS, "22.6 GFLOPs", 22.6e9),
        (K.FLOPS, "22.6G flops", 22.6e9),
        (K.FLOPS, "22649241600 FLOPs", 22_649_241_600),
        (K.FLOPS, "1 FLOP", 1),
        (K.PARAMS, "1.2M params", 1.2e6),
        (K.PARAMS, "61,706 parameters", 61706),
        (K.PARAMS, "61706 weights", 61706),
    ],
)
def test_count_accepts_its_own_unit_word(kind: AnswerKind, text: str, expected: float) -> None:
    assert parsed(kind, text) == expected


def test_count_reads_non_integral_values_as_float_for_the_checker_to_judge() -> None:
    assert parsed(K.INT, "(28-5)/2+1") == 12.5


@pytest.mark.parametrize("text", ["1,16", "1,0245", "12,34,567", "1,024,5", "1,2345"])
def test_int_rejects_thousands_separator_with_wrong_group(text: str) -> None:
    assert "groups of exactly three digits" in failure(K.INT, text).message


@pytest.mark.parametrize("text", ["22.6 GMACs", "11.3G MACs", "5 macs"])
def test_flops_refuses_macs_because_one_mac_is_two_flops(text: str) -> None:
    assert "1 MAC = 2 FLOPs" in failure(K.FLOPS, text).message


@pytest.mark.parametrize(
    ("kind", "text"), [(K.PARAMS, "5 FLOPs"), (K.INT, "5 params"), (K.FLOPS, "5 parameters")]
)
def test_count_refuses_another_kinds_unit(kind: AnswerKind, text: str) -> None:
    assert "not a unit for this answer" in failure(kind, text).message


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("1.5m", "milli"),
        ("1.2B", "write G or billion"),
        ("2Gi", "binary prefix"),
        ("2g", "unknown suffix 'g'"),
        ("2 pi", "unknown suffix"),
        ("3x3", "use * to multiply"),
        ("FLOPs", "a number is missing"),
        ("1e999", "not a finite number"),
        ("inf", "not a finite number"),
        ("1/0", "division by zero"),
        ("007", "cannot read"),
        ("twelve", "unknown name"),
    ],
)
def test_count_refuses_unreadable_input_with_reason(text: str, says: str) -> None:
    assert says in failure(K.FLOPS, text).message


# --- value ------------------------------------------------------------------------------------

VALUES = [
    ("0.25", 0.25),
    ("-1.5e-3", -1.5e-3),
    ("1/3", 1 / 3),
    ("exp(-1)", math.exp(-1)),
    ("−0.5", -0.5),
    ("log(2)", math.log(2)),
    ("2*pi", 2 * math.pi),
    ("tensor(0.2500)", 0.25),
    ("tensor(0.2500, grad_fn=<MeanBackward0>)", 0.25),
    ("torch.tensor(1.5, dtype=torch.float64)", 1.5),
    ("(0.5)", 0.5),
    ("1e-400", 0.0),
]


@pytest.mark.parametrize(("text", "expected"), VALUES)
def test_value_reads_a_number_or_expression_as_float(text: str, expected: float) -> None:
    value = parsed(K.VALUE, text)
    assert type(value) is float
    assert value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[0.1, 0.2]", [0.1, 0.2]),
        ("0.1, 0.2", [0.1, 0.2]),
        ("(0.1, 0.2)", [0.1, 0.2]),
        ("tensor([0.1, 0.2])", [0.1, 0.2]),
        ("tensor([[1., 2.],\n        [3., 4.]])", [1.0, 2.0, 3.0, 4.0]),
        ("[0.5]", [0.5]),
        ("[0.5,]", [0.5]),
        ("[]", []),
        ("[1/2, exp(0)]", [0.5, 1.0]),
    ],
)
def test_value_reads_lists_as_list_of_floats(text: str, expected: list[float]) -> None:
    assert parsed(K.VALUE, text) == expected


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("nan", math.isnan),
        ("NaN", math.isnan),
        ("inf", lambda v: v == math.inf),
        ("-Inf", lambda v: v == -math.inf),
        ("infinity", lambda v: v == math.inf),
    ],
)
def test_value_reads_nan_and_inf(text: str, check: object) -> None:
    assert check(parsed(K.VALUE, text))  # type: ignore[operator]


@pytest.mark.parametrize("text", ["1,024", "0,5", "1,2,3", "-1,024.5"])
def test_value_refuses_bare_digit_commas_as_ambiguous(text: str) -> None:
    assert "ambiguous" in failure(K.VALUE, text).message


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0.25 nats", "cannot read"),
        ("[0.1, , 0.2]", "empty"),
        ("sqrt(-1)", "undefined"),
        ("(-8)**(1/3)", "not a real number"),
        ("__import__('os')", "unknown function"),
        ("x", "unknown name"),
        ("tensor(grad_fn=None)", "holds no number"),
        ("0.25 if True else 0", "not allowed"),
    ],
)
def test_value_refuses_unreadable_input_with_reason(text: str, says: str) -> None:
    assert says in failure(K.VALUE, text).message


# --- choice -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a", 0),
        ("B", 1),
        ("(c)", 2),
        ("c)", 2),
        ("d.", 3),
        ("( b )", 1),
        ("2", 1),
        ("(4)", 3),
        ("conv2d", 0),
        ("  batchnorm2d ", 3),
        ("`ReLU`", 2),
        ("(b) Linear", 1),
        ("b) linear", 1),
    ],
)
def test_choice_reads_letter_number_or_text(text: str, expected: int) -> None:
    assert parsed(K.CHOICE, text, options=OPTIONS) == expected


def test_choice_unknown_letter_lists_the_valid_letters() -> None:
    message = failure(K.CHOICE, "e", options=OPTIONS).message
    assert "no option (e)" in message
    assert "a–d" in message


@pytest.mark.parametrize("text", ["0", "5", "(b) ReLU", "Conv3d"])
def test_choice_refuses_what_matches_no_option(text: str) -> None:
    assert "a–d" in failure(K.CHOICE, text, options=OPTIONS).message


def test_choice_refuses_a_number_that_is_also_another_options_text() -> None:
    options = ("2", "3", "4")
    assert "ambiguous" in failure(K.CHOICE, "2", options=options).message
    assert parsed(K.CHOICE, "(a)", options=options) == 0
    assert parsed(K.CHOICE, "4", options=options) == 2  # text of (c) is not option number 4


def test_choice_without_options_accepts_any_letter_or_number_unchecked() -> None:
    assert parsed(K.CHOICE, "z") == 25
    assert parsed(K.CHOICE, "3") == 2


# --- failures carry the formats ---------------------------------------------------------------


@pytest.mark.parametrize("kind", list(AnswerKind))
def test_failure_lists_the_accepted_formats_of_its_kind(kind: AnswerKind) -> None:
    result = failure(kind, "¿?")
    assert result.formats == accepted_formats(kind)
    assert result.message


@pytest.mark.parametrize("kind", list(AnswerKind))
def test_accepted_formats_is_one_short_line_with_an_example(kind: AnswerKind) -> None:
    line = accepted_formats(kind)
    assert "\n" not in line
    assert len(line) < 160
    assert any(char.isdigit() for char in line) or kind in (K.LEGAL, K.CHOICE)


def test_overlong_input_is_refused_not_parsed() -> None:
    assert "too long" in failure(K.VALUE, "1+" * 600 + "1").message


# --- safe arithmetic --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "9**9**9",
        "10**10**10",
        "2**2**2**2**2**2",
        "(10**100)**(10**100)",
        "10**1000 * 10**1000",
        "1e999999999999",
        "(1+1/2**40)**(2**40)",
        "9" * 400 + "**9",
        "-" * 300 + "1",
        "(" * 200 + "1" + ")" * 200,
    ],
)
def test_hostile_arithmetic_fails_fast_or_stays_small(text: str) -> None:
    start = time.perf_counter()
    for kind in (K.INT, K.VALUE, K.SHAPE):
        parse_answer(kind, text)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("text", ["9**9**9", "10**10**10"])
def test_power_towers_are_refused_as_too_large(text: str) -> None:
    with pytest.raises(ExprError, match="too large"):
        evaluate(text)
    assert "too large" in failure(K.INT, text).message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1 + 0.2", Fraction(3, 10)),  # exact decimals, not 0.30000000000000004
        ("1e3", 1000),
        ("22.6e9", 22_600_000_000),
        ("2**-3", Fraction(1, 8)),
        ("floor(7/2)", 3),
        ("ceil(7/2)", 4),
        ("log(8, 2)", 3),
        ("abs(-3)", 3),
        ("7 % 3", 1),
    ],
)
def test_arithmetic_is_exact_on_decimals_and_integers(text: str, expected: object) -> None:
    assert evaluate(text) == expected


@pytest.mark.parametrize(
    "text", ["import os", "().__class__", "[1][0]", "lambda: 1", "1 < 2", "'a' * 3", "1j", "True"]
)
def test_arithmetic_refuses_anything_but_numbers_and_operators(text: str) -> None:
    with pytest.raises(ExprError):
        evaluate(text)


# --- properties -------------------------------------------------------------------------------

# Text made of the characters answers are made of, so that deep parser paths get exercised.
answer_like_text = st.text(
    alphabet="0123456789 ,.x×*/+-^()[]eEkKMGTPmB_~≈%flopsFLOPtensorSize:`'", max_size=40
)


@pytest.mark.parametrize("kind", list(AnswerKind))
@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=60) | answer_like_text)
def test_parser_never_crashes_for_any_text(kind: AnswerKind, text: str) -> None:
    result = parse_answer(kind, text, options=OPTIONS if kind is K.CHOICE else ())
    assert isinstance(result, Parsed | ParseFailure)
    if isinstance(result, ParseFailure):
        assert not INTERNAL_ERROR.search(result.message), result.message
        assert result.formats == accepted_formats(kind)


shape_sizes = st.lists(st.integers(min_value=0, max_value=10**6), max_size=6)


@settings(max_examples=100, deadline=None)
@given(shape=shape_sizes)
def test_shape_round_trips_through_format_value(shape: list[int]) -> None:
    assert parsed(K.SHAPE, format_value(K.SHAPE, tuple(shape))) == tuple(shape)


@pytest.mark.parametrize("kind", COUNT_KINDS)
@settings(max_examples=100, deadline=None)
@given(number=st.integers(min_value=-(10**18), max_value=10**20))
def test_count_round_trips_through_format_value(kind: AnswerKind, number: int) -> None:
    text = format_value(kind, number, unit="FLOPs" if kind is K.FLOPS else None)
    assert parsed(kind, text) == number


finite_floats = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(number=finite_floats)
def test_value_shown_with_six_digits_is_accepted_back(number: float) -> None:
    shown = parsed(K.VALUE, format_value(K.VALUE, number))
    assert check_answer(K.VALUE, number, shown, Tolerance()).correct


@settings(max_examples=150, deadline=None)
@given(number=finite_floats)
def test_value_shown_with_seventeen_digits_parses_to_the_same_float(number: float) -> None:
    assert parsed(K.VALUE, format_float(number, 17)) == number


@settings(max_examples=50, deadline=None)
@given(numbers=st.lists(finite_floats, max_size=5))
def test_value_list_round_trips_through_format_value(numbers: list[float]) -> None:
    shown = parsed(K.VALUE, format_value(K.VALUE, numbers))
    assert check_answer(K.VALUE, numbers, shown, Tolerance()).correct


small_ints = st.integers(min_value=-50, max_value=50).map(str)
small_powers = st.tuples(small_ints, st.integers(0, 3)).map(lambda p: f"({p[0]}) ** {p[1]}")


def _combine(operands: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    operators = st.sampled_from(["+", "-", "*", "//", "%"])
    return st.tuples(operands, operators, operands).map(lambda t: f"({t[0]} {t[1]} {t[2]})")


# Integer expressions such as ((3 * -7) // (2 ** 3)); generated text, evaluated by Python too.
small_expressions = st.recursive(small_ints | small_powers, _combine, max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(text=small_expressions)
def test_integer_arithmetic_agrees_with_python(text: str) -> None:
    try:
        expected = eval(text)  # the test's own generated text, never user input
    except ZeroDivisionError:
        with pytest.raises(ExprError, match="division by zero"):
            evaluate(text)
        return
    if abs(expected).bit_length() > 512:
        return
    assert evaluate(text) == expected
    assert parsed(K.INT, text) == expected


def test_value_accepts_trigonometry_for_cosine_schedules() -> None:
    parsed = parse_answer(AnswerKind.VALUE, "0.1*(1+cos(pi*17/20))/2")
    assert isinstance(parsed, Parsed)
    assert parsed.value == pytest.approx(0.1 * (1 + math.cos(math.pi * 17 / 20)) / 2)
    tanh = parse_answer(AnswerKind.VALUE, "tanh(0.5)")
    assert isinstance(tanh, Parsed)
    assert tanh.value == pytest.approx(math.tanh(0.5))


# --- input as a Chinese IME types it ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (AnswerKind.SHAPE, "（8，16，5，5）", (8, 16, 5, 5)),
        (AnswerKind.SHAPE, "8、16、5、5", (8, 16, 5, 5)),
        (AnswerKind.SHAPE, "［８，１６］", (8, 16)),
        (AnswerKind.SHAPE, "8×16×5×5。", (8, 16, 5, 5)),
        (AnswerKind.INT, "２５７", 257),
        (AnswerKind.PARAMS, "３×３×６４＋６４", 640),
        (AnswerKind.INT, "10³", 1000),
        (AnswerKind.VALUE, "1.25。", 1.25),
        (AnswerKind.VALUE, "－０．５", -0.5),
        (AnswerKind.VALUE, "2⁻¹", 0.5),
        (AnswerKind.VALUE, "［0.1，0.2］", [0.1, 0.2]),
        (AnswerKind.VALUE, "「0.25」", 0.25),
        (AnswerKind.BOOL, "是", True),
        (AnswerKind.BOOL, "否", False),
        (AnswerKind.BOOL, "对", True),
        (AnswerKind.BOOL, "错", False),
        (AnswerKind.BOOL, "正确", True),
        (AnswerKind.BOOL, "错误。", False),
        (AnswerKind.LEGAL, "能", True),
        (AnswerKind.LEGAL, "不能", False),
        (AnswerKind.LEGAL, "会报错", False),
    ],
)
def test_full_width_forms_and_chinese_words_read_as_their_ascii_meaning(
    kind: AnswerKind, text: str, expected: object
) -> None:
    parsed = parse_answer(kind, text)
    assert isinstance(parsed, Parsed), parsed
    assert parsed.value == expected


LOSS_OPTIONS = [
    "L1 loss is more robust to outliers",
    "L2 loss is more robust to outliers",
    "MAE squares it",
]


@pytest.mark.parametrize(
    ("text", "index"),
    [("（b）", 1), ("Ｂ", 1), ("选b", 1), ("选项 B", 1), ("答案是（c）", 2), ("b项", 1), ("L1", 0),
     ("l2", 1), ("MAE", 2), ("ＭＡＥ", 2)],
)  # fmt: skip
def test_choices_read_in_brackets_full_width_with_chinese_words_or_by_a_key_word(
    text: str, index: int
) -> None:
    assert parse_answer(AnswerKind.CHOICE, text, options=LOSS_OPTIONS) == Parsed(index)


def test_a_key_word_in_two_options_is_refused_as_ambiguous() -> None:
    failure = parse_answer(AnswerKind.CHOICE, "loss", options=LOSS_OPTIONS)
    assert isinstance(failure, ParseFailure)
    assert "ambiguous" in failure.message and "(a)" in failure.message and "(b)" in failure.message


@pytest.mark.parametrize(
    ("kind", "text", "stopper"),
    [
        (AnswerKind.SHAPE, "8 16 5 5?", "'?' (question mark, U+003F, character 9)"),
        (AnswerKind.SHAPE, "8x16x5x5；", "';' (semicolon, U+003B, character 9)"),
        (AnswerKind.INT, "25７＃", "'#' (number sign, U+0023, character 4)"),
        (AnswerKind.VALUE, "0.5€", "'€' (euro sign, U+20AC, character 4)"),
    ],
)
def test_an_unreadable_answer_names_the_character_that_stopped_it(
    kind: AnswerKind, text: str, stopper: str
) -> None:
    failure = parse_answer(kind, text)
    assert isinstance(failure, ParseFailure)
    assert failure.message.startswith(f"reading stopped at {stopper}: "), failure.message


def test_superscripts_are_powers_not_digits() -> None:
    assert parse_answer(AnswerKind.INT, "3×10²") == Parsed(300)
