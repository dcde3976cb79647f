"""``quizkit explain``: a per-layer profile of a module expression or zoo model, with the why.

One concept per module:

- :mod:`~quizkit.explain.build`: the subject → a module (zoo name or checked expression);
- :mod:`~quizkit.explain.inputs`: ``--input`` specs, dtypes, integer indices, self-attention;
- :mod:`~quizkit.explain.summary`: the meta-device run, one row per module call;
- :mod:`~quizkit.explain.layers`: the formula lines, each evaluable arithmetic;
- :mod:`~quizkit.explain.confirm`: CPU confirmation of what the meta device does not check;
- :mod:`~quizkit.explain.memory`: parameter and activation memory estimates.

Importing this package does not import torch.
"""

from __future__ import annotations

from quizkit.explain.inputs import InputSpec, ResolvedInput
from quizkit.explain.layers import FLOP_CONVENTION, FormulaLine
from quizkit.explain.memory import MemoryEstimate
from quizkit.explain.summary import DEFAULT_DEPTH, ExplainReport, LayerRow, explain

__all__ = [
    "DEFAULT_DEPTH",
    "FLOP_CONVENTION",
    "ExplainReport",
    "FormulaLine",
    "InputSpec",
    "LayerRow",
    "MemoryEstimate",
    "ResolvedInput",
    "explain",
]
