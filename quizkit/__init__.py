"""quizkit: practise, check and autograde deep-learning fundamentals against live PyTorch.

Importing this package is cheap on purpose: torch is imported only by the modules that compute
truths (``quizkit.bank.truth``, ``quizkit.explain``, ...), and only when they are first used.
"""

__version__ = "0.1.0"
