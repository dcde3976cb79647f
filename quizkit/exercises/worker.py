"""The worker: a process forked from a torch-preloaded fork server that imports the student's
file and runs requests from the grader. It never sees an expected output; it returns what the
student code produced, encoded as plain data (:mod:`quizkit.exercises.protocol`).

Requests (dicts): ``{"op": "import"}``, ``{"op": "call", ...}``, ``{"op": "chain", ...}``,
``{"op": "module", ...}``; see :func:`handle`. Every reply has ``"forbidden"`` (calls traced during
the request) and either a result or ``"error"`` / ``"missing"``.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import resource
import signal
import sys
import traceback
from multiprocessing.connection import Connection
from typing import Any

import torch

from quizkit.exercises import protocol
from quizkit.exercises.forbidden import Tracer

STUDENT_MODULE = "quizkit_student"
NN_KEY = protocol.NN_KEY
REF_KEY = protocol.REF_KEY
# Modules a request may ask the worker to build (e.g. children of a container under test).
NN_WHITELIST = ("Linear", "ReLU", "Tanh", "Sigmoid", "Identity", "Flatten", "Conv2d", "GELU")


def _warm() -> None:
    """Pay one-off costs here, in the fork server, not in every forked worker: lazy imports of
    the tracing modes, first autograd graph, first dispatch through a Python mode."""
    x = torch.ones(2, 2, dtype=torch.float64, requires_grad=True)
    with Tracer().watch():
        y = (x * x).exp().sum(dim=0)
        torch.autograd.grad(y, [x], torch.ones_like(y))
    protocol.loads(
        protocol.dumps(protocol.encode([x.detach(), torch.ones(1, dtype=torch.float32)]))
    )


_warm()


def serve(conn: Connection, config: bytes) -> None:
    """Entry point in the child: isolate, then answer requests forever.

    Isolation, in order: own process group, killed with the fork server, resource limits,
    output to the capture file, cwd in a private temporary directory; then, where the kernel
    allows, a new PID namespace (student code cannot address any process outside it, so it
    cannot signal the grader) and, when the grader runs as root, an unprivileged uid of its
    own; finally an audit hook that refuses the introspection a student would need to find the
    tracer or the reply channel (frames, the garbage collector, trace hooks) and signals to
    other processes. Every reply echoes the request's ``id``: a reply written by student code
    (which never sees the id) is detected by the grader as out of sequence.
    """
    cfg = protocol.loads(config)
    _close_inherited_fds(conn.fileno())
    _isolate(cfg)
    _enter_pid_namespace(conn)
    _drop_privileges(cfg)
    tracer = Tracer.from_wire(cfg["forbidden"])
    state: dict[str, Any] = {"path": cfg["path"], "module": None, "tracer": tracer}
    guard = _install_guard(tracer)
    for name in [m for m in sys.modules if m == "quizkit" or m.startswith("quizkit.")]:
        del sys.modules[name]  # an `import quizkit...` in student code gets fresh copies
    while True:
        try:
            raw = conn.recv_bytes()
        except (EOFError, OSError):
            os._exit(0)
        request = protocol.loads(raw)
        request_id = request.pop("id", None)
        tracer.hits = []
        error: BaseException | None = None
        message = ""
        guard[0] = True
        try:
            reply = handle(request, state)
        except BaseException as raised:  # the student may raise anything, SystemExit too
            error = raised
            message = _message_of(raised)  # student __str__: runs with the guard still on
            reply = {}
        finally:
            guard[0] = False
        if error is not None:
            reply = {"error": _describe_error(error, message)}
        reply["forbidden"] = list(tracer.hits)
        reply["id"] = request_id
        try:
            data = protocol.dumps(reply)
        except Exception as failure:
            data = protocol.dumps(
                {
                    "error": {"type": "EncodeError", "message": str(failure)},
                    "forbidden": list(tracer.hits),
                    "id": request_id,
                }
            )
        conn.send_bytes(data)


def _close_inherited_fds(keep: int) -> None:
    """Close every descriptor but stdio and the grader's channel: the fork server's pipes
    (its liveness pipe, the resource tracker's) must not be writable by student code."""
    try:
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        fds = list(range(3, 256))
    for fd in fds:
        if fd > 2 and fd != keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _isolate(cfg: dict[str, Any]) -> None:
    os.setpgrp()  # the grader kills the whole group, grandchildren included
    _die_with_parent()
    torch.set_num_threads(1)
    vm_kib = _vm_size_kib()
    limits = {
        resource.RLIMIT_AS: vm_kib * 1024 + int(cfg["memory_mb"]) * 1024 * 1024,
        resource.RLIMIT_CPU: int(cfg["cpu_seconds"]),
        resource.RLIMIT_FSIZE: int(cfg["output_bytes"]),
        resource.RLIMIT_CORE: 0,
    }
    if cfg.get("uid") is not None:
        limits[resource.RLIMIT_NPROC] = 64  # per uid, and the uid is this worker's alone
    for which, value in limits.items():
        resource.setrlimit(which, (value, value + 1 if which == resource.RLIMIT_CPU else value))
    fd = os.open(cfg["output_path"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
    directory = os.path.dirname(os.path.abspath(cfg["path"]))
    sys.path.insert(0, directory)
    os.chdir(cfg["cwd"])  # files the student writes land in the sandbox, not next to reports


CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000


def _enter_pid_namespace(conn: Connection) -> None:
    """Continue in a child that is PID 1 of a new PID namespace, if the kernel allows (root, or
    unprivileged user namespaces); otherwise carry on here. This process stays outside as a
    relay that only waits and mirrors the child's end (exit status or signal), so the grader
    reads the same death reasons. When PID 1 dies, the kernel kills the whole namespace."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        flags = CLONE_NEWPID if os.geteuid() == 0 else CLONE_NEWPID | CLONE_NEWUSER
        if libc.unshare(flags) != 0:
            return
        pid = os.fork()
    except OSError:
        return
    if pid == 0:
        _die_with_parent()
        return
    conn.close()  # the grader must see EOF when the child dies
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(70)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def _drop_privileges(cfg: dict[str, Any]) -> None:
    uid = cfg.get("uid")
    if uid is None:
        return
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


# Audit events refused while student code runs: introspection that leads to the tracer, the
# reply channel or the request id, and signals to other processes.
_BLOCKED_EVENTS = frozenset(
    {
        "gc.get_objects",
        "gc.get_referrers",
        "gc.get_referents",
        "sys._current_frames",
        "sys.settrace",
        "sys.setprofile",
    }
)
_TORCH_DIR = os.path.dirname(torch.__file__) + os.sep
# Only these mark the test forbidden; the others are merely refused (stdlib code such as
# namedtuple or traceback.format_exc may try them and copes).
_NOTED_EVENTS = frozenset(
    {"gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys.settrace", "sys.setprofile"}
)
_FRAME_ATTRIBUTES = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame", "f_back"})
_SIGNAL_EVENTS = frozenset({"os.kill", "os.killpg", "signal.pthread_kill"})


def _install_guard(tracer: Tracer) -> list[bool]:
    """Install the audit hook; the returned one-element list switches it on and off."""
    active = [False]
    me = os.getpid()
    note = tracer.note

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if not active[0]:
            return
        if event == "sys._getframe":
            # torch itself formats stacks (e.g. torch.manual_seed → traceback.format_stack):
            # allowed when torch asked, directly or through one stdlib helper; a frame handed
            # to student code would lead up to the worker's frames.
            frame = args[0] if args else None
            files = [getattr(getattr(frame, "f_code", None), "co_filename", "")]
            back = getattr(frame, "f_back", None)
            files.append(getattr(getattr(back, "f_code", None), "co_filename", ""))
            if not any(f.startswith(_TORCH_DIR) for f in files):
                raise ValueError("sys._getframe is not available in graded code")
            return
        if event in _BLOCKED_EVENTS:
            if event in _NOTED_EVENTS:
                note(f"introspection ({event}), which grading does not allow")
            # ValueError: what stdlib callers of sys._getframe (namedtuple, enum) fall back on
            raise ValueError(f"{event} is not available in graded code")
        if event == "object.__getattr__" and len(args) > 1 and args[1] in _FRAME_ATTRIBUTES:
            raise RuntimeError(f"{args[1]} is not available in graded code")
        if event in _SIGNAL_EVENTS and args and args[0] not in (me, 0):
            note(f"a signal to another process ({event}), which grading does not allow")
            raise PermissionError(f"{event} to another process is not allowed in graded code")

    sys.addaudithook(hook)
    return active


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _vm_size_kib() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 4 * 1024 * 1024


def _message_of(error: BaseException) -> str:
    try:
        return str(error)[:500]
    except BaseException:
        return "<unprintable>"


def _describe_error(error: BaseException, message: str) -> dict[str, Any]:
    if isinstance(error, SystemExit):
        try:
            code = repr(error.code)[:100]
        except BaseException:
            code = "?"
        return {"type": "SystemExit", "mro": ["SystemExit"], "message": f"called exit({code})"}
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if f.filename not in (__file__,) and "quizkit/exercises" not in f.filename
    ]
    where = ""
    if frames:
        last = frames[-1]
        where = f"{os.path.basename(last.filename)}:{last.lineno} in {last.name}"
    return {
        "type": type(error).__name__,
        "mro": [c.__name__ for c in type(error).__mro__],
        "message": message,
        "where": where,
    }


def handle(request: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    op = request.get("op")
    if op == "import":
        return _import(state)
    module = state["module"]
    if module is None:
        return {"error": {"type": "ImportError", "message": "the file was not imported"}}
    tracer: Tracer = state["tracer"]
    torch.manual_seed(int(request.get("seed", 0)))
    if op == "call":
        return _call(module, request, tracer)
    if op == "chain":
        return _chain(module, request, tracer)
    if op == "module":
        return _module(module, request, tracer)
    return {"error": {"type": "ProtocolError", "message": f"unknown op {op!r}"}}


def _import(state: dict[str, Any]) -> dict[str, Any]:
    path = state["path"]
    spec = importlib.util.spec_from_file_location(STUDENT_MODULE, path)
    if spec is None or spec.loader is None:
        return {"error": {"type": "ImportError", "message": f"cannot import {path}"}}
    module = importlib.util.module_from_spec(spec)
    sys.modules[STUDENT_MODULE] = module
    tracer: Tracer = state["tracer"]
    with tracer.watch():
        spec.loader.exec_module(module)
    state["module"] = module
    return {"value": sorted(n for n in vars(module) if not n.startswith("__"))}


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


def _call(module: Any, request: dict[str, Any], tracer: Tracer) -> dict[str, Any]:
    fn = _lookup(module, request["target"])
    if fn is None or not callable(fn):
        return {"missing": request["target"]}
    args = list(_materialize(protocol.decode(request["args"])))
    kwargs = dict(_materialize(protocol.decode(request["kwargs"])))
    wrt_keys = request.get("grad_wrt", [])
    wrt = []
    for key in wrt_keys:
        holder: Any = args if isinstance(key, int) else kwargs
        holder[key] = holder[key].detach().requires_grad_(True)
        wrt.append(holder[key])
    originals = list(args) + list(kwargs.values())
    with tracer.watch():
        out = fn(*args, **kwargs)
        grads: Any = None
        if wrt:
            grads = _grads(out, wrt, protocol.decode(request["upstream"]))
    reply: dict[str, Any] = {
        "value": protocol.encode(out),
        "same_object": [i for i, a in enumerate(originals) if a is out],
        "args_after": protocol.encode(
            [a.detach() if isinstance(a, torch.Tensor) else a for a in args]
        ),
        "kwargs_after": protocol.encode(
            {k: v.detach() if isinstance(v, torch.Tensor) else v for k, v in kwargs.items()}
        ),
    }
    if isinstance(grads, str):
        reply["grad_error"] = grads
    elif grads is not None:
        reply["grads"] = protocol.encode(grads)
    return reply


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


def _chain(module: Any, request: dict[str, Any], tracer: Tracer) -> dict[str, Any]:
    """Calls in sequence; an argument ``{"__ref__": [i, j]}`` is output ``j`` of call ``i``."""
    results: list[Any] = []
    for call in request["calls"]:
        fn = _lookup(module, call["target"])
        if fn is None or not callable(fn):
            return {"missing": call["target"]}
        args = _resolve_refs(protocol.decode(call["args"]), results)
        kwargs = _resolve_refs(protocol.decode(call["kwargs"]), results)
        with tracer.watch():
            out = fn(*args, **kwargs)
        if isinstance(out, tuple | list):
            out = tuple(o.detach().clone() if isinstance(o, torch.Tensor) else o for o in out)
        results.append(out)
    return {"value": protocol.encode(results)}


def _module(module: Any, request: dict[str, Any], tracer: Tracer) -> dict[str, Any]:
    cls = _lookup(module, request["target"])
    if cls is None:
        return {"missing": request["target"]}
    init_args = _materialize(protocol.decode(request["init_args"]))
    with tracer.watch():
        instance = cls(*init_args)
    tracer.check_module(instance, request["target"])
    if not isinstance(instance, torch.nn.Module):
        return {"error": {"type": "TypeError", "message": f"{cls!r} is not an nn.Module"}}
    instance = instance.double()
    params = list(instance.parameters())
    reply: dict[str, Any] = {
        "param_shapes": [list(p.shape) for p in params],
        "state_keys": list(instance.state_dict().keys()),
    }
    wanted = protocol.decode(request.get("params"))
    if wanted is not None:
        if [list(w.shape) for w in wanted] != reply["param_shapes"]:
            return reply
        with torch.no_grad():
            for p, w in zip(params, wanted, strict=True):
                p.copy_(w)
    x = protocol.decode(request["input"]).detach().requires_grad_(bool(request.get("grad")))
    with tracer.watch():
        out = instance(x)
        if request.get("grad"):
            grads = _grads(out, [x, *params], [protocol.decode(request["upstream"])])
            if isinstance(grads, str):
                reply["grad_error"] = grads
            else:
                reply["grads"] = protocol.encode(grads)
    reply["value"] = protocol.encode(out)
    reply["input_after"] = protocol.encode(x.detach())
    return reply
