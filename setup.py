"""Packages for setuptools; all other metadata is in pyproject.toml.

The top-level ``questions/`` folder ships inside the package as ``quizkit.questions`` (package-dir
mapping), so a wheel carries the bank and an editable install maps it to this folder. Solutions
(``solutions/``) are not a package and never ship.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["quizkit", "quizkit.*"]), "quizkit.questions"],
    package_dir={"quizkit.questions": "questions"},
)
