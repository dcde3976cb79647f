"""Languages of the bank: the English templates plus one text overlay per language and topic.

The English topic file ``questions/<topic>.yaml`` holds everything that decides a question:
parameters, constraints, ``let`` formulas and the torch truth. A translation lives beside it in
``questions/<lang>/<topic>.yaml`` and holds only text, keyed by template id::

    topic: conv
    title: 卷积层
    templates:
      conv-out-size:
        title: …
        prompt: |            # exactly the same {placeholders} (name, format spec) as the English
        hint: …
        solution: …
        options: [...]       # choice questions: as many options, each with the same placeholders
        let: {why: "…"}      # re-worded prose lets only (see below)
        misconceptions: {forgot-padding: …}   # feedback per English misconception name

A translated template is the English :class:`Template` with its text swapped
(:func:`translate`), so sampling (which depends on the id, params, constraints and lets) draws
the same parameters, and the truth code sees the same names with the same values: same numbers,
same truth, same ids. A ``let`` may be re-worded only when it is prose: a name the answer code,
the constraints, ``result`` and ``correct`` never read, so its value cannot change an answer.

A missing translation falls back to English at run time but is a failure of
``quizkit validate`` (:func:`translation_problems`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import string
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from quizkit.bank.loader import (
    Loc,
    _compose,
    _display_path,
    _load,
    _nearest_line,
)
from quizkit.bank.model import Strict, Template, TopicFile
from quizkit.errors import BankError, UsageError


class Lang(str, Enum):
    """A language the bank can be shown in; English is the source of every template."""

    EN = "en"
    ZH = "zh"


TRANSLATED = tuple(lang for lang in Lang if lang is not Lang.EN)
# Lets whose value decides an answer, whatever the answer code reads.
DECIDING_LETS = frozenset({"result", "correct"})
LANG_VARIABLES = ("LC_ALL", "LANG")


def parse_lang(value: str) -> Lang:
    """``"zh"``, ``"ZH"``, ``"zh_CN.UTF-8"`` -> ``Lang.ZH``; an unknown language is a usage error."""
    code = value.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    for lang in Lang:
        if code == lang.value:
            return lang
    known = ", ".join(lang.value for lang in Lang)
    raise UsageError(f"unknown language {value!r}; expected one of: {known}")


def resolve_lang(cli_value: str | Lang | None, env: Mapping[str, str] | None = None) -> Lang:
    """The language to show: ``--lang``, else ``$QUIZKIT_LANG``, else the locale, else English.

    The locale is ``$LC_ALL`` if set, else ``$LANG`` (POSIX precedence); ``zh*`` means Chinese and
    any other locale (``C.UTF-8``, ``en_US``, ``de_DE``) means English.
    """
    if isinstance(cli_value, Lang):
        return cli_value
    if cli_value:
        return parse_lang(cli_value)
    environ = os.environ if env is None else env
    if environ.get("QUIZKIT_LANG"):
        return parse_lang(environ["QUIZKIT_LANG"])
    for name in LANG_VARIABLES:
        locale = environ.get(name)
        if locale:
            return Lang.ZH if locale.lower().startswith("zh") else Lang.EN
    return Lang.EN


class TemplateText(Strict):
    """The text of one template in one language; everything else comes from the English."""

    title: str = Field(description="the template's title")
    prompt: str = Field(description="the prompt, with the English prompt's {placeholders}")
    hint: str = Field(description="the hint, with the English hint's {placeholders}")
    solution: str = Field(description="the worked solution, with the English {placeholders}")
    options: list[str] | None = Field(
        None, description="choice questions: the options in the English order"
    )
    let: dict[str, str] = Field(
        default_factory=dict,
        description="prose lets re-worded: name -> expression over params and lets",
    )
    misconceptions: dict[str, str] = Field(
        default_factory=dict, description="misconception name -> feedback sentence"
    )


class TopicText(Strict):
    """One ``questions/<lang>/<topic>.yaml`` overlay."""

    topic: str = Field(description="the topic; must equal the file's stem")
    title: str = Field(description="the topic's title")
    description: str = Field("", description="one line on what the topic practises")
    templates: dict[str, TemplateText] = Field(
        default_factory=dict, description="template id -> its text"
    )


def overlay_path(bank_dir: Path, lang: Lang, topic: str) -> Path:
    return bank_dir / lang.value / f"{topic}.yaml"


SOURCES = "sources.yaml"
SOURCES_HEADER = """\
# The digest of the English text each translation in this folder was written from
# (quizkit.bank.locale.english_digest). When a template's English title, prompt, hint, solution,
# options, prose lets or misconception feedback change, `quizkit validate` reports its translation
# as stale. Review the translation, then re-stamp it:
#   python -m quizkit.bank.locale stamp {lang} TEMPLATE-ID...
"""


def overlay_globs() -> list[str]:
    """Files a packaged bank must carry besides ``*.yaml``: one folder per translation."""
    return [f"{lang.value}/*.yaml" for lang in TRANSLATED]


def english_digest(template: Template) -> str:
    """12 hex digits of sha256 over the English text a translation renders: changes iff it does."""
    text = {
        "title": template.title,
        "prompt": template.prompt,
        "hint": template.hint,
        "solution": template.solution,
        "options": [o.text for o in template.answer.options or ()],
        "lets": {name: template.let[name] for name in sorted(prose_lets(template))},
        "misconceptions": misconception_feedback(template),
    }
    blob = json.dumps(text, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


def sources_path(bank_dir: Path, lang: Lang) -> Path:
    return bank_dir / lang.value / SOURCES


def load_sources(bank_dir: Path, lang: Lang) -> dict[str, str]:
    """Template id -> digest of the English its ``lang`` text was written from (empty if none)."""
    path = sources_path(bank_dir, lang)
    if not path.is_file():
        return {}
    display = _display_path(path)
    data = _load(path.read_text(encoding="utf-8"), display) or {}
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise BankError(f"{display}:1: expected a mapping from template id to digest")
    return data


def write_sources(bank_dir: Path, lang: Lang, sources: Mapping[str, str]) -> None:
    """Rewrite ``<lang>/sources.yaml``, sorted by id."""
    body = yaml.safe_dump(dict(sorted(sources.items())), allow_unicode=True, sort_keys=False)
    header = SOURCES_HEADER.format(lang=lang.value)
    sources_path(bank_dir, lang).write_text(header + body, encoding="utf-8")


def load_overlay(path: Path, english: TopicFile) -> TopicText:
    """Parse one overlay and check it against its English topic; errors name ``file:line: field``.

    Checked here (each one a :class:`BankError`): the schema; the topic name; every template id
    exists in English; the same set of ``{placeholders}`` (name and format) as the English text
    in title, prompt, hint, solution, each option and each misconception's feedback; as many
    options; re-worded lets are prose lets of the English template; misconception names exist in
    English. A template with no entry is not an error here (``validate`` reports it).
    """
    overlay, text, display = _parse_overlay(path)
    problem = _mismatch(overlay, english, path.stem)
    if problem is not None:
        loc, message = problem
        raise BankError(_located(loc, message, text, display))
    return overlay


def template_text_problem(path: Path, english: TopicFile, template_id: str) -> str | None:
    """What is wrong with one template's entry in an overlay (``file:line: field: message``).

    For ``validate``'s list of what to fix: a file whose schema, topic or template ids are broken
    is every template's problem; a mismatch in another template's entry is not this one's.
    """
    try:
        overlay, text, display = _parse_overlay(path)
    except BankError as error:
        return error.message
    whole = _file_mismatch(overlay, english, path.stem)
    if whole is not None:
        return _located(*whole, text, display)
    template = next((t for t in english.templates if t.id == template_id), None)
    entry = overlay.templates.get(template_id)
    if template is None or entry is None:
        return None
    problem = template_mismatch(template, entry)
    if problem is None:
        return None
    sub, message = problem
    return _located(("templates", template_id, *sub), message, text, display)


def parse_overlay(path: Path) -> TopicText:
    """An overlay checked against its schema only (not against the English)."""
    return _parse_overlay(path)[0]


def _parse_overlay(path: Path) -> tuple[TopicText, str, str]:
    """The overlay validated against its schema only, with its text and display path."""
    display = _display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BankError(f"{display}: cannot read: {error.strerror}") from None
    data = _load(text, display)
    if not isinstance(data, dict):
        raise BankError(f"{display}:1: expected a mapping with topic, title, templates")
    try:
        overlay = TopicText.model_validate(data)
    except ValidationError as error:
        lines = _compose(text, display)[1]
        raise BankError(_overlay_error(error, lines, display)) from None
    return overlay, text, display


def _located(loc: Loc, message: str, text: str, display: str) -> str:
    line = _nearest_line(loc, _compose(text, display)[1])
    return f"{display}:{line}: {_field(loc)}: {message}"


def _overlay_error(error: ValidationError, lines: dict[Loc, int], display: str) -> str:
    first = error.errors()[0]
    loc = tuple(part for part in first["loc"] if isinstance(part, str | int))
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown field"
    elif first["type"] != "missing" and not isinstance(first.get("input"), dict | list):
        message += f", got {first.get('input')!r}"
    more = error.error_count() - 1
    suffix = f" (+{more} more)" if more else ""
    return f"{display}:{_nearest_line(loc, lines)}: {_field(loc)}: {message}{suffix}"


def _field(loc: Loc) -> str:
    """``("templates", "conv-out-size", "options", 1)`` -> ``conv-out-size.options[1]``."""
    parts = list(loc[1:]) if len(loc) >= 2 and loc[0] == "templates" else list(loc)
    shown = ""
    for part in parts:
        shown += f"[{part}]" if isinstance(part, int) else (f".{part}" if shown else str(part))
    return shown or "(top level)"


def placeholder_fields(text: str) -> set[str]:
    """Every ``{field:spec!conv}`` of a format string, as written (``{x:.3f}`` and ``{x}`` differ)."""
    fields: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise ValueError(f"not a format string: {error}") from None
    for _, name, spec, conversion in parsed:
        if name is not None:
            fields.add(
                name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            )
    return fields


def _mismatch(overlay: TopicText, english: TopicFile, stem: str) -> tuple[Loc, str] | None:
    problem = _file_mismatch(overlay, english, stem)
    if problem is not None:
        return problem
    by_id = {t.id: t for t in english.templates}
    for template_id, text in overlay.templates.items():
        mismatch = template_mismatch(by_id[template_id], text)
        if mismatch is not None:
            sub, message = mismatch
            return ("templates", template_id, *sub), message
    return None


def _file_mismatch(overlay: TopicText, english: TopicFile, stem: str) -> tuple[Loc, str] | None:
    """Problems of the file as a whole: its topic name, entries for templates English lacks."""
    if overlay.topic != stem or overlay.topic != english.topic:
        return ("topic",), f"{overlay.topic!r} must equal the file name and the English topic"
    known = {t.id for t in english.templates}
    for template_id in overlay.templates:
        if template_id not in known:
            where: Loc = ("templates", template_id)
            return where, f"no template {template_id!r} in the English topic {english.topic!r}"
    return None


def template_mismatch(template: Template, text: TemplateText) -> tuple[Loc, str] | None:
    """Where and why ``text`` cannot stand for ``template``'s English text, or None."""
    pairs: list[tuple[Loc, str, str]] = [
        ((name,), getattr(template, name), getattr(text, name))
        for name in ("title", "prompt", "hint", "solution")
    ]
    english_options = [o.text for o in template.answer.options or ()]
    if text.options is None and english_options:
        return ("options",), f"missing: the English has {len(english_options)} options"
    if text.options is not None and len(text.options) != len(english_options):
        return ("options",), (
            f"{len(text.options)} options, the English has {len(english_options)}"
        )
    pairs += [
        (("options", i), e, t)
        for i, (e, t) in enumerate(zip(english_options, text.options or (), strict=False))
    ]
    for loc, english, translated in pairs:
        try:
            mine = placeholder_fields(translated)
        except ValueError as error:
            return loc, f"{error} (write a literal brace as {{{{ or }}}})"
        theirs = placeholder_fields(english)
        if mine != theirs:
            return loc, _placeholder_message(theirs, mine)
    prose = prose_lets(template)
    for name in text.let:
        if name not in prose:
            why = "not a let" if name not in template.let else "it can change an answer"
            return ("let", name), f"cannot re-word {name!r}: {why}"
    english_feedback = misconception_feedback(template)
    for name, feedback in text.misconceptions.items():
        if name not in english_feedback:
            return ("misconceptions", name), f"the English template has no misconception {name!r}"
        loc = ("misconceptions", name)
        try:
            mine = placeholder_fields(feedback)
        except ValueError as error:
            return loc, f"{error} (write a literal brace as {{{{ or }}}})"
        theirs = placeholder_fields(english_feedback[name])
        if mine != theirs:
            return loc, _placeholder_message(theirs, mine)
    return None


