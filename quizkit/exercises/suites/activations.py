"""Hidden tests of ``activations``: the truth is torch.nn.functional / torch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F

from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.spec import Rng, Suite
from quizkit.exercises.suites._common import elementwise_tests


def _no_kwargs(rng: Rng) -> dict[str, Any]:
    return {}


def _slope(rng: Rng) -> dict[str, Any]:
    return {"negative_slope": rng.choice([0.2, 0.05, 0.0, 1.5, 0.3333])}


def _alpha(rng: Rng) -> dict[str, Any]:
    return {"alpha": rng.choice([0.5, 2.0, 0.1, 1.7])}


# oracle table: student function → (torch truth, argument sampler, kinks)
ORACLES: dict[
    str, tuple[Callable[..., Any], Callable[[Rng], dict[str, Any]], tuple[float, ...]]
] = {
    "relu": (F.relu, _no_kwargs, (0.0,)),
    "leaky_relu": (F.leaky_relu, _slope, (0.0,)),
    "elu": (F.elu, _alpha, (0.0,)),
    "sigmoid": (torch.sigmoid, _no_kwargs, ()),
    "tanh": (torch.tanh, _no_kwargs, ()),
}

FORBIDDEN = ForbiddenSpec(
    names=(
        "torch.nn.functional.relu",
        "torch.nn.functional.relu_",
        "torch.nn.functional.threshold",
        "torch.nn.functional.leaky_relu",
        "torch.nn.functional.leaky_relu_",
        "torch.nn.functional.elu",
        "torch.nn.functional.elu_",
        "torch.nn.functional.sigmoid",
        "torch.nn.functional.tanh",
        "torch.relu",
        "torch.relu_",
        "torch.sigmoid",
        "torch.tanh",
        "torch.special.expit",
        "torch.Tensor.relu",
        "torch.Tensor.relu_",
        "torch.Tensor.sigmoid",
        "torch.Tensor.sigmoid_",
        "torch.Tensor.tanh",
        "torch.Tensor.tanh_",
        "torch.nn.ReLU",
        "torch.nn.LeakyReLU",
        "torch.nn.ELU",
        "torch.nn.Sigmoid",
        "torch.nn.Tanh",
        "torch._C._nn.leaky_relu",
        "torch._C._nn.elu",
        "torch.ops.aten",
    ),
    aten=(
        "aten::relu",
        "aten::relu_",
        "aten::threshold",
        "aten::leaky_relu",
        "aten::leaky_relu_",
        "aten::elu",
        "aten::elu_",
        "aten::sigmoid",
        "aten::sigmoid_",
        "aten::tanh",
        "aten::tanh_",
    ),
)

SUITE = Suite(
    name="activations",
    api=get_exercise("activations").api,
    forbidden=FORBIDDEN,
    tests=tuple(
        t
        for name, (truth, sampler, kinks) in ORACLES.items()
        for t in elementwise_tests(name, truth, sampler, kinks=kinks)
    ),
)
