"""Load the truth engine (torch) ahead of need, e.g. on a background thread."""

from __future__ import annotations


def load_truth_engine() -> None:
    """Import torch and pay its first-use costs (the first FlopCounterMode takes seconds).

    Errors are left to the first real truth computation, which reports them properly.
    """
    try:
        from quizkit.bank.truth import warm_up

        warm_up()
    except Exception:
        return
