"""Confinement of one worker process, applied inside the sandbox right after the fork and
before the student's file is imported (the sandbox itself — namespaces, read-only system, private
``/tmp`` — is set up by :mod:`quizkit.exercises.sandbox`).

In order: close every inherited descriptor but the channel and the output file; a process group
of its own; ``PR_SET_PDEATHSIG`` (the worker dies with its relay, which dies with the server);
resource limits (address space, CPU seconds, output file size, processes, no core dumps);
stdout/stderr into the capture file the grader opened; a seccomp filter that refuses new
processes and threads (``clone``, ``fork``, ``execve``…), sockets, ``ptrace`` and namespace
changes; and an audit hook that, while student code runs, refuses introspection that leads to the
tracer or the channel (frames, the garbage collector, trace hooks), ``ctypes``, subprocesses,
sub-interpreters and signals to other processes, recording each attempt as forbidden work.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import resource
import signal
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2


@dataclass(frozen=True)
class WorkerLimits:
    """What :func:`confine` applies (plain data: it travels in the spawn message)."""

    memory_mb: int
    cpu_seconds: int
    output_bytes: int
    nproc: int | None  # RLIMIT_NPROC when the sandbox runs as a uid of its own, else None


def close_inherited_fds(keep: tuple[int, ...]) -> None:
    """Close every descriptor but stdio and ``keep``: the server's control socket and pipes
    must not be reachable from student code."""
    try:
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        fds = list(range(3, 1024))
    for fd in fds:
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def die_with_parent() -> None:
    """``PR_SET_PDEATHSIG``: SIGKILL when the parent dies. The kernel clears it on a uid change,
    so this runs after any privilege drop."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def confine(limits: WorkerLimits, output_fd: int) -> None:
    """Everything but the seccomp filter and the audit hook (see :func:`lock_down`)."""
    os.setpgrp()
    die_with_parent()
    values = {
        resource.RLIMIT_AS: _vm_size_kib() * 1024 + limits.memory_mb * 1024 * 1024,
        resource.RLIMIT_CPU: limits.cpu_seconds,
        resource.RLIMIT_FSIZE: limits.output_bytes,
        resource.RLIMIT_CORE: 0,
    }
    if limits.nproc is not None:
        values[resource.RLIMIT_NPROC] = limits.nproc
    for which, value in values.items():
        soft = value
        hard = value + 1 if which == resource.RLIMIT_CPU else value
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, (soft, hard))
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.close(output_fd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115


def _vm_size_kib() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 4 * 1024 * 1024


# ---------------------------------------------------------------- seccomp

# System calls a worker never needs once it serves requests: new processes and threads, other
# programs, sockets (the channel is already open), tracing other processes, namespaces, mounts.
_DENIED = {
    "x86_64": (
        0xC000003E,
        {
            "clone": 56,
            "fork": 57,
            "vfork": 58,
            "execve": 59,
            "clone3": 435,
            "execveat": 322,
            "socket": 41,
            "ptrace": 101,
            "process_vm_readv": 310,
            "process_vm_writev": 311,
            "unshare": 272,
            "setns": 308,
            "mount": 165,
            "bpf": 321,
            "userfaultfd": 323,
            "perf_event_open": 298,
            "io_uring_setup": 425,
            "keyctl": 250,
            "add_key": 248,
        },
    ),
    "aarch64": (
        0xC00000B7,
        {
            "clone": 220,
            "execve": 221,
            "clone3": 435,
            "execveat": 281,
            "socket": 198,
            "ptrace": 117,
            "process_vm_readv": 270,
            "process_vm_writev": 271,
            "unshare": 97,
            "setns": 268,
            "mount": 40,
            "bpf": 280,
            "userfaultfd": 282,
            "perf_event_open": 241,
            "io_uring_setup": 425,
            "keyctl": 219,
            "add_key": 217,
        },
    ),
}


def seccomp_program(machine: str) -> bytes | None:
    """The classic-BPF filter for ``machine`` (``platform.machine()``): EPERM for the calls in
    :data:`_DENIED` and for any other ABI (x32, i386 via ``int 0x80``), allow the rest."""
    if machine not in _DENIED:
        return None
    arch, calls = _DENIED[machine]
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    allow, deny = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ERRNO | EPERM
    prog: list[tuple[int, int, int, int]] = [(ld, 0, 0, 4)]
    numbers = sorted(calls.values())
    # layout: 0 ld arch, 1 jeq arch, 2 ret deny, 3 ld nr, [4 jge x32], checks..., allow, deny
    prog.append((jeq, 1, 0, arch))
    prog.append((ret, 0, 0, deny))
    prog.append((ld, 0, 0, 0))
    checks: list[tuple[int, int]] = []
    if machine == "x86_64":
        checks.append((jge, 0x40000000))
    checks += [(jeq, n) for n in numbers]
    first = len(prog)
    deny_at = first + len(checks) + 1
    for i, (op, k) in enumerate(checks):
        prog.append((op, deny_at - (first + i) - 1, 0, k))
    prog.append((ret, 0, 0, allow))
    prog.append((ret, 0, 0, deny))
    return b"".join(struct.pack("HBBI", *ins) for ins in prog)


def install_seccomp() -> bool:
    """Load the filter (``no_new_privs`` first, so no privilege is needed); False when the
    machine or kernel does not allow it."""
    program = seccomp_program(platform.machine())
    if program is None:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(program, len(program))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return bool(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0)


# ---------------------------------------------------------------- audit hook

# Refused while student code runs: introspection that leads to the tracer, the channel or the
# request id; every foreign-function call; new processes, programs and interpreters; sockets.
_REFUSED = {
    "gc.get_objects": "introspection (gc.get_objects)",
    "gc.get_referrers": "introspection (gc.get_referrers)",
    "gc.get_referents": "introspection (gc.get_referents)",
    "sys.settrace": "introspection (sys.settrace)",
    "sys.setprofile": "introspection (sys.setprofile)",
    "sys._current_frames": "",
    "os.fork": "a new process (os.fork)",
    "os.forkpty": "a new process (os.forkpty)",
    "os.exec": "running another program (os.exec*)",
    "os.posix_spawn": "running another program (os.posix_spawn)",
    "os.spawn": "running another program (os.spawn*)",
    "os.system": "running another program (os.system)",
    "subprocess.Popen": "running another program (subprocess)",
    "pty.spawn": "running another program (pty.spawn)",
    "cpython.PyInterpreterState_New": "a new interpreter",
    "socket.__new__": "a network socket",
    "socket.connect": "a network socket",
    "socket.bind": "a network socket",
    "socket.sendto": "a network socket",
    "sys.addaudithook": "",
}
_FRAME_ATTRIBUTES = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame", "f_back"})
_SIGNAL_EVENTS = frozenset({"os.kill", "os.killpg", "signal.pthread_kill"})
THREADS = "a thread (work in other threads escapes the op tracers)"


def install_guard(note: Callable[[str], None], torch_dir: str) -> list[bool]:
    """Install the audit hook; the returned one-element list switches it on and off.
    ``note`` records forbidden work (the test then ends as forbidden)."""
    active = [False]
    me = os.getpid()

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
            if not any(f.startswith(torch_dir) for f in files):
                raise ValueError("sys._getframe is not available in graded code")
            return
        if event.startswith("ctypes."):
            note("ctypes (raw memory and foreign calls), which grading does not allow")
            raise PermissionError("ctypes is not available in graded code")
        what = _REFUSED.get(event)
        if what is not None:
            if what:
                note(f"{what}, which grading does not allow")
            # ValueError: what stdlib callers of sys._getframe (namedtuple, enum) fall back on
            raise ValueError(f"{event} is not available in graded code")
        if event == "object.__getattr__" and len(args) > 1 and args[1] in _FRAME_ATTRIBUTES:
            raise RuntimeError(f"{args[1]} is not available in graded code")
        if event in _SIGNAL_EVENTS and args and args[0] not in (me, 0):
            note(f"a signal to another process ({event}), which grading does not allow")
            raise PermissionError(f"{event} to another process is not allowed in graded code")

    sys.addaudithook(hook)
    _refuse_threads(note)
    return active


def single_threaded_torch() -> None:
    """``torch.set_num_threads(n)`` becomes a no-op that says so in the student's output: the
    kernel refuses new threads (seccomp), and OpenMP would exit on the refusal."""
    import torch

    def ignored(nthreads: int) -> None:
        print(
            f"quizkit: torch.set_num_threads({nthreads}) ignored: graded code runs on one thread",
            file=sys.stderr,
        )

    setattr(torch, "set_num_threads", ignored)  # noqa: B010 (mypy: a module attribute)
    setattr(torch, "set_num_interop_threads", ignored)  # noqa: B010


def _refuse_threads(note: Callable[[str], None]) -> None:
    """Threads would run outside the (thread-local) op tracers. The seccomp filter makes the
    kernel refuse them anyway; this makes the attempt visible as forbidden work."""
    import _thread
    import threading

    def refuse(*args: Any, **kwargs: Any) -> Any:
        note(f"{THREADS}, which grading does not allow")
        raise RuntimeError("threads are not available in graded code")

    for name in ("start_new_thread", "start_new", "start_joinable_thread"):
        if hasattr(_thread, name):
            setattr(_thread, name, refuse)
    for name in ("_start_new_thread", "_start_joinable_thread"):
        if hasattr(threading, name):
            setattr(threading, name, refuse)
