"""The worker: a process forked (inside the sandbox) from the torch-preloaded server of
:mod:`quizkit.exercises.server`. It imports the student's file and answers typed requests
(:mod:`quizkit.exercises.protocol`) from the grader. It never sees an expected output; it returns
what the student code produced, and the forbidden work the tracer recorded.

Confinement (descriptors, limits, seccomp, audit hook) is :mod:`quizkit.exercises.isolation`.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import sys
import traceback
from dataclasses import dataclass
from typing import Any

import torch

from quizkit.exercises import isolation, protocol
from quizkit.exercises.forbidden import Tracer
from quizkit.exercises.protocol import (
    CallReply,
    CallRequest,
    ChainReply,
    ChainRequest,
    ErrorInfo,
    ErrorReply,
    ImportReply,
    ImportRequest,
    MissingReply,
    ModuleReply,
    ModuleRequest,
    Reply,
    Request,
)

STUDENT_MODULE = "quizkit_student"
NN_KEY = protocol.NN_KEY
REF_KEY = protocol.REF_KEY
# Modules a request may ask the worker to build (e.g. children of a container under test).
NN_WHITELIST = ("Linear", "ReLU", "Tanh", "Sigmoid", "Identity", "Flatten", "Conv2d", "GELU")
_TORCH_DIR = os.path.dirname(torch.__file__) + os.sep


def warm() -> None:
    """Pay one-off costs in the server, not in every forked worker: lazy imports of the tracing
    modes, first autograd graph, first dispatch through a Python mode, the codecs."""
    x = torch.ones(2, 2, dtype=torch.float64, requires_grad=True)
    with Tracer().watch():
        y = (x * x).exp().sum(dim=0)
        torch.autograd.grad(y, [x], torch.ones_like(y))
        torch.ones(3, 3) @ torch.ones(3, 3)
    reply = CallReply(value=[x.detach(), torch.ones(1, dtype=torch.float32)])
    protocol.reply_from_wire(protocol.reply_to_wire(reply, 0, []))
    traceback.extract_tb(None)


@dataclass
class _State:
    path: str
    tracer: Tracer
    module: Any = None


def serve(channel_fd: int, output_fd: int, config: dict[str, Any]) -> None:
    """Entry point in the forked worker: confine, then answer requests until the channel closes.

    Every reply echoes the request's ``id``: a reply written by student code (which never sees
    the id) is detected by the grader as out of sequence.
    """
    isolation.close_inherited_fds((channel_fd, output_fd))
    uid = config.get("uid")
    if uid is not None:  # process isolation under a root grader: the zone's own uid
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    limits = isolation.WorkerLimits(**config["limits"])
    isolation.confine(limits, output_fd)
    sys.path.insert(0, os.path.dirname(config["path"]))
    os.chdir(config["cwd"])  # files the student writes land in its scratch directory
    tracer = Tracer.from_wire(config["forbidden"])
    state = _State(path=config["path"], tracer=tracer)
    channel = socket.socket(fileno=channel_fd)
    guard = isolation.install_guard(tracer.note, _TORCH_DIR)
    isolation.single_threaded_torch()
    if not isolation.install_seccomp() and config.get("require_seccomp"):
        os._exit(71)
    for name in [m for m in sys.modules if m == "quizkit" or m.startswith("quizkit.")]:
        del sys.modules[name]  # an `import quizkit...` in student code gets fresh copies
    while True:
        try:
            raw = _recv_frame(channel)
            request_id, request = protocol.request_from_wire(raw)
        except (EOFError, OSError, protocol.ProtocolError, KeyError, TypeError):
            os._exit(0)
        tracer.hits = []
        error: BaseException | None = None
        message = ""
        guard[0] = True
        try:
            reply = handle(request, state)
        except BaseException as raised:  # the student may raise anything, SystemExit too
            error = raised
            message = _message_of(raised)  # student __str__: runs with the guard still on
            reply = MissingReply("")
        finally:
            guard[0] = False
        if error is not None:
            reply = ErrorReply(_describe_error(error, message))
        try:
            data = protocol.reply_to_wire(reply, request_id, tracer.hits)
        except Exception as failure:
            info = ErrorInfo("EncodeError", _message_of(failure))
            data = protocol.reply_to_wire(ErrorReply(info), request_id, tracer.hits)
        protocol.send_frame(channel, data)


def _recv_frame(channel: socket.socket) -> bytes:
    header = _recv_exact(channel, protocol.HEADER.size)
    (size,) = protocol.HEADER.unpack(header)
    return _recv_exact(channel, size)


def _recv_exact(channel: socket.socket, size: int) -> bytes:
    chunks = []
    while size:
        chunk = channel.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _message_of(error: BaseException) -> str:
    try:
        return str(error)[:500]
    except BaseException:
        return "<unprintable>"


def _describe_error(error: BaseException, message: str) -> ErrorInfo:
    if isinstance(error, SystemExit):
        try:
            code = repr(error.code)[:100]
        except BaseException:
            code = "?"
        return ErrorInfo("SystemExit", f"called exit({code})", ("SystemExit",))
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if f.filename not in (__file__,) and "quizkit/exercises" not in f.filename
    ]
    where = ""
    if frames:
        last = frames[-1]
        where = f"{os.path.basename(last.filename)}:{last.lineno} in {last.name}"
    return ErrorInfo(
        type=type(error).__name__,
        message=message,
        mro=tuple(c.__name__ for c in type(error).__mro__),
        where=where,
    )


def handle(request: Request, state: _State) -> Reply:
    if isinstance(request, ImportRequest):
        return _import(state)
    module = state.module
    if module is None:
        return ErrorReply(ErrorInfo("ImportError", "the file was not imported"))
    torch.manual_seed(request.seed)
    if isinstance(request, CallRequest):
        return _call(module, request, state.tracer)
    if isinstance(request, ChainRequest):
        return _chain(module, request, state.tracer)
    if isinstance(request, ModuleRequest):
        return _module(module, request, state.tracer)
    return ErrorReply(ErrorInfo("ProtocolError", f"unknown request {type(request).__name__}"))


def _import(state: _State) -> Reply:
    path = state.path
    spec = importlib.util.spec_from_file_location(STUDENT_MODULE, path)
    if spec is None or spec.loader is None:
        return ErrorReply(ErrorInfo("ImportError", f"cannot import {os.path.basename(path)}"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[STUDENT_MODULE] = module
    with state.tracer.watch(allow_list=False):
        spec.loader.exec_module(module)
    state.module = module
    return ImportReply(tuple(sorted(n for n in vars(module) if not n.startswith("__"))))


def _lookup(module: Any, name: str) -> Any:
    return getattr(module, name, None)


def _materialize(value: Any) -> Any:
    """Decoded request values → call arguments: builds requested nn modules."""
    if isinstance(value, dict) and set(value) == {NN_KEY}:
        name, args, kwargs, params = value[NN_KEY]
        if name not in NN_WHITELIST:
            raise ValueError(f"module {name} not allowed")
        built = getattr(torch.nn, name)(*args, **kwargs).double()
        with torch.no_grad():
            for p, v in zip(built.parameters(), params, strict=True):
                p.copy_(v)
        return built
    if isinstance(value, list):
        return [_materialize(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_materialize(v) for v in value)
    return value


def _outputs(value: Any) -> list[Any]:
    if isinstance(value, tuple | list):
        return list(value)
    return [value]


def _grads(outs: Any, wrt: list[Any], upstream: list[Any]) -> list[Any] | str:
    pairs = [
        (o, g)
        for o, g in zip(_outputs(outs), upstream, strict=False)
        if isinstance(o, torch.Tensor) and g is not None
    ]
    if len(pairs) != sum(g is not None for g in upstream):
        return "the output is not a tensor (or not as many tensors as expected)"
    if not all(o.requires_grad for o, _ in pairs):
        return "the output does not require grad: it is not connected to the inputs by autograd"
    if any(o.shape != g.shape for o, g in pairs):
        return "the output has the wrong shape; gradients were not computed"
    grads = torch.autograd.grad(
        [o for o, _ in pairs],
        wrt,
        [g.to(o.dtype) for o, g in pairs],
        allow_unused=True,
    )
    return list(grads)


def _call(module: Any, request: CallRequest, tracer: Tracer) -> Reply:
    fn = _lookup(module, request.target)
    if fn is None or not callable(fn):
        return MissingReply(request.target)
    args = list(_materialize(request.args))
    kwargs = dict(_materialize(request.kwargs))
    wrt = []
    for key in request.grad_wrt:
        holder: Any = args if isinstance(key, int) else kwargs
        holder[key] = holder[key].detach().requires_grad_(True)
        wrt.append(holder[key])
    originals = list(args) + list(kwargs.values())
    with tracer.watch():
        out = fn(*args, **kwargs)
        grads: Any = None
        if wrt:
            grads = _grads(out, wrt, request.upstream)
    return CallReply(
        value=out,
        same_object=tuple(i for i, a in enumerate(originals) if a is out),
        args_after=[a.detach() if isinstance(a, torch.Tensor) else a for a in args],
        kwargs_after={
            k: v.detach() if isinstance(v, torch.Tensor) else v for k, v in kwargs.items()
        },
        grads=grads if isinstance(grads, list) else None,
        grad_error=grads if isinstance(grads, str) else "",
    )


def _resolve_refs(value: Any, results: list[Any]) -> Any:
    if isinstance(value, dict) and set(value) == {REF_KEY}:
        i, j = value[REF_KEY]
        out = results[i]
        return out if j is None else _outputs(out)[j]
    if isinstance(value, list):
        return [_resolve_refs(v, results) for v in value]
    if isinstance(value, tuple):
        return tuple(_resolve_refs(v, results) for v in value)
    if isinstance(value, dict):
        return {k: _resolve_refs(v, results) for k, v in value.items()}
    return value


def _chain(module: Any, request: ChainRequest, tracer: Tracer) -> Reply:
    """Calls in sequence; an argument :func:`protocol.ref` ``(i, j)`` is output ``j`` of call
    ``i``."""
    results: list[Any] = []
    for call in request.calls:
        fn = _lookup(module, call.target)
        if fn is None or not callable(fn):
            return MissingReply(call.target)
        args = _resolve_refs(call.args, results)
        kwargs = _resolve_refs(call.kwargs, results)
        with tracer.watch():
            out = fn(*args, **kwargs)
        if isinstance(out, tuple | list):
            out = tuple(o.detach().clone() if isinstance(o, torch.Tensor) else o for o in out)
        results.append(out)
    return ChainReply(results)


def _module(module: Any, request: ModuleRequest, tracer: Tracer) -> Reply:
    cls = _lookup(module, request.target)
    if cls is None:
        return MissingReply(request.target)
    init_args = _materialize(request.init_args)
    with tracer.watch():
        instance = cls(*init_args)
    tracer.check_module(instance, request.target)
    if not isinstance(instance, torch.nn.Module):
        return ErrorReply(ErrorInfo("TypeError", f"{request.target} is not an nn.Module"))
    instance = instance.double()
    params = list(instance.parameters())
    shapes = [list(p.shape) for p in params]
    keys = list(instance.state_dict().keys())
    wanted = request.params
    if wanted is not None:
        if [list(w.shape) for w in wanted] != shapes:
            return ModuleReply(param_shapes=shapes, state_keys=keys, loaded=False)
        with torch.no_grad():
            for p, w in zip(params, wanted, strict=True):
                p.copy_(w)
    x = request.input.detach().requires_grad_(bool(request.grad))
    grads: Any = None
    with tracer.watch():
        out = instance(x)
        if request.grad:
            grads = _grads(out, [x, *params], [request.upstream])
    return ModuleReply(
        param_shapes=shapes,
        state_keys=keys,
        value=out,
        input_after=x.detach(),
        grads=grads if isinstance(grads, list) else None,
        grad_error=grads if isinstance(grads, str) else "",
    )
