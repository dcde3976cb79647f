"""``quizkit grade``: autograde student submissions (directories, exercise files, answer sheets).

Core API, torch-free until grading starts:

- :func:`quizkit.grade.discover.discover` — PATHs → :class:`~quizkit.grade.models.Submission` s;
- :func:`quizkit.grade.run.grade_submissions` — grade them (``jobs`` at a time) →
  :class:`~quizkit.grade.models.GradeRun`;
- :func:`quizkit.grade.students.attach_students` — who each submission is (name and student id
  from the sheet, or the roster), duplicate ids, and roster students who handed nothing in;
- :mod:`quizkit.grade.reports` — pure functions ``GradeRun -> str`` per report format (text is
  rendered by :mod:`quizkit.ui.grade`), the GitHub step summary; every student text goes
  through :func:`quizkit.grade.reports.safe.visible`; :mod:`quizkit.grade.output` writes
  atomically;
- :mod:`quizkit.ci` (not here) writes the CI files that run ``quizkit grade``.

Verdicts are exactly those of ``quizkit exercise check``: both call
:func:`quizkit.exercises.runner.check_exercise` with the same seed.
"""
