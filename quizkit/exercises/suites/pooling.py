"""Hidden tests of ``pooling``: the truth is torch.nn.functional.max_pool2d/avg_pool2d."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import torch.nn.functional as F

from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.spec import Case, HiddenTest, Rng, Suite, call_case
from quizkit.exercises.suites._common import DTYPES, test

ORACLES: dict[str, Callable[..., Any]] = {"max_pool2d": F.max_pool2d, "avg_pool2d": F.avg_pool2d}
NAMES = ["input", "kernel_size"]


def _case(
    rng: Rng,
    function: str,
    *,
    tuples: bool,
    stride: bool,
    padding: bool,
    grad: bool = False,
    dtype: Any = None,
) -> Case:
    kh, kw = rng.sizes(2, 1, 4)
    kernel: Any = (kh, kw) if tuples else kh
    if not tuples:
        kw = kh
    kwargs: dict[str, Any] = {}
    if stride:
        s = (rng.randint(1, 3), rng.randint(1, 3))
        kwargs["stride"] = s if tuples else s[0]
    if padding:
        p = (rng.randint(0, kh // 2), rng.randint(0, kw // 2))
        kwargs["padding"] = p if tuples else min(p)
    n, c = rng.sizes(2, 1, 4)
    h, w = rng.randint(kh, kh + 7), rng.randint(kw, kw + 7)
    x = rng.randn(n, c, h, w, dtype=dtype or DTYPES[0])
    return call_case(
        rng, function, ORACLES[function], NAMES, [x, kernel], kwargs, grad_wrt=[0] if grad else []
    )


def _tests(function: str) -> list[HiddenTest]:
    @test(f"{function}_with_default_stride_matches_torch", function, function, 2.0)
    def defaults(rng: Rng) -> Iterator[Case]:
        for i in range(5):
            yield _case(
                rng, function, tuples=i % 2 == 1, stride=False, padding=False, dtype=DTYPES[i % 2]
            )

    @test(f"{function}_with_stride_and_padding_matches_torch", function, function, 2.0)
    def strided(rng: Rng) -> Iterator[Case]:
        for i in range(6):
            yield _case(rng, function, tuples=i % 2 == 0, stride=True, padding=True)

    @test(f"{function}_gradient_matches_autograd", function, function, 2.0)
    def gradient(rng: Rng) -> Iterator[Case]:
        for i in range(3):  # random continuous inputs: no ties between window elements
            yield _case(rng, function, tuples=i == 1, stride=True, padding=i > 0, grad=True)

    return [defaults, strided, gradient]


FORBIDDEN = ForbiddenSpec(
    names=(
        "torch.nn.functional.max_pool2d",
        "torch.nn.functional.max_pool2d_with_indices",
        "torch.nn.functional.avg_pool2d",
        "torch.nn.functional.adaptive_max_pool2d",
        "torch.nn.functional.adaptive_avg_pool2d",
        "torch.nn.functional.lp_pool2d",
        "torch.nn.functional.max_pool1d",
        "torch.nn.functional.avg_pool1d",
        "torch.nn.functional.max_pool3d",
        "torch.nn.functional.avg_pool3d",
        "torch.max_pool2d",
        "torch.avg_pool1d",
        "torch.max_pool1d",
        "torch.max_pool1d_with_indices",
        "torch._C._nn.avg_pool2d",
        "torch._C._nn.max_pool2d_with_indices",
        "torch.nn.MaxPool2d",
        "torch.nn.AvgPool2d",
        "torch.nn.AdaptiveMaxPool2d",
        "torch.nn.AdaptiveAvgPool2d",
        "torch.ops.aten",
    ),
    aten=(
        "aten::max_pool2d",
        "aten::max_pool2d_with_indices",
        "aten::avg_pool2d",
        "aten::_adaptive_avg_pool2d",
        "aten::adaptive_max_pool2d",
        "aten::avg_pool3d",
        "aten::max_pool3d_with_indices",
        "aten::max_pool1d",
        "aten::avg_pool1d",
        "aten::max_pool1d_with_indices",
        "aten::mkldnn_max_pool2d",
    ),
)

SUITE = Suite(
    name="pooling",
    api=get_exercise("pooling").api,
    forbidden=FORBIDDEN,
    tests=tuple(_tests("max_pool2d") + _tests("avg_pool2d")),
)
