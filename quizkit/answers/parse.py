"""Parse what a student types into a value of the answer's kind, or say what went wrong.

:func:`parse_answer` never raises: text it cannot read becomes a :class:`ParseFailure` holding a
message (what was wrong, and where) and the accepted formats, so the student is asked again
rather than graded wrong. Numbers and sizes may be arithmetic, evaluated safely by
:mod:`quizkit.answers.expr`.

Accepted input, by kind (case-insensitive words; surrounding backticks ignored):

- shape: sizes separated by commas or by ``x``/``×`` — ``1x16x15x15``, ``1 x 16``, ``1,16,15,15``
  — optionally wrapped in ``(...)``, ``[...]`` or ``torch.Size([...])``; a trailing comma is
  fine; ``()``, ``[]`` and ``torch.Size([])`` are the scalar shape; plain whitespace-separated
  integers ``1 16 15 15`` too. Each size may be arithmetic (``1x16x(28-5+1)x24``) and must be a
  whole number ≥ 0. Commas and ``x`` may not be mixed. An unbracketed single size containing
  ``*`` (``1*16*15``) is refused: it reads as one size, which is rarely what was meant.
- legal: ``yes y true t legal ok okay valid runs 1`` / ``no n false f illegal error raises
  exception invalid fails 0``.
- bool: ``true t yes y 1`` / ``false f no n 0``.
- params, flops, int: a number or arithmetic expression — ``22649241600``, ``22_649_241_600``,
  ``22,649,241,600``, ``1e3``, ``2*3*3*64*64*480*640``, ``2^10`` (``^`` is power), ``3×3``
  (``×`` and ``·`` multiply; a plain ``x`` does not, it separates shape sizes) — or a decimal
  with a scale suffix: ``22.6G``, ``22.6 G``, ``1.2M``, ``760k``, ``1.5 billion``. Suffixes are
  case-sensitive SI prefixes ``k``/``K`` (10³), ``M`` (10⁶), ``G`` (10⁹), ``T`` (10¹²), ``P``
  (10¹⁵), or the words thousand, million, billion, trillion; ``m`` (milli), ``B``, lower-case
  ``g``/``t``/``p`` and binary ``Ki``/``Mi``/``Gi`` are refused with a message. A trailing unit
  word is allowed: ``FLOP``/``FLOPs`` for flops, ``param(s)``/``parameter(s)``/``weights`` for
  params (``22.6 GFLOPs``, ``1.2M params``); ``MACs`` is refused for flops (1 MAC = 2 FLOPs,
  so accepting it would grade half the count as right). A leading ``~``/``≈`` and a trailing
  ``(≈ 22.6 G)`` hint, as :func:`~quizkit.answers.formats.format_value` writes it, are ignored.
  The value is an ``int`` when the number is whole (``1e3`` → 1000, ``(28-5)/1+1`` → 24), a
  ``float`` otherwise — and always a ``float`` with a scale suffix, which marks a rounded figure.
- value: a number or expression (``0.25``, ``-1.5e-3``, ``1/3``, ``exp(-1)``, ``nan``, ``inf``,
  ``-inf``) → ``float``; a list (``[0.1, 0.2]``, ``0.1, 0.2``, ``(0.1, 0.2)``,
  ``tensor([0.1, 0.2])``, nested lists flattened, ``tensor(0.25, grad_fn=...)`` keyword parts
  ignored) → ``list[float]``.
- choice: a letter (``a``, ``B``, ``(c)``, ``c)``, ``c.``), the 1-based option number (``2``,
  ``(2)``), the option's text (case and whitespace ignored), or ``(b) option text`` → the 0-based
  index. If the input names two different options (the option texts are numbers, say), it is
  refused as ambiguous; ``(b)`` is never ambiguous. Without ``options`` any letter or positive
  number is accepted unchecked.

Input as people type it, in every kind: the text is NFKC-normalized first, so a Chinese IME's
full-width forms read as their ASCII twins (``（8，16，5，5）``, ``２５７``, ``Ｂ``, ``［0.1，0.2］``);
then ``、`` separates like a comma, a final ``。`` (or ``.``/``!``) ends the sentence and is dropped,
other ``。`` are decimal points, corner quotes ``「」『』`` are dropped, ``【】`` are brackets, and
superscript exponents (``10²``, ``2⁻³``) become powers (NFKC alone would make ``10²`` read 102).
Yes/no words include 是/否/对/错/正确/错误/能/不能/可以/不可以 (and ``是的``, ``不对`` …); a choice
may be written ``选b``, ``选项 B``, ``答案是（c）`` or ``b项``, or by a word of its text that no other
option has (``L1``, ``MAE``). Text that still cannot be read names the character that stopped it.

The comma rule, per kind: in a shape a comma always separates sizes (``16,384`` is two sizes);
in a count it is only a thousands separator, valid between groups of exactly three digits
(``1,024``; ``1,16`` and ``1,0245`` are refused); in a value it separates list items, but
bare digits and commas without spaces or brackets (``1,024``, ``0,5``, ``1,2,3``) are refused
as ambiguous (thousands separator? decimal comma? list?) — write ``1024``, ``0.5`` or
``[1, 2, 3]``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from quizkit.answers.expr import ExprError, Number, evaluate
from quizkit.answers.formats import accepted_formats, option_letter
from quizkit.bank.model import AnswerKind

AnswerValue = tuple[int, ...] | bool | int | float | list[float]

MAX_TEXT = 1000


@dataclass(frozen=True)
class Parsed:
    """A readable answer; ``value`` has the type of its kind (see the module docstring)."""

    value: AnswerValue


@dataclass(frozen=True)
class ParseFailure:
    """An unreadable answer: what was wrong, and the formats the student may use instead."""

    message: str
    formats: str


class _Unreadable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_answer(
    kind: AnswerKind, text: str, *, options: Sequence[str] = ()
) -> Parsed | ParseFailure:
    """Read ``text`` as an answer of ``kind``; ``options`` are the choice texts, in order."""
    try:
        value = _parse(kind, text, options)
    except (_Unreadable, ExprError) as error:
        return ParseFailure(_with_stopper(error.message, text), accepted_formats(kind))
    except Exception as error:  # a bug here must not end the student's session
        message = f"could not read {_quote(text)} (internal error: {type(error).__name__})"
        return ParseFailure(message, accepted_formats(kind))
    return Parsed(value)


def _parse(kind: AnswerKind, text: str, options: Sequence[str]) -> AnswerValue:
    if len(text) > MAX_TEXT:
        raise _Unreadable(f"the answer is too long ({len(text)} characters)")
    cleaned = _clean(text)
    if not cleaned:
        raise _Unreadable("the answer is empty")
    if kind is AnswerKind.SHAPE:
        return _parse_shape(cleaned)
    if kind is AnswerKind.LEGAL:
        return _parse_word(cleaned, _LEGAL_WORDS, "yes or no")
    if kind is AnswerKind.BOOL:
        return _parse_word(cleaned, _BOOL_WORDS, "true or false")
    if kind in (AnswerKind.PARAMS, AnswerKind.FLOPS, AnswerKind.INT):
        return _parse_count(kind, cleaned)
    if kind is AnswerKind.VALUE:
        return _parse_value(cleaned)
    if kind is AnswerKind.CHOICE:
        return _parse_choice(cleaned, options)
    raise _Unreadable(f"unknown answer kind {kind!r}")


_CHAR_MAP = str.maketrans(
    {
        "\u2212": "-",  # minus sign
        "\u00a0": " ",  # no-break space
        "\u2009": " ",  # thin space
        "\u202f": " ",  # narrow no-break space
        "\u00b7": "*",  # middle dot
        "\u22c5": "*",  # dot operator
        "\u2217": "*",  # asterisk operator
        "\u00f7": "/",  # division sign
        "\u2715": "×",  # multiplication x
        "\u2a2f": "×",  # cross product
    }
)


_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
# After NFKC: the CJK punctuation it leaves alone.
_CJK_MAP = str.maketrans(
    {
        "、": ",",
        "。": ".",
        "「": "",
        "」": "",
        "『": "",
        "』": "",
        "【": "[",
        "】": "]",
        "〔": "(",
        "〕": ")",
    }
)
# Characters any answer may contain; the first one outside this set is named when reading fails.
_READABLE = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,+-*/^%()[]{}_:=~≈×'\"`"
)


def normalize_input(text: str) -> str:
    """What the parser reads: NFKC (full-width to ASCII), CJK punctuation mapped, exponents.

    ``10²`` → ``10^(2)`` before NFKC (which would make it ``102``); ``、`` → ``,``;
    a final ``。`` is a full stop and dropped, other ``。`` are decimal points; ``「」`` dropped.
    """
    text = _SUPERSCRIPTS.sub(lambda m: f"^({m.group().translate(_SUPERSCRIPT)})", text)
    text = unicodedata.normalize("NFKC", text).strip()
    text = re.sub(r"[。.!！]+$", "", text) if re.search(r"[。!！]$|\d\.$", text) else text
    return text.translate(_CJK_MAP)


def _clean(text: str) -> str:
    return normalize_input(text).translate(_CHAR_MAP).strip().strip("`").strip()


def _with_stopper(message: str, text: str) -> str:
    """Lead with the first character no answer format uses, when there is one."""
    normal = normalize_input(text).translate(_CHAR_MAP)
    for position, char in enumerate(normal, start=1):
        if char not in _READABLE and not char.isspace() and not _is_word_char(char):
            fallback = "control character" if unicodedata.category(char) == "Cc" else "unnamed"
            name = unicodedata.name(char, fallback)
            return (
                f"reading stopped at {char!r} ({name.lower()}, U+{ord(char):04X}, character "
                f"{position}): {message}"
            )
    return message


def _is_word_char(char: str) -> bool:
    """CJK words (是, 选 …) are read by the yes/no and choice rules, not flagged as stoppers."""
    return "\u4e00" <= char <= "\u9fff"


def _quote(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _evaluate(text: str) -> Number:
    return evaluate(text.replace("^", "**"))


# --- brackets ---------------------------------------------------------------------------------

_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")", "]", "}"}


def _split_top(text: str, is_separator: Callable[[str, int], bool]) -> list[str]:
    """Split ``text`` where ``is_separator(text, i)`` holds outside any brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
            if depth < 0:
                raise _Unreadable(f"unbalanced {char!r} in {_quote(text)}")
        elif depth == 0 and is_separator(text, i):
            parts.append(text[start:i])
            start = i + 1
    if depth != 0:
        raise _Unreadable(f"unbalanced brackets in {_quote(text)}")
    parts.append(text[start:])
    return parts


