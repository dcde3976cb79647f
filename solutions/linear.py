"""Reference solution: linear (no forbidden calls)."""

import torch


def linear(x, weight, bias=None):
    out = torch.matmul(x, weight.transpose(0, 1))
    if bias is not None:
        out = out + bias
    return out
