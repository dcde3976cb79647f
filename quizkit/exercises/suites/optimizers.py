"""Hidden tests of ``optimizers``: the truth is several steps of torch.optim.SGD / Adam on the
same parameter and the same sequence of gradients. The student's steps are chained in the worker
(each step's outputs feed the next), so an error compounds exactly as it would in training."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch

from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.compare import FLOAT64_LOOSE, compare
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.protocol import ChainCall, ChainReply, ChainRequest, Reply, ref
from quizkit.exercises.spec import Case, Rng, Suite, custom_case
from quizkit.exercises.suites._common import test


def _ref(i: int, j: int) -> dict[str, Any]:
    return ref(i, j)


def sgd_truth(param: torch.Tensor, grads: list[torch.Tensor], **hp: Any) -> list[tuple[Any, Any]]:
    """(param, momentum_buffer) after each step of torch.optim.SGD."""
    p = torch.nn.Parameter(param.clone())
    opt = torch.optim.SGD([p], foreach=False, **hp)
    out = []
    for g in grads:
        p.grad = g.clone()
        opt.step()
        buf = opt.state[p].get("momentum_buffer")
        out.append((p.detach().clone(), None if buf is None else buf.clone()))
    return out


def adam_truth(param: torch.Tensor, grads: list[torch.Tensor], **hp: Any) -> list[tuple[Any, ...]]:
    """(param, exp_avg, exp_avg_sq) after each step of torch.optim.Adam."""
    p = torch.nn.Parameter(param.clone())
    opt = torch.optim.Adam([p], foreach=False, **hp)
    out = []
    for g in grads:
        p.grad = g.clone()
        opt.step()
        s = opt.state[p]
        out.append((p.detach().clone(), s["exp_avg"].clone(), s["exp_avg_sq"].clone()))
    return out


def _sgd_case(rng: Rng, hp: dict[str, Any], steps: int) -> Case:
    shape = rng.sizes(rng.randint(1, 2), 2, 6)
    param = rng.randn(*shape)
    grads = [rng.randn(*shape) for _ in range(steps)]
    expected = sgd_truth(param, grads, **hp)
    calls = []
    for k, g in enumerate(grads):
        p_in: Any = param if k == 0 else _ref(k - 1, 0)
        b_in: Any = None if k == 0 else _ref(k - 1, 1)
        kwargs = {"lr": hp["lr"], **{n: v for n, v in hp.items() if n != "lr"}}
        calls.append(ChainCall("sgd_step", [p_in, g, b_in], kwargs))
    request = ChainRequest(calls=tuple(calls), seed=rng.randint(0, 2**31))
    with_buffer = hp.get("momentum", 0.0) != 0.0

    def judge(reply: Reply) -> str | None:
        got = reply.values if isinstance(reply, ChainReply) else None
        if not isinstance(got, list) or len(got) != steps:
            return "sgd_step did not return (new_param, new_momentum_buffer) at every step"
        for k, (e, r) in enumerate(zip(expected, got, strict=True)):
            if not isinstance(r, tuple) or len(r) != 2:
                return f"step {k + 1}: expected a pair (new_param, new_momentum_buffer)"
            problem = compare(r[0], e[0], f"param after step {k + 1}", FLOAT64_LOOSE)
            if not problem and with_buffer:
                problem = compare(r[1], e[1], f"momentum_buffer after step {k + 1}", FLOAT64_LOOSE)
            if problem:
                return problem
        return None

    described = ", ".join(f"{k}={v}" for k, v in hp.items())
    return custom_case(request, judge, f"param {tuple(shape)} float64, {steps} steps, {described}")


def _adam_case(rng: Rng, hp: dict[str, Any], steps: int) -> Case:
    shape = rng.sizes(rng.randint(1, 2), 2, 6)
    param = rng.randn(*shape)
    grads = [rng.randn(*shape) for _ in range(steps)]
    if steps > 2:
        grads[1] = torch.zeros_like(grads[1])
    expected = adam_truth(param, grads, **hp)
    calls = []
    for k, g in enumerate(grads):
        if k == 0:
            state: list[Any] = [param, g, torch.zeros_like(param), torch.zeros_like(param)]
        else:
            state = [_ref(k - 1, 0), g, _ref(k - 1, 1), _ref(k - 1, 2)]
        calls.append(ChainCall("adam_step", [*state, k + 1], dict(hp)))
    request = ChainRequest(calls=tuple(calls), seed=rng.randint(0, 2**31))

    def judge(reply: Reply) -> str | None:
        got = reply.values if isinstance(reply, ChainReply) else None
        if not isinstance(got, list) or len(got) != steps:
            return "adam_step did not return (new_param, new_exp_avg, new_exp_avg_sq) every step"
        for k, (e, r) in enumerate(zip(expected, got, strict=True)):
            if not isinstance(r, tuple) or len(r) != 3:
                return f"step {k + 1}: expected (new_param, new_exp_avg, new_exp_avg_sq)"
            for name, ev, rv in zip(("param", "exp_avg", "exp_avg_sq"), e, r, strict=True):
                problem = compare(rv, ev, f"{name} after step {k + 1}", FLOAT64_LOOSE)
                if problem:
                    return problem
        return None

    described = ", ".join(f"{k}={v}" for k, v in hp.items())
    return custom_case(request, judge, f"param {tuple(shape)} float64, {steps} steps, {described}")


@test("sgd_step_plain_matches_torch_over_several_steps", "sgd_step", "sgd_step", 1.0)
def sgd_plain(rng: Rng) -> Iterator[Case]:
    yield _sgd_case(rng, {"lr": 0.1}, 4)
    yield _sgd_case(rng, {"lr": 0.03, "weight_decay": 0.1}, 3)


@test("sgd_step_with_momentum_and_dampening_matches_torch", "sgd_step", "sgd_step", 2.0)
def sgd_momentum(rng: Rng) -> Iterator[Case]:
    yield _sgd_case(rng, {"lr": 0.1, "momentum": 0.9}, 5)
    yield _sgd_case(rng, {"lr": 0.05, "momentum": 0.5, "dampening": 0.3, "weight_decay": 0.01}, 5)


@test("sgd_step_with_nesterov_matches_torch", "sgd_step", "sgd_step", 1.0)
def sgd_nesterov(rng: Rng) -> Iterator[Case]:
    yield _sgd_case(rng, {"lr": 0.1, "momentum": 0.8, "nesterov": True}, 5)
    yield _sgd_case(rng, {"lr": 0.2, "momentum": 0.6, "nesterov": True, "weight_decay": 0.05}, 4)


@test("adam_step_with_defaults_matches_torch_over_several_steps", "adam_step", "adam_step", 2.0)
def adam_defaults(rng: Rng) -> Iterator[Case]:
    yield _adam_case(rng, {}, 6)


@test("adam_step_with_betas_eps_weight_decay_matches_torch", "adam_step", "adam_step", 2.0)
def adam_custom(rng: Rng) -> Iterator[Case]:
    yield _adam_case(rng, {"lr": 0.01, "betas": (0.8, 0.95), "eps": 1e-3}, 5)
    yield _adam_case(rng, {"lr": 0.1, "betas": (0.5, 0.9), "weight_decay": 0.1}, 5)


FORBIDDEN = ForbiddenSpec(
    names=(
        "torch.optim",
        "torch._foreach_add_",
        "torch._fused_adam_",
        "torch._fused_sgd_",
        "torch.ops.aten",
    ),
    aten=("aten::_fused_adam_", "aten::_fused_adamw_", "aten::_fused_sgd_"),
)

SUITE = Suite(
    name="optimizers",
    api=get_exercise("optimizers").api,
    forbidden=FORBIDDEN,
    tests=(sgd_plain, sgd_momentum, sgd_nesterov, adam_defaults, adam_custom),
)
