"""Spec of grading: check_answer and accepted_interval under each kind's tolerance."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizkit.answers import Verdict, accepted_interval, check_answer, format_value
from quizkit.bank.model import AnswerKind, Tolerance
from quizkit.errors import TemplateError

K = AnswerKind
DEFAULT = Tolerance()
NAN, INF = math.nan, math.inf


def verdict(kind: AnswerKind, truth: object, given: object, **tolerance: float) -> Verdict:
    return check_answer(kind, truth, given, Tolerance(**tolerance))


def correct(kind: AnswerKind, truth: object, given: object, **tolerance: float) -> bool:
    return verdict(kind, truth, given, **tolerance).correct


# --- exact kinds ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "truth", "given", "expected"),
    [
        (K.SHAPE, (1, 16, 15, 15), (1, 16, 15, 15), True),
        (K.SHAPE, [1, 16, 15, 15], (1, 16, 15, 15), True),
        (K.SHAPE, (1, 16, 15, 15), (1, 16, 15, 14), False),
        (K.SHAPE, (1, 16, 15, 15), (16, 15, 15), False),
        (K.SHAPE, (), (), True),
        (K.SHAPE, (), (1,), False),
        (K.LEGAL, True, True, True),
        (K.LEGAL, False, True, False),
        (K.BOOL, False, False, True),
        (K.CHOICE, 2, 2, True),
        (K.CHOICE, 2, 1, False),
        (K.PARAMS, 61706, 61706, True),
        (K.PARAMS, 61706, 61707, False),
        (K.FLOPS, 22_649_241_600, 22_649_241_600, True),
        (K.FLOPS, 22_649_241_600, 22.6e9, False),
        (K.FLOPS, 22_600_000_000, 22.6e9, True),
        (K.INT, 24, 24.0, True),
        (K.INT, 12, 12.5, False),
    ],
)
def test_exact_kinds_accept_only_the_exact_value(
    kind: AnswerKind, truth: object, given: object, expected: bool
) -> None:
    assert correct(kind, truth, given) is expected


@pytest.mark.parametrize("kind", [K.SHAPE, K.LEGAL, K.BOOL, K.CHOICE])
def test_non_numeric_kinds_ignore_a_declared_tolerance(kind: AnswerKind) -> None:
    truth, near = {
        K.SHAPE: ((1, 16, 15, 15), (1, 16, 15, 14)),
        K.LEGAL: (True, False),
        K.BOOL: (True, False),
        K.CHOICE: (2, 1),
    }[kind]
    assert not correct(kind, truth, near, rtol=0.5, atol=1)
    assert accepted_interval(kind, truth, Tolerance(rtol=0.5)).startswith("exactly ")


def test_count_with_rtol_accepts_a_rounded_figure() -> None:
    assert correct(K.FLOPS, 22_649_241_600, 22.6e9, rtol=0.01)
    assert not correct(K.FLOPS, 22_649_241_600, 22.3e9, rtol=0.01)


@pytest.mark.parametrize(
    ("given", "expected"),
    [(990, True), (1010, True), (989, False), (1011, False), (989.9999, False), (1010.0, True)],
)
def test_count_rtol_boundary_is_inclusive(given: float, expected: bool) -> None:
    assert correct(K.PARAMS, 1000, given, rtol=0.01) is expected


@pytest.mark.parametrize(("given", "expected"), [(95, True), (105, True), (94, False)])
def test_count_atol_alone_is_an_absolute_window(given: int, expected: bool) -> None:
    assert correct(K.INT, 100, given, atol=5) is expected


def test_count_beyond_float_precision_is_exact_for_ints() -> None:
    truth = 2**60 + 1
    assert correct(K.FLOPS, truth, truth)
    assert not correct(K.FLOPS, truth, truth + 1)
    # a float can be no closer: the truth rounded to float counts as exact
    assert correct(K.FLOPS, truth, float(truth))


# --- value tolerance --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("truth", "given", "expected"),
    [
        (0.25, 0.25, True),
        (0.25, 0.2525, True),  # 1% of 0.25, typed exactly at the boundary
        (0.25, 0.2475, True),
        (0.25, 0.25251, False),
        (0.25, 0.24749, False),
        (0.0, 1e-8, True),  # atol
        (0.0, -1e-8, True),
        (0.0, 2e-8, False),
        (-3.0, -3.03, True),
        (-3.0, 3.0, False),
    ],
)
def test_value_default_tolerance_is_rtol_1e_2_plus_atol_1e_8(
    truth: float, given: float, expected: bool
) -> None:
    assert correct(K.VALUE, truth, given) is expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [(101.0, True), (99.0, True), (101.00000001, False), (98.99999999, False)],
)
def test_value_tolerance_edges_inclusive_at_rtol_boundary(given: float, expected: bool) -> None:
    assert correct(K.VALUE, 100.0, given, rtol=0.01, atol=0) is expected


def test_value_declared_rtol_keeps_the_default_atol() -> None:
    assert correct(K.VALUE, 0.0, 1e-8, rtol=0.1)
    assert not correct(K.VALUE, 0.0, 1e-8, rtol=0.1, atol=0)


@pytest.mark.parametrize(
    ("truth", "given", "sigfigs", "expected"),
    [
        (0.2481, 0.248, 3, True),
        (0.2481, 0.2486, 3, True),  # |x - t| = 0.0005, inclusive
        (0.2481, 0.2476, 3, True),
        (0.2481, 0.24861, 3, False),
        (0.2481, 0.24759, 3, False),
        (1000, 1050, 2, True),  # floor(log10 1000) = 3: bound 0.5 * 10**2
        (1000, 1051, 2, False),
        (999, 999.5, 3, True),
        (999, 999.51, 3, False),
        (-0.5, -0.54, 1, True),
        (-0.5, -0.56, 1, False),
        (1e-7, 1.04e-7, 2, True),
        (1e-7, 1.06e-7, 2, False),
    ],
)
def test_value_sigfigs_accepts_half_a_unit_in_the_last_place(
    truth: float, given: float, sigfigs: int, expected: bool
) -> None:
    assert correct(K.VALUE, truth, given, sigfigs=sigfigs) is expected


def test_value_sigfigs_at_zero_truth_falls_back_to_atol() -> None:
    assert correct(K.VALUE, 0.0, 1e-9, sigfigs=3)
    assert not correct(K.VALUE, 0.0, 1e-7, sigfigs=3)
    assert not correct(K.VALUE, 0.0, 1e-9, sigfigs=3, atol=0)
    assert correct(K.VALUE, 0.0, 0.0, sigfigs=3, atol=0)


def test_count_sigfigs_accepts_an_si_rounded_figure() -> None:
    assert correct(K.FLOPS, 22_649_241_600, 22.6e9, sigfigs=3)
    assert not correct(K.FLOPS, 22_649_241_600, 22.7e9, sigfigs=3)


@pytest.mark.parametrize(
    ("truth", "given", "expected"),
    [
        (NAN, NAN, True),
        (NAN, 0.0, False),
        (0.0, NAN, False),
        (INF, INF, True),
        (INF, -INF, False),
        (-INF, -INF, True),
        (INF, 1e308, False),
        (1e308, INF, False),
    ],
)
def test_value_nan_and_inf_match_only_themselves(
    truth: float, given: float, expected: bool
) -> None:
    assert correct(K.VALUE, truth, given) is expected
    assert correct(K.VALUE, truth, given, rtol=1.0, atol=1e300) is expected


# --- lists and wrong types --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("truth", "given", "expected"),
    [
        ([0.1, 0.2], [0.1, 0.2], True),
        ([0.1, 0.2], [0.1005, 0.199], True),
        ([0.1, 0.2], [0.1, 0.21], False),
        ([0.1, 0.2], [0.1], False),
        ([0.1, 0.2], [0.1, 0.2, 0.3], False),
        ([[0.1, 0.2], [0.3, 0.4]], [0.1, 0.2, 0.3, 0.4], True),  # nested truth is flattened
        ([], [], True),
    ],
)
def test_value_lists_match_elementwise_with_the_same_length(
    truth: object, given: list[float], expected: bool
) -> None:
    assert correct(K.VALUE, truth, given) is expected


@pytest.mark.parametrize(
    ("kind", "truth", "given", "says"),
    [
        (K.VALUE, 0.5, [0.5], "a list of 1; expected a single number"),
        (K.VALUE, [0.5, 0.5], 0.5, "a single number; expected a list of 2 numbers"),
        (K.SHAPE, (1, 16), 16, "a single number; expected a shape"),
        (K.PARAMS, 61706, (61706,), "expected a single number"),
        (K.LEGAL, True, 1, "expected yes/no"),
        (K.BOOL, True, "true", "expected true/false"),
        (K.CHOICE, 1, True, "expected an option"),
        (K.INT, 3, True, "true/false; expected a single number"),
    ],
)
def test_answer_of_the_wrong_type_is_wrong_and_says_why(
    kind: AnswerKind, truth: object, given: object, says: str
) -> None:
    result = verdict(kind, truth, given)
    assert not result.correct
    assert says in result.given


@pytest.mark.parametrize(
    ("kind", "truth"),
    [(K.SHAPE, "1x16"), (K.LEGAL, 1), (K.CHOICE, "b"), (K.FLOPS, None), (K.VALUE, "0.5")],
)
def test_truth_of_the_wrong_type_is_a_template_error(kind: AnswerKind, truth: object) -> None:
    with pytest.raises(TemplateError, match=f"truth of a {kind.value} answer"):
        check_answer(kind, truth, 0, DEFAULT)


class FakeTensor:
    """Anything with ``tolist`` (a torch tensor, a numpy array) is read through it."""

    def __init__(self, values: object) -> None:
        self.values = values

    def tolist(self) -> object:
        return self.values


def test_truth_with_tolist_is_converted_like_a_tensor() -> None:
    assert correct(K.VALUE, FakeTensor([[0.1], [0.2]]), [0.1, 0.2])
    assert correct(K.VALUE, FakeTensor(0.25), 0.25)


# --- feedback strings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "truth", "tolerance", "expected"),
    [
        (K.SHAPE, (1, 16, 15, 15), DEFAULT, "exactly (1, 16, 15, 15)"),
        (K.LEGAL, False, DEFAULT, "exactly no"),
        (K.BOOL, True, DEFAULT, "exactly true"),
        (K.CHOICE, 1, DEFAULT, "exactly (b)"),
        (K.FLOPS, 22_649_241_600, DEFAULT, "exactly 22,649,241,600"),
        (K.VALUE, 0.25, DEFAULT, "between 0.2475 and 0.2525 (rtol 1e-2, atol 1e-8)"),
        (K.VALUE, 100.0, Tolerance(rtol=0.05, atol=0), "between 95 and 105 (rtol 0.05)"),
        (K.VALUE, 2.0, Tolerance(atol=0.5, rtol=0), "between 1.5 and 2.5 (atol 0.5)"),
        (
            K.VALUE,
            0.2481,
            Tolerance(sigfigs=3),
            "3 significant figures of 0.2481: between 0.2476 and 0.2486",
        ),
        (K.VALUE, NAN, DEFAULT, "exactly nan"),
        (K.VALUE, -INF, DEFAULT, "exactly -inf"),
        (
            K.PARAMS,
            1000,
            Tolerance(rtol=0.01),
            "between 990 and 1,010 (rtol 1e-2)",
        ),
        (
            K.VALUE,
            [0.1, 0.2],
            DEFAULT,
            "a list of 2: between 0.099 and 0.101; between 0.198 and 0.202 (rtol 1e-2, atol 1e-8)",
        ),
    ],
)
def test_accepted_interval_describes_the_accepted_answers(
    kind: AnswerKind, truth: object, tolerance: Tolerance, expected: str
) -> None:
    assert accepted_interval(kind, truth, tolerance) == expected


def test_verdict_shows_expected_given_and_accepted() -> None:
    assert verdict(K.VALUE, 0.25, 0.3) == Verdict(
        correct=False,
        expected="0.25",
        given="0.3",
        accepted="between 0.2475 and 0.2525 (rtol 1e-2, atol 1e-8)",
    )


@pytest.mark.parametrize(
    ("kind", "value", "options", "unit", "expected"),
    [
        (K.SHAPE, (1, 16, 15, 15), (), None, "(1, 16, 15, 15)"),
        (K.SHAPE, (23,), (), None, "(23,)"),
        (K.SHAPE, (), (), None, "()"),
        (K.FLOPS, 22_649_241_600, (), None, "22,649,241,600 (≈ 22.6 G)"),
        (K.FLOPS, 22_649_241_600, (), "FLOPs", "22,649,241,600 FLOPs (≈ 22.6 GFLOPs)"),
        (K.PARAMS, 61706, (), None, "61,706"),
        (K.PARAMS, 999_999_999, (), None, "999,999,999 (≈ 1 G)"),
        (K.INT, 12.5, (), None, "12.5"),
        (K.VALUE, 1 / 3, (), None, "0.333333"),
        (K.VALUE, 1.5e-5, (), None, "1.5e-5"),
        (K.VALUE, [0.1, 0.25], (), None, "[0.1, 0.25]"),
        (K.VALUE, 0.25, (), "nats", "0.25 nats"),
        (K.LEGAL, True, (), None, "yes"),
        (K.BOOL, False, (), None, "false"),
        (K.CHOICE, 1, ("Conv2d", "Linear"), None, "(b) Linear"),
        (K.CHOICE, 1, (), None, "(b)"),
    ],
)
def test_format_value_shows_each_kind_plainly(
    kind: AnswerKind, value: object, options: tuple[str, ...], unit: str | None, expected: str
) -> None:
    assert format_value(kind, value, options=options, unit=unit) == expected


# --- properties -------------------------------------------------------------------------------

finite_floats = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)
relative_tolerances = st.sampled_from([1e-6, 1e-3, 1e-2, 0.05, 0.1])


@settings(max_examples=150, deadline=None)
@given(truth=finite_floats)
def test_every_finite_truth_accepts_itself(truth: float) -> None:
    assert correct(K.VALUE, truth, truth)
    assert correct(K.VALUE, truth, truth, sigfigs=2)


@settings(max_examples=150, deadline=None)
@given(truth=finite_floats.filter(lambda t: abs(t) > 1e-3), rtol=relative_tolerances)
def test_value_accepts_just_inside_and_refuses_just_outside_rtol(truth: float, rtol: float) -> None:
    assert correct(K.VALUE, truth, truth * (1 + 0.99 * rtol), rtol=rtol, atol=0)
    assert not correct(K.VALUE, truth, truth * (1 + 1.01 * rtol), rtol=rtol, atol=0)


@settings(max_examples=100, deadline=None)
@given(truth=finite_floats.filter(lambda t: abs(t) > 1e-300), sigfigs=st.integers(1, 6))
def test_shown_interval_bounds_are_themselves_accepted(truth: float, sigfigs: int) -> None:
    for tolerance in (DEFAULT, Tolerance(sigfigs=sigfigs)):
        shown = accepted_interval(K.VALUE, truth, tolerance)
        words = shown.split(": ")[-1].split(" (")[0].split()
        low, high = float(words[1]), float(words[3])
        assert low < high
        assert check_answer(K.VALUE, truth, low, tolerance).correct
        assert check_answer(K.VALUE, truth, high, tolerance).correct


def test_accepted_interval_rounds_bounds_inward_to_readable_decimals() -> None:
    text = accepted_interval(AnswerKind.VALUE, 2.0333333333, Tolerance())
    assert text == "between 2.013 and 2.0536 (rtol 1e-2, atol 1e-8)"
    for bound in ("2.013", "2.0536"):
        assert check_answer(AnswerKind.VALUE, 2.0333333333, float(bound), Tolerance()).correct