def _is_comma(text: str, i: int) -> bool:
    return text[i] == ","


def _is_times(text: str, i: int) -> bool:
    """``×`` always; ``x``/``X`` only between non-letters, so ``exp(1)`` keeps its x."""
    char = text[i]
    if char == "×":
        return True
    if char not in "xX":
        return False
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not (before.isalpha() or before == "_" or after.isalpha() or after == "_")


def _unwrap(text: str, opening: str) -> str | None:
    """The inside of ``text`` if one bracket pair ``opening``…closing encloses all of it."""
    if len(text) < 2 or text[0] != opening or text[-1] != _OPEN[opening]:
        return None
    depth = 0
    for i, char in enumerate(text):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
            if depth == 0 and i < len(text) - 1:
                return None  # the first bracket closes early: "(2)*(3)"
    return text[1:-1]


def _unwrap_call(text: str, names: Sequence[str]) -> str | None:
    """The argument text of ``name(...)`` if ``text`` is exactly such a call."""
    for name in names:
        if text.startswith(name):
            rest = text[len(name) :].lstrip()
            inner = _unwrap(rest, "(")
            if inner is not None:
                return inner
    return None


# --- shape ------------------------------------------------------------------------------------


def _parse_shape(text: str) -> tuple[int, ...]:
    body = text.replace("×", "x")
    inner = _unwrap_call(body, ("torch.Size", "Size"))
    wrapped = inner is not None
    body = (inner if inner is not None else body).strip()
    for _ in range(2):
        inner = _unwrap(body, "(") if body.startswith("(") else _unwrap(body, "[")
        if inner is None:
            break
        body, wrapped = inner.strip(), True
    if not body:
        if wrapped:
            return ()
        raise _Unreadable("the shape is empty; type () for a scalar")
    by_comma = _split_top(body, _is_comma)
    by_times = _split_top(body, _is_times)
    if len(by_comma) > 1 and len(by_times) > 1:
        raise _Unreadable(f"{_quote(text)} mixes ',' and 'x'; separate sizes with one of them")
    if len(by_comma) > 1:
        parts = by_comma[:-1] if not by_comma[-1].strip() else by_comma  # trailing comma
    elif len(by_times) > 1:
        parts = by_times
    elif re.fullmatch(r"\d+(\s+\d+)+", body):
        parts = body.split()
    else:
        if not wrapped and len(_split_top(body, lambda t, i: t[i] == "*")) > 1:
            raise _Unreadable(
                f"{_quote(text)} reads as a single size; separate sizes with x or commas"
                f" (write ({body},) if you mean a 1-D shape)"
            )
        parts = [body]
    return tuple(_shape_size(part.strip(), i, len(parts)) for i, part in enumerate(parts))


