"""Reference solution: softmax (no forbidden calls)."""

import torch


def log_softmax(x, dim):
    # subtract the max so exp never overflows: log_softmax(x) = (x - m) - log(sum(exp(x - m)))
    shifted = x - x.amax(dim=dim, keepdim=True).detach()
    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))


def softmax(x, dim):
    shifted = x - x.amax(dim=dim, keepdim=True).detach()
    e = torch.exp(shifted)
    return e / e.sum(dim=dim, keepdim=True)
