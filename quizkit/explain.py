"""``quizkit explain``: a per-layer profile of a module expression or zoo model, with the why.

The module is built and run on the ``meta`` device (no weights allocated). Output shapes come
from forward hooks, parameters from ``numel``, FLOPs from ``torch.utils.flop_counter`` (1 MAC =
2 FLOPs; MACs = FLOPs / 2): each leaf call's FLOPs are the counter's total after the call minus
before it. Beside the numbers, :mod:`quizkit.formulas` states how each was computed for the
layer types it knows (convolutions, linear, pooling, normalization, embedding).
"""

from __future__ import annotations

import ast
from dataclasses import asdict, dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from quizkit import formulas
from quizkit.errors import ExplainError, UsageError

ALLOWED_ROOTS = {"nn": nn, "torch": torch, "F": F}


@dataclass(frozen=True)
class LayerRow:
    """One call of a leaf module."""

    name: str
    type: str
    input_shape: list[int]
    output_shape: list[int]
    params: int
    flops: int
    formula: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExplainReport:
    subject: str
    input_shape: list[int]
    output_shape: list[int]
    params: int
    trainable_params: int
    flops: int
    layers: list[LayerRow]

    @property
    def macs(self) -> int:
        return self.flops // 2

    def to_json(self) -> dict[str, Any]:
        """The documented ``--json`` schema."""
        return {
            "output_shape": self.output_shape,
            "params": self.params,
            "trainable_params": self.trainable_params,
            "flops": self.flops,
            "macs": self.macs,
            "layers": [
                {
                    k: v
                    for k, v in asdict(row).items()
                    if k in ("name", "type", "output_shape", "params", "flops")
                }
                for row in self.layers
            ],
        }


def build_subject(subject: str) -> tuple[nn.Module, tuple[int, ...] | None]:
    """A zoo model by name (with its default input), or a module expression (no default input)."""
    from quizkit import zoo

    if subject in zoo.ENTRIES:
        return zoo.build(subject, device="meta"), tuple(zoo.ENTRIES[subject].input_shape)
    tree = _parse_module_expression(subject)
    try:
        with torch.device("meta"):
            module = eval(compile(tree, "<expr>", "eval"), {"__builtins__": {}, **ALLOWED_ROOTS})
    except Exception as error:
        raise UsageError(f"cannot build {subject!r}: {type(error).__name__}: {error}") from None
    if not isinstance(module, nn.Module):
        raise UsageError(f"{subject!r} is not an nn.Module (got {type(module).__name__})")
    return module, None


def _parse_module_expression(text: str) -> ast.Expression:
    """Accept only constructor calls rooted at ``nn``/``torch``/``F`` with literal arguments."""
    from quizkit import zoo

    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise UsageError(f"{text!r} is not a Python expression: {error.msg}") from None
    allowed = (
        ast.Expression, ast.Call, ast.Attribute, ast.Name, ast.Load, ast.Constant, ast.Tuple,
        ast.List, ast.keyword, ast.UnaryOp, ast.USub, ast.BinOp, ast.Add, ast.Sub, ast.Mult,
        ast.FloorDiv, ast.Starred,
    )  # fmt: skip
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise UsageError(
                f"{text!r}: only nn.* module constructors with literal arguments are allowed"
            )
        if isinstance(node, ast.Name) and node.id not in ALLOWED_ROOTS:
            known = ", ".join(zoo.ZOO_NAMES)
            raise UsageError(
                f"{text!r}: unknown name {node.id!r} (use nn.*, or a zoo model: {known})"
            )
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise UsageError(f"{text!r}: private attribute {node.attr!r} is not allowed")
    return tree


