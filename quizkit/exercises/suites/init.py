"""Hidden tests of ``init``; the truth is torch.nn.init in distribution.

Samples are judged with the Kolmogorov–Smirnov statistic D against the exact distribution
(uniform on [-a, a] or normal with std σ from torch's fan computation). By the
Dvoretzky–Kiefer–Wolfowitz inequality P(D > ε) <= 2·exp(-2·n·ε²); ε is chosen so that this
false-failure bound is 1e-9.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import torch
from torch.nn.init import _calculate_fan_in_and_fan_out

from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.compare import compare
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.protocol import CallReply, Reply
from quizkit.exercises.spec import Case, HiddenTest, Rng, Suite, custom_case, plain_request
from quizkit.exercises.suites._common import DTYPES, test

FALSE_FAILURE = 1e-9


def dkw_margin(n: int, delta: float = FALSE_FAILURE) -> float:
    """ε with 2·exp(-2·n·ε²) = delta."""
    return math.sqrt(math.log(2 / delta) / (2 * n))


def _cdf(kind: str, scale: float, x: torch.Tensor) -> torch.Tensor:
    if kind == "uniform":
        return ((x + scale) / (2 * scale)).clamp(0, 1)
    return 0.5 * (1 + torch.erf(x / (scale * math.sqrt(2))))


def _scale(kind: str, shape: tuple[int, ...], gain: float) -> float:
    fan_in, fan_out = _calculate_fan_in_and_fan_out(torch.empty(shape))
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return std * math.sqrt(3.0) if kind == "uniform" else std


def _judge(kind: str, shape: tuple[int, ...], dtype: Any, gain: float, reply: Reply) -> str | None:
    if not isinstance(reply, CallReply):
        return f"expected a result, received {type(reply).__name__}"
    out = reply.value
    template = torch.zeros(shape, dtype=dtype)
    if not isinstance(out, torch.Tensor) or out.shape != template.shape or out.dtype != dtype:
        return compare(out, template, "output")
    if 0 not in reply.same_object:
        return "must fill the tensor in place and return that same tensor"
    after = reply.args_after
    if not isinstance(after, list) or not after or not torch.equal(after[0], out):
        return "the argument was not filled in place (its values differ from the returned tensor)"
    scale = _scale(kind, shape, gain)
    what = f"U(-a, a), a = {scale:.6g}" if kind == "uniform" else f"N(0, σ²), σ = {scale:.6g}"
    if kind == "uniform" and float(out.abs().max()) > scale * (1 + 1e-6):
        return f"a value {float(out.abs().max()):.6g} lies outside [-a, a] for {what}"
    xs = out.reshape(-1).double().sort().values
    n = xs.numel()
    cdf = _cdf(kind, scale, xs)
    ranks = torch.arange(1, n + 1, dtype=torch.float64)
    d = float(torch.maximum(ranks / n - cdf, cdf - (ranks - 1) / n).max())
    eps = dkw_margin(n)
    if d > eps:
        return (
            f"the {n} values are not distributed as {what}: Kolmogorov–Smirnov distance "
            f"{d:.4f} > {eps:.4f} (sample std {float(xs.std()):.6g})"
        )
    return None


def _tests(function: str, kind: str) -> list[HiddenTest]:
    def case(rng: Rng, shape: tuple[int, ...], dtype: Any, gain: float | None) -> Case:
        kwargs = {} if gain is None else {"gain": gain}
        request = plain_request(rng, function, [torch.full(shape, 7.0, dtype=dtype)], kwargs)

        def judge(reply: Reply) -> str | None:
            return _judge(kind, shape, dtype, 1.0 if gain is None else gain, reply)

        return custom_case(request, judge, f"tensor{shape} {str(dtype)[6:]}, gain={gain or 1.0}")

    @test(f"{function}_of_a_linear_weight_has_the_right_distribution", function, function, 2.0)
    def linear(rng: Rng) -> Iterator[Case]:
        for i, gain in enumerate((None, 2.5, 0.3)):
            fan_out, fan_in = rng.sizes(2, 150, 500)
            yield case(rng, (fan_out, fan_in), DTYPES[i % 2], gain)

    @test(f"{function}_of_a_conv_weight_counts_the_receptive_field", function, function, 2.0)
    def conv(rng: Rng) -> Iterator[Case]:
        for gain in (None, math.sqrt(2.0)):
            c_out, c_in = rng.sizes(2, 20, 60)
            k = rng.choice([3, 5])
            yield case(rng, (c_out, c_in, k, k), torch.float32, gain)

    @test(f"{function}_fills_in_place_and_returns_the_tensor", function, function, 1.0)
    def in_place(rng: Rng) -> Iterator[Case]:
        yield case(rng, (300, 400), torch.float64, 1.0)

    return [linear, conv, in_place]


FORBIDDEN = ForbiddenSpec(
    names=(
        "torch.nn.init.xavier_uniform_",
        "torch.nn.init.xavier_normal_",
        "torch.nn.init.xavier_uniform",
        "torch.nn.init.xavier_normal",
        "torch.nn.init.kaiming_uniform_",
        "torch.nn.init.kaiming_normal_",
        "torch.nn.init._calculate_fan_in_and_fan_out",
        "torch.nn.init._calculate_correct_fan",
        "torch.nn.init._no_grad_uniform_",
        "torch.nn.init._no_grad_normal_",
        "torch.nn.init.calculate_gain",
    ),
)

SUITE = Suite(
    name="init",
    api=get_exercise("init").api,
    forbidden=FORBIDDEN,
    tests=tuple(_tests("xavier_uniform_", "uniform") + _tests("xavier_normal_", "normal")),
)
