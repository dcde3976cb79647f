"""Where student code runs: one :class:`Zone` per submission, one :class:`Sandbox` (a worker) per
exercise file.

A zone is a torch-preloaded fork server (:mod:`quizkit.exercises.server`) started for one
submission, in one of two isolation modes:

- ``bwrap`` (the default of ``quizkit grade``): inside bubblewrap — new user, PID, network, IPC,
  UTS and cgroup namespaces (no network at all); a read-only view of only the system libraries,
  the Python installation, the virtual environment and the ``quizkit`` package (not the
  repository: ``solutions/`` is not there); a private ``/tmp`` and ``/dev/shm`` (tmpfs, size
  capped); its own ``/proc``; ``--clearenv`` and a small explicit environment;
  ``--die-with-parent``; ``--new-session``; the student's files read-only at ``/submission``
  and an empty scratch directory at ``/scratch``, the only writable place. Run as root, the
  zone runs as a uid of its own (never reused while the run lasts), so no two students share
  one.
- ``process``: today's weaker level, for machines without bubblewrap: the server is a plain
  child process with a cleared environment and its own session; as root each worker drops to
  the zone's uid. No namespaces: the file system and the loopback network stay visible (the
  worker's seccomp filter still refuses sockets and new processes).

In both modes each worker is confined by :mod:`quizkit.exercises.isolation` (limits, seccomp,
audit hook). The grader talks to a worker with :meth:`Sandbox.request`: every read has a
deadline, replies are size-checked and decoded by the safe unpickler within a budget, and a
worker that hangs or misbehaves is killed (its whole process group) and restarted on the next
request, the student's file re-imported. Forking a worker from the server takes ~10 ms; torch is
imported once per submission.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from quizkit.errors import QuizkitError
from quizkit.exercises import protocol
from quizkit.exercises.forbidden import ForbiddenSpec
from quizkit.exercises.protocol import Answer, ErrorReply, ImportRequest, Request

OUTPUT_SHOWN = 2000  # characters of student output kept per test
MAX_SOURCE_BYTES = 1024 * 1024  # a student file larger than this is refused


class Isolation(str, Enum):
    """How student code is isolated (see the module docstring)."""

    BWRAP = "bwrap"
    PROCESS = "process"


PROCESS_WARNING = (
    "graded with --isolation=process: student code was not sandboxed (no namespaces; the file "
    "system and loopback network were visible to it); install bubblewrap for real isolation"
)
INSTALL_HINT = "bubblewrap (bwrap) is not available: install it (apt install bubblewrap)"


class SandboxUnavailableError(QuizkitError):
    """The requested isolation cannot be set up on this machine."""


class SubmissionFileError(QuizkitError):
    """A student file that is not copied into the sandbox (a link, a device, too large)."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one worker, and the wall-clock budgets of a grading run."""

    timeout: float = 10.0  # wall seconds per hidden test (all of its cases)
    import_timeout: float = 10.0  # wall seconds to import the student's file
    memory_mb: int = 1024  # address space on top of the preloaded torch
    cpu_seconds: int = 300  # CPU seconds over the worker's life (a backstop to ``timeout``)
    output_bytes: int = 8 * 1024 * 1024  # stdout+stderr file size cap
    reply_bytes: int = 64 * 1024 * 1024  # largest reply accepted from the worker
    tmp_mb: int = 64  # size of the private /tmp and of /dev/shm (bwrap)
    startup_timeout: float = 120.0  # wall seconds for a zone's server to import torch
    submission_budget: float = 600.0  # wall seconds for all the tests of one submission
    run_budget: float = 4 * 3600.0  # wall seconds for a whole grading run
    separate_uid: bool = True  # when the grader is root, run each zone as its own uid


class Failure(str, Enum):
    """Why a request has no reply."""

    TIMEOUT = "timeout"
    CRASH = "crash"


@dataclass
class Outcome:
    """What came back from one request: a decoded answer, or why there is none."""

    answer: Answer | None
    failure: Failure | None = None
    reason: str = ""


def _imported(outcome: Outcome) -> bool:
    return outcome.answer is not None and not isinstance(outcome.answer.reply, ErrorReply)


# ---------------------------------------------------------------- bubblewrap


_probe_lock = threading.Lock()
_probe: dict[str, str | None] = {}


def bwrap_problem() -> str | None:
    """``None`` when bubblewrap is installed and can create its namespaces here, else why not
    (checked once per process)."""
    with _probe_lock:
        if "result" not in _probe:
            _probe["result"] = _probe_bwrap()
        return _probe["result"]


