"""Packages for setuptools; all other metadata is in pyproject.toml.

Every folder under ``quizkit/`` is a package (namespace packages included: ``quizkit/bank`` and
the template folders have no ``__init__.py``), and the top-level ``questions/`` folder ships
inside the package as ``quizkit.questions`` (package-dir mapping), so a wheel carries the bank and
an editable install maps it to this folder. ``solutions/`` is not a package and never ships.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(include=["quizkit", "quizkit.*"], exclude=["*__pycache__*"]),
        "quizkit.questions",
    ],
    package_dir={"quizkit.questions": "questions"},
)
