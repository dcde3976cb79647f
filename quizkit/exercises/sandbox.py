"""One isolated worker per student file, forked from a torch-preloaded fork server.

The grader talks to a :class:`Sandbox` with :meth:`Sandbox.request`: the worker gets a deadline
(killed with its whole process group when it passes), resource limits (address space, CPU time,
file size; no core dumps), stdout/stderr in a capped file, and its replies are decoded with the
safe unpickler. A worker that dies or hangs is restarted on the next request; the student's file
is re-imported. Forking from the fork server takes ~10 ms; torch is imported there only once.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import secrets
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from multiprocessing import popen_forkserver, spawn
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerProcess
from pathlib import Path
from typing import Any

from quizkit.exercises import protocol
from quizkit.exercises.forbidden import ForbiddenSpec

OUTPUT_SHOWN = 2000  # characters of student output kept per test


@dataclass(frozen=True)
class Limits:
    """Resource limits for one worker."""

    timeout: float = 10.0  # wall seconds per hidden test (all of its cases)
    import_timeout: float = 10.0  # wall seconds to import the student's file
    memory_mb: int = 1024  # address space on top of the preloaded torch
    cpu_seconds: int = 300  # CPU seconds over the worker's life (a backstop to ``timeout``)
    output_bytes: int = 8 * 1024 * 1024  # stdout+stderr file size cap
    reply_bytes: int = 64 * 1024 * 1024  # largest reply accepted from the worker
    separate_uid: bool = True  # when the grader is root, run each worker as its own uid


@dataclass
class Outcome:
    """What came back from one request: a decoded reply, or why there is none."""

    reply: dict[str, Any] | None
    failure: str = ""  # "timeout" or "crash" when reply is None
    reason: str = ""


def _imported(outcome: Outcome) -> bool:
    return outcome.reply is not None and "error" not in outcome.reply


_context_lock = threading.Lock()
_launch_lock = threading.Lock()
_context: Any = None


def fork_context() -> Any:
    """The shared forkserver context, preloading torch and the worker module once."""
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["torch", "quizkit.exercises.worker"])
            _context = ctx
        return _context


class _Popen(popen_forkserver.Popen):
    """Launches without asking the child to re-run the grader's ``__main__`` (multiprocessing's
    spawn semantics would re-execute the caller's script in every worker)."""

    def _launch(self, process_obj: Any) -> None:
        original = spawn.get_preparation_data

        def without_main(name: str) -> dict[str, Any]:
            data: dict[str, Any] = original(name)
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
            return data

        with _launch_lock:
            spawn.get_preparation_data = without_main
            try:
                super()._launch(process_obj)  # type: ignore[misc]
            finally:
                spawn.get_preparation_data = original