def explain(subject: str, input_shape: tuple[int, ...] | None) -> ExplainReport:
    """Profile ``subject`` (zoo name or module expression) on an input of ``input_shape``."""
    module, default_shape = build_subject(subject)
    shape = input_shape or default_shape
    if shape is None:
        raise UsageError("--input is required for a module expression, e.g. --input 1,3,32,32")
    profiler = _Profiler(module)
    x = torch.empty(shape, device="meta")
    with FlopCounterMode(display=False) as counter:
        profiler.counter = counter
        try:
            out = module(x)
        except (RuntimeError, ValueError, TypeError, IndexError) as error:
            raise ExplainError(profiler.failure_message(error, shape)) from None
        finally:
            profiler.remove()
    total_flops = int(counter.get_total_flops())
    params = {id(p): p for p in module.parameters()}
    out_tensor = out[0] if isinstance(out, tuple | list) else out
    return ExplainReport(
        subject=subject,
        input_shape=list(shape),
        output_shape=list(out_tensor.shape),
        params=sum(p.numel() for p in params.values()),
        trainable_params=sum(p.numel() for p in params.values() if p.requires_grad),
        flops=total_flops,
        layers=profiler.rows_with_remainder(total_flops),
    )


class _Profiler:
    """Forward hooks on leaf modules: shapes, own params (first call only) and FLOP deltas."""

    def __init__(self, root: nn.Module) -> None:
        self.counter: FlopCounterMode | None = None
        self.rows: list[LayerRow] = []
        self.stack: list[tuple[str, nn.Module, list[int], int]] = []
        self.seen: set[int] = set()
        self.handles = []
        for name, module in root.named_modules():
            if next(module.children(), None) is None:
                label = name or type(root).__name__
                self.handles.append(module.register_forward_pre_hook(self._pre(label)))
                self.handles.append(module.register_forward_hook(self._post()))

    def _flops_now(self) -> int:
        return int(self.counter.get_total_flops()) if self.counter is not None else 0

    def _pre(self, name: str) -> Any:
        def hook(module: nn.Module, args: tuple[Any, ...]) -> None:
            shape = list(args[0].shape) if args and isinstance(args[0], torch.Tensor) else []
            self.stack.append((name, module, shape, self._flops_now()))

        return hook

    def _post(self) -> Any:
        def hook(module: nn.Module, args: tuple[Any, ...], output: Any) -> None:
            name, _, in_shape, flops_before = self.stack.pop()
            out = output[0] if isinstance(output, tuple | list) else output
            out_shape = list(out.shape) if isinstance(out, torch.Tensor) else []
            first = id(module) not in self.seen
            self.seen.add(id(module))
            params = sum(p.numel() for p in module.parameters()) if first else 0
            flops = self._flops_now() - flops_before
            formula = layer_formula(module, in_shape, out_shape)
            if not first and any(True for _ in module.parameters()):
                formula = [*formula, "parameters shared with an earlier call: counted once"]
            self.rows.append(
                LayerRow(name, type(module).__name__, in_shape, out_shape, params, flops, formula)
            )

        return hook

    def remove(self) -> None:
        for handle in self.handles:
            handle.remove()

    def failure_message(self, error: Exception, shape: tuple[int, ...]) -> str:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if not self.stack:
            return f"input of shape {tuple(shape)} is not accepted: {reason}"
        name, module, in_shape, _ = self.stack[-1]
        expected = getattr(module, "in_channels", None) or getattr(module, "in_features", None)
        if isinstance(module, nn.Linear) and in_shape and in_shape[-1] != expected:
            reason = (
                f"it expects {expected} input features in the last dimension, got {in_shape[-1]}"
            )
        elif expected is not None and len(in_shape) > 1 and in_shape[1] != expected:
            reason = f"it expects {expected} input channels in dimension 1, got {in_shape[1]}"
        return f"layer {name} ({module}) cannot take input of shape {tuple(in_shape)}: {reason}"

    def rows_with_remainder(self, total_flops: int) -> list[LayerRow]:
        """Rows, plus one for FLOPs spent outside leaf modules (functional ops in forward)."""
        rest = total_flops - sum(row.flops for row in self.rows)
        if rest:
            return [
                *self.rows,
                LayerRow("(functional ops)", "-", [], [], 0, rest, ["ops called in forward()"]),
            ]
        return self.rows


