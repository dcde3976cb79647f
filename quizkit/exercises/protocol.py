"""The wire format between the grader and a worker: plain data only, never student objects.

Both directions carry trees of ``None``/``bool``/``int``/``float``/``str``/``bytes``/``list``/
``tuple``/``dict``, pickled, and unpickled with :class:`SafeUnpickler`, which refuses every
global: a reply crafted by student code can only ever decode to such a tree. Tensors travel as
``{"__tensor__": [dtype, shape, raw bytes]}``; other objects as ``{"__object__": type, repr}``.
"""

from __future__ import annotations

import io
import pickle
from typing import Any

TENSOR_KEY = "__tensor__"
NN_KEY = "__nn__"  # {"__nn__": [class name, args, kwargs, parameters]}: a module the worker builds
REF_KEY = "__ref__"  # {"__ref__": [i, j]}: output j of call i of a chain request
OBJECT_KEY = "__object__"
MAX_DEPTH = 20
MAX_REPR = 300

_DTYPES = (
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool",
)


class ProtocolError(Exception):
    """A message that does not decode to the expected plain-data tree."""


class SafeUnpickler(pickle.Unpickler):
    """Unpickles only builtin containers and scalars: any global lookup is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise ProtocolError(f"refusing to unpickle global {module}.{name}")


def dumps(tree: Any) -> bytes:
    return pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> Any:
    try:
        return SafeUnpickler(io.BytesIO(data)).load()
    except ProtocolError:
        raise
    except Exception as error:  # any malformed stream
        raise ProtocolError(f"malformed message: {type(error).__name__}: {error}") from None


def encode(value: Any, depth: int = 0) -> Any:
    """Turn ``value`` (tensors, scalars, containers) into a plain-data tree."""
    import torch

    if depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    if value is None or isinstance(value, bool | int | float | str | bytes):
        return value
    if isinstance(value, torch.Tensor):
        t = value.detach()
        dtype = str(t.dtype).removeprefix("torch.")
        if dtype not in _DTYPES or t.is_complex() or t.device.type != "cpu":
            return {OBJECT_KEY: ["Tensor", f"tensor of dtype {t.dtype} on {t.device}"]}
        flat = torch.Tensor.contiguous(t).reshape(-1)
        raw = flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b""
        return {TENSOR_KEY: [dtype, list(t.shape), raw]}
    if isinstance(value, torch.Size):
        return tuple(int(v) for v in value)
    if isinstance(value, tuple):
        return tuple(encode(v, depth + 1) for v in value)
    if isinstance(value, list):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v, depth + 1) for k, v in value.items()}
    try:
        text = repr(value)[:MAX_REPR]
    except Exception:
        text = "<unrepresentable>"
    return {OBJECT_KEY: [type(value).__name__, text]}


class Opaque:
    """An object the worker could not encode (e.g. a numpy array): only its type and repr."""

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.text}>"


def decode(tree: Any, depth: int = 0) -> Any:
    """Inverse of :func:`encode`; validates every tensor header against its payload."""
    if depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    if tree is None or isinstance(tree, bool | int | float | str | bytes):
        return tree
    if isinstance(tree, tuple):
        return tuple(decode(v, depth + 1) for v in tree)
    if isinstance(tree, list):
        return [decode(v, depth + 1) for v in tree]
    if isinstance(tree, dict):
        if set(tree) == {TENSOR_KEY}:
            return _decode_tensor(tree[TENSOR_KEY])
        if set(tree) == {OBJECT_KEY}:
            info = tree[OBJECT_KEY]
            if isinstance(info, list) and len(info) == 2:
                return Opaque(str(info[0])[:MAX_REPR], str(info[1])[:MAX_REPR])
            raise ProtocolError("malformed object entry")
        return {str(k): decode(v, depth + 1) for k, v in tree.items()}
    raise ProtocolError(f"unexpected {type(tree).__name__} in message")


def _decode_tensor(header: Any) -> Any:
    import torch

    if not (isinstance(header, list) and len(header) == 3):
        raise ProtocolError("malformed tensor entry")
    dtype_name, shape, raw = header
    if dtype_name not in _DTYPES or not isinstance(raw, bytes) or not isinstance(shape, list):
        raise ProtocolError("malformed tensor entry")
    if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape):
        raise ProtocolError("malformed tensor shape")
    dtype = getattr(torch, dtype_name)
    numel = 1
    for s in shape:
        numel *= s
    itemsize = torch.empty((), dtype=dtype).element_size()
    if numel * itemsize != len(raw):
        raise ProtocolError("tensor payload does not match its shape")
    if numel == 0:
        return torch.empty(shape, dtype=dtype)
    flat = torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(dtype)
    return flat.reshape(shape).clone()
