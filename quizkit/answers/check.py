"""Check a parsed answer against the torch truth, under the template's tolerance.

Which answers are accepted, for truth ``t`` and answer ``x``:

- shape, legal, bool, choice: exactly the truth; a declared tolerance is ignored. Shapes must
  have the same rank and the same sizes.
- params, flops, int: exactly the truth, unless the template declares ``rtol``, ``atol`` or
  ``sigfigs`` (unset ones are then 0). A rounded figure typed with a scale suffix (``22.6G``)
  is a float and is compared by value, so it is right only if it *is* the count, or if a
  tolerance admits it. A float equal to the truth rounded to float also counts as exact
  (counts above 2**53 typed as ``…P`` cannot be more precise than that).
- value: ``|x - t| <= atol + rtol * |t|`` with defaults ``rtol = 1e-2`` and ``atol = 1e-8``
  (PrairieLearn's), each replaced when declared.
- ``decimals = n`` (any numeric kind): ``|x - t| <= 0.5 * 10**-n``, i.e. atol = 5e-(n+1), rtol = 0.
- ``sigfigs = n`` (any numeric kind; takes precedence over rtol): ``x`` agrees with ``t`` to n
  significant figures, ``|x - t| <= 0.5 * 10**(floor(log10|t|) - n + 1)``, where the decade
``floor(log10|t|)`` of a float truth is read from its shortest decimal (the float nearest 1e-7
lies a hair below 10**-7 but is in decade -7). Zero has no
  significant figures: for ``t = 0`` the rule is ``|x| <= atol`` (1e-8 for values, so exactly
  0 for counts unless atol is declared).

All bounds are inclusive. They are computed exactly, in fractions, from the decimal the template
declares (``rtol: 0.01`` is 1/100, not the float nearest to it); a float answer gets a slack of
4 ulps so that typing the boundary value itself (``0.2525`` for ``0.25 ± 1%``) is accepted
although its float is a hair outside. NaN matches only NaN, ``inf`` only ``inf`` of the same
sign, and a finite truth never matches NaN or infinity. Lists match when they have the same
length and match element by element; nested truth lists are flattened first. An answer of the
wrong type (a list for a single number) is wrong, and ``Verdict.given`` says why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral, Real
from typing import Any

from quizkit.answers.formats import COUNT_KINDS, format_any, format_float, format_value
from quizkit.bank.model import AnswerKind, Tolerance
from quizkit.errors import TemplateError

VALUE_RTOL = 1e-2
VALUE_ATOL = 1e-8
_ULPS_SLACK = 4
_MAX_LISTED = 4


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check, with the strings feedback shows."""

    correct: bool
    expected: str  # the truth, as format_value shows it
    given: str  # the answer, as format_value shows it (and why, when its type is wrong)
    accepted: str  # the accepted interval, e.g. "between 0.2475 and 0.2525 (rtol 1e-2, ...)"


@dataclass(frozen=True)
class _Rule:
    """A resolved tolerance: exact, or inclusive bounds from rtol/atol or sigfigs."""

    exact: bool
    rtol: float = 0.0
    atol: float = 0.0
    sigfigs: int | None = None


def check_answer(kind: AnswerKind, truth: object, given: object, tolerance: Tolerance) -> Verdict:
    """Is ``given`` (as :func:`parse_answer` returns it) right for the torch ``truth``?

    Raises :class:`TemplateError` only when ``truth`` itself does not fit ``kind``.
    """
    truth = _plain(truth)
    _check_truth_type(kind, truth)
    rule = _rule(kind, tolerance)
    expected = format_value(kind, truth)
    accepted = accepted_interval(kind, truth, tolerance)
    mismatch = _type_mismatch(kind, truth, given)
    if mismatch is not None:
        return Verdict(False, expected, f"{format_any(given)} ({mismatch})", accepted)
    return Verdict(
        _matches(kind, truth, given, rule), expected, format_value(kind, given), accepted
    )


