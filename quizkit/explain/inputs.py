"""The inputs a module is explained on: ``--input`` specs, their dtypes and how they are passed.

A spec is a shape with an optional dtype suffix: ``1,3,32,32``, ``4x50:long``, ``2,8:float64``.
Without a suffix the dtype follows the module: a module whose first layer is an
:class:`~torch.nn.Embedding` or :class:`~torch.nn.EmbeddingBag` gets ``int64`` indices, drawn in
``[0, num_embeddings)`` when real values are needed (the CPU checks and the tests); anything
else gets ``float32``. On the meta device a tensor has a shape and a dtype but no values.

``--input`` is repeatable: each spec is one positional argument of ``forward``. Attention
modules given fewer inputs than they take attend to themselves: one input to
:class:`~torch.nn.MultiheadAttention` is ``(q, q, q)`` (self-attention), two are ``(q, kv, kv)``;
one input to :class:`~torch.nn.Transformer` or a decoder is ``(x, x)`` (source = target, or
memory = target).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from quizkit.errors import UsageError

if TYPE_CHECKING:
    import torch
    from torch import nn

T = TypeVar("T")

# Suffix → torch dtype name. Aliases follow torch's own (long = int64, half = float16...).
DTYPE_SUFFIXES: dict[str, str] = {
    "float": "float32",
    "float32": "float32",
    "double": "float64",
    "float64": "float64",
    "half": "float16",
    "float16": "float16",
    "bfloat16": "bfloat16",
    "long": "int64",
    "int64": "int64",
    "int": "int32",
    "int32": "int32",
    "bool": "bool",
}

INDEX_DTYPES = frozenset({"int64", "int32"})


@dataclass(frozen=True)
class InputSpec:
    """One positional input: its shape and, if the user said so, its dtype."""

    shape: tuple[int, ...]
    dtype: str | None = None
    """A value of :data:`DTYPE_SUFFIXES`; ``None`` lets the module decide (see the module doc)."""

    def describe(self) -> str:
        shape = "×".join(str(n) for n in self.shape)
        return f"{shape}:{self.dtype}" if self.dtype else shape


@dataclass(frozen=True)
class ResolvedInput:
    """An input as it is passed: shape, dtype, and the index range for integer inputs."""

    shape: tuple[int, ...]
    dtype: str
    high: int | None = None
    """Integer inputs are drawn from ``[0, high)`` (``num_embeddings`` of the first layer)."""

    def tensor(self, device: str) -> torch.Tensor:
        """An input tensor: empty on ``meta``, in-range indices or standard normals elsewhere."""
        import torch

        dtype = getattr(torch, self.dtype)
        if device == "meta":
            return torch.empty(self.shape, dtype=dtype, device="meta")
        if self.dtype in INDEX_DTYPES:
            return torch.randint(0, self.high or 2, self.shape, dtype=dtype, device=device)
        if self.dtype == "bool":
            return torch.zeros(self.shape, dtype=dtype, device=device)
        return torch.randn(self.shape, device=device).to(dtype)

    def to_json(self) -> dict[str, object]:
        return {"shape": list(self.shape), "dtype": self.dtype, "index_high": self.high}


def split_suffix(text: str) -> tuple[str, str | None]:
    """``"4,50:long"`` → ``("4,50", "int64")``; an unknown suffix is a usage error."""
    body, sep, suffix = text.rpartition(":")
    if not sep:
        return text, None
    name = DTYPE_SUFFIXES.get(suffix.strip().lower())
    if name is None:
        known = ", ".join(sorted(DTYPE_SUFFIXES))
        raise UsageError(f"--input {text!r}: unknown dtype suffix {suffix!r} (known: {known})")
    return body, name


def first_layer(module: nn.Module) -> nn.Module:
    """The first leaf in definition order: what a plain ``Sequential`` applies first."""
    current = module
    while True:
        child = next(current.children(), None)
        if child is None:
            return current
        current = child


def resolve(module: nn.Module, specs: tuple[InputSpec, ...]) -> tuple[ResolvedInput, ...]:
    """Give every spec its dtype (see the module doc); integer inputs get their index range."""
    from torch import nn

    first = first_layer(module)
    index_high = first.num_embeddings if isinstance(first, nn.Embedding | nn.EmbeddingBag) else None
    resolved = []
    for spec in specs:
        dtype = spec.dtype or ("int64" if index_high is not None else "float32")
        high = index_high if dtype in INDEX_DTYPES else None
        resolved.append(ResolvedInput(spec.shape, dtype, high))
    return tuple(resolved)


def positional_args(module: nn.Module, inputs: tuple[T, ...]) -> tuple[T, ...]:
    """Complete an attention module's inputs: q → (q, q, q), (q, kv) → (q, kv, kv), and one
    input to a Transformer or decoder → (x, x). The same object is repeated, so attention
    modules see one tensor as query, key and value, exactly as in self-attention code."""
    from torch import nn

    if isinstance(module, nn.MultiheadAttention):
        if len(inputs) == 1:
            return inputs * 3
        if len(inputs) == 2:
            return (*inputs, inputs[1])
    elif (
        isinstance(module, nn.Transformer | nn.TransformerDecoderLayer | nn.TransformerDecoder)
        and len(inputs) == 1
    ):
        return inputs * 2
    return inputs