def _probe_bwrap() -> str | None:
    path = shutil.which("bwrap") or ("/usr/bin/bwrap" if os.path.exists("/usr/bin/bwrap") else None)
    if path is None:
        return INSTALL_HINT
    # the namespaces a zone asks for (see Zone._command), nothing more
    command = [path, *_namespace_flags(), "--ro-bind", "/", "/", "--", "/bin/true"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=30, check=False, env={})
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap (bwrap) cannot run here ({error})"
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        return f"bubblewrap (bwrap) cannot create a sandbox here: {reason[0][:200]}"
    return None


def _namespace_flags() -> list[str]:
    flags = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"]
    flags.append("--unshare-cgroup-try")
    if os.geteuid() == 0:
        # bwrap runs privileged: no user namespace; the server keeps only the capabilities to
        # drop each worker to the zone's own uid (a uid change clears them)
        return [*flags, "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    return [*flags, "--unshare-user", "--disable-userns", "--cap-drop", "ALL"]


def resolve_isolation(requested: Isolation | None) -> tuple[Isolation, str]:
    """The mode to use and a notice (empty when none): ``None`` means bwrap when available,
    else process with a one-line notice. An explicit ``bwrap`` that cannot run raises."""
    if requested is Isolation.PROCESS:
        return Isolation.PROCESS, ""
    problem = bwrap_problem()
    if problem is None:
        return Isolation.BWRAP, ""
    if requested is Isolation.BWRAP:
        raise SandboxUnavailableError(
            f"{problem}; or pass --isolation=process to grade without a sandbox"
        )
    return Isolation.PROCESS, f"{problem}; running student code without a sandbox"


# ---------------------------------------------------------------- uids


_UID_BASE = 1_000_000_000  # far above any real account; one uid per live zone
_uid_lock = threading.Lock()
_uid_next = [0]


def _allocate_uid() -> int:
    """A uid no other zone of this run had (uids are never reused within a run)."""
    with _uid_lock:
        slot = _uid_next[0]
        _uid_next[0] += 1
    return _UID_BASE + (os.getpid() % 100_000) * 10_000 + slot % 10_000


def _kill_uid(uid: int) -> None:
    """SIGKILL every process running as ``uid`` (anything a zone left behind)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                for line in status:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            os.kill(int(entry), signal.SIGKILL)
                        break
        except (OSError, ValueError):
            continue


_swept = threading.Event()


def _sweep_stale_zones() -> None:
    """Remove zone directories left by a grader that was killed (``SIGKILL`` leaves no chance
    to clean up): once per process, those of this user whose grader pid is gone."""
    if _swept.is_set():
        return
    _swept.set()
    base = Path(tempfile.gettempdir())
    for entry in base.glob("quizkit-zone-*-*"):
        pid = entry.name.split("-")[2]
        try:
            if not pid.isdigit() or entry.stat().st_uid != os.geteuid():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


# ---------------------------------------------------------------- copying student files


def copy_student_file(source: Path, target: Path) -> None:
    """Copy one regular file, refusing links, devices, FIFOs and files over
    :data:`MAX_SOURCE_BYTES` (opened with ``O_NOFOLLOW``; checked on the descriptor)."""
    try:
        st = os.lstat(source)
    except OSError as error:
        raise SubmissionFileError(f"{source}: cannot read ({error.strerror or error})") from None
    if stat.S_ISLNK(st.st_mode):
        raise SubmissionFileError(
            f"{source}: is a symbolic link; submissions may only contain regular files"
        )
    if not stat.S_ISREG(st.st_mode):
        raise SubmissionFileError(f"{source}: is not a regular file")
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        raise SubmissionFileError(f"{source}: cannot read ({error.strerror or error})") from None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise SubmissionFileError(f"{source}: is not a regular file")
        data = handle.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise SubmissionFileError(f"{source}: larger than {MAX_SOURCE_BYTES // 1024} KB")
    with open(target, "wb") as out:
        out.write(data)
    os.chmod(target, 0o644)


# ---------------------------------------------------------------- zones


class Zone:
    """One sandbox holding one torch-preloaded fork server, for one submission's files.

    ``files`` maps a file name (``conv2d.py``) to the student's file; each is copied (links
    refused: :class:`SubmissionFileError`) into the zone before anything runs.
    """

    def __init__(
        self, files: Mapping[str, Path], *, isolation: Isolation, limits: Limits | None = None
    ) -> None:
        self.isolation = isolation
        self.limits = limits or Limits()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._closed = False
        self.uid: int | None = None
        _sweep_stale_zones()
        self._root = tempfile.mkdtemp(prefix=f"quizkit-zone-{os.getpid()}-")
        self._ready = False
        self._failed = ""
        self.refused: dict[str, str] = {}  # file name -> why it was not copied in
        try:
            self._prepare(files)
        except BaseException:
            shutil.rmtree(self._root, ignore_errors=True)
            raise
        self._launch()  # the server imports torch while the grader prepares the tests

    def _prepare(self, files: Mapping[str, Path]) -> None:
        root = self._root
        self.src = os.path.join(root, "src")
        self.scratch = os.path.join(root, "scratch")
        self.out = os.path.join(root, "out")
        for d in (self.src, self.scratch, self.out):
            os.mkdir(d, 0o700)
        for name, path in files.items():
            try:
                copy_student_file(Path(path), Path(self.src) / name)
            except SubmissionFileError as error:
                self.refused[name] = error.message
        if self.limits.separate_uid and os.geteuid() == 0:
            # readable by this zone's uid alone (through its group): another student's worker
            # cannot read these sources even where it can see this directory (process mode)
            self.uid = _allocate_uid()
            os.chmod(root, 0o711)
            os.chown(self.src, 0, self.uid)
            os.chmod(self.src, 0o750)
            for copied in os.listdir(self.src):
                os.chown(os.path.join(self.src, copied), 0, self.uid)
                os.chmod(os.path.join(self.src, copied), 0o640)
            os.chown(self.scratch, self.uid, self.uid)
        if self.isolation is Isolation.PROCESS:
            os.mkdir(os.path.join(self.scratch, "tmp"), 0o700)
            if self.uid is not None:
                os.chown(os.path.join(self.scratch, "tmp"), self.uid, self.uid)

    # -------------------------------------------------------------- paths seen by the worker

    def worker_path(self, name: str) -> str:
        if self.isolation is Isolation.BWRAP:
            return f"/submission/{name}"
        return os.path.join(self.src, name)

    def worker_cwd(self) -> str:
        return "/scratch" if self.isolation is Isolation.BWRAP else self.scratch

    # -------------------------------------------------------------- the server

    def _launch(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        log = open(os.path.join(self.out, "server.log"), "wb")  # noqa: SIM115
        try:
            self._process = _popen(
                self._command(theirs.fileno()),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                pass_fds=(theirs.fileno(),),
                env=self._environment(),
                cwd=self.scratch if self.isolation is Isolation.PROCESS else "/",
                start_new_session=True,
            )
        except OSError as error:
            self._failed = f"the {self.isolation.value} sandbox cannot start ({error})"
            ours.close()
            return
        finally:
            theirs.close()
            log.close()
        self._control = ours
        self._launched = time.monotonic()

    def _wait_ready(self) -> None:
        ours, process = self._control, self._process
        assert ours is not None and process is not None
        deadline = self._launched + self.limits.startup_timeout
        ready = b""
        while time.monotonic() < deadline and not ready:
            ours.settimeout(max(0.01, min(0.5, deadline - time.monotonic())))
            try:
                ready = ours.recv(16)
                if not ready:
                    break
            except TimeoutError:
                if process.poll() is not None:
                    break
        if ready != b"ready":
            detail = self._server_log()
            self._failed = f"the {self.isolation.value} sandbox did not start" + (
                f": {detail}" if detail else ""
            )
            raise SandboxUnavailableError(self._failed)
        ours.settimeout(None)
        self._ready = True

    def _server_log(self) -> str:
        try:
            with open(os.path.join(self.out, "server.log"), "rb") as f:
                lines = f.read(20_000).decode("utf-8", "replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1][:300] if lines else ""

    def _environment(self) -> dict[str, str]:
        home = "/scratch" if self.isolation is Isolation.BWRAP else self.scratch
        tmp = "/tmp" if self.isolation is Isolation.BWRAP else os.path.join(self.scratch, "tmp")
        return {
            "PATH": "/usr/bin:/bin",
            "HOME": home,
            "TMPDIR": tmp,
            "LANG": "C.UTF-8",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
        }

    def _command(self, control_fd: int) -> list[str]:
        python = [sys.executable, "-I", "-m", "quizkit.exercises.server", str(control_fd)]
        if self.isolation is Isolation.PROCESS:
            return python
        bwrap = shutil.which("bwrap") or "/usr/bin/bwrap"
        tmp_bytes = str(self.limits.tmp_mb * 1024 * 1024)
        command = [bwrap, *_namespace_flags(), "--die-with-parent", "--new-session", "--clearenv"]
        for name, value in self._environment().items():
            command += ["--setenv", name, value]
        for system in ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin"):
            if os.path.islink(system):
                command += ["--symlink", os.readlink(system), system]
            elif os.path.isdir(system):
                command += ["--ro-bind", system, system]
        for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime"):
            if os.path.exists(etc):
                command += ["--ro-bind", etc, etc]
        # The private /tmp and /dev/shm first: bwrap mounts in order, and Python or quizkit may
        # live under /tmp (a checkout or venv there), so their binds must land on top.
        command += ["--proc", "/proc", "--dev", "/dev"]
        command += ["--perms", "1777", "--size", tmp_bytes, "--tmpfs", "/tmp"]
        command += ["--perms", "1777", "--size", tmp_bytes, "--tmpfs", "/dev/shm"]
        roots = python_roots()
        parents = sorted({str(a) for r in roots for a in Path(r).parents if str(a) != "/"})
        for parent in parents:  # created 0755: the workers' uid must pass through them
            if not parent.startswith(("/usr", "/lib", "/bin", "/sbin")):
                command += ["--perms", "0755", "--dir", parent]
        for directory in roots:
            command += ["--ro-bind", directory, directory]
        command += ["--ro-bind", self.src, "/submission", "--bind", self.scratch, "/scratch"]
        command += ["--remount-ro", "/", "--chdir", "/scratch", "--", *python]
        return command

    def spawn(
        self, config: dict[str, object], output_fd: int
    ) -> tuple[socket.socket, socket.socket]:
        """A new worker: ``(channel, status)`` sockets. Starts the server on first use."""
        with self._lock:
            if self._failed:
                raise SandboxUnavailableError(self._failed)
            if self._closed:
                raise SandboxUnavailableError("the sandbox was closed")
            if not self._ready:
                self._wait_ready()
            assert self._control is not None
            channel, worker_channel = socket.socketpair()
            status, worker_status = socket.socketpair()
            try:
                socket.send_fds(
                    self._control,
                    [protocol.dumps(config)],
                    [worker_channel.fileno(), worker_status.fileno(), output_fd],
                )
            except OSError as error:
                channel.close()
                status.close()
                raise SandboxUnavailableError(f"the sandbox stopped ({error})") from None
            finally:
                worker_channel.close()
                worker_status.close()
            return channel, status

    def close(self, *, remove: bool = True) -> None:
        """Kill the whole sandbox (every process in it) and remove its files."""
        with self._lock:
            self._closed = True
            if self._control is not None:
                self._control.close()
                self._control = None
            process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        if self.uid is not None:
            _kill_uid(self.uid)
        if remove:
            shutil.rmtree(self._root, ignore_errors=True)

    def __enter__(self) -> Zone:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _popen(command: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, **kwargs)


def python_roots() -> list[str]:
    """The directories the server needs read-only: the Python installation, the virtual
    environment and every ``sys.path`` entry outside them except a source checkout — only its
    ``quizkit`` package directory, so a repository's ``solutions/`` stays out of reach."""
    import quizkit

    package = os.path.dirname(os.path.abspath(quizkit.__file__))
    roots = {os.path.realpath(sys.base_prefix), os.path.abspath(sys.prefix), package}
    covered = tuple(r + os.sep for r in roots)
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        path = os.path.abspath(entry)
        if path + os.sep == os.path.dirname(package) + os.sep:
            continue  # the checkout that holds quizkit/: only the package itself
        if not (path + os.sep).startswith(covered) and "site-packages" in path:
            roots.add(path)
    ordered = sorted(roots, key=len)
    return [r for r in ordered if not any(r != o and r.startswith(o + os.sep) for o in ordered)]