def _placeholder_message(english: set[str], translated: set[str]) -> str:
    missing = sorted(english - translated)
    extra = sorted(translated - english)
    parts = []
    if missing:
        parts.append("lacks " + ", ".join(f"{{{f}}}" for f in missing))
    if extra:
        parts.append("adds " + ", ".join(f"{{{f}}}" for f in extra))
    return "placeholders differ from the English: " + "; ".join(parts)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def prose_lets(template: Template) -> set[str]:
    """Lets a translation may re-word: no answer code, constraint or deciding let reads them.

    A let read by another let counts as read when that let is itself not prose, so a chain
    ``result = f(x)`` with ``x`` re-worded is refused.
    """
    answer = template.answer
    sources = [answer.module, answer.input, answer.expr, answer.code, *template.constraints]
    sources += [o.when for o in answer.options or ()]
    read = {name for source in sources if source for name in _NAME.findall(source)}
    deciding = set(DECIDING_LETS) | read
    # Walk the lets backwards: a let read by a deciding let decides too.
    for name in reversed(list(template.let)):
        if name in deciding:
            deciding |= set(_NAME.findall(template.let[name]))
    return {name for name in template.let if name not in deciding}


def misconception_feedback(template: Template) -> dict[str, str]:
    """Each English misconception's feedback sentence, by name (read generically: a template
    without a ``misconceptions`` list has none)."""
    return {
        str(getattr(m, "name", "")): str(getattr(m, "feedback", ""))
        for m in getattr(template, "misconceptions", None) or ()
    }


