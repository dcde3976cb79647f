"""Hidden tests of ``batch_norm``: the truth is torch.nn.functional.batch_norm."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch
import torch.nn.functional as F

from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.compare import condition_aware
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.spec import Case, Rng, Suite, call_case
from quizkit.exercises.suites._common import DTYPES, test

NAMES = ["input", "running_mean", "running_var", "weight", "bias"]


def _case(
    rng: Rng,
    *,
    training: bool,
    ndim: int,
    affine: bool,
    grad: bool = False,
    dtype: Any = None,
    extra: bool = False,
) -> Case:
    dt = dtype or DTYPES[0]
    c = rng.randint(1, 5)
    spatial = rng.sizes(ndim - 2, 1, 5)
    n = rng.randint(2 if not spatial or training else 1, 5)
    x = rng.randn(n, c, *spatial, dtype=dt, scale=rng.choice([0.5, 2.0, 5.0])) + rng.choice(
        [0.0, 3.0, -1.5]
    )
    mean = rng.randn(c, dtype=dt)
    var = rng.uniform(c, low=0.5, high=2.0, dtype=dt)
    args: list[Any] = [x, mean, var]
    kwargs: dict[str, Any] = {"training": training}
    if affine:
        args += [rng.randn(c, dtype=dt), rng.randn(c, dtype=dt)]
    if extra:
        kwargs["momentum"] = rng.choice([0.3, 0.01, 1.0])
        kwargs["eps"] = rng.choice([1e-3, 1e-1])
    wrt: list[int | str] = [0, 3, 4] if grad and affine else ([0] if grad else [])
    return call_case(rng, "batch_norm", F.batch_norm, NAMES, args, kwargs, grad_wrt=wrt)


@test("batch_norm_eval_uses_running_statistics", "batch_norm", "eval", 2.0)
def eval_mode(rng: Rng) -> Iterator[Case]:
    for i in range(5):
        yield _case(
            rng,
            training=False,
            ndim=2 + i % 3,
            affine=i % 2 == 0,
            dtype=DTYPES[i % 2],
            extra=i == 4,
        )


@test("batch_norm_training_normalizes_with_batch_statistics", "batch_norm", "training", 3.0)
def train_mode(rng: Rng) -> Iterator[Case]:
    for i in range(6):
        yield _case(
            rng, training=True, ndim=2 + i % 3, affine=i % 2 == 0, dtype=DTYPES[i % 2], extra=i >= 3
        )


@test(
    "batch_norm_training_updates_running_stats_in_place_with_unbiased_var",
    "batch_norm",
    "training",
    3.0,
)
def running(rng: Rng) -> Iterator[Case]:
    # call_case checks every argument the reference updated in place (running_mean/var)
    for i in range(4):
        yield _case(rng, training=True, ndim=2 + i % 3, affine=False, extra=i % 2 == 1)


@test("batch_norm_small_variance_and_size_one_dims", "batch_norm", "training", 1.0)
def edges(rng: Rng) -> Iterator[Case]:
    x = rng.randn(3, 2, 1, 4, scale=1e-3) + 7.0
    args = [x, torch.zeros(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)]
    yield call_case(rng, "batch_norm", F.batch_norm, NAMES, args, {"training": True})
    x = rng.randn(2, 1)
    args = [x, torch.zeros(1, dtype=torch.float64), torch.ones(1, dtype=torch.float64)]
    yield call_case(rng, "batch_norm", F.batch_norm, NAMES, args, {"training": True, "eps": 0.1})


def _batch_norm64(
    input: torch.Tensor,
    running_mean: torch.Tensor,
    running_var: torch.Tensor,
    weight: Any = None,
    bias: Any = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> torch.Tensor:
    """The truth in float64 (running statistics included), rounded once to the input's dtype."""
    mean64, var64 = running_mean.double().clone(), running_var.double().clone()
    w = None if weight is None else weight.double()
    b = None if bias is None else bias.double()
    out = F.batch_norm(input.double(), mean64, var64, w, b, training, momentum, eps)
    with torch.no_grad():
        running_mean.copy_(mean64)
        running_var.copy_(var64)
    return out.to(input.dtype)


@test("batch_norm_is_stable_when_the_mean_dwarfs_the_spread", "batch_norm", "training", 1.0)
def large_mean(rng: Rng) -> Iterator[Case]:
    """Channels at 1e3 (float32) or 1e7 (float64) with unit spread: ``E[x²] - E[x]²`` loses
    the variance, ``E[(x - mean)²]`` keeps it; the tolerance grows with ``max|x| / std``, the
    factor by which centering amplifies the rounding of ``x`` (see layer_norm)."""
    for dtype, offset in ((torch.float32, 1e3), (torch.float64, 1e7)):
        n, c = rng.randint(8, 16), rng.randint(2, 4)
        x = rng.randn(n, c, 3) + offset * torch.where(torch.arange(c) % 2 == 0, 1.0, -1.0)[
            :, None
        ].to(torch.float64)
        x = x.to(dtype)
        spread = float(x.double().transpose(0, 1).reshape(c, -1).std(dim=1).min())
        tol = condition_aware(dtype, float(x.double().abs().max()) / spread, loose=True)
        args = [x, torch.zeros(c, dtype=dtype), torch.ones(c, dtype=dtype)]
        yield call_case(
            rng, "batch_norm", _batch_norm64, NAMES, args, {"training": True}, grad_wrt=[0], tol=tol
        )


@test("batch_norm_gradients_match_autograd", "batch_norm", "gradients", 3.0)
def gradients(rng: Rng) -> Iterator[Case]:
    for i in range(4):
        yield _case(rng, training=i < 3, ndim=2 + i % 3, affine=True, grad=True)


FORBIDDEN = ForbiddenSpec(
    names=(
        "torch.nn.functional.batch_norm",
        "torch.nn.functional.instance_norm",
        "torch.nn.functional.layer_norm",
        "torch.nn.functional.group_norm",
        "torch.batch_norm",
        "torch.native_batch_norm",
        "torch._native_batch_norm_legit",
        "torch.batch_norm_stats",
        "torch.batch_norm_elemt",
        "torch.instance_norm",
        "torch.nn.BatchNorm1d",
        "torch.nn.BatchNorm2d",
        "torch.nn.BatchNorm3d",
        "torch.nn.LazyBatchNorm1d",
        "torch.nn.InstanceNorm1d",
        "torch.nn.InstanceNorm2d",
        "torch.ops.aten",
    ),
    aten=(
        "aten::batch_norm",
        "aten::native_batch_norm",
        "aten::_native_batch_norm_legit",
        "aten::_native_batch_norm_legit_no_training",
        "aten::_batch_norm_impl_index",
        "aten::_batch_norm_with_update",
        "aten::_batch_norm_no_update",
        "aten::native_batch_norm_backward",
        "aten::batch_norm_backward",
        "aten::native_layer_norm",
        "aten::native_group_norm",
    ),
)

SUITE = Suite(
    name="batch_norm",
    api=get_exercise("batch_norm").api,
    forbidden=FORBIDDEN,
    tests=(eval_mode, train_mode, running, edges, large_mean, gradients),
)
