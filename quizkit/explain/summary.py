"""The profile: one row per module call, with shapes, parameters, FLOPs, memory and the why.

The module is run once on the ``meta`` device (no weights, no values) in eval mode unless
``train=True``, under :class:`torch.utils.flop_counter.FlopCounterMode`. Forward pre/post hooks
on every module record, per call:

- ``input_shapes`` and ``output_shape`` (the first tensor the call returns);
- ``flops``: the counter's total after the call minus before it (children included), and
  ``own_flops``: that minus the direct children's (functional ops in the module's own forward);
- ``params``: parameters first counted during this call (a module's parameters are counted at
  its first call, each tensor once, so shared weights and repeated calls add nothing), and
  ``own_params``: of those, the ones not held by a called child — e.g. the projections of
  :class:`~torch.nn.MultiheadAttention`, whose ``out_proj`` is used but never called.

Rows come in call order, a container before its children, with ``depth`` = nesting in the call
tree (the root is depth 0). A row is a *leaf* when no module was called inside it. Summed over
all rows ``own_params`` gives the model's parameter count and ``own_flops`` its FLOP count.

Convolutions are confirmed on CPU (:mod:`quizkit.explain.confirm`), since the meta device skips
some of torch's checks.
"""

from __future__ import annotations

import dataclasses
import inspect
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from quizkit.errors import ExplainError, QuizkitError, UsageError
from quizkit.explain import confirm as confirming
from quizkit.explain.build import build_subject
from quizkit.explain.inputs import InputSpec, ResolvedInput, positional_args, resolve
from quizkit.explain.layers import FLOP_CONVENTION, Call, FormulaLine, layer_why
from quizkit.explain.memory import MemoryEstimate, parameter_bytes

if TYPE_CHECKING:
    import torch
    from torch import nn
    from torch.utils.flop_counter import FlopCounterMode

DEFAULT_DEPTH = 3
"""Rows shown by the table (like torchinfo's default); ``--json`` always keeps every row."""


@dataclass(frozen=True)
class LayerRow:
    """One call of one module."""

    name: str
    """Dotted module path, e.g. ``layer1.0.conv1``; ``""`` for the root."""
    type: str
    depth: int
    leaf: bool
    call: int
    """1 for the first call of this module, 2 for the second…"""
    calls: int
    """How many times the module was called in the forward pass."""
    input_shapes: list[list[int]]
    output_shape: list[int]
    params: int
    own_params: int
    module_params: int
    """All parameters of the module (its children's included), whichever call this is."""
    trainable_params: int
    flops: int
    own_flops: int
    output_bytes: int
    formula: list[FormulaLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def shared(self) -> bool:
        return self.calls > 1

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "depth": self.depth,
            "leaf": self.leaf,
            "call": self.call,
            "calls": self.calls,
            "input_shapes": self.input_shapes,
            "output_shape": self.output_shape,
            "params": self.params,
            "own_params": self.own_params,
            "module_params": self.module_params,
            "trainable_params": self.trainable_params,
            "flops": self.flops,
            "own_flops": self.own_flops,
            "output_bytes": self.output_bytes,
            "formula": [line.to_json() for line in self.formula],
            "notes": self.notes,
        }


@dataclass(frozen=True)
class ExplainReport:
    subject: str
    mode: str
    """``"eval"`` or ``"train"``."""
    inputs: list[ResolvedInput]
    arguments: int
    """Positional arguments passed to ``forward`` (more than ``inputs`` for self-attention)."""
    output_shapes: list[list[int]]
    params: int
    trainable_params: int
    flops: int
    memory: MemoryEstimate
    layers: list[LayerRow]
    warnings: list[str] = field(default_factory=list)
    """Warnings torch raised while building and running the module, first line of each."""

    @property
    def input_shape(self) -> list[int]:
        return list(self.inputs[0].shape)

    @property
    def output_shape(self) -> list[int]:
        return self.output_shapes[0] if self.output_shapes else []

    @property
    def non_trainable_params(self) -> int:
        return self.params - self.trainable_params

    @property
    def macs(self) -> int:
        return self.flops // 2

    def visible(self, depth: int) -> list[tuple[LayerRow, bool]]:
        """Rows down to ``depth`` (torchinfo's ``depth``), each with whether it is *collapsed*:
        a row at the depth limit whose called children are hidden, so its figures are totals."""
        return [
            (row, not row.leaf and row.depth == depth) for row in self.layers if row.depth <= depth
        ]

    def to_json(self) -> dict[str, Any]:
        """The documented ``--json`` schema (README, "quizkit explain")."""
        return {
            "subject": self.subject,
            "mode": self.mode,
            "inputs": [item.to_json() for item in self.inputs],
            "arguments": self.arguments,
            "input_shape": self.input_shape,
            "output_shape": self.output_shape,
            "output_shapes": self.output_shapes,
            "params": self.params,
            "trainable_params": self.trainable_params,
            "non_trainable_params": self.non_trainable_params,
            "flops": self.flops,
            "macs": self.macs,
            "flop_convention": FLOP_CONVENTION,
            "memory": self.memory.to_json(),
            "layers": [row.to_json() for row in self.layers],
            "warnings": self.warnings,
        }


