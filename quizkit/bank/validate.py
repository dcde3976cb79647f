"""``quizkit validate``: sample every template many times and check every truth.

A template fails when, for any of the sampled seeds: sampling cannot satisfy its constraints;
rendering or the torch code raises; the answer is degenerate (a shape with a zero or negative
size, zero params/FLOPs, a NaN or infinite value) unless ``degenerate_ok``; or the worked
derivation's final value ``let.result`` disagrees with the torch truth beyond 1e-9 relative
(not the student's tolerance: a derivation with the wrong formula must not pass) (for a choice, ``let.correct`` names another option than torch); or a misconception's
answer is accepted by the question's tolerance (the question would not tell the mistake from the
truth). Duplicate template ids across the bank also fail.
So does a template without a complete translation in every language the bank has a folder for
(``questions/zh/``), or whose translation renders other parameters than the English.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from quizkit.answers import check_answer
from quizkit.bank.bank import Bank
from quizkit.bank.locale import (
    TRANSLATED,
    Lang,
    parse_overlay,
    prose_lets,
    template_text_problem,
    translate,
    translation_gaps,
)
from quizkit.bank.model import AnswerKind, Template, Tolerance
from quizkit.bank.question import Truth, make_question
from quizkit.errors import QuizkitError

# A worked solution is plain-Python float64 arithmetic; torch's float64 agrees to ~1e-15.
DERIVATION_TOLERANCE = Tolerance(rtol=1e-9, atol=1e-12)


@dataclass(frozen=True)
class Problem:
    """One failure: the question id where it showed and what went wrong."""

    question_id: str
    message: str


@dataclass
class TemplateReport:
    template_id: str
    topic: str
    samples: int
    problems: list[Problem] = field(default_factory=list)
    distinct_answers: int = 0
    misconceptions: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ValidationReport:
    templates: list[TemplateReport]
    seconds: float

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.templates)

    @property
    def failed(self) -> list[TemplateReport]:
        return [t for t in self.templates if not t.ok]

    def as_json(self) -> dict[str, Any]:
        """The documented form of ``quizkit validate --json``."""
        return {
            "ok": self.ok,
            "templates": len(self.templates),
            "samples": sum(t.samples for t in self.templates),
            "misconceptions": sum(t.misconceptions for t in self.templates),
            "templates_with_misconceptions": sum(1 for t in self.templates if t.misconceptions),
            "seconds": round(self.seconds, 2),
            "failures": [
                {
                    "template": t.template_id,
                    "topic": t.topic,
                    "question": p.question_id,
                    "problem": p.message,
                }
                for t in self.templates
                for p in t.problems
            ],
        }


def validate_bank(
    bank: Bank,
    *,
    samples: int = 50,
    topics: list[str] | None = None,
    template_ids: Iterable[str] | None = None,
    on_template: Callable[[TemplateReport], None] | None = None,
) -> ValidationReport:
    """Validate the bank (or some topics / templates) with ``samples`` seeds per template."""
    start = time.perf_counter()
    bank.check_unique_ids()
    wanted = set(template_ids) if template_ids is not None else None
    reports = []
    for name in topics or bank.topic_names():
        for template in bank.topic(name).templates:
            if wanted is not None and template.id not in wanted:
                continue
            report = validate_template(template, topic=name, samples=samples)
            report.problems.extend(translation_problems(bank, template, samples=samples))
            reports.append(report)
            if on_template is not None:
                on_template(report)
    return ValidationReport(reports, time.perf_counter() - start)


def validate_template(template: Template, *, topic: str, samples: int) -> TemplateReport:
    """Check ``samples`` seeds (0..samples-1) of one template; stop at its first 3 problems."""
    from quizkit.bank.truth import compute_truth

    report = TemplateReport(
        template.id, topic, samples, misconceptions=len(template.misconceptions)
    )
    answers: set[str] = set()
    for seed in range(samples):
        question_id = f"{template.id}@{seed}"
        try:
            question = make_question(template, seed)
            truth = compute_truth(question)
        except QuizkitError as error:
            report.problems.append(Problem(question_id, error.message))
        else:
            answers.add(repr(truth.value))
            report.problems.extend(
                Problem(question_id, message)
                for message in [
                    *_check_truth(template, question.lets, truth.value),
                    *_check_misconceptions(template, truth),
                ]
            )
        if len(report.problems) >= 3:
            break
    report.distinct_answers = len(answers)
    return report


def topic_languages(bank: Bank, topic: str) -> list[Lang]:
    """The translations a topic's folder carries: each ``<folder>/<lang>/`` (a bank folder
    without one, such as an instructor's own, needs no translation)."""
    return [lang for lang in TRANSLATED if (bank.folder_of(topic) / lang.value).is_dir()]


