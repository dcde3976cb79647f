"""Reference solution: pooling by unfold (no forbidden calls)."""

import torch
import torch.nn.functional as F


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _windows(input, kernel_size, stride, padding, fill):
    kh, kw = _pair(kernel_size)
    sh, sw = _pair(kernel_size if stride is None else stride)
    ph, pw = _pair(padding)
    n, c, h, w = input.shape
    x = F.pad(input, (pw, pw, ph, ph), value=fill)
    h_out = (h + 2 * ph - kh) // sh + 1
    w_out = (w + 2 * pw - kw) // sw + 1
    # (N, C, H_out, W_out, kh, kw) view of every window
    win = x.unfold(2, kh, sh).unfold(3, kw, sw)[:, :, :h_out, :w_out]
    return win.reshape(n, c, h_out, w_out, kh * kw)


def max_pool2d(input, kernel_size, stride=None, padding=0):
    return _windows(input, kernel_size, stride, padding, float("-inf")).amax(dim=-1)


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    # count_include_pad=True: the zero padding counts in the divisor kh * kw
    return _windows(input, kernel_size, stride, padding, 0.0).mean(dim=-1)
