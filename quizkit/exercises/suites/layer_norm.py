"""Hidden tests of ``layer_norm``: the truth is torch.nn.functional.layer_norm."""

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

NAMES = ["input", "normalized_shape", "weight", "bias"]


def _case(
    rng: Rng, *, k: int, affine: bool, grad: bool = False, dtype: Any = None, eps: bool = False
) -> Case:
    dt = dtype or DTYPES[0]
    lead = rng.sizes(rng.randint(0, 2), 1, 4)
    norm = rng.sizes(k, 2, 6)
    x = rng.randn(*lead, *norm, dtype=dt, scale=rng.choice([0.3, 3.0])) + rng.choice([0.0, 4.0])
    shape: Any = tuple(norm) if rng.randint(0, 1) else list(norm)
    args: list[Any] = [x, shape]
    if affine:
        args += [rng.randn(*norm, dtype=dt), rng.randn(*norm, dtype=dt)]
    kwargs = {"eps": rng.choice([1e-3, 0.1])} if eps else {}
    wrt: list[int | str] = ([0, 2, 3] if affine else [0]) if grad else []
    return call_case(rng, "layer_norm", F.layer_norm, NAMES, args, kwargs, grad_wrt=wrt)


@test("layer_norm_over_the_last_dim_matches_torch", "layer_norm", "forward", 2.0)
def last_dim(rng: Rng) -> Iterator[Case]:
    for i in range(5):
        yield _case(rng, k=1, affine=i >= 2, dtype=DTYPES[i % 2])


@test("layer_norm_over_several_trailing_dims_matches_torch", "layer_norm", "forward", 2.0)
def several(rng: Rng) -> Iterator[Case]:
    for i in range(5):
        yield _case(rng, k=2 + i % 2, affine=i % 2 == 0, dtype=DTYPES[i % 2], eps=i == 4)


@test("layer_norm_uses_biased_variance_and_eps_inside_the_sqrt", "layer_norm", "forward", 1.0)
def eps_placement(rng: Rng) -> Iterator[Case]:
    x = rng.randn(3, 4, scale=0.01)
    yield call_case(rng, "layer_norm", F.layer_norm, NAMES, [x, (4,)], {"eps": 1e-4})
    yield call_case(rng, "layer_norm", F.layer_norm, NAMES, [rng.randn(5, 2), [2]])


def _layer_norm64(
    input: Any, normalized_shape: Any, weight: Any = None, bias: Any = None, eps: float = 1e-5
) -> Any:
    """The truth in float64, rounded once to the input's dtype."""
    w = None if weight is None else weight.double()
    b = None if bias is None else bias.double()
    return F.layer_norm(input.double(), normalized_shape, w, b, eps).to(input.dtype)


@test("layer_norm_is_stable_when_the_mean_dwarfs_the_spread", "layer_norm", "forward", 1.0)
def large_mean(rng: Rng) -> Iterator[Case]:
    """Rows at 1e3 (float32) or 1e7 (float64) with unit spread: ``E[x²] - E[x]²`` loses every
    digit of the variance, while the two-pass ``E[(x - mean)²]`` in any summation order keeps
    them. Centering is the ill-conditioned step, so the tolerance grows with
    ``max|x| / std``, the factor by which it amplifies the rounding of ``x`` itself."""
    for dtype, offset in ((torch.float32, 1e3), (torch.float64, 1e7)):
        for sign in (1.0, -1.0):
            n = rng.randint(8, 24)
            x = (rng.randn(3, n) + sign * offset).to(dtype)
            spread = float(x.double().std(dim=-1, unbiased=False).min())
            tol = condition_aware(dtype, float(x.double().abs().max()) / spread, loose=True)
            yield call_case(
                rng, "layer_norm", _layer_norm64, NAMES, [x, (n,)], grad_wrt=[0], tol=tol
            )


@test("layer_norm_gradients_match_autograd", "layer_norm", "gradients", 3.0)
def gradients(rng: Rng) -> Iterator[Case]:
    for i in range(3):
        yield _case(rng, k=1 + i % 2, affine=i != 1, grad=True)


FORBIDDEN = ForbiddenSpec(
    names=(
        "torch.nn.functional.layer_norm",
        "torch.nn.functional.group_norm",
        "torch.nn.functional.instance_norm",
        "torch.nn.functional.batch_norm",
        "torch.nn.functional.rms_norm",
        "torch.layer_norm",
        "torch.native_layer_norm",
        "torch.group_norm",
        "torch.nn.LayerNorm",
        "torch.nn.GroupNorm",
        "torch.ops.aten",
    ),
    aten=(
        "aten::layer_norm",
        "aten::native_layer_norm",
        "aten::native_layer_norm_backward",
        "aten::native_group_norm",
        "aten::native_batch_norm",
        "aten::_native_batch_norm_legit",
        "aten::_batch_norm_with_update",
    ),
)

SUITE = Suite(
    name="layer_norm",
    api=get_exercise("layer_norm").api,
    forbidden=FORBIDDEN,
    tests=(last_dim, several, eps_placement, large_mean, gradients),
)
