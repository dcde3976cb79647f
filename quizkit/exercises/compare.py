"""Comparison of what the student returned with what PyTorch computed, in the grader process.

A mismatch is a one-line message naming where (``output[0]``, ``grad of weight``), the first
element that differs, expected vs received, and the max abs/rel error over the whole tensor.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass
from typing import Any

import torch

from quizkit.exercises.protocol import Opaque


@dataclass(frozen=True)
class Tolerance:
    """``|received - expected| <= atol + rtol * |expected|`` elementwise."""

    rtol: float
    atol: float


FLOAT64 = Tolerance(rtol=1e-7, atol=1e-9)
FLOAT32 = Tolerance(rtol=1e-4, atol=1e-5)
# Gradients and long chains accumulate a little more rounding.
FLOAT64_LOOSE = Tolerance(rtol=1e-6, atol=1e-8)


# Rounding steps a stable implementation may take between the inputs and one output element,
# each contributing up to one unit roundoff of the magnitude it works at.
CONDITION_ULPS = 16.0


def condition_aware(
    dtype: torch.dtype, magnitude: float, *, loose: bool = False, ulps: float = CONDITION_ULPS
) -> Tolerance:
    """The usual tolerance of ``dtype`` plus the forward error a backward-stable algorithm is
    allowed when its intermediate values reach ``magnitude``:

    ``atol = atol(dtype) + ulps * eps(dtype) * magnitude``

    ``magnitude`` is what the suite knows about the conditioning of its inputs: ``max |x|`` for
    a shift-invariant function such as ``log_softmax`` (``x - m - log Σ exp(x - m)`` and
    ``x - (m + log Σ exp(x - m))`` differ by rounding at ``|x|``), ``Σ_i |a_i b_i|`` for a sum
    of products (rigorously ``|fl(Σ a_i b_i) - Σ a_i b_i| <= γ_n Σ |a_i b_i|``, ``γ_n ≈ n eps``;
    for random data the error grows like ``sqrt(n) eps``, so ``ulps = c sqrt(n)``),
    ``max |x| / std`` for a normalization. Implementations that merely order their operations
    differently pass; an unstable formula, whose error grows with ``magnitude`` times a large
    factor (``E[x²] - E[x]²``), still fails."""
    base = tolerance_for(dtype, loose)
    eps = torch.finfo(dtype).eps if dtype.is_floating_point else 0.0
    return Tolerance(rtol=base.rtol, atol=base.atol + ulps * eps * abs(magnitude))


def tolerance_for(dtype: torch.dtype, loose: bool = False) -> Tolerance:
    if dtype == torch.float64:
        return FLOAT64_LOOSE if loose else FLOAT64
    return FLOAT32


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 6
_REPR.maxlevel = 3


def describe_value(value: Any) -> str:
    """At most 80 characters, at a cost bounded whatever ``value`` holds (a list repeating one
    long string thousands of times is described from its first few items)."""
    if isinstance(value, torch.Tensor):
        return f"tensor of shape {tuple(value.shape)} and dtype {str(value.dtype)[6:]}"
    if isinstance(value, Opaque):
        return f"{value.type_name} {value.text}"
    text = _REPR.repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _fmt(x: float) -> str:
    return f"{x:.10g}"


def compare(received: Any, expected: Any, where: str, tol: Tolerance | None = None) -> str | None:
    """``None`` when ``received`` matches ``expected``; otherwise why not."""
    if isinstance(expected, torch.Tensor):
        return _compare_tensor(received, expected, where, tol)
    if isinstance(expected, tuple | list):
        if not isinstance(received, tuple | list):
            return (
                f"{where}: expected a tuple of {len(expected)}, received {describe_value(received)}"
            )
        if len(received) != len(expected):
            return f"{where}: expected {len(expected)} values, received {len(received)}"
        for i, (r, e) in enumerate(zip(received, expected, strict=True)):
            problem = compare(r, e, f"{where}[{i}]", tol)
            if problem:
                return problem
        return None
    if isinstance(expected, bool) or expected is None:
        if received is not expected:
            return f"{where}: expected {expected!r}, received {describe_value(received)}"
        return None
    if isinstance(expected, int):
        ok = isinstance(received, int) and not isinstance(received, bool) and received == expected
        if not ok:
            return f"{where}: expected {expected!r}, received {describe_value(received)}"
        return None
    if isinstance(expected, float):
        if not isinstance(received, int | float) or isinstance(received, bool):
            return f"{where}: expected {expected!r}, received {describe_value(received)}"
        t = tol or FLOAT64
        if abs(received - expected) > t.atol + t.rtol * abs(expected):
            return f"{where}: expected {_fmt(expected)}, received {_fmt(received)}"
        return None
    if received != expected:
        return f"{where}: expected {expected!r}, received {describe_value(received)}"
    return None


def _compare_tensor(
    received: Any, expected: torch.Tensor, where: str, tol: Tolerance | None
) -> str | None:
    if not isinstance(received, torch.Tensor):
        return f"{where}: expected a tensor, received {describe_value(received)}"
    if tuple(received.shape) != tuple(expected.shape):
        return (
            f"{where}: expected shape {tuple(expected.shape)}, "
            f"received shape {tuple(received.shape)}"
        )
    if received.dtype != expected.dtype:
        return (
            f"{where}: expected dtype {str(expected.dtype)[6:]}, received {str(received.dtype)[6:]}"
        )
    if expected.numel() == 0:
        return None
    t = tol or tolerance_for(expected.dtype)
    if not expected.is_floating_point():
        bad = received != expected
    else:
        r64, e64 = received.double(), expected.double()
        same_nonfinite = (r64 == e64) | (r64.isnan() & e64.isnan())
        close = (r64 - e64).abs() <= t.atol + t.rtol * e64.abs()
        bad = ~(same_nonfinite | close)
    if not bool(bad.any()):
        return None
    count = int(bad.sum())
    index = tuple(int(i) for i in bad.nonzero()[0])
    element = f"{where}[{', '.join(map(str, index))}]" if index else where
    e_val, r_val = expected[index].item(), received[index].item()
    message = f"{element}: expected {_fmt(e_val)}, received {_fmt(r_val)}"
    hint = ""
    if expected.is_floating_point():
        hint = _nonfinite_hint(received, expected, bad, where)
        r64, e64 = received.double(), expected.double()
        finite = e64.isfinite() & r64.isfinite()
        if bool(finite.any()):
            abs_err = (r64 - e64).abs()[finite]
            rel_err = abs_err / e64.abs()[finite].clamp_min(1e-300)
            message += (
                f" (max abs error {float(abs_err.max()):.3g}, "
                f"max rel error {float(rel_err.max()):.3g}; "
            )
        else:
            message += " ("
        message += f"{count} of {expected.numel()} elements differ)"
        message += hint
    else:
        message += f" ({count} of {expected.numel()} elements differ)"
    return message


def _nonfinite_hint(
    received: torch.Tensor, expected: torch.Tensor, bad: torch.Tensor, where: str
) -> str:
    """Why a value is nan/inf where the truth is finite, named after the classic cause."""
    wrong = bad & expected.isfinite() & ~received.isfinite()
    if not bool(wrong.any()):
        return ""
    index = tuple(int(i) for i in wrong.nonzero()[0])
    element = f"{where}[{', '.join(map(str, index))}]" if index else where
    what = "nan" if bool(received[index].isnan()) else "inf"
    if where.startswith("gradient"):
        return (
            f"; {element} is {what} where the true gradient is finite: a torch.where (or mask) "
            "branch that overflows (exp, log of 0, division by 0) still back-propagates, and "
            "0 * inf = nan; clamp the input of the branch that is not taken"
        )
    return (
        f"; {element} is {what} where the true value is finite: an intermediate overflowed "
        "(exp of a large number, log of 0, division by 0)"
    )
