"""Hidden tests of ``modules``: the truth is the notes' ResnetBlock built from torch.nn layers
(with the student's parameters copied in, in registration order) and torch.nn.Sequential."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch
from torch import nn

from quizkit.exercises.catalog import get_exercise
from quizkit.exercises.compare import compare
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.protocol import ModuleReply, ModuleRequest, Reply, nn_module
from quizkit.exercises.spec import Case, Rng, Suite, custom_case
from quizkit.exercises.suites._common import test


class NotesResnetBlock(nn.Module):
    """The block from the notes: x + [pad, conv3x3, IN, ReLU, pad, conv3x3, IN](x)."""

    def __init__(self, dim: int, use_bias: bool) -> None:
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1),
            nn.Conv2d(dim, dim, kernel_size=3, stride=1, padding=0, bias=use_bias),
            nn.InstanceNorm2d(dim),
            nn.ReLU(True),
            nn.ReflectionPad2d(1),
            nn.Conv2d(dim, dim, kernel_size=3, stride=1, padding=0, bias=use_bias),
            nn.InstanceNorm2d(dim),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv_block(x)


def _module_case(
    rng: Rng,
    target: str,
    init_args: list[Any],
    reference: nn.Module,
    x: torch.Tensor,
    *,
    grad: bool,
    check_keys: bool = False,
    inputs: str,
) -> Case:
    reference = reference.double()
    params = [p.detach().clone() for p in reference.parameters()]
    xr = x.clone().requires_grad_(grad)
    expected = reference(xr)
    upstream = rng.randn(*expected.shape)
    expected_grads: list[Any] = []
    if grad:
        expected_grads = list(
            torch.autograd.grad(expected, [xr, *reference.parameters()], upstream)
        )
    expected = expected.detach()
    keys = list(reference.state_dict().keys())
    request = ModuleRequest(
        target=target,
        init_args=init_args,
        params=params,
        input=x,
        grad=grad,
        upstream=upstream,
        seed=rng.randint(0, 2**31),
    )
    shapes = [list(p.shape) for p in params]

    def judge(reply: Reply) -> str | None:
        if not isinstance(reply, ModuleReply):
            return f"expected a module result, received {type(reply).__name__}"
        got_shapes = reply.param_shapes
        if got_shapes != shapes:
            return (
                f"{target} has parameters of shapes {got_shapes} (in registration order); "
                f"expected {shapes}"
            )
        if check_keys and reply.state_keys != keys:
            return f"state_dict keys: expected {keys}, received {reply.state_keys}"
        problem = compare(reply.value, expected, "output")
        if problem:
            return problem
        after = reply.input_after
        if not isinstance(after, torch.Tensor) or not _same(after, x):
            return "forward modified its input in place; it must not"
        if grad:
            if reply.grad_error:
                return f"backward: {reply.grad_error}"
            grads = reply.grads or []
            names = ["input"] + [f"parameter {i}" for i in range(len(params))]
            for name, g, e in zip(names, grads, expected_grads, strict=True):
                problem = compare(
                    g if g is not None else torch.zeros_like(e), e, f"gradient of {name}"
                )
                if problem:
                    return problem
        return None

    return custom_case(request, judge, inputs)


def _same(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and torch.equal(a, b)


def _resnet(rng: Rng, *, use_bias: bool, grad: bool) -> Case:
    dim = rng.randint(1, 5)
    h, w = rng.sizes(2, 2, 7)
    n = rng.randint(1, 3)
    torch.manual_seed(rng.randint(0, 2**31))
    reference = NotesResnetBlock(dim, use_bias)
    x = rng.randn(n, dim, h, w)
    return _module_case(
        rng,
        "ResnetBlock",
        [dim, use_bias],
        reference,
        x,
        grad=grad,
        inputs=f"ResnetBlock({dim}, {use_bias}), x=tensor{(n, dim, h, w)} float64",
    )


@test("resnet_block_matches_the_notes_block_with_bias", "ResnetBlock", "ResnetBlock", 3.0)
def resnet_bias(rng: Rng) -> Iterator[Case]:
    for _ in range(3):
        yield _resnet(rng, use_bias=True, grad=False)


@test("resnet_block_without_bias_has_only_conv_weights", "ResnetBlock", "ResnetBlock", 2.0)
def resnet_nobias(rng: Rng) -> Iterator[Case]:
    for _ in range(2):
        yield _resnet(rng, use_bias=False, grad=False)


@test("resnet_block_gradients_match_autograd", "ResnetBlock", "ResnetBlock", 2.0)
def resnet_grad(rng: Rng) -> Iterator[Case]:
    for use_bias in (True, False):
        yield _resnet(rng, use_bias=use_bias, grad=True)


def _spec(module: nn.Module, name: str, args: list[Any]) -> dict[str, Any]:
    params = [p.detach().double().clone() for p in module.parameters()]
    return nn_module(name, args, {}, params)


def _sequential(rng: Rng, *, grad: bool, empty: bool = False) -> Case:
    torch.manual_seed(rng.randint(0, 2**31))
    sizes = rng.sizes(4, 2, 7)
    built: list[nn.Module] = []
    specs: list[Any] = []
    layout = (
        []
        if empty
        else [("Linear", 0), ("Tanh", None), ("Linear", 1), ("ReLU", None), ("Linear", 2)]
    )
    for name, i in layout:
        if name == "Linear":
            assert i is not None
            module: nn.Module = nn.Linear(sizes[i], sizes[i + 1])
            specs.append(_spec(module, name, [sizes[i], sizes[i + 1]]))
        else:
            module = getattr(nn, name)()
            specs.append(_spec(module, name, []))
        built.append(module)
    reference = nn.Sequential(*built)
    x = rng.randn(rng.randint(1, 4), sizes[0])
    return _module_case(
        rng,
        "MySequential",
        specs,
        reference,
        x,
        grad=grad,
        check_keys=True,
        inputs=f"MySequential({', '.join(n for n, _ in layout)}), x={tuple(x.shape)}",
    )


@test("my_sequential_applies_modules_in_order", "MySequential", "MySequential", 2.0)
def seq_forward(rng: Rng) -> Iterator[Case]:
    for _ in range(2):
        yield _sequential(rng, grad=False)


@test("my_sequential_registers_children_as_0_1_2", "MySequential", "MySequential", 1.0)
def seq_registered(rng: Rng) -> Iterator[Case]:
    yield _sequential(rng, grad=True)


@test("my_sequential_with_no_modules_is_the_identity", "MySequential", "MySequential", 1.0)
def seq_empty(rng: Rng) -> Iterator[Case]:
    yield _sequential(rng, grad=False, empty=True)


# The notes' ResnetBlock itself uses nn.Sequential; only MySequential may not.
FORBIDDEN = ForbiddenSpec(
    per_function=(("MySequential", ("torch.nn.Sequential", "torch.nn.ModuleList")),),
    any_op=True,  # the exercise composes torch.nn layers: every kernel is fair game
)

SUITE = Suite(
    name="modules",
    api=get_exercise("modules").api,
    forbidden=FORBIDDEN,
    tests=(resnet_bias, resnet_nobias, resnet_grad, seq_forward, seq_registered, seq_empty),
)
