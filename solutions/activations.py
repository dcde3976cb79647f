"""Reference solution: activations (no forbidden calls)."""

import torch


def relu(x):
    return torch.where(x > 0, x, torch.zeros_like(x))


def leaky_relu(x, negative_slope=0.01):
    return torch.where(x >= 0, x, x * negative_slope)


def elu(x, alpha=1.0):
    # clamp before exp so the unused branch never overflows (inf * 0 = nan in the gradient)
    return torch.where(x > 0, x, alpha * torch.expm1(torch.clamp(x, max=0)))


def sigmoid(x):
    # exp of a non-positive number never overflows
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))


def tanh(x):
    # tanh(x) = sign(x) (1 - e^{-2|x|}) / (1 + e^{-2|x|})
    e = torch.exp(-2 * x.abs())
    return torch.sign(x) * -torch.expm1(-2 * x.abs()) / (1 + e)
