"""Test builders shared by the suites."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import torch

from quizkit.exercises.spec import Case, HiddenTest, Rng, call_case

DTYPES = (torch.float64, torch.float32)
# Past exp's overflow in float32 (88.7) and float64 (709.8); at most 6 values, so a failing
# case prints every one of them.
GRAD_EXTREMES = (-1000.0, -100.0, -50.0, 50.0, 100.0, 1000.0)


def random_shape(rng: Rng, min_dims: int = 0, max_dims: int = 4, high: int = 7) -> tuple[int, ...]:
    """A shape with distinct sizes per dimension where possible, sometimes with a size-1 dim."""
    shape = list(rng.sizes(rng.randint(min_dims, max_dims), 2, high))
    if shape and rng.randint(0, 3) == 0:
        shape[rng.randint(0, len(shape) - 1)] = 1
    return tuple(shape)


def test(
    name: str, function: str, group: str, points: float
) -> Callable[[Callable[[Rng], Iterator[Case]]], HiddenTest]:
    """Decorator: a case generator becomes a :class:`HiddenTest`."""

    def wrap(cases: Callable[[Rng], Iterator[Case]]) -> HiddenTest:
        return HiddenTest(name=name, function=function, group=group, points=points, cases=cases)

    return wrap


def elementwise_tests(
    function: str,
    reference: Callable[..., Any],
    sample_kwargs: Callable[[Rng], dict[str, Any]],
    *,
    kinks: Sequence[float] = (),
    extremes: Sequence[float] = (
        -1e30,
        -1e4,
        -750.0,
        -90.0,
        -1.0,
        0.0,
        1.0,
        90.0,
        750.0,
        1e4,
        1e30,
    ),
    grad_extremes: Sequence[float] = GRAD_EXTREMES,
    points: float = 1.0,
) -> list[HiddenTest]:
    """Forward on random shapes (float64 and float32, non-default arguments), forward on extreme
    magnitudes, gradients away from the kinks listed (where the function has no derivative), and
    gradients at extreme inputs, where the function and its derivative are finite but a masked
    branch (``torch.where(x > 0, x, exp(x) - 1)``) overflows and back-propagates ``0 * inf``."""
    group = function

    @test(f"{function}_matches_torch_on_random_shapes", function, group, points)
    def forward(rng: Rng) -> Iterator[Case]:
        for i in range(6):
            dtype = DTYPES[i % 2]
            x = rng.randn(*random_shape(rng), dtype=dtype, scale=3.0)
            kwargs = sample_kwargs(rng) if i >= 2 else {}
            yield call_case(rng, function, reference, ["x"], [x], kwargs)

    @test(f"{function}_is_exact_and_finite_at_extreme_magnitudes", function, group, points)
    def extreme(rng: Rng) -> Iterator[Case]:
        for dtype in DTYPES:
            values = [v for v in extremes if dtype == torch.float64 or abs(v) < 3e38]
            x = torch.tensor(values, dtype=dtype)
            kwargs = sample_kwargs(rng)
            yield call_case(rng, function, reference, ["x"], [x], kwargs)

    @test(f"{function}_gradient_matches_autograd", function, group, points)
    def gradient(rng: Rng) -> Iterator[Case]:
        for i in range(3):
            x = rng.away_from(rng.randn(*random_shape(rng, 1), scale=3.0), kinks, 1e-3)
            kwargs = sample_kwargs(rng) if i else {}
            yield call_case(rng, function, reference, ["x"], [x], kwargs, grad_wrt=[0])

    @test(f"{function}_gradient_is_finite_at_extreme_inputs", function, group, points)
    def gradient_extreme(rng: Rng) -> Iterator[Case]:
        for dtype in DTYPES:
            x = rng.away_from(torch.tensor(grad_extremes, dtype=dtype), kinks, 1e-3)
            kwargs = sample_kwargs(rng)
            yield call_case(rng, function, reference, ["x"], [x], kwargs, grad_wrt=[0])

    return [forward, extreme, gradient, gradient_extreme]
