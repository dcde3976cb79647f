"""Truths computed on one background thread, so the first question never waits for torch.

The thread starts on the first :meth:`TruthWorker.prefetch`, after the first question is on
screen: it imports :mod:`quizkit.bank.truth` (and so torch, ~2 s), calls ``warm_up()`` to pay
``FlopCounterMode``'s first-use cost, then computes truths in the order they were asked for.
All torch work happens on that one thread; the main thread only waits on results.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from quizkit.bank.question import Question
from quizkit.errors import ExitStatus, QuizkitError

if TYPE_CHECKING:
    from quizkit.bank.truth import Truth

Job = tuple[Callable[[], Any], "Future[Any]"]


class TruthEngineError(QuizkitError):
    """Torch could not be loaded, so no answer can be checked."""

    exit_status = ExitStatus.FAILED


class TruthWorker:
    """Computes :class:`~quizkit.bank.truth.Truth` values off the main thread.

    ``compute`` and ``warm_up`` default to quizkit.bank.truth's; tests may inject fakes.
    """

    def __init__(
        self,
        compute: Callable[[Question], Truth] | None = None,
        warm_up: Callable[[], None] | None = None,
    ) -> None:
        self._compute = compute
        self._warm_up = warm_up
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._futures: dict[str, Future[Truth]] = {}
        self._ready: Future[None] = Future()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start importing torch now (idempotent)."""
        if self._thread is None:
            # A daemon: Ctrl-C during torch's import must not wait for the import to finish.
            self._thread = threading.Thread(target=self._run, name="quizkit-truth", daemon=True)
            self._thread.start()

    def prefetch(self, question: Question) -> None:
        """Queue ``question``'s truth (once); the worker starts if it has not yet."""
        self.start()
        if question.id not in self._futures:
            future: Future[Truth] = Future()
            self._futures[question.id] = future
            self._jobs.put((lambda: self._compute_one(question), future))

    def is_ready(self, question: Question) -> bool:
        """Whether :meth:`truth` would return without waiting."""
        future = self._futures.get(question.id)
        return future is not None and future.done()

    def truth(self, question: Question) -> Truth:
        """The question's truth, waiting for it; re-raises what computing it raised."""
        self.prefetch(question)
        return self._futures[question.id].result()

    def close(self) -> None:
        self._jobs.put(None)

    def _compute_one(self, question: Question) -> Truth:
        assert self._compute is not None
        return self._compute(question)

    def _run(self) -> None:
        failure: BaseException | None = None
        try:
            if self._compute is None or self._warm_up is None:
                from quizkit.bank import truth

                self._compute = self._compute or truth.compute_truth
                self._warm_up = self._warm_up or truth.warm_up
            self._warm_up()
            self._ready.set_result(None)
        except BaseException as error:  # surfaced to the main thread by every later result()
            failure = TruthEngineError(
                f"cannot compute answers: loading torch failed: {type(error).__name__}: {error}"
            )
            self._ready.set_exception(failure)
        while (job := self._jobs.get()) is not None:
            work, future = job
            if failure is not None:
                future.set_exception(failure)
                continue
            try:
                future.set_result(work())
            except BaseException as error:
                future.set_exception(error)