class _WorkerProcess(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        return _Popen(process_obj)


def warm_up() -> None:
    """Start the fork server now (it imports torch, ~1.5 s) rather than on the first check."""
    from multiprocessing import forkserver

    fork_context()
    forkserver.ensure_running()


_UID_BASE = 1_000_000_000  # far above any real account; one uid per live sandbox
_uid_lock = threading.Lock()
_uids_in_use: set[int] = set()


def _allocate_uid() -> int:
    base = _UID_BASE + (os.getpid() % 100_000) * 1000
    with _uid_lock:
        for slot in range(1000):
            if base + slot not in _uids_in_use:
                _uids_in_use.add(base + slot)
                return base + slot
    raise RuntimeError("no free sandbox uid")


def _release_uid(uid: int) -> None:
    _kill_uid(uid)
    with _uid_lock:
        _uids_in_use.discard(uid)


def _kill_uid(uid: int) -> None:
    """SIGKILL every process running as ``uid`` (anything a worker left behind)."""
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


class Sandbox:
    """A restartable worker bound to one student file and one exercise's forbidden calls."""

    def __init__(self, path: Path, *, forbidden: ForbiddenSpec, limits: Limits) -> None:
        self.path = Path(path).resolve()
        self.forbidden = forbidden
        self.limits = limits
        self._tmp = tempfile.TemporaryDirectory(prefix="quizkit-worker-")
        root = self._tmp.name
        self._output_path = os.path.join(root, "output.txt")
        Path(self._output_path).touch()
        # The worker imports a copy (a root grader may read files its worker uid cannot) and
        # runs in an empty private cwd (files it writes never land next to reports).
        self._cwd = os.path.join(root, "cwd")
        os.mkdir(self._cwd)
        source_dir = os.path.join(root, "src")
        os.mkdir(source_dir)
        self._copy = os.path.join(source_dir, self.path.name)
        shutil.copyfile(self.path, self._copy)
        self.uid: int | None = None
        if limits.separate_uid and os.geteuid() == 0:
            self.uid = _allocate_uid()
            os.chmod(root, 0o711)
            for owned in (self._output_path, self._cwd, source_dir, self._copy):
                os.chown(owned, self.uid, self.uid)
        self._offset = 0
        self._process: Any = None
        self._conn: Connection | None = None
        self.import_outcome: Outcome | None = None
        self.starts = 0

    # ------------------------------------------------------------------ lifecycle

    def _config(self) -> bytes:
        return protocol.dumps(
            {
                "path": self._copy,
                "cwd": self._cwd,
                "uid": self.uid,
                "forbidden": self.forbidden.to_wire(),
                "memory_mb": self.limits.memory_mb,
                "cpu_seconds": self.limits.cpu_seconds,
                "output_bytes": self.limits.output_bytes,
                "output_path": self._output_path,
            }
        )

    def _start(self) -> Outcome:
        ctx = fork_context()
        parent_conn, child_conn = ctx.Pipe(duplex=True)
        from quizkit.exercises import worker

        process = _WorkerProcess(target=worker.serve, args=(child_conn, self._config()))
        process.daemon = True
        process.start()
        child_conn.close()
        self._process, self._conn = process, parent_conn
        self.starts += 1
        outcome = self._roundtrip({"op": "import"}, self.limits.import_timeout)
        self.import_outcome = outcome
        return outcome

    def ensure_started(self) -> Outcome:
        """Start the worker if needed; the outcome of importing the student's file.

        A failed import (error, hang, crash) is not retried: every later request gets it.
        """
        if self.import_outcome is not None and not _imported(self.import_outcome):
            return self.import_outcome
        if self._process is None or not self._process.is_alive():
            self.kill()
            return self._start()
        assert self.import_outcome is not None
        return self.import_outcome

    def kill(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is None:
            return
        if process.pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        if process.is_alive():
            process.kill()
        process.join(timeout=5)

    def close(self) -> None:
        self.kill()
        if self.uid is not None:
            _release_uid(self.uid)
            self.uid = None
        self._tmp.cleanup()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ requests

    def request(self, request: dict[str, Any], timeout: float) -> Outcome:
        """Send one request; restart the worker first if the last one hung or died."""
        started = self.ensure_started()
        if not _imported(started):
            return started
        return self._roundtrip(request, timeout)

    def _roundtrip(self, request: dict[str, Any], timeout: float) -> Outcome:
        conn = self._conn
        assert conn is not None
        request_id = secrets.randbits(62)
        try:
            conn.send_bytes(protocol.dumps({**request, "id": request_id}))
            deadline = time.monotonic() + max(timeout, 0.01)
            if not conn.poll(max(deadline - time.monotonic(), 0.0)):
                self.kill()
                return Outcome(None, "timeout", f"did not finish within {timeout:g} s")
            data = conn.recv_bytes(self.limits.reply_bytes)
        except (EOFError, BrokenPipeError, ConnectionResetError):
            return Outcome(None, "crash", self._death_reason())
        except OSError as error:
            self.kill()
            return Outcome(None, "crash", f"the worker's reply was unreadable ({error})")
        try:
            reply = protocol.loads(data)
        except protocol.ProtocolError as error:
            self.kill()
            return Outcome(None, "crash", f"the worker's reply was malformed ({error})")
        if not isinstance(reply, dict):
            self.kill()
            return Outcome(None, "crash", "the worker's reply was malformed")
        if reply.pop("id", None) != request_id:
            self.kill()
            return Outcome(
                None,
                "crash",
                "the reply was out of sequence: the student code wrote to the grader's channel",
            )
        return Outcome(reply)

    def _death_reason(self) -> str:
        process = self._process
        code = None
        if process is not None:
            process.join(timeout=2)
            code = process.exitcode
        self.kill()
        if code is None:
            return "the worker stopped answering"
        if code < 0:
            name = signal.Signals(-code).name
            hint = {
                "SIGXCPU": " (CPU time limit)",
                "SIGXFSZ": " (output too large)",
                "SIGSEGV": " (segmentation fault)",
                "SIGKILL": " (killed, possibly out of memory)",
            }.get(name, "")
            return f"the process was killed by {name}{hint}"
        return f"the process exited with status {code} (os._exit or a crash)"

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