def accepted_interval(kind: AnswerKind, truth: object, tolerance: Tolerance) -> str:
    """A human description of the answers accepted for ``truth``: "exactly (1, 16, 15, 15)",
    "between 0.2475 and 0.2525 (rtol 1e-2, atol 1e-8)", "3 significant figures of 0.2481:
    between 0.2476 and 0.2486", …
    """
    truth = _plain(truth)
    _check_truth_type(kind, truth)
    rule = _rule(kind, tolerance)
    if kind not in COUNT_KINDS and kind is not AnswerKind.VALUE:
        return f"exactly {format_value(kind, truth)}"
    if isinstance(truth, list):
        return _list_interval(kind, truth, rule)
    return _interval(kind, _num(truth), rule, with_note=True)


def tolerance_bound(kind: AnswerKind, truth: int | float, tolerance: Tolerance) -> Fraction:
    """The largest accepted ``|x - truth|`` for one number (0 when exact): the rule
    :func:`check_answer` applies, for exporters that must state the same interval.

    Exact in fractions; a float answer additionally gets a few ulps of slack in the checker,
    so an exported interval ``truth ± tolerance_bound`` (rounded inward) is always accepted.
    """
    rule = _rule(kind, tolerance)
    if rule.exact or not math.isfinite(float(truth)):
        return Fraction(0)
    return _bound(truth, rule)


# --- truth and types --------------------------------------------------------------------------


def _plain(value: object) -> object:
    """Tensors and arrays (anything with ``tolist``) become Python values; tuples of numbers
    for a value answer become lists; nested lists are flattened."""
    tolist = getattr(value, "tolist", None)
    if callable(tolist) and not isinstance(value, list | tuple):
        value = tolist()
    if isinstance(value, list):
        return flatten(value)
    return value


def flatten(values: Sequence[Any]) -> list[Any]:
    """Nested lists and tuples as one flat list, in order."""
    flat: list[Any] = []
    for item in values:
        if isinstance(item, list | tuple):
            flat.extend(flatten(item))
        else:
            flat.append(item)
    return flat


def _num(value: object) -> int | float:
    """A checked number as a plain ``int`` or ``float`` (numpy scalars included)."""
    if isinstance(value, Integral):
        return int(value)
    assert isinstance(value, Real)
    return float(value)


def _is_int(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _check_truth_type(kind: AnswerKind, truth: object) -> None:
    if kind is AnswerKind.SHAPE:
        ok = isinstance(truth, list | tuple) and all(_is_int(n) for n in truth)
        wanted = "a sequence of ints"
    elif kind in (AnswerKind.LEGAL, AnswerKind.BOOL):
        ok, wanted = isinstance(truth, bool), "True or False"
    elif kind is AnswerKind.CHOICE:
        ok, wanted = _is_int(truth), "an option index"
    elif kind in COUNT_KINDS:
        ok, wanted = _is_number(truth), "a number"
    else:
        ok = _is_number(truth) or (isinstance(truth, list) and all(_is_number(v) for v in truth))
        wanted = "a number or a list of numbers"
    if not ok:
        raise TemplateError(f"the truth of a {kind.value} answer must be {wanted}, got {truth!r}")


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if _is_number(value):
        return "a single number"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)}" if value else "an empty list"
    return f"a {type(value).__name__}"


def _type_mismatch(kind: AnswerKind, truth: object, given: object) -> str | None:
    """Why ``given`` cannot be compared with ``truth`` at all, or None if it can."""
    if kind is AnswerKind.SHAPE:
        ok = isinstance(given, list | tuple) and all(_is_number(n) for n in given)
        wanted = "a shape"
    elif kind in (AnswerKind.LEGAL, AnswerKind.BOOL):
        ok, wanted = isinstance(given, bool), "yes/no" if kind is AnswerKind.LEGAL else "true/false"
    elif kind is AnswerKind.CHOICE:
        ok, wanted = _is_int(given), "an option"
    elif kind in COUNT_KINDS or not isinstance(truth, list):
        ok, wanted = _is_number(given), "a single number"
    else:
        assert isinstance(truth, list)
        ok = isinstance(given, list | tuple) and all(_is_number(v) for v in given)
        wanted = f"a list of {len(truth)} numbers"
    if ok:
        return None
    return f"{_describe(given)}; expected {wanted}"


# --- comparison -------------------------------------------------------------------------------


