"""Turn the ``explain`` subject into a module: a zoo model by name, or a checked module expression.

An expression may only call ``nn.*``/``torch.*``/``F.*`` constructors with literal arguments: it
is parsed with :func:`ast.parse` and every node is checked against a whitelist before it is
evaluated with no builtins, on the meta device (no weights are allocated).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from quizkit.errors import UsageError

if TYPE_CHECKING:
    from torch import nn

_ALLOWED_NODES = (
    ast.Expression, ast.Call, ast.Attribute, ast.Name, ast.Load, ast.Constant, ast.Tuple,
    ast.List, ast.keyword, ast.UnaryOp, ast.USub, ast.BinOp, ast.Add, ast.Sub, ast.Mult,
    ast.FloorDiv, ast.Starred,
)  # fmt: skip
ALLOWED_ROOTS = ("nn", "torch", "F")


def build_subject(subject: str) -> tuple[nn.Module, tuple[int, ...] | None]:
    """A zoo model by name (with its default input), or a module expression (no default input)."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    from quizkit import zoo

    if subject in zoo.ENTRIES:
        return zoo.build(subject, device="meta"), tuple(zoo.ENTRIES[subject].input_shape)
    tree = parse_module_expression(subject)
    roots = {"nn": nn, "torch": torch, "F": F}
    try:
        with torch.device("meta"):
            module = eval(compile(tree, "<expr>", "eval"), {"__builtins__": {}, **roots})
    except Exception as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise UsageError(f"cannot build {subject!r}: {type(error).__name__}: {reason}") from None
    if not isinstance(module, nn.Module):
        raise UsageError(f"{subject!r} is not an nn.Module (got {type(module).__name__})")
    return module, None


def parse_module_expression(text: str) -> ast.Expression:
    """Accept only constructor calls rooted at ``nn``/``torch``/``F`` with literal arguments."""
    from quizkit import zoo

    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise UsageError(f"{text!r} is not a Python expression: {error.msg}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise UsageError(
                f"{text!r}: only nn.* module constructors with literal arguments are allowed"
            )
        if isinstance(node, ast.Name) and node.id not in ALLOWED_ROOTS:
            known = ", ".join(zoo.ZOO_NAMES)
            raise UsageError(
                f"{text!r}: unknown name {node.id!r} (use nn.*, or a zoo model: {known})"
            )
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise UsageError(f"{text!r}: private attribute {node.attr!r} is not allowed")
    return tree