# ---------------------------------------------------------------- workers


class Sandbox:
    """A restartable worker in ``zone`` bound to one student file and one exercise's forbidden
    calls."""

    def __init__(
        self, zone: Zone, file_name: str, *, forbidden: ForbiddenSpec, limits: Limits
    ) -> None:
        self.zone = zone
        self.file_name = file_name
        self.forbidden = forbidden
        self.limits = limits
        fd, self._output_path = tempfile.mkstemp(prefix="output-", dir=zone.out)
        os.close(fd)
        self._offset = 0
        self._channel: socket.socket | None = None
        self._status: socket.socket | None = None
        self.import_outcome: Outcome | None = None
        self.starts = 0

    def _config(self) -> dict[str, object]:
        nproc = 256 if self.zone.uid is not None else None
        return {
            "path": self.zone.worker_path(self.file_name),
            "cwd": self.zone.worker_cwd(),
            "uid": self.zone.uid,
            "forbidden": self.forbidden.to_wire(),
            "limits": {
                "memory_mb": self.limits.memory_mb,
                "cpu_seconds": self.limits.cpu_seconds,
                "output_bytes": self.limits.output_bytes,
                "nproc": nproc,
            },
        }

    def _start(self) -> Outcome:
        output = os.open(self._output_path, os.O_WRONLY | os.O_APPEND)
        try:
            self._channel, self._status = self.zone.spawn(self._config(), output)
        except SandboxUnavailableError as error:
            return Outcome(None, Failure.CRASH, error.message)
        finally:
            os.close(output)
        self.starts += 1
        outcome = self._roundtrip(ImportRequest(), self.limits.import_timeout)
        self.import_outcome = outcome
        return outcome

    def ensure_started(self) -> Outcome:
        """Start the worker if needed; the outcome of importing the student's file.

        A failed import (error, hang, crash) is not retried: every later request gets it.
        """
        if self.import_outcome is not None and not _imported(self.import_outcome):
            return self.import_outcome
        if self._channel is None:
            return self._start()
        assert self.import_outcome is not None
        return self.import_outcome

    def kill(self) -> None:
        """Kill the worker's process group (its relay does, when the status socket closes)."""
        channel, status = self._channel, self._status
        self._channel = self._status = None
        if channel is not None:
            channel.close()
        if status is not None:
            status.close()

    def close(self) -> None:
        self.kill()
        with contextlib.suppress(OSError):
            os.unlink(self._output_path)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ requests

    def request(self, request: Request, timeout: float) -> Outcome:
        """Send one request; restart the worker first if the last one hung or died."""
        started = self.ensure_started()
        if not _imported(started):
            return started
        return self._roundtrip(request, timeout)

    def _roundtrip(self, request: Request, timeout: float) -> Outcome:
        channel = self._channel
        assert channel is not None
        request_id = secrets.randbits(62)
        deadline = time.monotonic() + max(timeout, 0.01)
        try:
            channel.settimeout(max(timeout, 0.01))
            channel.sendall(_frame(protocol.request_to_wire(request, request_id)))
            data = protocol.read_frame(
                channel, deadline=deadline, max_bytes=self.limits.reply_bytes
            )
        except protocol.FrameTimeout:
            self.kill()
            return Outcome(None, Failure.TIMEOUT, f"did not finish within {timeout:g} s")
        except TimeoutError:
            self.kill()
            return Outcome(None, Failure.TIMEOUT, f"did not finish within {timeout:g} s")
        except (protocol.ChannelClosed, BrokenPipeError, ConnectionResetError):
            return Outcome(None, Failure.CRASH, self._death_reason())
        except protocol.ProtocolError as error:
            self.kill()
            return Outcome(None, Failure.CRASH, f"the worker's reply was refused: {error}")
        except OSError as error:
            self.kill()
            return Outcome(None, Failure.CRASH, f"the worker's reply was unreadable ({error})")
        try:
            reply_id, answer = protocol.reply_from_wire(data)
        except protocol.ProtocolError as error:
            self.kill()
            return Outcome(None, Failure.CRASH, f"the worker's reply was malformed ({error})")
        if reply_id != request_id:
            self.kill()
            return Outcome(
                None,
                Failure.CRASH,
                "the reply was out of sequence: the student code wrote to the grader's channel",
            )
        return Outcome(answer)

    def _death_reason(self) -> str:
        status = self._status
        report = b""
        if status is not None:
            status.settimeout(5)
            with contextlib.suppress(OSError):
                report = status.recv(64)
        self.kill()
        text = report.decode("ascii", "replace")
        if text.startswith("signal "):
            try:
                name = signal.Signals(int(text.split()[1])).name
            except ValueError:
                name = text
            hint = {
                "SIGXCPU": " (CPU time limit)",
                "SIGXFSZ": " (output too large)",
                "SIGSEGV": " (segmentation fault)",
                "SIGKILL": " (killed, possibly out of memory)",
                "SIGSYS": " (a refused system call)",
            }.get(name, "")
            return f"the process was killed by {name}{hint}"
        if text.startswith("exit "):
            return f"the process exited with status {text.split()[1]} (os._exit or a crash)"
        return "the worker stopped answering"

    def take_output(self) -> str:
        """Student stdout/stderr written since the last call, truncated."""
        try:
            with open(self._output_path, "rb") as f:
                f.seek(self._offset)
                data = f.read(OUTPUT_SHOWN + 1)
                self._offset = f.seek(0, os.SEEK_END)
        except OSError:
            return ""
        text = data.decode("utf-8", "replace")
        if len(text) > OUTPUT_SHOWN:
            text = text[:OUTPUT_SHOWN] + "\n... (output truncated)"
        return text


def _frame(data: bytes) -> bytes:
    return protocol.HEADER.pack(len(data)) + data