def misconception_names(template: Template) -> list[str]:
    """Names of the English template's misconceptions."""
    return list(misconception_feedback(template))


def template_lang(template: Template) -> Lang:
    """The language a template's text is in (what a precision sentence must be written in)."""
    return parse_lang(template._lang)


def translate(template: Template, text: TemplateText, lang: Lang = Lang.ZH) -> Template:
    """``template`` with its text replaced by ``lang`` text; params, lets' values and truth unchanged."""
    answer = template.answer
    update: dict[str, Any] = {
        "title": text.title,
        "prompt": text.prompt,
        "hint": text.hint,
        "solution": text.solution,
    }
    if answer.options and text.options is not None:
        options = [
            o.model_copy(update={"text": t})
            for o, t in zip(answer.options, text.options, strict=True)
        ]
        update["answer"] = answer.model_copy(update={"options": options})
    if text.let:
        update["let"] = {name: text.let.get(name, expr) for name, expr in template.let.items()}
    feedback = text.misconceptions
    existing = getattr(template, "misconceptions", None)
    if existing and feedback:
        update["misconceptions"] = [
            m.model_copy(update={"feedback": feedback[m.name]}) if m.name in feedback else m
            for m in existing
        ]
    translated = template.model_copy(update=update)
    translated._lang = lang.value
    return translated


