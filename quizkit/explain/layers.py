"""The "why" of each row: formulas for output sizes, parameters and FLOPs, with numbers put in.

Every line is ``quantity = symbolic = arithmetic = value``. The arithmetic part uses only
integers, ``+ - * /``, parentheses, ``floor`` and ``ceil``, so it can be evaluated by
:func:`quizkit.answers.expr.evaluate`; ``tests/test_explain_corpus.py`` does that for every
line of a corpus of modules and checks the value against the figure the line names (an output
dimension, the parameter count or the FLOP count that torch measured for the row). A formula
that contradicts its number fails that test.

Conventions stated by the lines:

- spatial names: ``L`` (1-D), ``H W`` (2-D), ``D H W`` (3-D); ``N`` is the batch (1 when the
  input is unbatched), ``k s p d`` are kernel, stride, padding, dilation of that dimension;
- FLOPs as :class:`torch.utils.flop_counter.FlopCounterMode` counts them: 2 per multiply-add of
  matrix products and convolutions, nothing else (see :data:`FLOP_CONVENTION`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from quizkit import formulas

if TYPE_CHECKING:
    from torch import nn

FLOP_CONVENTION = (
    "FLOPs as torch.utils.flop_counter counts them: 2 per multiply-add (MAC) of matrix "
    "products and convolutions (incl. attention scores and RNN gates); biases, norms, "
    "activations, pooling, embeddings and residual adds count 0."
)

SPATIAL_NAMES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}


class FigureKind(str, Enum):
    """Which measured figure of a row a formula line states."""

    OUTPUT_DIM = "output_dim"
    PARAMS = "params"
    FLOPS = "flops"


@dataclass(frozen=True)
class Figure:
    kind: FigureKind
    axis: int | None = None
    """For :attr:`FigureKind.OUTPUT_DIM`: the axis of the row's output shape."""

    def label(self) -> str:
        return f"output_shape[{self.axis}]" if self.kind is FigureKind.OUTPUT_DIM else self.kind


@dataclass(frozen=True)
class FormulaLine:
    """``quantity = symbolic = expression = value``; ``expression`` is plain arithmetic."""

    quantity: str
    symbolic: str
    expression: str
    value: int
    figure: Figure | None

    @property
    def text(self) -> str:
        parts = [self.quantity, self.symbolic, self.expression, str(self.value)]
        if self.symbolic in ("", self.expression):
            parts.remove(self.symbolic)
        if self.expression == str(self.value):
            parts.pop()
        return " = ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "quantity": self.quantity,
            "expression": self.expression,
            "value": self.value,
            "figure": self.figure.label() if self.figure else None,
        }