def explain(
    subject: str,
    inputs: Sequence[InputSpec] | Sequence[int] | None = None,
    *,
    train: bool = False,
) -> ExplainReport:
    """Profile ``subject`` (zoo name or module expression) on ``inputs``.

    ``inputs`` is one shape (``(1, 3, 32, 32)``) or a sequence of :class:`InputSpec`, one per
    positional argument; zoo models default to their own input. Warnings torch raises on the
    way (performance hints, mostly) are kept in the report instead of printed.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = _explain(subject, inputs, train=train)
    torch_warnings = list(dict.fromkeys(str(w.message).splitlines()[0] for w in caught))
    return dataclasses.replace(report, warnings=torch_warnings)


def _explain(
    subject: str, inputs: Sequence[InputSpec] | Sequence[int] | None, *, train: bool
) -> ExplainReport:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    module, default_shape = build_subject(subject)
    specs = _specs(inputs, default_shape)
    module.train(train)
    resolved = resolve(module, specs)
    tensors = positional_args(module, tuple(item.tensor("meta") for item in resolved))
    _check_arity(module, len(tensors))
    profiler = _Profiler(module, train)
    try:
        with FlopCounterMode(display=False) as counter:
            profiler.counter = counter
            out = module(*tensors)
    except QuizkitError:
        raise
    except Exception as error:
        profiler.confirm()  # an earlier layer's impossible shape may be the real cause
        raise ExplainError(profiler.failure_message(error, resolved)) from None
    finally:
        profiler.remove()
    profiler.confirm()
    param_bytes, buffer_bytes = parameter_bytes(module)
    layers = profiler.rows()
    params = {id(p): p for p in module.parameters()}
    return ExplainReport(
        subject=subject,
        mode="train" if train else "eval",
        inputs=list(resolved),
        arguments=len(tensors),
        output_shapes=[list(t.shape) for t in _tensors(out)],
        params=sum(p.numel() for p in params.values()),
        trainable_params=sum(p.numel() for p in params.values() if p.requires_grad),
        flops=int(counter.get_total_flops()),
        memory=MemoryEstimate(
            input_bytes=sum(
                _numel(item.shape)
                * torch.empty((), dtype=getattr(torch, item.dtype)).element_size()
                for item in resolved
            ),
            param_bytes=param_bytes,
            buffer_bytes=buffer_bytes,
            activation_bytes=sum(row.output_bytes for row in layers if row.leaf),
        ),
        layers=layers,
    )


def _specs(
    inputs: Sequence[InputSpec] | Sequence[int] | None, default: tuple[int, ...] | None
) -> tuple[InputSpec, ...]:
    if inputs:
        if all(isinstance(item, InputSpec) for item in inputs):
            return tuple(item for item in inputs if isinstance(item, InputSpec))
        return (InputSpec(tuple(int(n) for n in inputs if isinstance(n, int))),)
    if default is None:
        raise UsageError("--input is required for a module expression, e.g. --input 1,3,32,32")
    return (InputSpec(default),)


def _check_arity(module: nn.Module, given: int) -> None:
    """A usage error naming the inputs when ``forward`` takes more or fewer positional inputs."""
    try:
        signature = inspect.signature(module.forward)
    except (TypeError, ValueError):
        return
    parameters = list(signature.parameters.values())
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p.name for p in positional if p.default is p.empty]
    name = type(module).__name__
    if given < len(required):
        raise UsageError(
            f"{name} takes {len(required)} inputs ({', '.join(required)}), "
            f"got {given}: repeat --input once per input"
        )
    if given > len(positional) and not any(p.kind is p.VAR_POSITIONAL for p in parameters):
        names = ", ".join(p.name for p in positional)
        raise UsageError(f"{name} takes at most {len(positional)} inputs ({names}), got {given}")


def _numel(shape: Sequence[int]) -> int:
    total = 1
    for n in shape:
        total *= n
    return total


def _tensors(value: Any) -> list[torch.Tensor]:
    """Every tensor in a (nested) output, in order."""
    import torch

    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, tuple | list):
        return [t for item in value for t in _tensors(item)]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _tensors(item)]
    return []


def short_repr(module: nn.Module) -> str:
    """``Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))``, or the type name for containers."""
    text = repr(module)
    return type(module).__name__ if "\n" in text else text


@dataclass
class _Frame:
    index: int
    name: str
    module: nn.Module
    depth: int
    call: int
    in_shapes: list[list[int]]
    flops_before: int
    counted_before: int
    trainable_before: int
    children_flops: int = 0
    has_children: bool = False


class _Profiler:
    """Pre/post hooks on every module; see the module docstring for what a row holds."""

    def __init__(self, root: nn.Module, training: bool) -> None:
        self.root = root
        self.training = training
        self.counter: FlopCounterMode | None = None
        self.stack: list[_Frame] = []
        self.done: dict[int, tuple[_Frame, dict[str, Any]]] = {}
        self.next_index = 0
        self.calls: dict[int, int] = {}
        self.counted: set[int] = set()
        self.counted_numel = 0
        self.trainable_numel = 0
        self.to_confirm: list[_Frame] = []
        self.handles = []
        for name, module in root.named_modules():
            self.handles.append(module.register_forward_pre_hook(self._pre(name)))
            self.handles.append(module.register_forward_hook(self._post))

    def _flops_now(self) -> int:
        return int(self.counter.get_total_flops()) if self.counter is not None else 0

    def _pre(self, name: str) -> Any:
        def hook(module: nn.Module, args: tuple[Any, ...]) -> None:
            if self.stack:
                self.stack[-1].has_children = True
            call = self.calls.get(id(module), 0) + 1
            self.calls[id(module)] = call
            self.stack.append(
                _Frame(
                    index=self.next_index,
                    name=name,
                    module=module,
                    depth=len(self.stack),
                    call=call,
                    in_shapes=[list(t.shape) for t in _tensors(list(args))],
                    flops_before=self._flops_now(),
                    counted_before=self.counted_numel,
                    trainable_before=self.trainable_numel,
                )
            )
            self.next_index += 1

        return hook

    def _post(self, module: nn.Module, args: tuple[Any, ...], output: Any) -> None:
        frame = self.stack.pop()
        outputs = _tensors(output)
        out_shape = list(outputs[0].shape) if outputs else []
        if frame.in_shapes and confirming.needs_confirmation(module, frame.in_shapes[0], out_shape):
            self.to_confirm.append(frame)
        own = 0
        for p in module.parameters():
            if id(p) not in self.counted:
                self.counted.add(id(p))
                own += p.numel()
                self.trainable_numel += p.numel() if p.requires_grad else 0
        self.counted_numel += own
        flops = self._flops_now() - frame.flops_before
        if self.stack:
            self.stack[-1].children_flops += flops
        figures = {
            "out_shape": out_shape,
            "own": own,
            "flops": flops,
            "output_bytes": sum(t.numel() * t.element_size() for t in outputs),
            "params": self.counted_numel - frame.counted_before,
            "trainable": self.trainable_numel - frame.trainable_before,
            "module": sum(p.numel() for p in module.parameters()),
        }
        self.done[frame.index] = (frame, figures)

    def rows(self) -> list[LayerRow]:
        rows = []
        for index in sorted(self.done):
            frame, figures = self.done[index]
            why = layer_why(
                frame.module,
                Call(frame.in_shapes, figures["out_shape"], frame.call == 1, self.training),
            )
            rows.append(
                LayerRow(
                    name=frame.name,
                    type=type(frame.module).__name__,
                    depth=frame.depth,
                    leaf=not frame.has_children,
                    call=frame.call,
                    calls=self.calls[id(frame.module)],
                    input_shapes=frame.in_shapes,
                    output_shape=figures["out_shape"],
                    params=figures["params"],
                    own_params=figures["own"],
                    module_params=figures["module"],
                    trainable_params=figures["trainable"],
                    flops=figures["flops"],
                    own_flops=figures["flops"] - frame.children_flops,
                    output_bytes=figures["output_bytes"],
                    formula=why.lines,
                    notes=why.notes,
                )
            )
        return rows

    def confirm(self) -> None:
        """Re-check on CPU the calls the meta device may have let through (outside the FLOP
        counter, so the probes are not counted); the first refusal is an :class:`ExplainError`."""
        for frame in self.to_confirm:
            reason = confirming.confirm(frame.module, frame.in_shapes[0])
            if reason is not None:
                raise ExplainError(self._message(frame, reason))

    def remove(self) -> None:
        for handle in self.handles:
            handle.remove()

    def _message(self, frame: _Frame, reason: str) -> str:
        shape = tuple(frame.in_shapes[0]) if frame.in_shapes else ()
        name = frame.name or type(frame.module).__name__
        return f"layer {name} ({short_repr(frame.module)}) cannot take input of shape {shape}: {reason}"

    def failure_message(self, error: Exception, inputs: Sequence[ResolvedInput]) -> str:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if not self.stack:
            shapes = ", ".join(str(tuple(item.shape)) for item in inputs)
            return f"input of shape {shapes} is not accepted: {reason}"
        frame = self.stack[-1]
        module = frame.module
        in_shape = frame.in_shapes[0] if frame.in_shapes else []
        expected = getattr(module, "in_channels", None) or getattr(module, "in_features", None)
        from torch import nn

        if isinstance(module, nn.Linear) and in_shape and in_shape[-1] != expected:
            reason = (
                f"it expects {expected} input features in the last dimension, got {in_shape[-1]}"
            )
        elif expected is not None and hasattr(module, "kernel_size"):
            kernel: tuple[int, ...] = module.kernel_size  # type: ignore[assignment]
            axis = len(in_shape) - len(kernel) - 1  # unbatched inputs have no N
            if 0 <= axis < len(in_shape) and in_shape[axis] != expected:
                got = in_shape[axis]
                reason = f"it expects {expected} input channels in dimension {axis}, got {got}"
        return self._message(frame, reason)
