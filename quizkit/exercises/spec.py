"""How hidden tests are declared: a :class:`Suite` per exercise holds :class:`HiddenTest` s,
each drawing :class:`Case` s from a seeded :class:`Rng`. A case is a worker request (inputs only)
plus a judge that holds the expected values, computed here, in the grader, by the PyTorch
reference: the oracle table of each suite pairs a student function with its torch truth.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from quizkit.exercises.compare import Tolerance, compare, describe_value, tolerance_for
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.protocol import CallReply, CallRequest, ErrorReply, Reply, Request

Judge = Callable[[Reply], "str | None"]


@dataclass(frozen=True)
class Case:
    """One round trip to the worker and how to judge the reply."""

    request: Request
    judge: Judge
    inputs: str  # the input in words, shown when the case fails
    expect_error: bool = False  # the judge wants to see an exception reply


@dataclass(frozen=True)
class HiddenTest:
    """A named test worth ``points``; passes iff every one of its cases passes."""

    name: str
    function: str
    group: str
    points: float
    cases: Callable[[Rng], Iterator[Case]]


@dataclass(frozen=True)
class Suite:
    """The hidden tests of one exercise and the calls it forbids."""

    name: str
    api: tuple[str, ...]
    forbidden: ForbiddenSpec
    tests: tuple[HiddenTest, ...] = field(default=())


class Rng:
    """Seeded source of shapes and tensors for one test (same seed, same cases)."""

    def __init__(self, seed: int, salt: str) -> None:
        mixed = (seed * 1_000_003 + zlib.crc32(salt.encode())) % (2**63)
        self.py = random.Random(mixed)
        self.gen = torch.Generator().manual_seed(mixed)

    def randint(self, low: int, high: int) -> int:
        """Uniform integer in ``[low, high]``."""
        return self.py.randint(low, high)

    def choice(self, options: Sequence[Any]) -> Any:
        return options[self.py.randrange(len(options))]

    def sizes(self, n: int, low: int, high: int) -> tuple[int, ...]:
        """``n`` sizes in ``[low, high]``, distinct when the range allows (catches transposes)."""
        pool = list(range(low, high + 1))
        if len(pool) >= n:
            return tuple(self.py.sample(pool, n))
        return tuple(self.py.choice(pool) for _ in range(n))

    def randn(self, *shape: int, dtype: torch.dtype = torch.float64, scale: float = 1.0) -> Any:
        return (torch.randn(shape, generator=self.gen, dtype=torch.float64) * scale).to(dtype)

    def uniform(
        self, *shape: int, low: float, high: float, dtype: torch.dtype = torch.float64
    ) -> Any:
        u = torch.rand(shape, generator=self.gen, dtype=torch.float64)
        return (low + (high - low) * u).to(dtype)

    def away_from(self, x: torch.Tensor, points: Sequence[float], gap: float) -> torch.Tensor:
        """``x`` with every element at least ``gap`` from each of ``points`` (for gradients at
        kinks): elements too close are pushed out by ``gap``."""
        out = x.clone()
        for p in points:
            close = (out - p).abs() < gap
            sign = torch.where(out[close] >= p, 1.0, -1.0).to(out.dtype)
            out[close] = p + sign * (gap + (out[close] - p).abs())
        return out


# ---------------------------------------------------------------- describing inputs


def describe_args(names: Sequence[str], args: Sequence[Any], kwargs: dict[str, Any]) -> str:
    parts = []
    for i, a in enumerate(args):
        name = names[i] if i < len(names) else f"arg{i}"
        parts.append(f"{name}={_short(a)}")
    parts += [f"{k}={_short(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def _short(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        if value.numel() <= 6:
            items = ", ".join(f"{v:.6g}" for v in value.reshape(-1).tolist())
            return f"tensor([{items}], shape={tuple(value.shape)}, {str(value.dtype)[6:]})"
        return f"tensor{tuple(value.shape)} {str(value.dtype)[6:]}"
    if isinstance(value, dict) and "__nn__" in value:
        return f"nn.{value['__nn__'][0]}{tuple(value['__nn__'][1])}"
    return describe_value(value)


def _clone(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, tuple):
        return tuple(_clone(v) for v in value)
    if isinstance(value, list):
        return [_clone(v) for v in value]
    if isinstance(value, dict):
        return {k: _clone(v) for k, v in value.items()}
    return value


def _tensor_outputs(out: Any) -> list[torch.Tensor]:
    if isinstance(out, tuple | list):
        return [o for o in out if isinstance(o, torch.Tensor)]
    return [out] if isinstance(out, torch.Tensor) else []


# ---------------------------------------------------------------- case builders


def call_case(
    rng: Rng,
    function: str,
    reference: Callable[..., Any],
    names: Sequence[str],
    args: Sequence[Any],
    kwargs: dict[str, Any] | None = None,
    *,
    grad_wrt: Sequence[int | str] = (),
    tol: Tolerance | None = None,
    check_args: bool = True,
    note: str = "",
) -> Case:
    """Call ``function(*args, **kwargs)`` in the worker; the truth is ``reference`` on copies of
    the same inputs. With ``grad_wrt`` the worker also backpropagates a random upstream gradient
    and the gradients of those arguments are compared with autograd through the reference.
    Arguments left modified by the reference (running statistics) must be modified identically;
    all others must not be modified at all."""
    kwargs = dict(kwargs or {})
    originals = (_clone(list(args)), _clone(kwargs))
    ref_args, ref_kwargs = _clone(list(args)), _clone(kwargs)
    wrt = []
    for key in grad_wrt:
        holder: Any = ref_args if isinstance(key, int) else ref_kwargs
        holder[key] = holder[key].requires_grad_(True)
        wrt.append(holder[key])
    expected = reference(*ref_args, **ref_kwargs)
    upstream: list[Any] = []
    expected_grads: list[Any] = []
    if wrt:
        outs = _tensor_outputs(expected)
        upstream = [rng.randn(*o.shape, dtype=o.dtype) for o in outs]
        expected_grads = list(torch.autograd.grad(outs, wrt, upstream, allow_unused=True))
        expected_grads = [
            torch.zeros_like(w) if g is None else g
            for g, w in zip(expected_grads, wrt, strict=True)
        ]
    expected = _clone(expected)
    after = (
        [a.detach() if isinstance(a, torch.Tensor) else a for a in ref_args],
        {k: v.detach() if isinstance(v, torch.Tensor) else v for k, v in ref_kwargs.items()},
    )
    inputs = describe_args(names, args, kwargs) + (f" [{note}]" if note else "")
    request = CallRequest(
        target=function,
        args=list(args),
        kwargs=kwargs,
        grad_wrt=tuple(grad_wrt),
        upstream=upstream,
        seed=rng.randint(0, 2**31),
    )
    grad_names = [names[k] if isinstance(k, int) else k for k in grad_wrt]

    def judge(reply: Reply) -> str | None:
        if not isinstance(reply, CallReply):
            return f"expected a result, received {type(reply).__name__}"
        problem = compare(reply.value, expected, "output", tol)
        if problem:
            return problem
        if wrt:
            if reply.grad_error:
                return f"backward: {reply.grad_error}"
            grads = reply.grads
            if not isinstance(grads, list) or len(grads) != len(expected_grads):
                return "backward: no gradients came back"
            for gname, g, e in zip(grad_names, grads, expected_grads, strict=True):
                if g is None:
                    g = torch.zeros_like(e)
                problem = compare(g, e, f"gradient of {gname}", tol or tolerance_for(e.dtype, True))
                if problem:
                    return problem
        if check_args:
            return _judge_args(reply, names, originals, after)
        return None

    return Case(request, judge, inputs)


def _judge_args(
    reply: CallReply,
    names: Sequence[str],
    originals: tuple[list[Any], dict[str, Any]],
    after: tuple[list[Any], dict[str, Any]],
) -> str | None:
    got_args = reply.args_after
    got_kwargs = reply.kwargs_after
    pairs = [
        (names[i] if i < len(names) else f"arg{i}", originals[0][i], after[0][i], got)
        for i, got in enumerate(got_args[: len(after[0])])
    ]
    pairs += [(k, originals[1][k], after[1][k], got_kwargs.get(k)) for k in after[1]]
    for name, before, exp_after, got in pairs:
        if not isinstance(before, torch.Tensor) or not isinstance(got, torch.Tensor):
            continue
        changed = not torch.equal(before, exp_after)
        if not changed and not _same_tensor(got, before):
            return f"the call modified its argument {name} in place; it must not"
        if changed:
            problem = compare(got, exp_after, f"{name} after the call")
            if problem:
                return problem + " (this argument is updated in place)"
    return None


def _same_tensor(a: torch.Tensor, b: torch.Tensor) -> bool:
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    return bool(((a == b) | (a.isnan() & b.isnan())).all())


def custom_case(request: Request, judge: Judge, inputs: str, *, expect_error: bool = False) -> Case:
    return Case(request, judge, inputs, expect_error)


def plain_request(
    rng: Rng, function: str, args: Sequence[Any], kwargs: dict[str, Any]
) -> CallRequest:
    """A call request without gradients."""
    return CallRequest(
        target=function, args=list(args), kwargs=dict(kwargs), seed=rng.randint(0, 2**31)
    )


def value_case(
    rng: Rng,
    function: str,
    reference: Callable[..., Any],
    names: Sequence[str],
    args: Sequence[Any],
    kwargs: dict[str, Any] | None = None,
) -> Case:
    """Pure-Python functions: the value must equal the reference's exactly, or, when the
    reference raises, the student must raise ``ValueError``."""
    kwargs = dict(kwargs or {})
    try:
        expected: Any = reference(*args, **kwargs)
        raises = False
    except (RuntimeError, ValueError):
        expected, raises = None, True
    inputs = describe_args(names, args, kwargs)

    def judge(reply: Reply) -> str | None:
        if raises:
            if not isinstance(reply, ErrorReply):
                got = reply.value if isinstance(reply, CallReply) else None
                return f"expected ValueError to be raised, received {describe_value(got)}"
            if "ValueError" not in reply.error.mro:
                e = reply.error
                return f"expected ValueError, but {e.type} was raised: {e.message}"
            return None
        if isinstance(reply, ErrorReply):
            e = reply.error
            return f"raised {e.type}: {e.message} (expected {expected!r})"
        if not isinstance(reply, CallReply):
            return f"expected a result, received {type(reply).__name__}"
        received = reply.value
        if isinstance(expected, tuple) and isinstance(received, list):
            received = tuple(received)
        return compare(received, expected, "output")

    return Case(plain_request(rng, function, args, kwargs), judge, inputs, expect_error=raises)
