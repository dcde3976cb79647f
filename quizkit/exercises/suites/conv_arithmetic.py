"""Hidden tests of ``conv_arithmetic``: the truth is the shape PyTorch produces (Conv2d,
MaxPool2d with ceil_mode, ConvTranspose2d on a zero tensor), the parameter count of nn.Conv2d and
the FLOPs torch.utils.flop_counter counts for a batch of 1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.spec import Case, Rng, Suite, value_case
from quizkit.exercises.suites._common import test
from quizkit.formulas import pair


def conv_size(
    h_w: Any, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> tuple[int, int]:
    h, w = pair(h_w)
    kh, kw = pair(kernel_size)
    out = F.conv2d(
        torch.zeros(1, 1, h, w),
        torch.zeros(1, 1, kh, kw),
        stride=stride,
        padding=padding,
        dilation=dilation,
    )
    return (int(out.shape[2]), int(out.shape[3]))


def pool_size(
    h_w: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
) -> tuple[int, int]:
    h, w = pair(h_w)
    out = F.max_pool2d(
        torch.zeros(1, 1, h, w),
        kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        ceil_mode=ceil_mode,
    )
    return (int(out.shape[2]), int(out.shape[3]))


def transpose_size(
    h_w: Any,
    kernel_size: Any,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    dilation: Any = 1,
) -> tuple[int, int]:
    h, w = pair(h_w)
    kh, kw = pair(kernel_size)
    out = F.conv_transpose2d(
        torch.zeros(1, 1, h, w),
        torch.zeros(1, 1, kh, kw),
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
    )
    return (int(out.shape[2]), int(out.shape[3]))


def params(
    in_channels: int, out_channels: int, kernel_size: Any, bias: bool = True, groups: int = 1
) -> int:
    conv = torch.nn.Conv2d(
        in_channels, out_channels, kernel_size, bias=bias, groups=groups, device="meta"
    )
    return sum(p.numel() for p in conv.parameters())


def flops(
    in_channels: int, out_channels: int, kernel_size: Any, output_hw: Any, groups: int = 1
) -> int:
    kh, kw = pair(kernel_size)
    oh, ow = pair(output_hw)
    x = torch.zeros(1, in_channels, oh + kh - 1, ow + kw - 1, device="meta")
    weight = torch.zeros(out_channels, in_channels // groups, kh, kw, device="meta")
    with FlopCounterMode(display=False) as counter:
        F.conv2d(x, weight, groups=groups)
    return int(counter.get_total_flops())


def _maybe_pair(rng: Rng, low: int, high: int) -> Any:
    return (
        (rng.randint(low, high), rng.randint(low, high))
        if rng.randint(0, 1)
        else rng.randint(low, high)
    )


def _hw(rng: Rng) -> Any:
    return tuple(rng.sizes(2, 9, 40)) if rng.randint(0, 3) else rng.randint(9, 40)


@test("conv2d_output_size_matches_torch", "conv2d_output_size", "output sizes", 2.0)
def conv_out(rng: Rng) -> Iterator[Case]:
    names = ["h_w", "kernel_size"]
    yield value_case(rng, "conv2d_output_size", conv_size, names, [(28, 28), 5])
    for _ in range(8):
        kwargs = {
            "stride": _maybe_pair(rng, 1, 4),
            "padding": _maybe_pair(rng, 0, 3),
            "dilation": _maybe_pair(rng, 1, 3),
        }
        yield value_case(
            rng, "conv2d_output_size", conv_size, names, [_hw(rng), _maybe_pair(rng, 1, 4)], kwargs
        )


@test(
    "pool2d_output_size_matches_torch_with_and_without_ceil_mode",
    "pool2d_output_size",
    "output sizes",
    2.0,
)
def pool_out(rng: Rng) -> Iterator[Case]:
    names = ["h_w", "kernel_size"]
    for i in range(10):
        k = rng.randint(2, 4)
        kwargs: dict[str, Any] = {"ceil_mode": i % 2 == 1}
        if i >= 2:
            kwargs["stride"] = rng.randint(1, 3)
            kwargs["padding"] = rng.randint(0, k // 2)
        if i >= 6:
            kwargs["dilation"] = rng.randint(1, 2)
        yield value_case(rng, "pool2d_output_size", pool_size, names, [_hw(rng), k], kwargs)


@test(
    "conv_transpose2d_output_size_matches_torch",
    "conv_transpose2d_output_size",
    "output sizes",
    2.0,
)
def transpose_out(rng: Rng) -> Iterator[Case]:
    names = ["h_w", "kernel_size"]
    for _ in range(8):
        stride, dilation = rng.randint(1, 3), rng.randint(1, 2)
        kwargs = {
            "stride": stride,
            "padding": rng.randint(0, 2),
            "dilation": dilation,
            "output_padding": rng.randint(0, max(stride, dilation) - 1),
        }
        yield value_case(
            rng,
            "conv_transpose2d_output_size",
            transpose_size,
            names,
            [_hw(rng), _maybe_pair(rng, 2, 5)],
            kwargs,
        )


@test("conv2d_params_match_nn_conv2d", "conv2d_params", "params and flops", 2.0)
def count(rng: Rng) -> Iterator[Case]:
    names = ["in_channels", "out_channels", "kernel_size"]
    for i in range(8):
        g = rng.choice([1, 1, 2, 4])
        cin, cout = g * rng.randint(1, 16), g * rng.randint(1, 16)
        kwargs: dict[str, Any] = {"bias": i % 2 == 0}
        if g > 1:
            kwargs["groups"] = g
        yield value_case(
            rng, "conv2d_params", params, names, [cin, cout, _maybe_pair(rng, 1, 5)], kwargs
        )


@test("conv2d_flops_match_torch_flop_counter", "conv2d_flops", "params and flops", 2.0)
def flop(rng: Rng) -> Iterator[Case]:
    names = ["in_channels", "out_channels", "kernel_size", "output_hw"]
    for _ in range(8):
        g = rng.choice([1, 1, 2, 3])
        cin, cout = g * rng.randint(1, 16), g * rng.randint(1, 16)
        kwargs = {"groups": g} if g > 1 else {}
        yield value_case(
            rng, "conv2d_flops", flops, names, [cin, cout, _maybe_pair(rng, 1, 5), _hw(rng)], kwargs
        )


FORBIDDEN = ForbiddenSpec(names=("torch", "numpy"), all_torch=True)

SUITE = Suite(
    name="conv_arithmetic",
    api=get_exercise("conv_arithmetic").api,
    forbidden=FORBIDDEN,
    tests=(conv_out, pool_out, transpose_out, count, flop),
)
