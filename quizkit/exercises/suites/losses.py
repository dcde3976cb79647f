"""Hidden tests of ``losses``: the truth is torch.nn.functional.*_loss."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import torch
import torch.nn.functional as F

from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.compare import condition_aware
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.spec import Case, HiddenTest, Rng, Suite, call_case
from quizkit.exercises.suites._common import DTYPES, random_shape, test

REDUCTIONS = ("mean", "sum", "none")
NAMES = ["input", "target"]


def _regression(function: str, truth: Callable[..., Any], param: str | None) -> list[HiddenTest]:
    def inputs(rng: Rng, dtype: Any, gap: float) -> tuple[Any, Any, dict[str, Any]]:
        shape = random_shape(rng, 0, 3)
        kwargs: dict[str, Any] = {}
        if param:
            kwargs[param] = rng.choice([0.5, 2.0, 1.0, 0.1])
        x, y = rng.randn(*shape, dtype=dtype, scale=2.0), rng.randn(*shape, dtype=dtype)
        kinks = [0.0]
        if param:
            kinks += [kwargs[param], -kwargs[param]]
        if gap:
            x = y + rng.away_from((x - y).double(), kinks, gap).to(dtype)
        return x, y, kwargs

    @test(f"{function}_matches_torch_for_every_reduction", function, function, 2.0)
    def forward(rng: Rng) -> Iterator[Case]:
        for i in range(6):
            x, y, kwargs = inputs(rng, DTYPES[i % 2], 0.0)
            if i:
                kwargs["reduction"] = REDUCTIONS[i % 3]
            yield call_case(rng, function, truth, NAMES, [x, y], kwargs)

    @test(f"{function}_gradient_matches_autograd", function, function, 1.0)
    def gradient(rng: Rng) -> Iterator[Case]:
        for i in range(3):
            x, y, kwargs = inputs(rng, torch.float64, 1e-3)
            kwargs["reduction"] = REDUCTIONS[i]
            yield call_case(rng, function, truth, NAMES, [x, y], kwargs, grad_wrt=[0, 1])

    return [forward, gradient]


def _bce() -> list[HiddenTest]:
    fn = "binary_cross_entropy"

    @test("binary_cross_entropy_matches_torch_with_soft_targets", fn, fn, 2.0)
    def forward(rng: Rng) -> Iterator[Case]:
        for i in range(5):
            shape = random_shape(rng, 1, 3)
            p = rng.uniform(*shape, low=0.02, high=0.98, dtype=DTYPES[i % 2])
            t = rng.uniform(*shape, low=0.0, high=1.0, dtype=DTYPES[i % 2])
            if i % 2:
                t = t.round()
            kwargs = {"reduction": REDUCTIONS[i % 3]} if i else {}
            yield call_case(rng, fn, F.binary_cross_entropy, NAMES, [p, t], kwargs)

    @test("binary_cross_entropy_clamps_log_at_minus_100_for_exact_0_and_1", fn, fn, 1.0)
    def edges(rng: Rng) -> Iterator[Case]:
        p = torch.tensor([0.0, 0.0, 1.0, 1.0, 1e-50, 1 - 1e-16, 0.5], dtype=torch.float64)
        t = torch.tensor([0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.25], dtype=torch.float64)
        for r in REDUCTIONS:
            yield call_case(rng, fn, F.binary_cross_entropy, NAMES, [p, t], {"reduction": r})

    @test("binary_cross_entropy_gradient_matches_autograd", fn, fn, 1.0)
    def gradient(rng: Rng) -> Iterator[Case]:
        for r in REDUCTIONS:
            shape = random_shape(rng, 1, 3)
            p = rng.uniform(*shape, low=0.05, high=0.95)
            t = rng.uniform(*shape, low=0.0, high=1.0)
            yield call_case(
                rng, fn, F.binary_cross_entropy, NAMES, [p, t], {"reduction": r}, grad_wrt=[0]
            )

    return [forward, edges, gradient]


def _ce() -> list[HiddenTest]:
    fn = "cross_entropy"

    def sample(rng: Rng, dtype: Any, scale: float = 3.0) -> tuple[Any, Any]:
        n, c = rng.randint(1, 7), rng.randint(1, 6)
        logits = rng.randn(n, c, dtype=dtype, scale=scale)
        target = torch.randint(0, c, (n,), generator=rng.gen)
        return logits, target

    @test("cross_entropy_matches_torch_for_every_reduction", fn, fn, 2.0)
    def forward(rng: Rng) -> Iterator[Case]:
        for i in range(6):
            x, t = sample(rng, DTYPES[i % 2])
            kwargs = {"reduction": REDUCTIONS[i % 3]} if i else {}
            yield call_case(rng, fn, F.cross_entropy, NAMES, [x, t], kwargs)

    def ce64(input: torch.Tensor, target: torch.Tensor, **kwargs: Any) -> torch.Tensor:
        # the truth in float64, rounded once (see softmax): a float32 logsumexp at 1e4 is
        # itself only good to about ulp(1e4) = 1e-3
        return F.cross_entropy(input.double(), target, **kwargs).to(input.dtype)

    def huge_logits(rng: Rng, dtype: Any) -> tuple[Any, Any]:
        x, t = sample(rng, torch.float64, scale=1.0)
        x = x + torch.where(torch.rand(x.shape, generator=rng.gen) < 0.5, 1e4, -1e4)
        return x.to(dtype), t

    @test("cross_entropy_is_stable_for_huge_logits", fn, fn, 1.0)
    def huge(rng: Rng) -> Iterator[Case]:
        for dtype in DTYPES:
            x, t = huge_logits(rng, dtype)
            # logsumexp(x) - x[t] rounds at |x|: condition-aware, not a fixed atol
            tol = condition_aware(dtype, float(x.abs().max()))
            yield call_case(rng, fn, ce64, NAMES, [x, t], {"reduction": "none"}, tol=tol)

    @test("cross_entropy_gradient_is_finite_for_huge_logits", fn, fn, 1.0)
    def huge_gradient(rng: Rng) -> Iterator[Case]:
        for i, dtype in enumerate((*DTYPES, *DTYPES)):
            x, t = huge_logits(rng, dtype)
            tol = condition_aware(dtype, float(x.abs().max()), loose=True)
            kwargs = {"reduction": REDUCTIONS[i % 3]}
            yield call_case(rng, fn, ce64, NAMES, [x, t], kwargs, grad_wrt=[0], tol=tol)

    @test("cross_entropy_gradient_matches_autograd", fn, fn, 1.0)
    def gradient(rng: Rng) -> Iterator[Case]:
        for r in REDUCTIONS:
            x, t = sample(rng, torch.float64)
            yield call_case(rng, fn, F.cross_entropy, NAMES, [x, t], {"reduction": r}, grad_wrt=[0])

    return [forward, huge, huge_gradient, gradient]


_F = "torch.nn.functional."
FORBIDDEN = ForbiddenSpec(
    names=(
        *(
            _F + n
            for n in (
                "mse_loss",
                "l1_loss",
                "smooth_l1_loss",
                "huber_loss",
                "binary_cross_entropy",
                "binary_cross_entropy_with_logits",
                "cross_entropy",
                "nll_loss",
            )
        ),
        "torch.binary_cross_entropy_with_logits",
        "torch._C._nn.mse_loss",
        "torch._C._nn.l1_loss",
        "torch._C._nn.smooth_l1_loss",
        "torch._C._nn.huber_loss",
        "torch._C._nn.binary_cross_entropy",
        "torch._C._nn.cross_entropy_loss",
        "torch._C._nn.nll_loss",
        "torch._C._nn.nll_loss_nd",
        "torch.nn.MSELoss",
        "torch.nn.L1Loss",
        "torch.nn.SmoothL1Loss",
        "torch.nn.HuberLoss",
        "torch.nn.BCELoss",
        "torch.nn.BCEWithLogitsLoss",
        "torch.nn.CrossEntropyLoss",
        "torch.nn.NLLLoss",
        "torch.ops.aten",
    ),
    aten=(
        "aten::mse_loss",
        "aten::l1_loss",
        "aten::smooth_l1_loss",
        "aten::huber_loss",
        "aten::binary_cross_entropy",
        "aten::binary_cross_entropy_with_logits",
        "aten::cross_entropy_loss",
        "aten::nll_loss",
        "aten::nll_loss_forward",
        "aten::nll_loss2d_forward",
        "aten::nll_loss_nd",
    ),
)

SUITE = Suite(
    name="losses",
    api=get_exercise("losses").api,
    forbidden=FORBIDDEN,
    tests=tuple(
        _regression("mse_loss", F.mse_loss, None)
        + _regression("l1_loss", F.l1_loss, None)
        + _regression("smooth_l1_loss", F.smooth_l1_loss, "beta")
        + _regression("huber_loss", F.huber_loss, "delta")
        + _bce()
        + _ce()
    ),
)