def layer_formula(module: nn.Module, in_shape: list[int], out_shape: list[int]) -> list[str]:
    """How the layer's output size, parameters and FLOPs follow from its hyper-parameters."""
    if isinstance(module, nn.Conv2d) and len(in_shape) == 4:
        return _conv2d_formula(module, in_shape, out_shape)
    if isinstance(module, nn.Linear) and in_shape:
        rows = 1
        for n in in_shape[:-1]:
            rows *= n
        bias = module.bias is not None
        return [
            f"params = in*out{' + out' if bias else ''} = {module.in_features}*{module.out_features}"
            f"{f' + {module.out_features}' if bias else ''} = "
            f"{formulas.linear_params(module.in_features, module.out_features, bias=bias)}",
            f"FLOPs = 2*rows*in*out = 2*{rows}*{module.in_features}*{module.out_features} = "
            f"{formulas.linear_flops(module.in_features, module.out_features, rows=rows)}",
        ]
    if isinstance(module, nn.MaxPool2d | nn.AvgPool2d) and len(in_shape) == 4:
        k, s, p = (
            formulas.pair(v)
            for v in (module.kernel_size, module.stride or module.kernel_size, module.padding)
        )
        h = formulas.pool_output_size(in_shape[2], k[0], s[0], p[0], ceil_mode=module.ceil_mode)
        rounding = "ceil" if module.ceil_mode else "floor"
        return [
            f"H_out = {rounding}(({in_shape[2]} + 2*{p[0]} - {k[0]})/{s[0]}) + 1 = {h}",
            "no parameters; channels unchanged",
        ]
    if isinstance(module, nn.BatchNorm1d | nn.BatchNorm2d | nn.BatchNorm3d):
        return [
            f"params = 2*C = 2*{module.num_features} (gamma, beta); running mean/var are buffers, not parameters"
        ]
    if isinstance(module, nn.LayerNorm):
        return [
            f"params = 2*prod(normalized_shape) = 2*{'*'.join(map(str, module.normalized_shape))}"
        ]
    if isinstance(module, nn.Embedding):
        return [f"params = num_embeddings*dim = {module.num_embeddings}*{module.embedding_dim}"]
    return []


def _conv2d_formula(conv: nn.Conv2d, in_shape: list[int], out_shape: list[int]) -> list[str]:
    (k_h, k_w), (s_h, _), (d_h, _) = (
        formulas.pair(v) for v in (conv.kernel_size, conv.stride, conv.dilation)
    )
    p_h = formulas.pair(conv.padding)[0] if not isinstance(conv.padding, str) else None
    lines = []
    if p_h is not None:
        h = formulas.conv_output_size(in_shape[2], k_h, s_h, p_h, d_h)
        lines.append(
            f"H_out = floor(({in_shape[2]} + 2*{p_h} - {d_h}*({k_h}-1) - 1)/{s_h}) + 1 = {h}"
        )
    else:
        lines.append(f"padding={conv.padding!r}: H_out = {out_shape[2]}")
    bias = conv.bias is not None
    g = conv.groups
    params = formulas.conv_params(
        conv.in_channels, conv.out_channels, (k_h, k_w), bias=bias, groups=g
    )
    lines.append(
        f"params = c_out*(c_in/g)*k_h*k_w{' + c_out' if bias else ''} = "
        f"{conv.out_channels}*({conv.in_channels}/{g})*{k_h}*{k_w}{f' + {conv.out_channels}' if bias else ''} = {params}"
    )
    flops = formulas.conv_flops(
        conv.in_channels,
        conv.out_channels,
        (k_h, k_w),
        (out_shape[2], out_shape[3]),
        groups=g,
        batch=in_shape[0],
    )
    lines.append(
        f"FLOPs = 2*k_h*k_w*(c_in/g)*c_out*H_out*W_out*N = 2*{k_h}*{k_w}*({conv.in_channels}/{g})*"
        f"{conv.out_channels}*{out_shape[2]}*{out_shape[3]}*{in_shape[0]} = {flops}"
    )
    return lines