def _shape_size(part: str, index: int, count: int) -> int:
    where = f"size {index + 1} of {count}"
    if not part:
        raise _Unreadable(f"{where} is empty; sizes are separated by one ',' or 'x'")
    try:
        value = _evaluate(part)
    except ExprError as error:
        raise _Unreadable(f"{where}: {error.message}") from None
    size = _exact_int(value)
    if size is None:
        hint = " (use // to round down)" if isinstance(value, Fraction) else ""
        raise _Unreadable(f"{where}, {part!r}, is {_show(value)}, not a whole number{hint}")
    if size < 0:
        raise _Unreadable(f"{where}, {part!r}, is negative; sizes are whole numbers ≥ 0")
    return size


def _exact_int(value: Number) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _show(value: Number) -> str:
    return f"{float(value):.6g}"


# --- yes/no -----------------------------------------------------------------------------------

_YES_ZH = ("是", "是的", "对", "对的", "正确", "能", "可以", "会", "行", "合法", "真")
_NO_ZH = (
    "否",
    "不是",
    "错",
    "错的",
    "不对",
    "错误",
    "不正确",
    "不能",
    "不可以",
    "不会",
    "不行",
    "非法",
    "不合法",
    "假",
)
_LEGAL_WORDS = {
    **dict.fromkeys(
        ("yes", "y", "true", "t", "legal", "ok", "okay", "valid", "runs", "1", *_YES_ZH), True
    ),
    **dict.fromkeys(
        ("no", "n", "false", "f", "illegal", "error", "raises", "exception", "invalid", "fails"),
        False,
    ),
    **dict.fromkeys((*_NO_ZH, "报错", "会报错"), False),
    "0": False,
}
_BOOL_WORDS = {
    **dict.fromkeys(("true", "t", "yes", "y", "1", *_YES_ZH), True),
    **dict.fromkeys(("false", "f", "no", "n", "0", *_NO_ZH), False),
}


