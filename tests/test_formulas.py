"""The closed-form formulas in quizkit.formulas equal what torch computes, on many random cases."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from quizkit import formulas

small_sizes = st.integers(min_value=1, max_value=40)
kernels = st.integers(min_value=1, max_value=7)
strides = st.integers(min_value=1, max_value=4)
dilations = st.integers(min_value=1, max_value=3)


@settings(max_examples=150, deadline=None)
@given(
    size=small_sizes, kernel=kernels, stride=strides, padding=st.integers(0, 3), dilation=dilations
)
def test_conv_output_size_matches_torch(
    size: int, kernel: int, stride: int, padding: int, dilation: int
) -> None:
    expected = formulas.conv_output_size(size, kernel, stride, padding, dilation)
    conv = nn.Conv1d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation, device="meta")
    x = torch.empty(1, 1, size, device="meta")
    if expected < 1:
        with pytest.raises(RuntimeError):
            conv(x)
    else:
        assert conv(x).shape[-1] == expected


@settings(max_examples=150, deadline=None)
@given(
    size=small_sizes,
    kernel=kernels,
    stride=st.integers(1, 4),
    padding=st.integers(0, 3),
    dilation=dilations,
    ceil_mode=st.booleans(),
)
def test_pool_output_size_matches_torch_including_the_ceil_mode_padding_rule(
    size: int, kernel: int, stride: int, padding: int, dilation: int, ceil_mode: bool
) -> None:
    if padding > kernel // 2:
        return  # torch refuses pad > kernel/2; the formula is not asked there
    expected = formulas.pool_output_size(size, kernel, stride, padding, dilation, ceil_mode)
    pool = nn.MaxPool1d(
        kernel, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode
    )
    x = torch.zeros(1, 1, size)
    if expected < 1:
        with pytest.raises(RuntimeError):
            pool(x)
    else:
        assert pool(x).shape[-1] == expected


def test_ceil_mode_drops_a_window_that_would_start_in_the_right_padding() -> None:
    # size 5, kernel 2, stride 2, padding 1: ceil((5 + 2 - 2)/2) + 1 = 4, but the 4th window
    # would start at 6 >= 5 + 1, inside the right padding, so torch gives 3.
    assert formulas.pool_output_size(5, 2, 2, 1, ceil_mode=True) == 3
    assert nn.MaxPool1d(2, 2, 1, ceil_mode=True)(torch.zeros(1, 1, 5)).shape[-1] == 3


@settings(max_examples=100, deadline=None)
@given(
    size=small_sizes,
    kernel=kernels,
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    dilation=st.integers(1, 2),
    extra=st.integers(0, 2),
)
def test_conv_transpose_output_size_matches_torch(
    size: int, kernel: int, stride: int, padding: int, dilation: int, extra: int
) -> None:
    output_padding = extra % max(stride, dilation)
    expected = formulas.conv_transpose_output_size(
        size, kernel, stride, padding, output_padding, dilation
    )
    conv = nn.ConvTranspose1d(
        1,
        1,
        kernel,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
        device="meta",
    )
    x = torch.empty(1, 1, size, device="meta")
    if expected < 1:
        with pytest.raises(RuntimeError):
            conv(x)
    else:
        assert conv(x).shape[-1] == expected


@settings(max_examples=80, deadline=None)
@given(
    groups=st.sampled_from([1, 2, 4]),
    c_in_per_group=st.integers(1, 8),
    c_out_per_group=st.integers(1, 8),
    k_h=kernels,
    k_w=kernels,
    bias=st.booleans(),
    batch=st.integers(1, 3),
    size=st.integers(7, 20),
)
def test_conv_params_and_flops_match_torch(
    groups: int,
    c_in_per_group: int,
    c_out_per_group: int,
    k_h: int,
    k_w: int,
    bias: bool,
    batch: int,
    size: int,
) -> None:
    c_in, c_out = groups * c_in_per_group, groups * c_out_per_group
    conv = nn.Conv2d(c_in, c_out, (k_h, k_w), groups=groups, bias=bias, device="meta")
    assert sum(p.numel() for p in conv.parameters()) == formulas.conv_params(
        c_in, c_out, (k_h, k_w), bias=bias, groups=groups
    )
    x = torch.empty(batch, c_in, size, size + 1, device="meta")
    with FlopCounterMode(display=False) as counter:
        out = conv(x)
    expected = formulas.conv_flops(
        c_in, c_out, (k_h, k_w), (out.shape[2], out.shape[3]), groups=groups, batch=batch
    )
    assert counter.get_total_flops() == expected


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(1, 5), n_in=st.integers(1, 64), n_out=st.integers(1, 64), bias=st.booleans()
)
def test_linear_params_and_flops_match_torch(rows: int, n_in: int, n_out: int, bias: bool) -> None:
    linear = nn.Linear(n_in, n_out, bias=bias, device="meta")
    assert sum(p.numel() for p in linear.parameters()) == formulas.linear_params(
        n_in, n_out, bias=bias
    )
    with FlopCounterMode(display=False) as counter:
        linear(torch.empty(rows, n_in, device="meta"))
    assert counter.get_total_flops() == formulas.linear_flops(n_in, n_out, rows=rows)