@dataclass
class Why:
    """The formula lines and plain-language notes of one row."""

    lines: list[FormulaLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(
        self, quantity: str, symbolic: str, expression: str, value: int, figure: Figure | None
    ) -> None:
        self.lines.append(FormulaLine(quantity, symbolic, expression, value, figure))


@dataclass(frozen=True)
class Call:
    """What a formula may use about one call of a module."""

    in_shapes: list[list[int]]
    out_shape: list[int]
    first_call: bool
    training: bool

    @property
    def x(self) -> list[int]:
        return self.in_shapes[0] if self.in_shapes else []


def _t(value: Any, nd: int) -> tuple[Any, ...]:
    """An int or an ``nd``-sequence as an ``nd``-tuple (torch's ``_single/_pair/_triple``)."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(value)
    return (value,) * nd


def _prod(values: Sequence[int]) -> int:
    return math.prod(values)


def _star(values: Sequence[int]) -> str:
    return "*".join(str(v) for v in values) if values else "1"


def _out_axis(call: Call, nd: int, i: int) -> int:
    return len(call.out_shape) - nd + i


def _batch(shape: Sequence[int], non_batch_dims: int) -> int:
    """The batch of an input whose last ``non_batch_dims`` dims are per-sample (1 if none)."""
    return _prod(shape[: max(len(shape) - non_batch_dims, 0)])


# --- convolutions ---------------------------------------------------------------------------


def conv_why(m: Any, call: Call) -> Why:
    """Conv1d/2d/3d and ConvTranspose1d/2d/3d.

    ``out = floor((n + 2p - d(k-1) - 1)/s) + 1``; transposed:
    ``out = (n - 1)s - 2p + d(k-1) + output_padding + 1``. Parameters
    ``c_out*(c_in/g)*prod(k) + c_out`` (transposed: ``c_in*(c_out/g)*prod(k) + c_out``).
    FLOPs ``2*N*c_out*(c_in/g)*prod(k)*prod(out)`` (transposed: ``2*N*c_in*(c_out/g)*prod(k)*prod(in)``,
    every input pixel scatters a ``c_out/g × k`` block).
    """
    why = Why()
    kernel = tuple(m.kernel_size)
    nd = len(kernel)
    names = SPATIAL_NAMES[nd]
    x = call.x
    spatial = x[-nd:]
    transposed = bool(m.transposed)
    stride, dilation = _t(m.stride, nd), _t(m.dilation, nd)
    out_pad = _t(m.output_padding, nd)
    for i, name in enumerate(names):
        n, k, s, d = spatial[i], kernel[i], stride[i], dilation[i]
        axis = _out_axis(call, nd, i)
        fig = Figure(FigureKind.OUTPUT_DIM, axis)
        if m.padding == "same":
            why.add(f"{name}_out", f"{name} (padding='same')", str(n), n, fig)
            continue
        p = 0 if m.padding == "valid" else _t(m.padding, nd)[i]
        if transposed:
            op = out_pad[i]
            value = formulas.conv_transpose_output_size(n, k, s, p, op, d)
            why.add(
                f"{name}_out",
                f"({name} - 1)*s - 2p + d(k-1) + output_padding + 1",
                f"({n} - 1)*{s} - 2*{p} + {d}*({k}-1) + {op} + 1",
                value,
                fig,
            )
        else:
            value = formulas.conv_output_size(n, k, s, p, d)
            why.add(
                f"{name}_out",
                f"floor(({name} + 2p - d(k-1) - 1)/s) + 1",
                f"floor(({n} + 2*{p} - {d}*({k}-1) - 1)/{s}) + 1",
                value,
                fig,
            )
    k_names = " * ".join(f"k_{c.lower()}" for c in names) if nd > 1 else "k"
    g, c_in, c_out = m.groups, m.in_channels, m.out_channels
    bias = m.bias is not None
    first, second = ("c_in", "c_out") if transposed else ("c_out", "c_in")
    a, b = (c_in, c_out) if transposed else (c_out, c_in)
    if call.first_call:
        why.add(
            "params",
            f"{first} * ({second}/g) * {k_names}" + (" + c_out" if bias else ""),
            f"{a}*({b}/{g})*{_star(kernel)}" + (f" + {c_out}" if bias else ""),
            a * (b // g) * _prod(kernel) + (c_out if bias else 0),
            Figure(FigureKind.PARAMS),
        )
    batch = _batch(x, nd + 1) if len(x) > nd + 1 else 1
    if transposed:
        sizes, size_names = list(spatial), " * ".join(names)
    else:
        sizes = list(call.out_shape[-nd:])
        size_names = " * ".join(f"{c}_out" for c in names)
    why.add(
        "FLOPs",
        f"2 * N * {first} * ({second}/g) * {k_names} * {size_names}",
        f"2*{batch}*{a}*({b}/{g})*{_star(kernel)}*{_star(sizes)}",
        2 * batch * a * (b // g) * _prod(kernel) * _prod(sizes),
        Figure(FigureKind.FLOPS),
    )
    if transposed:
        why.notes.append(
            "transposed: every input position scatters a kernel-sized block, so FLOPs "
            "multiply the input size, not the output size"
        )
    if bias:
        why.notes.append("the bias add is not counted in FLOPs (the counter counts MACs only)")
    return why


# --- pooling --------------------------------------------------------------------------------


def pool_why(m: Any, call: Call) -> Why:
    """MaxPool/AvgPool 1/2/3-D, with dilation (max only) and ceil_mode's last-window rule.

    ``out = floor_or_ceil((n + 2p - d(k-1) - 1)/s) + 1``; with ``ceil_mode``, a last window
    that would start inside the right padding (``(out-1)*s >= n + p``) is dropped.
    """
    from torch import nn

    why = Why()
    nd = {"1d": 1, "2d": 2, "3d": 3}[type(m).__name__[-2:].lower()]
    names = SPATIAL_NAMES[nd]
    kernel = _t(m.kernel_size, nd)
    stride = _t(m.stride if m.stride is not None else m.kernel_size, nd)
    padding = _t(m.padding, nd)
    has_dilation = isinstance(m, nn.MaxPool1d | nn.MaxPool2d | nn.MaxPool3d)
    dilation = _t(m.dilation, nd) if has_dilation else (1,) * nd
    spatial = call.x[-nd:]
    rounding = "ceil" if m.ceil_mode else "floor"
    for i, name in enumerate(names):
        n, k, s, p, d = spatial[i], kernel[i], stride[i], padding[i], dilation[i]
        span = n + 2 * p - d * (k - 1) - 1
        raw = (math.ceil(span / s) if m.ceil_mode else span // s) + 1
        value = formulas.pool_output_size(n, k, s, p, d, ceil_mode=m.ceil_mode)
        dropped = value != raw  # ceil_mode's last-window rule (see formulas.pool_output_size)
        if has_dilation:
            symbolic = f"{rounding}(({name} + 2p - d(k-1) - 1)/s) + 1"
            numeric = f"{rounding}(({n} + 2*{p} - {d}*({k}-1) - 1)/{s}) + 1"
        else:
            symbolic = f"{rounding}(({name} + 2p - k)/s) + 1"
            numeric = f"{rounding}(({n} + 2*{p} - {k})/{s}) + 1"
        if dropped:
            symbolic += " - 1"
            numeric += " - 1"
        why.add(
            f"{name}_out",
            symbolic,
            numeric,
            value,
            Figure(FigureKind.OUTPUT_DIM, _out_axis(call, nd, i)),
        )
        if m.ceil_mode:
            start = (raw - 1) * s
            verdict = (
                "starts in the right padding: dropped (- 1)" if dropped else "starts inside: kept"
            )
            why.notes.append(
                f"ceil_mode, {name}: the last window starts at ({raw}-1)*{s} = {start} "
                f"{'>=' if dropped else '<'} {name} + p = {n + p}, so it {verdict}"
            )
    if not isinstance(m, nn.MaxPool1d | nn.MaxPool2d | nn.MaxPool3d) and any(padding):
        include = "includes" if m.count_include_pad else "excludes"
        why.notes.append(f"the average {include} padded zeros (count_include_pad)")
    why.notes.append("no parameters; channels unchanged; FLOPs 0 (pooling is not a MAC)")
    return why


def adaptive_pool_why(m: Any, call: Call) -> Why:
    """Adaptive pools: ``out = output_size`` (``None`` keeps the input size); window ``i`` spans
    ``[floor(i*n/out), ceil((i+1)*n/out))``."""
    why = Why()
    nd = int(type(m).__name__[-2])
    names = SPATIAL_NAMES[nd]
    sizes = _t(m.output_size, nd)
    spatial = call.x[-nd:]
    for i, name in enumerate(names):
        fig = Figure(FigureKind.OUTPUT_DIM, _out_axis(call, nd, i))
        if sizes[i] is None:
            why.add(f"{name}_out", f"{name} (output_size None)", str(spatial[i]), spatial[i], fig)
        else:
            why.add(f"{name}_out", "output_size", str(sizes[i]), int(sizes[i]), fig)
    why.notes.append("window i spans [floor(i*n/out), ceil((i+1)*n/out)); no parameters")
    return why


# --- normalization --------------------------------------------------------------------------


def norm_why(m: Any, call: Call) -> Why:
    """BatchNorm/InstanceNorm/GroupNorm: ``2*C`` (gamma, beta) when affine, else 0.
    LayerNorm: ``2*prod(normalized_shape)``, ``prod(...)`` with ``bias=False``, 0 without
    ``elementwise_affine``."""
    from torch import nn

    why = Why()
    params = Figure(FigureKind.PARAMS)
    if isinstance(m, nn.LayerNorm):
        shape = tuple(m.normalized_shape)
        size = _prod(shape)
        if not m.elementwise_affine:
            why.add("params", "0 (elementwise_affine=False)", "0", 0, params)
        elif m.bias is None:
            why.add(
                "params",
                "prod(normalized_shape) (weight only, bias=False)",
                f"({_star(shape)})",
                size,
                params,
            )
        else:
            why.add(
                "params",
                "2 * prod(normalized_shape) (weight, bias)",
                f"2*({_star(shape)})",
                2 * size,
                params,
            )
        why.notes.append(f"normalizes over the last {len(shape)} dim(s) of each sample")
    else:
        channels = m.num_channels if isinstance(m, nn.GroupNorm) else m.num_features
        if not m.affine:
            why.add("params", "0 (affine=False)", "0", 0, params)
        else:
            terms = (m.weight is not None) + (m.bias is not None)
            what = "weight, bias" if terms == 2 else "weight"
            why.add(
                "params", f"{terms} * C ({what})", f"{terms}*{channels}", terms * channels, params
            )
        if isinstance(m, nn.GroupNorm):
            why.notes.append(
                f"{m.num_groups} groups of C/G = {channels}/{m.num_groups} = "
                f"{channels // m.num_groups} channels, statistics per sample and group"
            )
        elif getattr(m, "track_running_stats", False):
            stats = "batch statistics" if call.training else "the running mean/var"
            why.notes.append(
                f"running mean/var: 2*C = {2 * channels} buffers, not parameters; "
                f"{'training' if call.training else 'eval'} mode normalizes with {stats}"
            )
    if not call.first_call:
        why.lines.clear()  # parameters were counted at the first call
    why.notes.append("shape unchanged; FLOPs 0 (normalization is not counted)")
    return why


# --- lookups and dense layers ---------------------------------------------------------------


def embedding_why(m: Any, call: Call) -> Why:
    """``params = num_embeddings*embedding_dim``; the output appends ``embedding_dim``."""
    why = Why()
    if call.first_call:
        why.add(
            "params",
            "num_embeddings * embedding_dim",
            f"{m.num_embeddings}*{m.embedding_dim}",
            m.num_embeddings * m.embedding_dim,
            Figure(FigureKind.PARAMS),
        )
    axis = len(call.out_shape) - 1
    why.add(
        "E_out",
        "embedding_dim",
        str(m.embedding_dim),
        m.embedding_dim,
        Figure(FigureKind.OUTPUT_DIM, axis),
    )
    kind = (
        "each bag reduces to one row" if type(m).__name__ == "EmbeddingBag" else "one row per index"
    )
    why.notes.append(f"a table lookup ({kind}): int64 indices in [0, {m.num_embeddings}); FLOPs 0")
    return why


def linear_why(m: Any, call: Call) -> Why:
    """``params = in*out + out``; ``FLOPs = 2*rows*in*out`` (rows = product of leading dims)."""
    why = Why()
    i, o = m.in_features, m.out_features
    bias = m.bias is not None
    if call.first_call:
        why.add(
            "params",
            "in * out" + (" + out" if bias else ""),
            f"{i}*{o}" + (f" + {o}" if bias else ""),
            formulas.linear_params(i, o, bias=bias),
            Figure(FigureKind.PARAMS),
        )
    why.add(
        "F_out", "out_features", str(o), o, Figure(FigureKind.OUTPUT_DIM, len(call.out_shape) - 1)
    )
    rows = _batch(call.x, 1)
    why.add(
        "FLOPs",
        "2 * rows * in * out",
        f"2*{rows}*{i}*{o}",
        formulas.linear_flops(i, o, rows=rows),
        Figure(FigureKind.FLOPS),
    )
    return why


# --- recurrent layers -----------------------------------------------------------------------

_GATES = {"RNN": 1, "GRU": 3, "LSTM": 4, "RNNCell": 1, "GRUCell": 3, "LSTMCell": 4}


def recurrent_why(m: Any, call: Call) -> Why:
    """nn.RNN/GRU/LSTM, G = 1/3/4 gates, per layer and direction:
    ``params = G*H*(I_l + H) + 2*G*H`` (W_ih, W_hh, b_ih, b_hh; I_l = I for layer 0, dirs*H
    after); ``FLOPs = 2*T*N*G*H*(I_l + H)`` per layer and direction (the two matrix products per
    step). With ``proj_size`` P (LSTM), W_hh is G*H×P, W_hr adds P*H and each step one more
    product ``2*N*H*P``; the state that feeds back has size P."""
    why = Why()
    name = type(m).__name__
    gates, hidden = _GATES[name], m.hidden_size
    proj = getattr(m, "proj_size", 0) or 0
    state = proj or hidden
    dirs = 2 if m.bidirectional else 1
    layers, size_in = m.num_layers, m.input_size
    bias = bool(m.bias)
    g_h = f"{gates}*{hidden}"

    def per_layer(inputs: str) -> str:
        text = f"{g_h}*({inputs} + {state})"
        if bias:
            text += f" + 2*{g_h}"
        if proj:
            text += f" + {proj}*{hidden}"
        return text

    def per_layer_symbolic(inputs: str) -> str:
        return f"G*H*({inputs} + H)" + (" + 2*G*H" if bias else "") + (" + P*H" if proj else "")

    fixed = (2 * gates * hidden if bias else 0) + proj * hidden
    params = dirs * (gates * hidden * (size_in + state) + fixed)
    params += (layers - 1) * dirs * (gates * hidden * (dirs * state + state) + fixed)
    if call.first_call:
        symbolic = f"dirs*({per_layer_symbolic('I')})"
        numeric = f"{dirs}*({per_layer(str(size_in))})"
        if layers > 1:
            symbolic += f" + (L-1)*dirs*({per_layer_symbolic('dirs*H')})"
            numeric += f" + {layers - 1}*{dirs}*({per_layer(f'{dirs}*{state}')})"
        why.add("params", symbolic, numeric, params, Figure(FigureKind.PARAMS))
    x = call.x
    unbatched = len(x) == 2
    steps = x[0] if unbatched or not m.batch_first else x[1]
    batch = 1 if unbatched else (x[0] if m.batch_first else x[1])
    axis = len(call.out_shape) - 1
    why.add(
        "H_out",
        "dirs*P" if proj else "dirs*H",
        f"{dirs}*{state}",
        dirs * state,
        Figure(FigureKind.OUTPUT_DIM, axis),
    )
    proj_term = f" + {dirs}*{hidden}*{proj}" if proj else ""
    numeric = f"2*{steps}*{batch}*({dirs}*{g_h}*({size_in} + {state}){proj_term}"
    flops = dirs * gates * hidden * (size_in + state) + dirs * hidden * proj
    if layers > 1:
        numeric += f" + {layers - 1}*({dirs}*{g_h}*({dirs}*{state} + {state}){proj_term})"
        flops += (layers - 1) * (
            dirs * gates * hidden * (dirs * state + state) + dirs * hidden * proj
        )
    numeric += ")"
    symbolic = "2*T*N*(dirs*G*H*(I + H)" + (" + dirs*H*P" if proj else "")
    if layers > 1:
        symbolic += " + (L-1)*(dirs*G*H*(dirs*H + H)" + (" + dirs*H*P" if proj else "") + ")"
    why.add("FLOPs", symbolic + ")", numeric, 2 * steps * batch * flops, Figure(FigureKind.FLOPS))
    why.notes.append(
        f"{name}: G = {gates} gate(s), H = {hidden}, I = {size_in}, T = {steps} steps, N = {batch}; "
        "FLOPs count the two matrix products per step, not the gate nonlinearities (the fused "
        "CPU kernel reports 0 to FlopCounterMode; this hand count is what the meta run counts)"
    )
    return why


def cell_why(m: Any, call: Call) -> Why:
    """RNNCell/GRUCell/LSTMCell: ``params = G*H*(I + H) + 2*G*H``; ``FLOPs = 2*N*G*H*(I + H)``."""
    why = Why()
    gates, hidden, size_in = _GATES[type(m).__name__], m.hidden_size, m.input_size
    bias = bool(m.bias)
    if call.first_call:
        why.add(
            "params",
            "G*H*(I + H)" + (" + 2*G*H" if bias else ""),
            f"{gates}*{hidden}*({size_in} + {hidden})" + (f" + 2*{gates}*{hidden}" if bias else ""),
            gates * hidden * (size_in + hidden) + (2 * gates * hidden if bias else 0),
            Figure(FigureKind.PARAMS),
        )
    batch = call.x[0] if len(call.x) == 2 else 1
    why.add(
        "H_out", "H", str(hidden), hidden, Figure(FigureKind.OUTPUT_DIM, len(call.out_shape) - 1)
    )
    why.add(
        "FLOPs",
        "2*N*G*H*(I + H)",
        f"2*{batch}*{gates}*{hidden}*({size_in} + {hidden})",
        2 * batch * gates * hidden * (size_in + hidden),
        Figure(FigureKind.FLOPS),
    )
    return why


# --- attention ------------------------------------------------------------------------------


def attention_why(m: Any, call: Call) -> Why:
    """MultiheadAttention with embed dim E, h heads, query length L, key length S:
    ``params = E*E + E*kdim + E*vdim + 3E (in-projections) + E*E + E (out-projection)``;
    ``FLOPs = 2N(L*E*E + S*E*kdim + S*E*vdim) + 2N*L*S*E (scores QK^T) + 2N*L*S*E (weights·V)
    + 2N*L*E*E`` (out-projection); ``S`` grows by one per ``add_bias_kv``/``add_zero_attn``."""
    why = Why()
    e, heads = m.embed_dim, m.num_heads
    kdim, vdim = m.kdim, m.vdim
    in_bias = m.in_proj_bias is not None
    out_bias = m.out_proj.bias is not None
    bias_kv = m.bias_k is not None
    if call.first_call:
        symbolic = "E*E + E*kdim + E*vdim" + (" + 3*E" if in_bias else "") + " + E*E"
        numeric = f"{e}*{e} + {e}*{kdim} + {e}*{vdim}" + (f" + 3*{e}" if in_bias else "")
        numeric += f" + {e}*{e}"
        if out_bias:
            symbolic += " + E"
            numeric += f" + {e}"
        if bias_kv:
            symbolic += " + 2*E"
            numeric += f" + 2*{e}"
        value = e * e + e * kdim + e * vdim + (3 * e if in_bias else 0) + e * e
        value += (e if out_bias else 0) + (2 * e if bias_kv else 0)
        why.add("params", symbolic, numeric, value, Figure(FigureKind.PARAMS))
    q, k = call.in_shapes[0], call.in_shapes[1] if len(call.in_shapes) > 1 else call.in_shapes[0]
    unbatched = len(q) == 2
    if unbatched:
        batch, length, source = 1, q[0], k[0]
    elif m.batch_first:
        batch, length, source = q[0], q[1], k[1]
    else:
        batch, length, source = q[1], q[0], k[0]
    extra = int(bias_kv) + int(m.add_zero_attn)
    s_text = f"({source} + {extra})" if extra else str(source)
    keys = source + extra
    why.add("E_out", "E", str(e), e, Figure(FigureKind.OUTPUT_DIM, len(call.out_shape) - 1))
    numeric = (
        f"2*{batch}*({length}*{e}*{e} + {source}*{e}*{kdim} + {source}*{e}*{vdim}"
        f" + 2*{length}*{s_text}*{e} + {length}*{e}*{e})"
    )
    flops = (
        2
        * batch
        * (
            length * e * e
            + source * e * kdim
            + source * e * vdim
            + 2 * length * keys * e
            + length * e * e
        )
    )
    why.add(
        "FLOPs",
        "2*N*(L*E*E + S*E*kdim + S*E*vdim + 2*L*S*E + L*E*E)",
        numeric,
        flops,
        Figure(FigureKind.FLOPS),
    )
    why.notes.append(
        f"h = {heads} heads of E/h = {e // heads}; L = {length} queries, S = {keys} keys; "
        "FLOPs: q/k/v projections, scores QK^T, weights·V, out-projection; softmax not counted"
    )
    return why


# --- shape-only layers ----------------------------------------------------------------------


def prelu_why(m: Any, call: Call) -> Why:
    """``params = num_parameters`` (one slope, or one per channel)."""
    why = Why()
    if call.first_call:
        why.add(
            "params",
            "num_parameters",
            str(m.num_parameters),
            m.num_parameters,
            Figure(FigureKind.PARAMS),
        )
    why.notes.append("elementwise max(0,x) + a*min(0,x): shape unchanged; FLOPs 0")
    return why


def upsample_why(m: Any, call: Call) -> Why:
    """``out = floor(n * scale_factor)``, or ``size`` when given."""
    why = Why()
    nd = len(call.x) - 2
    if nd not in SPATIAL_NAMES:
        return why
    names = SPATIAL_NAMES[nd]
    spatial = call.x[-nd:]
    for i, name in enumerate(names):
        fig = Figure(FigureKind.OUTPUT_DIM, _out_axis(call, nd, i))
        if m.size is not None:
            size = _t(m.size, nd)[i]
            why.add(f"{name}_out", "size", str(size), int(size), fig)
        else:
            scale = _t(m.scale_factor, nd)[i]
            scale_text = repr(float(scale)) if not float(scale).is_integer() else str(int(scale))
            value = math.floor(spatial[i] * float(scale))
            why.add(
                f"{name}_out",
                f"floor({name} * scale_factor)",
                f"floor({spatial[i]}*{scale_text})",
                value,
                fig,
            )
    why.notes.append(f"mode={m.mode!r}; no parameters; FLOPs 0 (interpolation is not counted)")
    return why


def flatten_why(m: Any, call: Call) -> Why:
    """The flattened dims multiply: ``(N, C, H, W)`` → ``(N, C*H*W)``."""
    why = Why()
    x = call.x
    if not x:
        return why
    start = m.start_dim % len(x)
    end = m.end_dim % len(x)
    dims = x[start : end + 1]
    why.add(
        f"dim {start}",
        "product of dims " + f"{start}..{end}",
        _star(dims),
        _prod(dims),
        Figure(FigureKind.OUTPUT_DIM, start),
    )
    why.notes.append("a reshape: no parameters, FLOPs 0")
    return why


def elementwise_why(m: Any, call: Call) -> Why:
    """Activations, dropout, identity: shape unchanged, no parameters, 0 FLOPs."""
    why = Why()
    name = type(m).__name__
    if name.startswith(("Dropout", "AlphaDropout")):
        mode = (
            f"training: zeroes with p = {m.p} and scales by 1/(1-p)"
            if call.training
            else "eval: the identity"
        )
        why.notes.append(f"{mode}; no parameters; FLOPs 0")
    else:
        why.notes.append("elementwise: shape unchanged, no parameters, FLOPs 0 (not a MAC)")
    return why


def _table() -> list[tuple[tuple[type, ...], Callable[[Any, Call], Why]]]:
    from torch import nn

    return [
        (
            (
                nn.Conv1d,
                nn.Conv2d,
                nn.Conv3d,
                nn.ConvTranspose1d,
                nn.ConvTranspose2d,
                nn.ConvTranspose3d,
            ),
            conv_why,
        ),
        (
            (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d, nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d),
            pool_why,
        ),
        (
            (
                nn.AdaptiveAvgPool1d,
                nn.AdaptiveAvgPool2d,
                nn.AdaptiveAvgPool3d,
                nn.AdaptiveMaxPool1d,
                nn.AdaptiveMaxPool2d,
                nn.AdaptiveMaxPool3d,
            ),
            adaptive_pool_why,
        ),
        (
            (
                nn.BatchNorm1d,
                nn.BatchNorm2d,
                nn.BatchNorm3d,
                nn.LayerNorm,
                nn.GroupNorm,
                nn.InstanceNorm1d,
                nn.InstanceNorm2d,
                nn.InstanceNorm3d,
            ),
            norm_why,
        ),
        ((nn.Embedding, nn.EmbeddingBag), embedding_why),
        ((nn.Linear,), linear_why),
        ((nn.RNN, nn.GRU, nn.LSTM), recurrent_why),
        ((nn.RNNCell, nn.GRUCell, nn.LSTMCell), cell_why),
        ((nn.MultiheadAttention,), attention_why),
        ((nn.PReLU,), prelu_why),
        ((nn.Upsample,), upsample_why),
        ((nn.Flatten,), flatten_why),
        (
            (
                nn.Dropout,
                nn.Dropout1d,
                nn.Dropout2d,
                nn.Dropout3d,
                nn.AlphaDropout,
                nn.Identity,
                nn.ReLU,
                nn.ReLU6,
                nn.LeakyReLU,
                nn.ELU,
                nn.SELU,
                nn.CELU,
                nn.GELU,
                nn.SiLU,
                nn.Mish,
                nn.Sigmoid,
                nn.Tanh,
                nn.Hardtanh,
                nn.Hardswish,
                nn.Hardsigmoid,
                nn.Softplus,
                nn.Softmax,
                nn.LogSoftmax,
                nn.Softsign,
                nn.Tanhshrink,
                nn.Threshold,
            ),
            elementwise_why,
        ),
    ]


_TABLE: list[tuple[tuple[type, ...], Callable[[Any, Call], Why]]] | None = None


def layer_why(module: nn.Module, call: Call) -> Why:
    """The formula lines and notes for one call of ``module`` (empty for unknown types)."""
    global _TABLE
    if _TABLE is None:
        _TABLE = _table()
    if not call.in_shapes:
        return Why()  # called with keyword arguments only: no input shape to reason from
    for types, explain in _TABLE:
        if isinstance(module, types):
            try:
                why = explain(module, call)
            except (AttributeError, IndexError, KeyError, TypeError, ValueError) as error:
                # A configuration the formulas do not model; the row's figures stand anyway.
                return Why(notes=[f"no formula for this configuration ({type(error).__name__})"])
            if not call.first_call and any(True for _ in module.parameters()):
                why.notes.append("parameters shared with the first call: counted once")
            return why
    return Why()
