"""Reference solution: conv2d by unfold (im2col) and a batched matmul (no forbidden calls)."""

import torch
import torch.nn.functional as F


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    dh, dw = _pair(dilation)
    n, c_in, h, w = input.shape
    c_out, c_in_g, kh, kw = weight.shape
    h_out = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    w_out = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    # columns: (N, C_in * kh * kw, L), channel-major like weight.reshape(C_out, -1)
    cols = F.unfold(input, (kh, kw), dilation=(dh, dw), padding=(ph, pw), stride=(sh, sw))
    cols = cols.reshape(n, groups, c_in_g * kh * kw, h_out * w_out)
    wg = weight.reshape(groups, c_out // groups, c_in_g * kh * kw)
    out = torch.einsum("gok,ngkl->ngol", wg, cols).reshape(n, c_out, h_out, w_out)
    if bias is not None:
        out = out + bias.reshape(1, c_out, 1, 1)
    return out
