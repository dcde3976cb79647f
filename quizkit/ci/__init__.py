"""``quizkit ci init``: CI files that grade a repository with quizkit (GitHub Classroom, GitHub
Actions, GitLab CI, Gradescope).

- :mod:`quizkit.ci.install` — which quizkit the CI machine installs (``--install SPEC`` or the
  source this quizkit came from; never an unpinned or unreachable one);
- :mod:`quizkit.ci.init` — the files per platform, rendered from ``templates/``, and the writer.
"""
