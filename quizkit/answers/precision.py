"""The sentence that tells a student how precise to be, generated from the tolerance.

Said once, by the rule that grades: the prompt's precision sentence and the checker
(:mod:`quizkit.answers.check`) read the same :class:`~quizkit.bank.model.Tolerance`, so they
cannot disagree. Shapes, yes/no and choices are exact by nature and get no sentence.
"""

from __future__ import annotations

from quizkit.answers.check import VALUE_ATOL, VALUE_RTOL
from quizkit.answers.formats import COUNT_KINDS, format_float
from quizkit.bank.model import AnswerKind, Tolerance

_SENTENCES = {
    "en": {
        "exact": "Give the exact number.",
        "decimals": "Give {n} decimal places (answers within ±{half} are accepted).",
        "decimals0": "Give a whole number (answers within ±0.5 are accepted).",
        "sigfigs": "Give {n} significant figures (e.g. {example}); more are fine.",
        "rtol": "Answers within {pct} of the exact value are accepted.",
        "atol": "Answers within ±{atol} are accepted.",
        "both": "Answers within {pct} or ±{atol} of the exact value are accepted.",
        "each": " (each element)",
    },
    "zh": {
        "exact": "请给出精确值。",
        "decimals": "请保留 {n} 位小数（误差在 ±{half} 以内即算正确）。",
        "decimals0": "请给出整数（误差在 ±0.5 以内即算正确）。",
        "sigfigs": "请给出 {n} 位有效数字（例如 {example}），多给几位也可以。",
        "rtol": "与精确值相差不超过 {pct} 即算正确。",
        "atol": "误差在 ±{atol} 以内即算正确。",
        "both": "与精确值相差不超过 {pct} 或 ±{atol} 即算正确。",
        "each": "（逐个元素）",
    },
}
_SIGFIG_EXAMPLES = {1: "2G", 2: "2.3G", 3: "2.26G", 4: "2.265G"}


def precision_sentence(
    kind: AnswerKind,
    tolerance: Tolerance,
    *,
    listed: bool = False,
    lang: str = "en",
    suffixes: bool = True,
) -> str:
    """How precise the answer must be, in words; ``""`` for exact-by-nature kinds.

    ``listed`` marks a list answer (the rule applies to each element); ``suffixes=False``
    gives examples without SI suffixes, for numeric fields that take digits only.
    """
    if kind is not AnswerKind.VALUE and kind not in COUNT_KINDS:
        return ""
    words = _SENTENCES.get(lang, _SENTENCES["en"])
    text = _sentence(kind, tolerance, words, suffixes=suffixes)
    if listed and kind is AnswerKind.VALUE:
        stop = "。" if text.endswith("。") else "."
        text = text.removesuffix(stop) + words["each"] + stop
    return text


def _sentence(
    kind: AnswerKind, tolerance: Tolerance, words: dict[str, str], *, suffixes: bool
) -> str:
    if tolerance.decimals is not None:
        n = tolerance.decimals
        if n == 0:
            return words["decimals0"]
        return words["decimals"].format(n=n, half=format_float(float(f"5e-{n + 1}")))
    if tolerance.sigfigs is not None:
        n = tolerance.sigfigs
        suffixed = suffixes and kind in (AnswerKind.FLOPS, AnswerKind.PARAMS)
        example = _SIGFIG_EXAMPLES.get(n, "") if suffixed else ""
        example = example or format_float(round(2.2654321, n - 1))
        return words["sigfigs"].format(n=n, example=example)
    rtol, atol = tolerance.rtol, tolerance.atol
    if kind is AnswerKind.VALUE:
        rtol = VALUE_RTOL if rtol is None else rtol
        atol = VALUE_ATOL if atol is None else atol
        atol = 0.0 if atol <= VALUE_ATOL else atol  # 1e-8 only guards a zero truth
    else:
        rtol, atol = rtol or 0.0, atol or 0.0
    if not rtol and not atol:
        return words["exact"]
    pct = _percent(rtol)
    if rtol and atol:
        return words["both"].format(pct=pct, atol=format_float(atol))
    if rtol:
        return words["rtol"].format(pct=pct)
    return words["atol"].format(atol=format_float(atol))


def _percent(rtol: float) -> str:
    """``0.01`` → ``1%``, ``0.005`` → ``0.5%``."""
    return f"{format_float(rtol * 100)}%"
