"""Seeded, deterministic sampling of template parameters.

The same (template id, seed) gives the same parameters on every machine and Python version:
the generator is ``random.Random(n)`` with ``n`` the first 8 bytes of
``sha256(f"{template_id}@{seed}")`` (never the global RNG, never ``hash()``), and only
``Random.randrange`` is used, whose algorithm is stable across Python 3 versions.
Parameters are drawn in declaration order; a sample that breaks a constraint is redrawn from
the same generator, up to :data:`MAX_ATTEMPTS` times.
"""

from __future__ import annotations

import builtins
import hashlib
import math
import random
from decimal import Decimal
from typing import Any

from quizkit import formulas
from quizkit.bank.model import Bound, ParamSpec, Template
from quizkit.errors import TemplateError

MAX_ATTEMPTS = 2000

SAFE_BUILTINS: dict[str, Any] = {
    name: getattr(builtins, name)
    for name in (
        "abs", "all", "any", "bool", "dict", "divmod", "enumerate", "float", "int", "len",
        "list", "max", "min", "pow", "range", "reversed", "round", "sorted", "str", "sum",
        "tuple", "zip", "isinstance", "map", "set", "next", "getattr", "filter",
        "ValueError", "RuntimeError", "TypeError", "Exception",
    )
}  # fmt: skip

FORMULA_GLOBALS: dict[str, Any] = {
    "__builtins__": SAFE_BUILTINS,
    "math": math,
    "floor": math.floor,
    "ceil": math.ceil,
    "sqrt": math.sqrt,
    "exp": math.exp,
    "log": math.log,
    "tanh": math.tanh,
    "prod": math.prod,
    "formulas": formulas,
}


def rng_for(template_id: str, seed: int) -> random.Random:
    """The generator for one question instance."""
    digest = hashlib.sha256(f"{template_id}@{seed}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def evaluate(expression: str, names: dict[str, Any], *, where: str) -> Any:
    """Evaluate a bank formula (trusted code) with ``names`` and the math helpers in scope."""
    try:
        # One merged globals dict (no separate locals), so comprehensions and lambdas see names.
        return eval(expression, {**FORMULA_GLOBALS, **names})
    except Exception as error:
        raise TemplateError(f"{where}: {type(error).__name__}: {error}") from None


def sample_params(template: Template, seed: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parameters and derived ``let`` values for ``template`` at ``seed``.

    Raises :class:`TemplateError` if no sample satisfies the constraints in
    :data:`MAX_ATTEMPTS` draws (an unsatisfiable or near-unsatisfiable template).
    """
    rng = rng_for(template.id, seed)
    for _ in range(MAX_ATTEMPTS):
        params: dict[str, Any] = {}
        for name, spec in template.params.items():
            params[name] = _draw(spec, params, rng, where=f"{template.id}.params.{name}")
        lets = derive(template, params)
        scope = {**params, **lets}
        if all(
            evaluate(c, scope, where=f"{template.id}.constraints[{i}]")
            for i, c in enumerate(template.constraints)
        ):
            return params, lets
    raise TemplateError(
        f"{template.id}: constraints unsatisfied after {MAX_ATTEMPTS} draws (seed {seed})"
    )


def derive(template: Template, params: dict[str, Any]) -> dict[str, Any]:
    """Evaluate the template's ``let`` formulas in order over params and earlier lets."""
    lets: dict[str, Any] = {}
    for name, expression in template.let.items():
        lets[name] = evaluate(expression, {**params, **lets}, where=f"{template.id}.let.{name}")
    return lets


def _draw(spec: ParamSpec, earlier: dict[str, Any], rng: random.Random, *, where: str) -> Any:
    if spec.value is not None:
        return evaluate(spec.value, earlier, where=where) if spec.expr else spec.value
    if spec.size is None:
        return _draw_one(spec, earlier, rng, where=where)
    size = spec.size if isinstance(spec.size, int) else evaluate(spec.size, earlier, where=where)
    return [_draw_one(spec, earlier, rng, where=where) for _ in range(int(size))]


def _draw_one(spec: ParamSpec, earlier: dict[str, Any], rng: random.Random, *, where: str) -> Any:
    if spec.choices is not None:
        return spec.choices[rng.randrange(len(spec.choices))]
    if spec.ints is not None:
        return _draw_int(spec.ints, int(spec.step or 1), earlier, rng, where=where)
    assert spec.floats is not None
    return _draw_float(spec.floats, spec.step or 0.1, earlier, rng, where=where)


def _draw_int(
    bounds: tuple[Bound, Bound],
    step: int,
    earlier: dict[str, Any],
    rng: random.Random,
    *,
    where: str,
) -> int:
    low, high = (int(_bound(b, earlier, where)) for b in bounds)
    count = (high - low) // step + 1
    if count < 1:
        raise TemplateError(f"{where}: empty range [{low}, {high}]")
    return low + step * rng.randrange(count)


def _draw_float(
    bounds: tuple[Bound, Bound],
    step: float,
    earlier: dict[str, Any],
    rng: random.Random,
    *,
    where: str,
) -> float:
    low, high = (Decimal(str(_bound(b, earlier, where))) for b in bounds)
    grid = Decimal(str(step))
    count = int((high - low) / grid) + 1
    if count < 1:
        raise TemplateError(f"{where}: empty range [{low}, {high}]")
    # Decimal arithmetic keeps grid points exact: 0.1 * 3 is 0.3, not 0.30000000000000004.
    return float(low + grid * rng.randrange(count))


def _bound(bound: int | float | str, earlier: dict[str, Any], where: str) -> float:
    value = evaluate(bound, earlier, where=where) if isinstance(bound, str) else bound
    return float(value)
