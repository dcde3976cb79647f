"""Closed-form layer arithmetic in pure Python (no torch), as stated in the notes.

Every function here is proved equal to PyTorch on many random cases by ``tests/test_formulas.py``;
``quizkit explain`` shows these formulas beside the numbers torch measured, and bank templates
may call them in their ``let`` derivations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Pair = int | Sequence[int]


def pair(value: Pair) -> tuple[int, int]:
    """An int or a 2-sequence as a pair, as PyTorch's ``_pair`` does."""
    if isinstance(value, int):
        return value, value
    first, second = value
    return int(first), int(second)


def conv_output_size(
    size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """``out = floor((size + 2*padding - dilation*(kernel - 1) - 1) / stride) + 1`` (Conv, per dim)."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def conv_transpose_output_size(
    size: int,
    kernel: int,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> int:
    """``out = (size - 1)*stride - 2*padding + dilation*(kernel - 1) + output_padding + 1``."""
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def pool_output_size(
    size: int,
    kernel: int,
    stride: int | None = None,
    padding: int = 0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> int:
    """Max/avg pooling output size per dim; ``stride`` defaults to ``kernel``.

    ``out = floor_or_ceil((size + 2*padding - dilation*(kernel - 1) - 1) / stride) + 1``; with
    ``ceil_mode``, if the last window would start inside the right padding
    (``(out - 1) * stride >= size + padding``) it is dropped: ``out -= 1``.
    """
    step = kernel if stride is None else stride
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    out = (math.ceil(span / step) if ceil_mode else span // step) + 1
    if ceil_mode and (out - 1) * step >= size + padding:
        out -= 1
    return out


def conv_params(
    in_channels: int, out_channels: int, kernel: Pair, *, bias: bool = True, groups: int = 1
) -> int:
    """``params = out_channels * (in_channels / groups) * k_h * k_w + (out_channels if bias)``."""
    k_h, k_w = pair(kernel)
    return out_channels * (in_channels // groups) * k_h * k_w + (out_channels if bias else 0)


def conv_flops(
    in_channels: int,
    out_channels: int,
    kernel: Pair,
    output_hw: Pair,
    *,
    groups: int = 1,
    batch: int = 1,
) -> int:
    """FLOPs of Conv2d as ``torch.utils.flop_counter`` counts them (1 multiply-add = 2 FLOPs).

    ``FLOPs = 2 * k_h * k_w * (in_channels / groups) * out_channels * H_out * W_out * batch``;
    the bias add is not counted.
    """
    k_h, k_w = pair(kernel)
    h_out, w_out = pair(output_hw)
    return 2 * k_h * k_w * (in_channels // groups) * out_channels * h_out * w_out * batch


def linear_params(in_features: int, out_features: int, *, bias: bool = True) -> int:
    """``params = in_features * out_features + (out_features if bias)``."""
    return in_features * out_features + (out_features if bias else 0)


def linear_flops(in_features: int, out_features: int, *, rows: int = 1) -> int:
    """``FLOPs = 2 * rows * in_features * out_features`` (the bias add is not counted)."""
    return 2 * rows * in_features * out_features
