"""The messages between the grader and a worker: one typed request and one typed reply per
operation, and the only place that knows how they look on the wire.

A message is a frame: an 8-byte big-endian length, then a pickle of a plain-data tree
(``None``/``bool``/``int``/``float``/``str``/``bytes``/``list``/``tuple``/``dict``), unpickled with
:class:`SafeUnpickler`, which refuses every global: a reply crafted by student code can only
ever decode to such a tree. Tensors travel as ``{"__tensor__": [dtype, shape, raw bytes]}``;
other objects as ``{"__object__": [type, repr]}``.

The grader reads a frame with :func:`read_frame`: a deadline covers the whole frame (a length
header followed by a partial payload cannot stall it), and the length is checked before the
payload is read. :func:`decode` charges every value it rebuilds against a budget, counting a
shared reference each time it is reached, so a small pickle that repeats one string many
times is refused before anything describes it.
"""

from __future__ import annotations

import io
import os
import pickle
import select
import socket
import struct
import time
from dataclasses import dataclass, field
from typing import Any

TENSOR_KEY = "__tensor__"
NN_KEY = "__nn__"  # {"__nn__": [class name, args, kwargs, parameters]}: a module the worker builds
REF_KEY = "__ref__"  # {"__ref__": [i, j]}: output j of call i of a chain request
OBJECT_KEY = "__object__"
MAX_DEPTH = 20
MAX_REPR = 300
HEADER = struct.Struct("!Q")
DECODE_BUDGET = 256 * 1024 * 1024  # bytes of rebuilt values per message, shared references counted

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


class _Budget:
    def __init__(self, limit: int) -> None:
        self.left = limit

    def charge(self, amount: int) -> None:
        self.left -= amount
        if self.left < 0:
            raise ProtocolError("the message expands to more than the grader accepts")


def decode(tree: Any, depth: int = 0, budget: _Budget | None = None) -> Any:
    """Inverse of :func:`encode`; validates every tensor header against its payload and charges
    each rebuilt value (a string reached twice is charged twice) against
    :data:`DECODE_BUDGET`."""
    budget = budget or _Budget(DECODE_BUDGET)
    if depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    budget.charge(16)
    if tree is None or isinstance(tree, bool | int | float):
        return tree
    if isinstance(tree, str | bytes):
        budget.charge(len(tree))
        return tree
    if isinstance(tree, tuple):
        return tuple(decode(v, depth + 1, budget) for v in tree)
    if isinstance(tree, list):
        return [decode(v, depth + 1, budget) for v in tree]
    if isinstance(tree, dict):
        if set(tree) == {TENSOR_KEY}:
            return _decode_tensor(tree[TENSOR_KEY], budget)
        if set(tree) == {OBJECT_KEY}:
            info = tree[OBJECT_KEY]
            if isinstance(info, list) and len(info) == 2:
                return Opaque(str(info[0])[:MAX_REPR], str(info[1])[:MAX_REPR])
            raise ProtocolError("malformed object entry")
        return {str(k)[:MAX_REPR]: decode(v, depth + 1, budget) for k, v in tree.items()}
    raise ProtocolError(f"unexpected {type(tree).__name__} in message")


def _decode_tensor(header: Any, budget: _Budget | None = None) -> Any:
    import torch

    if not (isinstance(header, list) and len(header) == 3):
        raise ProtocolError("malformed tensor entry")
    dtype_name, shape, raw = header
    if dtype_name not in _DTYPES or not isinstance(raw, bytes) or not isinstance(shape, list):
        raise ProtocolError("malformed tensor entry")
    if len(shape) > 16 or not all(
        isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape
    ):
        raise ProtocolError("malformed tensor shape")
    if budget is not None:
        budget.charge(len(raw))
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


# ---------------------------------------------------------------- frames


class ChannelClosed(ProtocolError):
    """The other end closed the channel (the worker died)."""


class FrameTimeout(ProtocolError):
    """The whole frame did not arrive before the deadline."""


def send_frame(sock: socket.socket, data: bytes) -> None:
    """Blocking write of one frame (the worker's side)."""
    sock.sendall(HEADER.pack(len(data)) + data)


def read_frame(sock: socket.socket, *, deadline: float, max_bytes: int) -> bytes:
    """One frame, or :class:`FrameTimeout` when it is not complete by ``deadline``
    (``time.monotonic``), :class:`ChannelClosed` on EOF, :class:`ProtocolError` when the header
    announces more than ``max_bytes``. The payload is never read past ``max_bytes``."""
    header = _read_exact(sock, HEADER.size, deadline)
    (size,) = HEADER.unpack(header)
    if size > max_bytes:
        raise ProtocolError(f"a reply of {size} bytes (the limit is {max_bytes})")
    return _read_exact(sock, size, deadline)


