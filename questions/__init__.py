"""The question bank shipped with quizkit: one YAML file per topic.

This folder stays at the top of the repository and is installed as the package data
``quizkit.questions`` (see ``setup.py``); ``quizkit.bank.loader.packaged_bank_dir`` finds it with
``importlib.resources``, in a wheel and in an editable install alike. This file only makes the
folder an importable package; it holds no code.
"""
