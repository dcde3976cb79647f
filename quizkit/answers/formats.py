"""How answers are shown, and the one-line list of formats a student may type for each kind.

Everything :func:`format_value` writes without a unit (and counts with FLOPs or params as the
unit), :func:`quizkit.answers.parse_answer` reads back: shapes as
``(1, 16, 15, 15)``, counts as ``22,649,241,600 (≈ 22.6 G)`` (the ``(≈ …)`` hint is ignored on
input), floats with up to 6 significant digits, ``yes``/``no``, ``true``/``false``, and choices
as ``(b) option text``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral, Real

from quizkit.bank.model import AnswerKind

COUNT_KINDS = frozenset({AnswerKind.PARAMS, AnswerKind.FLOPS, AnswerKind.INT})
FLOAT_DIGITS = 6
_SI_HINT_FROM = 10**6
_SI_PREFIXES = ((10**18, "E"), (10**15, "P"), (10**12, "T"), (10**9, "G"), (10**6, "M"))

_FORMATS: dict[AnswerKind, str] = {
    AnswerKind.SHAPE: "a shape such as 1x16x15x15, (1, 16, 15, 15) or torch.Size([1, 16, 15, 15]);"
    " sizes may be arithmetic, e.g. 1x16x(28-5+1)x24; () for a scalar",
    AnswerKind.LEGAL: "yes or no (also legal/illegal, true/false, ok/error, y/n)",
    AnswerKind.BOOL: "true or false (also yes/no, t/f, y/n, 1/0)",
    AnswerKind.PARAMS: "a count such as 61706, 61_706, 61,706, 2*3*3*64+64, 1.2e6, 1.2M"
    " or 1.2M params (k, M, G, T, P)",
    AnswerKind.FLOPS: "a count such as 22649241600, 22,649,241,600, 2*3*3*64*64*480*640, 22.6G"
    " or 22.6 GFLOPs (k, M, G, T, P; FLOPs, not MACs)",
    AnswerKind.INT: "a whole number such as 1024, 1_024, 1,024, 1e3 or (28-5)//1+1",
    AnswerKind.VALUE: "a number such as 0.25, -1.5e-3, 1/3 or exp(-1); several as"
    " [0.1, 0.2], 0.1, 0.2 or tensor([0.1, 0.2]); nan, inf",
    AnswerKind.CHOICE: "a letter such as b or (b), the option's number (1 = first),"
    " or the option's text",
}


def accepted_formats(kind: AnswerKind) -> str:
    """One short line: the formats accepted for ``kind``, with examples."""
    return _FORMATS[kind]


def format_value(
    kind: AnswerKind, value: object, *, options: Sequence[str] = (), unit: str | None = None
) -> str:
    """``value`` as shown to the student for an answer of ``kind``.

    ``unit`` follows numbers (counts and values). Values of an unexpected type (a list given
    for a single number, say) are still shown, in a neutral form.
    """
    if kind is AnswerKind.SHAPE and _is_int_sequence(value):
        assert isinstance(value, Sequence)
        return format_shape(value)
    if kind in (AnswerKind.LEGAL, AnswerKind.BOOL) and isinstance(value, bool):
        if kind is AnswerKind.LEGAL:
            return "yes" if value else "no"
        return "true" if value else "false"
    if kind is AnswerKind.CHOICE and _is_int(value):
        assert isinstance(value, Integral)
        return format_choice(int(value), options)
    if kind in COUNT_KINDS and _is_number(value):
        assert isinstance(value, Real)
        return format_count(value, unit=unit)
    if kind is AnswerKind.VALUE and _is_number(value):
        assert isinstance(value, Real)
        return _with_unit(format_float(float(value)), unit)
    if kind is AnswerKind.VALUE and _is_number_list(value):
        assert isinstance(value, Sequence)
        return _with_unit(format_float_list(value), unit)
    return format_any(value)


def format_shape(shape: Sequence[int]) -> str:
    """``(1, 16, 15, 15)``; ``(23,)`` for one dimension and ``()`` for a scalar, as Python does."""
    sizes = [str(int(n)) for n in shape]
    return f"({sizes[0]},)" if len(sizes) == 1 else f"({', '.join(sizes)})"


def format_choice(index: int, options: Sequence[str] = ()) -> str:
    """``(b) option text`` for index 1, or ``(b)`` when the options are not known."""
    label = f"({option_letter(index)})"
    if 0 <= index < len(options):
        return f"{label} {options[index]}"
    return label


def option_letter(index: int) -> str:
    """``a`` for option 0, ``b`` for option 1, …; past ``z`` (or below 0) the 1-based number."""
    return chr(ord("a") + index) if 0 <= index < 26 else f"#{index + 1}"


def format_count(value: Real, *, unit: str | None = None) -> str:
    """``22,649,241,600 (≈ 22.6 G)``: comma groups, and an SI hint from one million up.

    With a unit: ``22,649,241,600 FLOPs (≈ 22.6 GFLOPs)``. Non-integral values (a typed
    ``12.5``) are shown as floats.
    """
    number = float(value)
    if not math.isfinite(number):
        return _with_unit(format_float(number), unit)
    if isinstance(value, Integral):
        whole = int(value)
    elif number.is_integer():
        whole = int(number)
    else:
        return _with_unit(format_float(number), unit)
    text = _with_unit(f"{whole:,}", unit)
    if abs(whole) >= _SI_HINT_FROM:
        text += f" (≈ {si_approx(whole)}{unit or ''})"
    return text


def si_approx(value: int) -> str:
    """``22.6 G`` for 22_649_241_600: three significant digits and an SI prefix (M to E)."""
    rounded = float(f"{abs(value):.3g}")
    sign = "-" if value < 0 else ""
    for size, prefix in _SI_PREFIXES:
        if rounded >= size:
            return f"{sign}{rounded / size:.3g} {prefix}"
    return f"{sign}{rounded:.3g}"


def format_float(value: float, digits: int = FLOAT_DIGITS) -> str:
    """Up to ``digits`` significant digits: ``0.25``, ``0.333333``, ``1.5e-05`` → ``1.5e-5``."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def format_float_list(values: Sequence[object]) -> str:
    """``[0.1, 0.2]``."""
    return "[" + ", ".join(format_any(v) for v in values) + "]"


def format_any(value: object) -> str:
    """A neutral rendering for values of any type (used when the type does not fit the kind)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Integral):
        return f"{int(value):,}"
    if isinstance(value, Real):
        return format_float(float(value))
    if isinstance(value, list | tuple):
        inner = ", ".join(format_any(v) for v in value[:20])
        more = ", …" if len(value) > 20 else ""
        return f"[{inner}{more}]"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _with_unit(text: str, unit: str | None) -> str:
    return f"{text} {unit}" if unit else text


def _is_int(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _is_int_sequence(value: object) -> bool:
    return isinstance(value, list | tuple) and all(_is_int(v) for v in value)


def _is_number_list(value: object) -> bool:
    return isinstance(value, list | tuple) and all(_is_number(v) for v in value)
