"""Coding exercises: students reimplement layers; hidden tests compare them with PyTorch.

Public API (the CLI and ``quizkit grade`` use only these):

- :func:`quizkit.exercises.catalog.list_exercises`, :func:`~quizkit.exercises.catalog.get_exercise`,
  :func:`~quizkit.exercises.catalog.starter_source` — torch-free;
- :func:`quizkit.exercises.runner.check_exercise` (one file, one exercise) and
  :func:`~quizkit.exercises.runner.check_many` (a submission, several workers) → ``ExerciseResult``;
- :func:`quizkit.exercises.notebook.check_file` — the same for a ``.py`` file or a Jupyter
  notebook (converted to a module first, messages mapped back to cells);
- :class:`quizkit.exercises.sandbox.Limits` — per-test timeout and worker resource limits.

Import the runner lazily: it imports torch.
"""