def _parse_word(text: str, words: dict[str, bool], expected: str) -> bool:
    word = " ".join(text.strip("'\".!,").split()).casefold()
    if word in words:
        return words[word]
    raise _Unreadable(f"{_quote(text)} is not an answer here; type {expected}")


# --- counts: params, flops, int ---------------------------------------------------------------

_UNITS = {
    AnswerKind.FLOPS: frozenset({"flop", "flops"}),
    AnswerKind.PARAMS: frozenset({"param", "params", "parameter", "parameters", "weights"}),
    AnswerKind.INT: frozenset(),
}
_UNIT_AT_END = re.compile(r"(?P<rest>.*?)\s*(?P<unit>flops?|macs?|param(?:eter)?s?|weights)", re.I)
_HINT_AT_END = re.compile(r"(?P<rest>.*?)\s*\(\s*[≈~][^()]*\)")
_GROUPED = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\w,])")
_SCALED = re.compile(
    r"(?P<number>[+-]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)\s*(?P<suffix>[^\W\d_]+)"
)
_SCALES = {"k": 3, "K": 3, "M": 6, "G": 9, "T": 12, "P": 15}
_SCALE_WORDS = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}
_SCALE_HELP = "k/K (10^3), M (10^6), G (10^9), T (10^12), P (10^15)"


def _parse_count(kind: AnswerKind, text: str) -> int | float:
    body = text.replace("×", "*")
    hint = _HINT_AT_END.fullmatch(body)
    if hint is not None and hint.group("rest"):
        body = hint.group("rest")
    body = body.lstrip("~≈").strip()
    body = _strip_unit(kind, body)
    body = _GROUPED.sub(lambda m: m.group().replace(",", ""), body)
    if len(_split_top(body, _is_comma)) > 1:
        raise _Unreadable(
            f"{_quote(text)}: a comma in a number separates groups of exactly three digits,"
            " as in 1,024 or 22,649,241,600"
        )
    scaled = _SCALED.fullmatch(body)
    if scaled is not None:
        exponent = _scale_exponent(scaled.group("suffix"))
        try:
            scaled_value = float(_evaluate(scaled.group("number")) * 10**exponent)
        except OverflowError:
            raise _Unreadable(f"{_quote(text)} is too large") from None
        if not math.isfinite(scaled_value):
            raise _Unreadable(f"{_quote(text)} is not a finite number")
        return scaled_value
    try:
        value = _evaluate(body)
    except ExprError as error:
        if re.search(r"[\d)]\s*[xX]\s*[\d(]", body):
            raise _Unreadable(
                f"{error.message}; use * to multiply (x separates shape sizes)"
            ) from None
        raise
    if isinstance(value, float) and not math.isfinite(value):
        raise _Unreadable(f"{_quote(text)} is not a finite number")
    whole = _exact_int(value)
    return whole if whole is not None else float(value)