def translate_topic(
    english: TopicFile, overlay: TopicText | None, lang: Lang = Lang.ZH
) -> TopicFile:
    """The topic in the overlay's language; templates without a translation stay English."""
    if overlay is None:
        return english
    templates = [
        translate(t, overlay.templates[t.id], lang) if t.id in overlay.templates else t
        for t in english.templates
    ]
    return english.model_copy(
        update={
            "title": overlay.title,
            "description": overlay.description or english.description,
            "templates": templates,
        }
    )


@dataclass(frozen=True)
class Gap:
    """A piece of text a translation lacks."""

    template_id: str
    lang: Lang
    message: str


def translation_gaps(
    english: TopicFile,
    overlay: TopicText | None,
    lang: Lang,
    sources: Mapping[str, str] | None = None,
) -> list[Gap]:
    """Templates or misconception feedback that have no text in ``lang`` (English would show).

    With ``sources`` (see :func:`load_sources`), a translation written from other English text
    than the template's current one is a gap too: it is stale.
    """
    where = f"{lang.value}/{english.topic}.yaml"
    if overlay is None:
        return [
            Gap(t.id, lang, f"no {lang.value} translation ({where} missing)")
            for t in english.templates
        ]
    gaps = []
    for template in english.templates:
        text = overlay.templates.get(template.id)
        if text is None:
            gaps.append(Gap(template.id, lang, f"no {lang.value} translation in {where}"))
            continue
        if sources is not None and sources.get(template.id) != english_digest(template):
            gaps.append(
                Gap(
                    template.id,
                    lang,
                    f"{lang.value} translation is stale: the English changed since it was written "
                    f"(review {where}, then: python -m quizkit.bank.locale stamp {lang.value} "
                    f"{template.id})",
                )
            )
        missing = [n for n in misconception_names(template) if n not in text.misconceptions]
        if missing:
            gaps.append(
                Gap(
                    template.id,
                    lang,
                    f"no {lang.value} feedback for misconception(s) {', '.join(missing)} in {where}",
                )
            )
    return gaps