def translation_problems(bank: Bank, template: Template, *, samples: int) -> list[Problem]:
    """Gaps in each translation of ``template``, and seeds whose translated rendering fails.

    A translated question must render and carry the English question's params and every let
    that is not prose (so the same numbers reach the truth and the derivation).
    """
    problems: list[Problem] = []
    for lang in topic_languages(bank, template.topic):
        english = bank.english_topic(template.topic)
        try:
            sources = bank.sources(lang, template.topic)
        except QuizkitError as error:
            problems.append(Problem(template.id, error.message))
            continue
        try:
            overlay = bank.overlay(template.topic, lang)
        except QuizkitError:
            # The file does not load; say what is wrong with this template's own entry (if
            # anything), so one validate run lists everything there is to fix.
            path = bank.overlay_file(template.topic, lang)
            own = template_text_problem(path, english, template.id)
            if own is not None:
                problems.append(Problem(template.id, own))
                continue
            overlay = parse_overlay(path)  # another entry is broken; this one matches
        gaps = translation_gaps(english, overlay, lang, sources)
        gaps = [gap for gap in gaps if gap.template_id == template.id]
        problems += [Problem(template.id, gap.message) for gap in gaps]
        if overlay is None or template.id not in overlay.templates:
            continue
        text = overlay.templates[template.id]
        translated = translate(template, text, lang)
        prose = prose_lets(template)
        for seed in range(samples):
            question_id = f"{template.id}@{seed}"
            try:
                source = make_question(template, seed)
                shown = make_question(translated, seed)
            except QuizkitError as error:
                problems.append(Problem(question_id, f"{lang.value}: {error.message}"))
                break
            same_lets = all(
                shown.lets[name] == value
                for name, value in source.lets.items()
                if name not in prose
            )
            if shown.params != source.params or not same_lets:
                problems.append(Problem(question_id, f"{lang.value}: other numbers than English"))
                break
    return problems


def _check_truth(template: Template, lets: dict[str, Any], truth: Any) -> list[str]:
    problems = []
    kind = template.answer.kind
    if not template.degenerate_ok and is_degenerate(kind, truth):
        problems.append(f"degenerate answer {truth!r} (set degenerate_ok if intended)")
    if kind is AnswerKind.CHOICE and "correct" in lets and lets["correct"] != truth:
        problems.append(f"derivation picks option {lets['correct']}, torch picks {truth}")
    if "result" in lets:
        # The derivation must *be* the truth, not merely pass as a student's answer would.
        verdict = check_answer(kind, truth, _as_answer(kind, lets["result"]), DERIVATION_TOLERANCE)
        if not verdict.correct:
            problems.append(
                f"worked solution gives {verdict.given}, torch gives {verdict.expected}"
            )
    return problems


def _check_misconceptions(template: Template, truth: Truth) -> list[str]:
    """Each misconception's answer must be *rejected* under the question's own tolerance."""
    problems = []
    for wrong in truth.misconceptions:
        verdict = check_answer(truth.kind, truth.value, wrong.value, template.answer.tolerance)
        if verdict.correct:
            problems.append(
                f"misconception {wrong.name} gives {verdict.given}, which the tolerance accepts "
                f"for the truth {verdict.expected}: constrain the params so they differ"
            )
    return problems


def _as_answer(kind: AnswerKind, value: Any) -> Any:
    """A derivation's ``result`` in the form the answer checker expects for ``kind``."""
    if kind is AnswerKind.SHAPE and isinstance(value, list | tuple):
        return tuple(value)
    if kind is AnswerKind.VALUE and isinstance(value, tuple):
        return list(value)
    return value


def is_degenerate(kind: AnswerKind, value: Any) -> bool:
    """Zero-size shapes, zero counts, and non-finite values make poor questions."""
    if kind is AnswerKind.SHAPE:
        return any(n <= 0 for n in value)
    if kind in (AnswerKind.PARAMS, AnswerKind.FLOPS):
        return bool(value <= 0)
    if kind is AnswerKind.VALUE:
        values = value if isinstance(value, list) else [value]
        return not values or not all(math.isfinite(v) for v in values)
    return False