def _strip_unit(kind: AnswerKind, body: str) -> str:
    match = _UNIT_AT_END.fullmatch(body)
    if match is None:
        return body
    unit = match.group("unit")
    rest = match.group("rest")
    if unit.lower() in ("mac", "macs"):
        if kind is AnswerKind.FLOPS:
            raise _Unreadable(
                "the answer is counted in FLOPs, not MACs (1 MAC = 2 FLOPs); "
                "give the FLOP count, without a unit or with FLOPs"
            )
        raise _Unreadable(f"{unit!r} is not a unit for this answer; type the number alone")
    if unit.lower() not in _UNITS[kind]:
        raise _Unreadable(f"{unit!r} is not a unit for this answer; type the number alone")
    if not rest:
        raise _Unreadable(f"a number is missing before {unit!r}")
    return rest


def _scale_exponent(suffix: str) -> int:
    if suffix in _SCALES:
        return _SCALES[suffix]
    if suffix.lower() in _SCALE_WORDS:
        return _SCALE_WORDS[suffix.lower()]
    if suffix == "m":
        reason = "'m' would mean milli (10^-3); write M for mega (10^6)"
    elif suffix in ("B", "b", "bn"):
        reason = f"{suffix!r} is not accepted; write G or billion for 10^9"
    elif suffix in ("Ki", "Mi", "Gi", "Ti"):
        reason = f"binary prefix {suffix!r} is not accepted; type the number"
    elif suffix in ("x", "X"):
        reason = "use * to multiply (x separates shape sizes)"
    else:
        reason = f"unknown suffix {suffix!r}"
    raise _Unreadable(f"{reason}; scale suffixes are {_SCALE_HELP}")


# --- values -----------------------------------------------------------------------------------

_ARRAY_CALLS = ("torch.tensor", "tensor", "numpy.array", "np.array", "array")
_KEYWORD_PART = re.compile(r"\s*[A-Za-z_]\w*\s*=")
# "1,024" (thousands?) and "0,5" (decimal comma?) could be one number or a list.
_AMBIGUOUS_COMMAS = re.compile(r"[+-]?\d+(?:,\d+)+(?:\.\d+)?")


def _parse_value(text: str) -> float | list[float]:
    body = text.replace("×", "*")
    inner = _unwrap_call(body, _ARRAY_CALLS)
    if inner is not None:
        kept = [p for p in _split_top(inner, _is_comma) if not _KEYWORD_PART.match(p)]
        body = ",".join(kept).strip()
        if not body:
            raise _Unreadable(f"{_quote(text)} holds no number")
    if _AMBIGUOUS_COMMAS.fullmatch(body):
        items = ", ".join(re.sub(r"^([+-]?)0+(?=\d)", r"\1", p) for p in body.split(","))
        raise _Unreadable(
            f"{_quote(body)} is ambiguous: for a list write [{items}]; for one number use a"
            " decimal point and no thousands separators"
        )
    listed = _unwrap(body, "[")
    if listed is None:
        tupled = _unwrap(body, "(")
        if tupled is not None and len(_split_top(tupled, _is_comma)) > 1:
            listed = tupled  # (0.1, 0.2), or (0.1,)
        elif len(_split_top(body, _is_comma)) > 1:
            listed = body  # 0.1, 0.2
    if listed is not None:
        return [_value_item(item) for item in _list_items(listed)]
    return _value_item(body)


def _list_items(text: str) -> list[str]:
    """The comma-separated items of a list, nested lists flattened; a trailing comma is fine."""
    if not text.strip():
        return []
    parts = _split_top(text, _is_comma)
    if len(parts) > 1 and not parts[-1].strip():
        parts = parts[:-1]
    items: list[str] = []
    for part in parts:
        part = part.strip()
        nested = _unwrap(part, "[")
        if nested is not None:
            items.extend(_list_items(nested))
        elif not part:
            raise _Unreadable(f"an item of {_quote(text)} is empty")
        else:
            items.append(part)
    return items


