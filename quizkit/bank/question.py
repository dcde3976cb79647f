"""Question instances: a template bound to a seed, rendered to text. No torch here.

A question's id is ``<template-id>@<seed>``, e.g. ``conv-out-size@1234``; the same id renders
the same question everywhere (see :mod:`quizkit.bank.sampling`).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import Any

from quizkit.bank.model import AnswerKind, Template
from quizkit.bank.sampling import sample_params
from quizkit.errors import TemplateError, UsageError

QUESTION_ID = re.compile(r"^(?P<template>[a-z0-9-]+)(?:@(?P<seed>\d{1,12}))?$")
OPTION_LETTERS = string.ascii_lowercase


@dataclass(frozen=True)
class Question:
    """One rendered question: the template, its seed, sampled params and derived values."""

    template: Template
    seed: int
    params: dict[str, Any]
    lets: dict[str, Any]
    prompt: str
    hint: str
    solution: str
    options: tuple[str, ...]
    feedback: dict[str, str] = field(default_factory=dict)
    """Each misconception's rendered feedback sentence, by misconception name."""

    @property
    def id(self) -> str:
        return f"{self.template.id}@{self.seed}"

    @property
    def kind(self) -> AnswerKind:
        return self.template.answer.kind

    @property
    def scope(self) -> dict[str, Any]:
        """Params and lets: the variables that the truth code sees."""
        return {**self.params, **self.lets}


@dataclass(frozen=True)
class Truth:
    """The correct answer of a question, as computed by torch.

    ``value`` is a ``tuple[int, ...]`` (shape), ``bool`` (legal, bool), ``int`` (params, flops,
    int, choice index) or ``float | list[float]`` (value). ``detail`` carries what torch said
    when an operation is illegal.
    """

    kind: AnswerKind
    value: Any
    detail: str = ""
    misconceptions: tuple[WrongAnswer, ...] = ()


@dataclass(frozen=True)
class WrongAnswer:
    """A misconception's answer for one question, computed by torch like the truth."""

    name: str
    value: Any


def parse_question_id(text: str, *, default_seed: int = 0) -> tuple[str, int]:
    """``"conv-out-size@12"`` -> ``("conv-out-size", 12)``; a bare id takes ``default_seed``."""
    match = QUESTION_ID.match(text.strip())
    if not match:
        raise UsageError(f"{text!r} is not a question id; expected TEMPLATE or TEMPLATE@SEED")
    seed = match.group("seed")
    return match.group("template"), int(seed) if seed is not None else default_seed


def make_question(template: Template, seed: int) -> Question:
    """Sample ``template`` at ``seed`` and render its prompt, hint, options and solution."""
    params, lets = sample_params(template, seed)
    scope = {**params, **lets}
    options = tuple(
        render_text(o.text, scope, where=f"{template.id}.answer.options[{i}]")
        for i, o in enumerate(template.answer.options or ())
    )
    scope_with_options = {**scope, "options": options}
    return Question(
        template=template,
        seed=seed,
        params=params,
        lets=lets,
        prompt=with_precision(
            render_text(template.prompt, scope_with_options, where=f"{template.id}.prompt"),
            template,
            lets,
            lang=template._lang,
        ),
        hint=render_text(template.hint, scope_with_options, where=f"{template.id}.hint"),
        solution=render_text(
            template.solution, scope_with_options, where=f"{template.id}.solution"
        ),
        options=options,
        feedback={
            m.name: render_text(
                m.feedback, scope_with_options, where=f"{template.id}.misconceptions[{i}].feedback"
            )
            for i, m in enumerate(template.misconceptions)
        },
    )


def with_precision(prompt: str, template: Template, lets: dict[str, Any], lang: str = "en") -> str:
    """The prompt followed by the precision sentence its tolerance implies (if any)."""
    # Imported here: quizkit.answers imports this module (answers -> bank.question).
    from quizkit.answers.precision import precision_sentence

    listed = isinstance(lets.get("result"), list | tuple)
    sentence = precision_sentence(
        template.answer.kind, template.answer.tolerance, listed=listed, lang=lang
    )
    return f"{prompt}\n\n{sentence}" if sentence else prompt


def render_text(text: str, scope: dict[str, Any], *, where: str) -> str:
    """``str.format`` with the scope; lists and tuples print as Python literals."""
    try:
        return text.format(**scope).strip()
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as error:
        raise TemplateError(f"{where}: cannot render: {type(error).__name__}: {error}") from None
