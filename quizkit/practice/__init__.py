"""``quizkit practice``: sessions that plan, ask, grade, remember and schedule. No torch here.

One concept per module:

- :mod:`~quizkit.practice.home` — where the data lives (``$QUIZKIT_HOME``, XDG).
- :mod:`~quizkit.practice.store` — the SQLite attempt store (WAL, schema versions, backups).
- :mod:`~quizkit.practice.schedule` — FSRS spaced repetition via the ``fsrs`` package.
- :mod:`~quizkit.practice.plan` — which templates and seeds a session asks.
- :mod:`~quizkit.practice.truths` — a background thread that imports torch and computes truths.
- :mod:`~quizkit.practice.session` — the session state machine, with injected I/O.
- :mod:`~quizkit.practice.stats` — history and due reviews for ``quizkit stats``.
"""
