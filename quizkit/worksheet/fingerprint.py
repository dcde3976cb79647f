"""Template fingerprints: what an answer sheet records so it stays gradable after bank edits.

A worksheet question is ``make_question(template, seed)``, so it changes only when its
template's question-defining fields change: ``id``, ``params``, ``constraints``, ``let``,
``prompt``, ``answer`` (kind, truth code, options, tolerance, unit) and ``degenerate_ok``. The
fingerprint is the first 12 hex digits of SHA-256 over those fields as canonical JSON (sorted
keys, no whitespace, defaults left out, so a new optional field in a later quizkit does not
change it). Title, tags, hint, solution, source and difficulty are not in it: editing them, or
anything in other templates or other topic files, leaves every sheet gradable.
"""

from __future__ import annotations

import hashlib
import json

from quizkit.bank.model import Template

FINGERPRINT_DIGITS = 12
QUESTION_FIELDS = frozenset(
    {"id", "params", "constraints", "let", "prompt", "answer", "degenerate_ok"}
)


def template_fingerprint(template: Template) -> str:
    """12 hex digits that change iff a question-defining field of ``template`` changes."""
    data = template.model_dump(mode="json", include=set(QUESTION_FIELDS), exclude_defaults=True)
    data["id"] = template.id  # never a default, but keep it even if it were
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:FINGERPRINT_DIGITS]