def _rule(kind: AnswerKind, tolerance: Tolerance) -> _Rule:
    rtol, atol, sigfigs = tolerance.rtol, tolerance.atol, tolerance.sigfigs
    if tolerance.decimals is not None and kind in (AnswerKind.VALUE, *COUNT_KINDS):
        return _Rule(exact=False, rtol=0.0, atol=float(f"5e-{tolerance.decimals + 1}"))
    if kind is AnswerKind.VALUE:
        return _Rule(
            exact=False,
            rtol=VALUE_RTOL if rtol is None else rtol,
            atol=VALUE_ATOL if atol is None else atol,
            sigfigs=sigfigs,
        )
    if kind in COUNT_KINDS and (rtol is not None or atol is not None or sigfigs is not None):
        return _Rule(exact=False, rtol=rtol or 0.0, atol=atol or 0.0, sigfigs=sigfigs)
    return _Rule(exact=True)


def _matches(kind: AnswerKind, truth: object, given: object, rule: _Rule) -> bool:
    if kind is AnswerKind.SHAPE:
        assert isinstance(truth, list | tuple) and isinstance(given, list | tuple)
        return len(truth) == len(given) and all(
            _close(_num(g), _num(t), _Rule(exact=True)) for g, t in zip(given, truth, strict=False)
        )
    if kind in (AnswerKind.LEGAL, AnswerKind.BOOL, AnswerKind.CHOICE):
        return given == truth
    if isinstance(truth, list):
        assert isinstance(given, list | tuple)
        return len(truth) == len(given) and all(
            _close(_num(g), _num(t), rule) for g, t in zip(given, truth, strict=False)
        )
    return _close(_num(given), _num(truth), rule)


def _close(x: int | float, t: int | float, rule: _Rule) -> bool:
    """Is ``x`` accepted for ``t`` under ``rule``? Exact arithmetic, inclusive bounds."""
    xf, tf = float(x), float(t)
    if math.isnan(tf) or math.isnan(xf):
        return math.isnan(tf) and math.isnan(xf)
    if math.isinf(tf) or math.isinf(xf):
        return xf == tf
    xq, tq = Fraction(x), Fraction(t)
    if rule.exact:
        return xq == tq or (isinstance(x, float) and x == tf)
    slack = Fraction(0)
    if isinstance(x, float) or isinstance(t, float):
        slack = _ULPS_SLACK * Fraction(math.ulp(max(abs(xf), abs(tf))))
    return abs(xq - tq) <= _bound(t, rule) + slack


def _bound(t: int | float, rule: _Rule) -> Fraction:
    """The largest accepted ``|x - t|``."""
    if rule.sigfigs is not None:
        if t == 0:
            return _decimal(rule.atol)
        # The decade of a float truth is that of its shortest decimal: the float 1e-7 is a
        # hair below 10**-7 but means 1e-7, and must not shrink the window tenfold.
        decade = floor_log10(abs(_decimal(t) if isinstance(t, float) else Fraction(t)))
        return Fraction(1, 2) * Fraction(10) ** (decade - rule.sigfigs + 1)
    return _decimal(rule.atol) + _decimal(rule.rtol) * abs(Fraction(t))


def _decimal(x: float) -> Fraction:
    """The decimal the template wrote: 0.01 is exactly 1/100 (YAML gave us the nearest float)."""
    return Fraction(repr(float(x)))


def floor_log10(q: Fraction) -> int:
    """``floor(log10(q))`` for ``q > 0``, exactly (math.log10 misrounds near powers of 10)."""
    guess = len(str(q.numerator)) - len(str(q.denominator))
    return guess if q >= Fraction(10) ** guess else guess - 1


# --- describing the interval ------------------------------------------------------------------


def _tolerance_note(rule: _Rule) -> str:
    if rule.sigfigs is not None:
        return ""
    parts = [f"rtol {_format_tol(rule.rtol)}"] if rule.rtol else []
    if rule.atol or not parts:
        parts.append(f"atol {_format_tol(rule.atol)}")
    return f" ({', '.join(parts)})"


def _format_tol(x: float) -> str:
    """``1e-2`` for 0.01, ``1e-8``, ``0.05``."""
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.6e}".split("e")
    if mantissa.rstrip("0").rstrip(".") == "1" and int(exponent) != 0:
        return f"1e{int(exponent)}"
    return format_float(x)


