"""``quizkit grade``: autograde student submissions (directories, exercise files, answer sheets).

Core API, torch-free until grading starts:

- :func:`quizkit.grade.discover.discover` — PATHs → :class:`~quizkit.grade.models.Submission` s;
- :func:`quizkit.grade.run.grade_submissions` — grade them (``jobs`` at a time) →
  :class:`~quizkit.grade.models.GradeRun`;
- :mod:`quizkit.grade.reports` — pure functions ``GradeRun -> str`` per report format, the
  GitHub step summary, and the atomic writer;
- :mod:`quizkit.ci` (not here) writes the CI files that run ``quizkit grade``.

Verdicts are exactly those of ``quizkit exercise check``: both call
:func:`quizkit.exercises.runner.check_exercise` with the same seed.
"""