def _value_item(text: str) -> float:
    value = _evaluate(text)
    try:
        return float(value)
    except OverflowError:
        raise _Unreadable(f"{_quote(text)} is too large") from None


# --- choices ----------------------------------------------------------------------------------

_LETTER = re.compile(r"\(\s*([a-z])\s*\)|([a-z])\s*[).:]?", re.I)
_NUMBER = re.compile(r"\(\s*(\d{1,4})\s*\)|(\d{1,4})\s*[).:]?")
_LABELLED = re.compile(r"(?:\(\s*([a-z])\s*\)|([a-z])[).:])\s*(.+)", re.I | re.S)


_WORD = re.compile(r"[\w.+-]+")


def _keyword_meanings(typed: str, options: Sequence[str]) -> dict[int, str]:
    """An option named by a word (or words) of its text that no other option contains.

    ``L1`` picks "L1 loss is more robust to outliers" over "L2 loss …"; single letters and
    bare numbers are never keywords (they name options by position).
    """
    if len(typed) < 2 or typed.isdigit():
        return {}
    words = tuple(_WORD.findall(typed)) or (typed,)
    hits = {}
    for index, option in enumerate(options):
        normal = _normal_text(option)
        tokens = _WORD.findall(normal)
        found = all(w in tokens for w in words) if _WORD.findall(typed) else typed in normal
        if found:
            hits[index] = f"the word {typed!r} in option ({option_letter(index)})"
    return hits


def _normal_text(text: str) -> str:
    return " ".join(text.replace("`", "").split()).strip("'\"").rstrip(".").casefold()


# How Chinese students name an option: 选b, 选项 B, 答案是 (c), 答 c, b项, 选择b.
_CHOICE_WRAPPER = re.compile(
    r"(?:答案是|答案|答|选项|选择|选)\s*[:：]?\s*(?P<core>.+?)\s*(?:项)?|(?P<bare>[a-z])\s*项", re.I
)


def _parse_choice(text: str, options: Sequence[str]) -> int:
    wrapped = _CHOICE_WRAPPER.fullmatch(text)
    if wrapped is not None:
        text = (wrapped.group("core") or wrapped.group("bare")).strip()
    count = len(options)
    valid = (
        f"a letter {option_letter(0)}–{option_letter(count - 1)}"
        if 1 < count <= 26
        else "a letter a, b, c, …"
    )
    meanings: dict[int, str] = {}
    out_of_range: str | None = None

    letter = _LETTER.fullmatch(text)
    if letter is not None:
        index = ord((letter.group(1) or letter.group(2)).lower()) - ord("a")
        if not options or index < count:
            meanings.setdefault(index, f"option ({option_letter(index)})")
        else:
            out_of_range = f"there is no option ({option_letter(index)})"
    number = _NUMBER.fullmatch(text)
    if number is not None:
        index = int(number.group(1) or number.group(2)) - 1
        if index >= 0 and (not options or index < count):
            meanings.setdefault(index, f"option number {index + 1}")
        else:
            out_of_range = f"there is no option number {index + 1}"
    typed = _normal_text(text)
    for index, option in enumerate(options):
        if typed and _normal_text(option) == typed:
            meanings.setdefault(index, f"the text of option ({option_letter(index)})")
    labelled = _LABELLED.fullmatch(text)
    if not meanings and labelled is not None and options:
        index = ord((labelled.group(1) or labelled.group(2)).lower()) - ord("a")
        if index < count and _normal_text(options[index]) == _normal_text(labelled.group(3)):
            meanings[index] = f"option ({option_letter(index)})"

    if not meanings and options:
        meanings = _keyword_meanings(typed, options)

    if len(meanings) == 1:
        return next(iter(meanings))
    if len(meanings) > 1:
        said = " or ".join(meanings.values())
        first = option_letter(min(meanings))
        raise _Unreadable(
            f"{_quote(text)} is ambiguous: it could be {said}; type the letter in brackets, "
            f"e.g. ({first})"
        )
    if out_of_range is not None:
        raise _Unreadable(f"{out_of_range}; type {valid}")
    raise _Unreadable(
        f"{_quote(text)} matches no option; type {valid}, the option's number or its text"
    )
