"""The torch-preloaded fork server that runs inside one sandbox (one per submission).

``python -I -m quizkit.exercises.server FD`` imports torch and the worker once, warms them up, then
reads spawn messages from the control socket (descriptor ``FD``, a ``SOCK_SEQPACKET`` pair whose other
end the grader holds). A spawn message is a pickled config plus three descriptors passed with
``SCM_RIGHTS``: the request channel, a status socket and the output file. For each, the server
forks a *relay*, which forks the *worker*: the worker confines itself and serves requests; the
relay waits until the worker dies (and reports how on the status socket) or the grader closes the
status socket (then it kills the worker's process group). When the control socket closes — the
grader finished the submission or died — the server exits, and with it the whole sandbox.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import sys
import traceback
from typing import Any

MAX_SPAWN_MESSAGE = 1 << 20


def main(control_fd: int) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    torch.set_num_threads(1)
    from quizkit.exercises import isolation, protocol, worker

    worker.warm()
    isolation.die_with_parent()
    control = socket.socket(fileno=control_fd)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # relays are reaped by the kernel
    control.sendall(b"ready")
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, MAX_SPAWN_MESSAGE, 3)
        except OSError:
            os._exit(0)
        if not data:
            os._exit(0)
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            continue
        config = protocol.loads(data)
        pid = os.fork()
        if pid == 0:
            control.close()
            _relay(config, *fds)
        for fd in fds:
            os.close(fd)


def _relay(config: dict[str, Any], channel_fd: int, status_fd: int, output_fd: int) -> None:
    from quizkit.exercises import isolation, worker

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    isolation.die_with_parent()
    pid = os.fork()
    if pid == 0:
        os.close(status_fd)
        try:
            worker.serve(channel_fd, output_fd, config)
        except BaseException:
            with contextlib.suppress(BaseException):
                traceback.print_exc()  # into the output file once confined, else the log
        os._exit(70)
    os.close(channel_fd)
    os.close(output_fd)
    isolation.close_inherited_fds((status_fd,))
    status = socket.socket(fileno=status_fd)
    pidfd = os.pidfd_open(pid)
    ready, _, _ = select.select([pidfd, status_fd], [], [])
    if status_fd in ready and pidfd not in ready:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _, code = os.waitpid(pid, 0)
    if os.WIFSIGNALED(code):
        report = f"signal {os.WTERMSIG(code)}"
    else:
        report = f"exit {os.WEXITSTATUS(code)}"
    with contextlib.suppress(OSError):
        status.sendall(report.encode())
    os._exit(0)


if __name__ == "__main__":
    try:
        main(int(sys.argv[1]))
    except KeyboardInterrupt:
        sys.exit(1)
