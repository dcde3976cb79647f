"""Coding exercises: students reimplement layers; hidden tests compare them with PyTorch.

Public API (the CLI and ``quizkit grade`` use only these):

- :func:`quizkit.exercises.catalog.list_exercises`, :func:`~quizkit.exercises.catalog.get_exercise`,
  :func:`~quizkit.exercises.catalog.starter_source` — torch-free;
- :func:`quizkit.exercises.runner.check_exercise` (one file, one exercise) and
  :func:`~quizkit.exercises.runner.check_many` (a submission, several workers) → ``ExerciseResult``;
- :func:`quizkit.exercises.notebook.check_file` — the same for a ``.py`` file or a Jupyter
  notebook (converted to a module first, messages mapped back to cells);
- :class:`quizkit.exercises.sandbox.Limits` — per-test timeout, worker resource limits and the
  wall-clock budgets; :class:`~quizkit.exercises.sandbox.Isolation` — ``bwrap`` or ``process``;
  :class:`~quizkit.exercises.sandbox.Zone` — one submission's sandbox (a torch-preloaded fork
  server), shared by its exercises.

Layers: :mod:`~quizkit.exercises.protocol` (typed requests/replies, frames),
:mod:`~quizkit.exercises.sandbox` (grader side: zones, workers, deadlines),
:mod:`~quizkit.exercises.server` (the fork server in the sandbox),
:mod:`~quizkit.exercises.isolation` (a worker's confinement), :mod:`~quizkit.exercises.worker`
(a worker's request handling), :mod:`~quizkit.exercises.forbidden` (allow-lists and tracers).

Import the runner lazily: it imports torch.
"""
