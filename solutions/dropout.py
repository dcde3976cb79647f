"""Reference solution: dropout (no forbidden calls)."""

import torch


def dropout(input, p=0.5, training=True):
    if not training or p == 0.0:
        return input.clone()
    if p == 1.0:
        return torch.zeros_like(input)
    keep = torch.rand(input.shape, dtype=torch.float64) >= p
    return input * keep.to(input.dtype) / (1 - p)
