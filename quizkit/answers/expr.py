"""Safe arithmetic: evaluate what a student types, such as ``2*3*3*64*64*480*640`` or ``(28-5)/1+1``.

The text is parsed with :func:`ast.parse` and only a whitelist of nodes is evaluated: number
literals, ``+ - * / // % **``, unary ``+``/``-``, parentheses, the calls ``floor ceil sqrt log
log2 log10 exp abs cos sin tan tanh`` (``log(x, base)`` too) and the names ``pi``, ``e``, ``inf`` and ``nan``.
Nothing is ever passed to :func:`eval`.

Arithmetic is exact where it can be: integer literals stay ``int``, decimal literals such as
``0.1`` or ``1e3`` become :class:`~fractions.Fraction` (so ``1e3`` is the integer 1000 and
``22.6e9`` is exactly 22600000000), and ``/`` of exact numbers is exact. Only the functions and
the constants ``pi``/``e`` bring in ``float``.

Guards, so that no input can hang or exhaust memory: the text is at most :data:`MAX_LENGTH`
characters and :data:`MAX_DEPTH` nodes deep; an exact integer may have at most :data:`MAX_BITS`
bits (about 154 decimal digits). ``a ** b`` is sized *before* it is computed: when the exact
result would exceed that, it is computed in float instead, so ``9**9**9`` overflows (and is
refused) at once rather than hanging. Exact fractions that grow too precise fall back to
``float``. Every failure is an :class:`ExprError` with a message fit for the student.
"""

from __future__ import annotations

import ast
import math
import re
import warnings
from collections.abc import Callable
from fractions import Fraction

Number = int | Fraction | float

MAX_LENGTH = 500
MAX_DEPTH = 60
MAX_BITS = 512
# Decimal literals with a larger exponent are read as float, not as an exact Fraction,
# so that ``1e999999999`` cannot ask for a billion-digit integer.
_MAX_EXACT_EXPONENT = 100

_DECIMAL = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?$")

_NAMES: dict[str, Number] = {
    "pi": math.pi,
    "e": math.e,
    "inf": math.inf,
    "infinity": math.inf,
    "nan": math.nan,
}
# Only these names are matched case-insensitively (people type NaN, Inf, INF).
_CASELESS_NAMES = frozenset({"inf", "infinity", "nan"})


def _log(x: Number, base: Number | None = None) -> float:
    return math.log(x) if base is None else math.log(x, base)


_FUNCTIONS: dict[str, tuple[Callable[..., Number], int, int]] = {
    # name: (function, min args, max args)
    "floor": (math.floor, 1, 1),
    "ceil": (math.ceil, 1, 1),
    "sqrt": (math.sqrt, 1, 1),
    "log": (_log, 1, 2),
    "log2": (math.log2, 1, 1),
    "log10": (math.log10, 1, 1),
    "exp": (math.exp, 1, 1),
    "abs": (abs, 1, 1),
    # Schedulers (cosine annealing) and activations (tanh) need these to be typed by hand.
    "cos": (math.cos, 1, 1),
    "sin": (math.sin, 1, 1),
    "tan": (math.tan, 1, 1),
    "tanh": (math.tanh, 1, 1),
}

FUNCTION_NAMES = tuple(_FUNCTIONS)