def stamp(bank_dir: Path, lang: Lang, template_ids: Iterable[str] | None = None) -> list[str]:
    """Record that the ``lang`` texts of ``template_ids`` (all translated ones when None) match
    their current English. Returns the ids stamped; an id without a translation is an error.
    """
    from quizkit.bank.bank import Bank

    bank = Bank(bank_dir)
    translated = {
        template.id: template
        for name in bank.topic_names()
        if (overlay := bank.overlay(name, lang)) is not None
        for template in bank.english_topic(name).templates
        if template.id in overlay.templates
    }
    wanted = list(translated) if template_ids is None else list(template_ids)
    unknown = sorted(set(wanted) - set(translated))
    if unknown:
        raise BankError(f"no {lang.value} translation to stamp for: {', '.join(unknown)}")
    sources = load_sources(bank_dir, lang)
    sources.update({i: english_digest(translated[i]) for i in wanted})
    write_sources(bank_dir, lang, sources)
    return wanted


def main(argv: list[str] | None = None) -> int:
    """``python -m quizkit.bank.locale stamp LANG (--all | TEMPLATE-ID...)``: an authoring tool."""
    from quizkit.bank.loader import default_bank_dir
    from quizkit.errors import QuizkitError

    args = sys.argv[1:] if argv is None else argv
    if len(args) < 3 or args[0] != "stamp":
        print(
            "usage: python -m quizkit.bank.locale stamp LANG (--all | TEMPLATE-ID...)",
            file=sys.stderr,
        )
        return 2
    try:
        lang = parse_lang(args[1])
        stamped = stamp(default_bank_dir(), lang, None if args[2:] == ["--all"] else args[2:])
    except QuizkitError as error:
        print(f"quizkit: error: {error.message}", file=sys.stderr)
        return int(error.exit_status)
    print(f"stamped {len(stamped)} {lang.value} translation(s)")
    return 0


__all__ = [
    "Gap",
    "Lang",
    "TemplateText",
    "TopicText",
    "english_digest",
    "load_overlay",
    "load_sources",
    "overlay_globs",
    "overlay_path",
    "parse_lang",
    "prose_lets",
    "resolve_lang",
    "stamp",
    "template_lang",
    "translate",
    "translate_topic",
    "translation_gaps",
]


if __name__ == "__main__":
    raise SystemExit(main())