def _read_exact(sock: socket.socket, size: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    left = size
    fd = sock.fileno()
    while left:
        wait = deadline - time.monotonic()
        if wait <= 0:
            raise FrameTimeout("no complete reply before the deadline")
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            continue
        try:
            chunk = os.read(fd, min(left, 1 << 20))
        except BlockingIOError:
            continue
        except OSError as error:
            raise ChannelClosed(f"the channel failed ({error.strerror or error})") from None
        if not chunk:
            raise ChannelClosed("the worker closed the channel")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# ---------------------------------------------------------------- requests


@dataclass(frozen=True)
class ImportRequest:
    """Import the student's file; the reply lists the names it defines."""


@dataclass(frozen=True)
class CallRequest:
    """``target(*args, **kwargs)``; with ``grad_wrt`` (argument indices or keyword names) the
    worker also backpropagates ``upstream`` (one gradient per tensor output)."""

    target: str
    args: list[Any]
    kwargs: dict[str, Any]
    seed: int
    grad_wrt: tuple[int | str, ...] = ()
    upstream: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class ChainCall:
    """One call of a :class:`ChainRequest`; an argument :func:`ref` ``(i, j)`` is output ``j`` of
    call ``i`` (``j=None``: the whole output)."""

    target: str
    args: list[Any]
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChainRequest:
    """Calls in sequence, later ones fed the outputs of earlier ones; the reply holds every
    output."""

    calls: tuple[ChainCall, ...]
    seed: int


@dataclass(frozen=True)
class ModuleRequest:
    """Build ``target(*init_args)`` (an ``nn.Module``), load ``params`` (registration order) when
    the shapes match, run it on ``input`` and, with ``grad``, backpropagate ``upstream``."""

    target: str
    init_args: list[Any]
    params: list[Any] | None
    input: Any
    seed: int
    grad: bool = False
    upstream: Any = None


Request = ImportRequest | CallRequest | ChainRequest | ModuleRequest


def ref(call: int, output: int | None = None) -> dict[str, Any]:
    """A chain argument: output ``output`` of call number ``call``."""
    return {REF_KEY: [call, output]}


def nn_module(name: str, args: list[Any], kwargs: dict[str, Any], params: list[Any]) -> Any:
    """A request argument that the worker builds: ``torch.nn.<name>(*args, **kwargs)`` in float64
    with ``params`` copied in."""
    return {NN_KEY: [name, args, kwargs, params]}


def _request_tree(request: Request) -> tuple[str, dict[str, Any]]:
    if isinstance(request, ImportRequest):
        return "import", {}
    if isinstance(request, CallRequest):
        return "call", {
            "target": request.target,
            "args": encode(list(request.args)),
            "kwargs": encode(dict(request.kwargs)),
            "grad_wrt": list(request.grad_wrt),
            "upstream": encode(list(request.upstream)),
            "seed": request.seed,
        }
    if isinstance(request, ChainRequest):
        calls = [[c.target, encode(list(c.args)), encode(dict(c.kwargs))] for c in request.calls]
        return "chain", {"calls": calls, "seed": request.seed}
    return "module", {
        "target": request.target,
        "init_args": encode(list(request.init_args)),
        "params": encode(request.params),
        "input": encode(request.input),
        "grad": bool(request.grad),
        "upstream": encode(request.upstream),
        "seed": request.seed,
    }


def request_to_wire(request: Request, request_id: int) -> bytes:
    op, body = _request_tree(request)
    return dumps({"op": op, "id": request_id, "body": body})


def request_from_wire(data: bytes) -> tuple[int, Request]:
    """The worker's side: ``(id, request)``; tensors decoded, ``__nn__``/``__ref__`` entries kept
    for the worker to resolve."""
    tree = loads(data)
    op, request_id, body = tree["op"], tree["id"], tree["body"]
    if op == "import":
        return request_id, ImportRequest()
    if op == "call":
        return request_id, CallRequest(
            target=body["target"],
            args=decode(body["args"]),
            kwargs=decode(body["kwargs"]),
            seed=int(body["seed"]),
            grad_wrt=tuple(body["grad_wrt"]),
            upstream=decode(body["upstream"]),
        )
    if op == "chain":
        calls = tuple(ChainCall(t, decode(a), decode(k)) for t, a, k in body["calls"])
        return request_id, ChainRequest(calls=calls, seed=int(body["seed"]))
    if op == "module":
        return request_id, ModuleRequest(
            target=body["target"],
            init_args=decode(body["init_args"]),
            params=decode(body["params"]),
            input=decode(body["input"]),
            seed=int(body["seed"]),
            grad=bool(body["grad"]),
            upstream=decode(body["upstream"]),
        )
    raise ProtocolError(f"unknown request {op!r}")


# ---------------------------------------------------------------- replies


@dataclass(frozen=True)
class ErrorInfo:
    """An exception raised by student code (or a failure to encode its result)."""

    type: str
    message: str
    mro: tuple[str, ...] = ()
    where: str = ""

    def text(self) -> str:
        out = f"{self.type}: {self.message}"
        return out + (f" (at {self.where})" if self.where else "")


@dataclass(frozen=True)
class ErrorReply:
    error: ErrorInfo


@dataclass(frozen=True)
class MissingReply:
    """The student's file does not define ``name`` (or it is not callable)."""

    name: str


@dataclass(frozen=True)
class ImportReply:
    names: tuple[str, ...]


@dataclass(frozen=True)
class CallReply:
    value: Any
    same_object: tuple[int, ...] = ()  # arguments (positional, then keyword) returned as is
    args_after: list[Any] = field(default_factory=list)
    kwargs_after: dict[str, Any] = field(default_factory=dict)
    grads: list[Any] | None = None
    grad_error: str = ""


@dataclass(frozen=True)
class ChainReply:
    values: list[Any]


@dataclass(frozen=True)
class ModuleReply:
    param_shapes: list[list[int]]
    state_keys: list[str]
    value: Any = None
    input_after: Any = None
    grads: list[Any] | None = None
    grad_error: str = ""
    loaded: bool = True  # False: the parameter shapes differ, nothing was run


Reply = ErrorReply | MissingReply | ImportReply | CallReply | ChainReply | ModuleReply


@dataclass(frozen=True)
class Answer:
    """A decoded reply and the forbidden work the worker recorded while answering."""

    reply: Reply
    forbidden: tuple[str, ...] = ()


def _reply_tree(reply: Reply) -> tuple[str, dict[str, Any]]:
    if isinstance(reply, ErrorReply):
        e = reply.error
        return "error", {"type": e.type, "message": e.message, "mro": list(e.mro), "where": e.where}
    if isinstance(reply, MissingReply):
        return "missing", {"name": reply.name}
    if isinstance(reply, ImportReply):
        return "import", {"names": list(reply.names)}
    if isinstance(reply, CallReply):
        return "call", {
            "value": encode(reply.value),
            "same_object": list(reply.same_object),
            "args_after": encode(reply.args_after),
            "kwargs_after": encode(reply.kwargs_after),
            "grads": encode(reply.grads),
            "grad_error": reply.grad_error,
        }
    if isinstance(reply, ChainReply):
        return "chain", {"values": encode(reply.values)}
    return "module", {
        "param_shapes": reply.param_shapes,
        "state_keys": reply.state_keys,
        "value": encode(reply.value),
        "input_after": encode(reply.input_after),
        "grads": encode(reply.grads),
        "grad_error": reply.grad_error,
        "loaded": reply.loaded,
    }


def reply_to_wire(reply: Reply, request_id: Any, forbidden: list[str]) -> bytes:
    op, body = _reply_tree(reply)
    return dumps({"op": op, "id": request_id, "forbidden": list(forbidden), "body": body})


def reply_from_wire(data: bytes) -> tuple[Any, Answer]:
    """The grader's side: ``(id, answer)``; raises :class:`ProtocolError` for anything that is
    not a well-formed reply."""
    tree = loads(data)
    if not isinstance(tree, dict) or set(tree) != {"op", "id", "forbidden", "body"}:
        raise ProtocolError("not a reply")
    body, budget = tree["body"], _Budget(DECODE_BUDGET)
    if not isinstance(body, dict):
        raise ProtocolError("not a reply")
    forbidden = tree["forbidden"]
    if not isinstance(forbidden, list):
        raise ProtocolError("not a reply")
    hits = tuple(str(h)[:MAX_REPR] for h in forbidden[:20])
    try:
        reply = _reply_from_tree(tree["op"], body, budget)
    except (KeyError, TypeError, ValueError) as error:
        raise ProtocolError(f"malformed {tree['op']!r} reply ({type(error).__name__})") from None
    return tree["id"], Answer(reply, hits)


def _text(value: Any, limit: int = 2000) -> str:
    return str(value)[:limit] if isinstance(value, str) else ""


def _reply_from_tree(op: Any, body: dict[str, Any], budget: _Budget) -> Reply:
    def d(key: str) -> Any:
        return decode(body.get(key), 0, budget)

    if op == "error":
        return ErrorReply(
            ErrorInfo(
                type=_text(body["type"], MAX_REPR),
                message=_text(body["message"]),
                mro=tuple(_text(m, MAX_REPR) for m in list(body.get("mro") or [])[:50]),
                where=_text(body.get("where"), MAX_REPR),
            )
        )
    if op == "missing":
        return MissingReply(_text(body["name"], MAX_REPR))
    if op == "import":
        names = d("names")
        return ImportReply(tuple(n for n in names if isinstance(n, str)))
    if op == "call":
        grads = d("grads")
        args_after = d("args_after")
        kwargs_after = d("kwargs_after")
        return CallReply(
            value=d("value"),
            same_object=tuple(i for i in d("same_object") or [] if isinstance(i, int)),
            args_after=args_after if isinstance(args_after, list) else [],
            kwargs_after=kwargs_after if isinstance(kwargs_after, dict) else {},
            grads=grads if isinstance(grads, list) else None,
            grad_error=_text(body.get("grad_error")),
        )
    if op == "chain":
        values = d("values")
        return ChainReply(values if isinstance(values, list) else [])
    if op == "module":
        grads = d("grads")
        return ModuleReply(
            param_shapes=d("param_shapes"),
            state_keys=d("state_keys"),
            value=d("value"),
            input_after=d("input_after"),
            grads=grads if isinstance(grads, list) else None,
            grad_error=_text(body.get("grad_error")),
            loaded=bool(body.get("loaded", True)),
        )
    raise ProtocolError(f"unknown reply {str(op)[:40]!r}")
