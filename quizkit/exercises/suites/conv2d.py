"""Hidden tests of ``conv2d``: the truth is torch.nn.functional.conv2d."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch.nn.functional as F

from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.spec import Case, Rng, Suite, call_case
from quizkit.exercises.suites._common import DTYPES, test

NAMES = ["input", "weight", "bias"]


def _pair(rng: Rng, low: int, high: int, as_tuple: bool) -> Any:
    a, b = rng.randint(low, high), rng.randint(low, high)
    return (a, b) if as_tuple else a


def _case(
    rng: Rng,
    *,
    groups: int = 1,
    tuples: bool = False,
    bias: bool = True,
    grad: bool = False,
    dtype: Any = None,
    plain: bool = False,
) -> Case:
    n = rng.randint(1, 3)
    cin_g, cout_g = rng.sizes(2, 1, 4)
    cin, cout = cin_g * groups, cout_g * groups
    kh, kw = rng.sizes(2, 1, 4)
    kwargs: dict[str, Any] = {}
    if not plain:
        kwargs["stride"] = _pair(rng, 1, 3, tuples)
        kwargs["padding"] = _pair(rng, 0, 2, tuples)
        kwargs["dilation"] = _pair(rng, 1, 2, tuples)
        if groups > 1:
            kwargs["groups"] = groups
    d = kwargs.get("dilation", 1)
    dh, dw = d if isinstance(d, tuple) else (d, d)
    h = rng.randint(dh * (kh - 1) + 1, dh * (kh - 1) + 8)
    w = rng.randint(dw * (kw - 1) + 1, dw * (kw - 1) + 8)
    dt = dtype or DTYPES[0]
    x = rng.randn(n, cin, h, w, dtype=dt)
    weight = rng.randn(cout, cin_g, kh, kw, dtype=dt)
    args = [x, weight, rng.randn(cout, dtype=dt)] if bias else [x, weight]
    grad_wrt = list(range(len(args))) if grad else []
    return call_case(rng, "conv2d", F.conv2d, NAMES, args, kwargs, grad_wrt=grad_wrt)


@test("conv2d_with_defaults_matches_torch", "conv2d", "forward", 2.0)
def defaults(rng: Rng) -> Iterator[Case]:
    for i in range(4):
        yield _case(rng, plain=True, dtype=DTYPES[i % 2], bias=i != 3)


@test("conv2d_with_stride_padding_dilation_matches_torch", "conv2d", "forward", 2.0)
def strided(rng: Rng) -> Iterator[Case]:
    for i in range(6):
        yield _case(rng, bias=i % 3 != 0, dtype=DTYPES[i % 2])


@test("conv2d_accepts_tuple_stride_padding_dilation", "conv2d", "forward", 2.0)
def tuples(rng: Rng) -> Iterator[Case]:
    for i in range(5):
        yield _case(rng, tuples=True, bias=i % 2 == 0)


@test("conv2d_with_groups_matches_torch", "conv2d", "forward", 2.0)
def grouped(rng: Rng) -> Iterator[Case]:
    for g in (2, 3, 4):
        yield _case(rng, groups=g, tuples=g == 3)


@test("conv2d_kernel_as_large_as_input_and_1x1", "conv2d", "forward", 1.0)
def edges(rng: Rng) -> Iterator[Case]:
    x = rng.randn(2, 3, 4, 5)
    yield call_case(rng, "conv2d", F.conv2d, NAMES, [x, rng.randn(2, 3, 4, 5), rng.randn(2)])
    yield call_case(rng, "conv2d", F.conv2d, NAMES, [x, rng.randn(6, 3, 1, 1)], {"stride": 2})
    yield call_case(rng, "conv2d", F.conv2d, NAMES, [rng.randn(1, 1, 1, 1), rng.randn(1, 1, 1, 1)])


@test("conv2d_gradients_match_autograd", "conv2d", "gradients", 3.0)
def gradients(rng: Rng) -> Iterator[Case]:
    for i in range(3):
        yield _case(rng, grad=True, groups=1 + (i == 2), tuples=i == 1)


FORBIDDEN = ForbiddenSpec(
    names=(
        "torch.nn.functional.conv2d",
        "torch.nn.functional.conv1d",
        "torch.nn.functional.conv3d",
        "torch.nn.functional.conv_transpose1d",
        "torch.nn.functional.conv_transpose2d",
        "torch.nn.functional.conv_transpose3d",
        "torch.conv2d",
        "torch.conv1d",
        "torch.conv3d",
        "torch.convolution",
        "torch._convolution",
        "torch.conv_transpose2d",
        "torch.nn.Conv2d",
        "torch.nn.Conv1d",
        "torch.nn.Conv3d",
        "torch.nn.ConvTranspose2d",
        "torch.nn.LazyConv2d",
        "torch.ops.aten",
    ),
    aten=(
        "aten::convolution",
        "aten::_convolution",
        "aten::convolution_backward",
        "aten::conv2d",
        "aten::mkldnn_convolution",
        "aten::_slow_conv2d_forward",
        "aten::thnn_conv2d",
    ),
    extra_ops=("aten::im2col",),  # F.unfold: the patches, not the convolution
)

SUITE = Suite(
    name="conv2d",
    api=get_exercise("conv2d").api,
    forbidden=FORBIDDEN,
    tests=(defaults, strided, tuples, grouped, edges, gradients),
)