def _interval(kind: AnswerKind, t: int | float, rule: _Rule, *, with_note: bool) -> str:
    tf = float(t)
    if rule.exact or not math.isfinite(tf):
        return f"exactly {_number_text(kind, t)}"
    # Centre the shown interval on the decimal the student sees (0.2481, not the float
    # 0.24809999999999998...), so its bounds read as round as the truth does.
    tq = _decimal(t) if isinstance(t, float) else Fraction(t)
    bound = _bound(t, rule)
    if rule.sigfigs is not None and tq == 0:
        if bound == 0:
            return "exactly 0 (0 has no significant figures)"
        prefix = "0 has no significant figures: "
        note = f" (atol {_format_tol(rule.atol)})"
    elif rule.sigfigs is not None:
        prefix = f"{rule.sigfigs} significant figures of {_number_text(kind, t)}: "
        note = ""
    else:
        prefix, note = "", _tolerance_note(rule)
    low, high = tq - bound, tq + bound
    if kind in COUNT_KINDS:
        low_text, high_text = f"{math.ceil(low):,}", f"{math.floor(high):,}"
    else:
        low_text, high_text = _float_bounds(low, high, t, rule)
    return f"{prefix}between {low_text} and {high_text}" + (note if with_note else "")


def _number_text(kind: AnswerKind, t: int | float) -> str:
    """The truth in an interval description: like format_value, without the SI hint."""
    if kind in COUNT_KINDS and (isinstance(t, int) or t.is_integer()):
        return f"{int(t):,}"
    return format_float(float(t))


def _float_bounds(low: Fraction, high: Fraction, t: int | float, rule: _Rule) -> tuple[str, str]:
    """The bounds rounded inward to two digits finer than the interval's width (so 2.0130 and
    2.0536, not 2.01299999 and 2.05366667), each itself accepted: a student typing a shown
    bound is graded right. Falls back to the shortest exact decimals for extreme ranges."""
    width = high - low
    places = max(0, 2 - floor_log10(width)) if width > 0 else 0
    # Plain decimals while they stay short; tiny or huge ranges read better in e-notation.
    if width > 0 and places <= 7 and abs(low) < 1e15 and abs(high) < 1e15:
        scale = Fraction(10) ** places
        inner = (
            Fraction(math.ceil(low * scale)) / scale,
            Fraction(math.floor(high * scale)) / scale,
        )
        texts = tuple(_decimal_text(bound, places) for bound in inner)
        if all(_close(float(text), t, rule) for text in texts):
            return texts[0], texts[1]
    low_text = high_text = ""
    for digits in range(6, 18):
        low_text, high_text = format_float(_float(low), digits), format_float(_float(high), digits)
        truth_text = format_float(float(t), digits)
        if truth_text not in (low_text, high_text) and all(
            _close(float(text), t, rule) for text in (low_text, high_text)
        ):
            break
    return low_text, high_text


def _decimal_text(value: Fraction, places: int) -> str:
    """``value`` (a multiple of 10**-places) as a decimal without trailing zeros."""
    units = abs(value) * 10**places
    assert units.denominator == 1
    whole, fraction = divmod(int(units), 10**places)
    text = f"{whole}.{fraction:0{places}d}".rstrip("0").rstrip(".") if places else str(whole)
    return f"-{text}" if value < 0 else text


def _float(q: Fraction) -> float:
    """``float(q)``, saturating to ±inf past the float range (bounds around 1.7e308)."""
    try:
        return float(q)
    except OverflowError:
        return math.inf if q > 0 else -math.inf


def _list_interval(kind: AnswerKind, truth: list[object], rule: _Rule) -> str:
    count = len(truth)
    if rule.exact:
        return f"exactly {format_value(kind, truth)}"
    if count == 0:
        return "exactly [] (an empty list)"
    if count <= _MAX_LISTED:
        parts = [_interval(kind, _num(t), rule, with_note=False) for t in truth]
        return f"a list of {count}: " + "; ".join(parts) + _tolerance_note(rule)
    if rule.sigfigs is not None:
        return f"a list of {count}, each to {rule.sigfigs} significant figures"
    return f"a list of {count}, each x within atol + rtol·|t| of its t" + _tolerance_note(rule)