class ExprError(ValueError):
    """The text is not a safe arithmetic expression, or its value cannot be computed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def evaluate(text: str) -> Number:
    """The value of the arithmetic expression ``text``: an ``int``, ``Fraction`` or ``float``.

    Raises :class:`ExprError` for anything else (syntax errors, unknown names, division by zero,
    results too large); never evaluates code.
    """
    source = text.strip()
    if not source:
        raise ExprError("the answer is empty")
    if len(source) > MAX_LENGTH:
        raise ExprError(f"the answer is too long ({len(source)} characters; at most {MAX_LENGTH})")
    if "#" in source:  # Python would read the rest as a comment: "25#7" must not be 25
        raise ExprError(f"'#' is not arithmetic in {source!r}")
    try:
        with warnings.catch_warnings():
            # e.g. "2(3)" warns "'int' object is not callable" while compiling; the student
            # gets our message instead.
            warnings.simplefilter("ignore")
            tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise ExprError(_syntax_message(source, error)) from None
    except (ValueError, RecursionError, MemoryError, OverflowError):
        # ValueError: NUL bytes (before 3.12); the others: absurd nesting or literals.
        raise ExprError(f"cannot read {source!r} as arithmetic") from None
    return _Evaluator(source).visit(tree.body, 0)


def _syntax_message(source: str, error: SyntaxError) -> str:
    offset = error.offset
    if offset is not None and 1 <= offset <= len(source):
        near = source[offset - 1 : offset + 9].rstrip()
        if near:
            return f"cannot read {source!r} as arithmetic: unexpected {near!r}"
    return f"cannot read {source!r} as arithmetic"


class _Evaluator:
    def __init__(self, source: str) -> None:
        self.source = source

    def visit(self, node: ast.expr, depth: int) -> Number:
        if depth > MAX_DEPTH:
            raise ExprError("the expression is nested too deeply")
        try:
            value = self._visit(node, depth + 1)
        except ZeroDivisionError:
            raise ExprError(f"division by zero in {self._segment(node)!r}") from None
        except OverflowError:
            raise ExprError(f"{self._segment(node)!r} is too large to compute") from None
        return _bounded(value, self._segment(node))

    def _segment(self, node: ast.expr) -> str:
        return ast.get_source_segment(self.source, node) or self.source

    def _visit(self, node: ast.expr, depth: int) -> Number:
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.visit(node.operand, depth)
            return -operand if isinstance(node.op, ast.USub) else +operand
        if isinstance(node, ast.BinOp):
            left = self.visit(node.left, depth)
            right = self.visit(node.right, depth)
            return self._binop(node, left, right)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        raise ExprError(f"{self._segment(node)!r} is not allowed; use numbers and + - * / // % **")

    def _constant(self, node: ast.Constant) -> Number:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ExprError(f"{self._segment(node)!r} is not a number")
        if isinstance(value, int):
            return value
        # Re-read the literal's own digits so that 0.1 is exactly 1/10 and 1e3 is 1000.
        digits = self._segment(node).replace("_", "")
        match = _DECIMAL.match(digits)
        if match is None or abs(int(match.group(1) or 0)) > _MAX_EXACT_EXPONENT:
            return value
        return _normalize(Fraction(digits))

    def _name(self, node: ast.Name) -> Number:
        name = node.id
        key = name.lower() if name.lower() in _CASELESS_NAMES else name
        if key in _NAMES:
            return _NAMES[key]
        if name in _FUNCTIONS:
            raise ExprError(f"{name} is a function: write {name}(...)")
        known = ", ".join(sorted(set(_NAMES) - {"infinity"}))
        raise ExprError(f"unknown name {name!r}; only the constants {known} are known")

    def _binop(self, node: ast.BinOp, left: Number, right: Number) -> Number:
        op = node.op
        if isinstance(op, ast.Add):
            return _normalize(left + right)
        if isinstance(op, ast.Sub):
            return _normalize(left - right)
        if isinstance(op, ast.Mult):
            return _normalize(left * right)
        if isinstance(op, ast.Div):
            if isinstance(left, int | Fraction) and isinstance(right, int | Fraction):
                return _normalize(Fraction(left) / Fraction(right))
            return left / right
        if isinstance(op, ast.FloorDiv):
            return _normalize(left // right)
        if isinstance(op, ast.Mod):
            return _normalize(left % right)
        if isinstance(op, ast.Pow):
            return self._power(node, left, right)
        raise ExprError(f"operator in {self._segment(node)!r} is not allowed; use + - * / // % **")

    def _power(self, node: ast.BinOp, base: Number, exponent: Number) -> Number:
        if isinstance(base, int | Fraction) and isinstance(exponent, int):
            # Size the exact result before computing it: its numerator or denominator has
            # about bits(base) * |exponent| bits. Past MAX_BITS, compute in float instead,
            # which overflows at once for 9**9**9 and underflows harmlessly for 2**-2000.
            exact = Fraction(base)
            size = max(exact.numerator.bit_length(), exact.denominator.bit_length())
            if base in (0, 1, -1) or size * abs(exponent) <= MAX_BITS:
                return _normalize(Fraction(base) ** exponent)
        result = float(base) ** float(exponent)
        if isinstance(result, complex):
            raise ExprError(f"{self._segment(node)!r} is not a real number")
        return result

    def _call(self, node: ast.Call, depth: int) -> Number:
        func = node.func
        if not isinstance(func, ast.Name):
            raise ExprError(f"{self._segment(node)!r}: missing operator? write * to multiply")
        name = func.id
        if name not in _FUNCTIONS:
            known = ", ".join(FUNCTION_NAMES)
            raise ExprError(f"unknown function {name!r}; only {known} are allowed")
        function, least, most = _FUNCTIONS[name]
        if node.keywords or not least <= len(node.args) <= most:
            raise ExprError(f"{name}() takes {least} argument{'s' if least > 1 else ''}")
        args = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise ExprError(f"{self._segment(node)!r} is not allowed")
            args.append(self.visit(arg, depth))
        try:
            result = function(*args)
        except ValueError:
            raise ExprError(f"{self._segment(node)!r} is undefined (math domain error)") from None
        return _normalize(result)


def _normalize(value: Number) -> Number:
    """Fractions with denominator 1 become ints; over-precise fractions become floats."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return value.numerator
        if max(value.numerator.bit_length(), value.denominator.bit_length()) > MAX_BITS:
            return float(value)
    return value


def _bounded(value: Number, segment: str) -> Number:
    if isinstance(value, int) and value.bit_length() > MAX_BITS:
        raise ExprError(f"{segment!r} is too large (more than {MAX_BITS} bits)")
    return value
