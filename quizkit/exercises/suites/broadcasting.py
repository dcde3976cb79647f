"""Hidden tests of ``broadcasting``: the truth is torch.broadcast_shapes (a RuntimeError there
means the student must raise ValueError)."""

from __future__ import annotations

from collections.abc import Iterator

import torch

from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.spec import Case, Rng, Suite, value_case
from quizkit.exercises.suites._common import test


def truth(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(torch.broadcast_shapes(*shapes))


def _compatible(rng: Rng, k: int) -> list[tuple[int, ...]]:
    full = list(rng.sizes(rng.randint(1, 5), 2, 9))
    shapes = []
    for _ in range(k):
        drop = rng.randint(0, len(full))
        shape = [1 if rng.randint(0, 2) == 0 else s for s in full[drop:]]
        shapes.append(tuple(shape))
    return shapes


def _case(rng: Rng, shapes: list[tuple[int, ...]]) -> Case:
    return value_case(
        rng, "broadcast_shape", truth, [f"shape{i}" for i in range(len(shapes))], shapes
    )


@test("broadcast_shape_of_two_compatible_shapes", "broadcast_shape", "compatible", 2.0)
def two(rng: Rng) -> Iterator[Case]:
    for _ in range(8):
        yield _case(rng, _compatible(rng, 2))


@test("broadcast_shape_of_many_shapes_and_of_none", "broadcast_shape", "compatible", 1.0)
def many(rng: Rng) -> Iterator[Case]:
    for k in (3, 4, 1):
        yield _case(rng, _compatible(rng, k))
    yield _case(rng, [])
    yield _case(rng, [(), ()])
    yield _case(rng, [(), (3, 1)])


@test("broadcast_shape_keeps_zero_sized_dims", "broadcast_shape", "compatible", 1.0)
def zeros(rng: Rng) -> Iterator[Case]:
    yield _case(rng, [(0,), (1,)])
    yield _case(rng, [(2, 0, 3), (1, 1)])
    yield _case(rng, [(4, 1, 0), (5, 1)])


@test(
    "broadcast_shape_raises_value_error_for_incompatible_shapes",
    "broadcast_shape",
    "incompatible",
    2.0,
)
def incompatible(rng: Rng) -> Iterator[Case]:
    for _ in range(4):
        shapes = _compatible(rng, 2)
        a = list(shapes[0]) or [rng.randint(2, 5)]
        i = rng.randint(0, len(a) - 1)
        a[i] = (a[i] if a[i] > 1 else 2) + rng.randint(1, 3)
        b = [1] * len(a)
        b[i] = a[i] + 1
        yield _case(rng, [tuple(a), tuple(b[i:])])
    yield _case(rng, [(0,), (2,)])
    yield _case(rng, [(3,), (1, 2), (1,)])


FORBIDDEN = ForbiddenSpec(names=("torch", "numpy"), all_torch=True)

SUITE = Suite(
    name="broadcasting",
    api=get_exercise("broadcasting").api,
    forbidden=FORBIDDEN,
    tests=(two, many, zeros, incompatible),
)
