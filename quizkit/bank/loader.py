"""Load ``questions/*.yaml`` into validated models; every error names ``file:line: field``.

YAML is loaded with the C safe loader and validated with pydantic; only when validation fails
is the text composed into nodes again, to find each node's line. A pydantic error location such as
``("templates", 3, "params", "k", "ints")`` is mapped back to the line of that node and shown
as ``conv-out-size.params.k.ints`` (the template's id stands in for its index).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from quizkit.bank.model import Template, TopicFile
from quizkit.errors import BankError

if TYPE_CHECKING:
    from quizkit.bank.locale import Lang

Loc = tuple[str | int, ...]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def default_bank_dir() -> Path:
    """``$QUIZKIT_BANK`` if set, else the ``questions/`` folder beside the package."""
    override = os.environ.get("QUIZKIT_BANK")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent.parent / "questions"


@dataclass(frozen=True)
class TopicSummary:
    """A topic's name, title and template count, read without building question instances."""

    topic: str
    title: str
    description: str
    templates: int
    levels: tuple[int, ...]


def topic_files(bank_dir: Path) -> list[Path]:
    """The topic files of a bank, sorted by name."""
    if not bank_dir.is_dir():
        raise BankError(f"{bank_dir}: question bank folder not found (set QUIZKIT_BANK?)")
    return sorted(bank_dir.glob("*.yaml"))


def load_topic_file(path: Path) -> TopicFile:
    """Parse and validate one topic file, raising :class:`BankError` with file, line and field."""
    display = _display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BankError(f"{display}: cannot read: {error.strerror}") from None
    # Fast path: plain load and validate. Node lines are composed only to report an error.
    data = _load(text, display)
    if not isinstance(data, dict):
        raise BankError(f"{display}:1: expected a mapping with topic, title, templates")
    try:
        topic = TopicFile.model_validate(data)
    except ValidationError as error:
        _, lines = _compose(text, display)
        raise BankError(_first_error(error, data, lines, display)) from None
    if topic.topic != path.stem:
        line = _compose(text, display)[1].get(("topic",), 1)
        raise BankError(f"{display}:{line}: topic: {topic.topic!r} must equal the file name")
    return topic


def _load(text: str, display: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise BankError(_yaml_error(error, display)) from None
    except yaml.YAMLError as error:
        raise BankError(f"{display}: YAML error: {error}") from None


def _yaml_error(error: yaml.MarkedYAMLError, display: str) -> str:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else 1
    return f"{display}:{line}: YAML error: {error.problem}"


def _compose(text: str, display: str) -> tuple[Any, dict[Loc, int]]:
    """YAML text to Python data plus a map from each node's location to its 1-based line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        raise BankError(_yaml_error(error, display)) from None
    except yaml.YAMLError as error:
        raise BankError(f"{display}: YAML error: {error}") from None
    finally:
        loader.dispose()
    return data, dict(_node_lines(node, ()))


def _node_lines(node: yaml.Node, loc: Loc) -> Iterator[tuple[Loc, int]]:
    yield loc, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            yield (*loc, key), key_node.start_mark.line + 1
            for sub_loc, line in _node_lines(value_node, (*loc, key)):
                if sub_loc != (*loc, key):
                    yield sub_loc, line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _node_lines(item, (*loc, index))


def _first_error(error: ValidationError, data: Any, lines: dict[Loc, int], display: str) -> str:
    """``file:line: field: message`` for the first pydantic error (+ how many more)."""
    first = error.errors()[0]
    loc = _data_path(tuple(first["loc"]), data)
    line = _nearest_line(loc, lines)
    field = _field_name(loc, data)
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] not in ("missing", "extra_forbidden") and "input" in first:
        given = first["input"]
        if not isinstance(given, dict | list):
            message += f", got {given!r}"
    if first["type"] == "extra_forbidden":
        message = "unknown field"
    more = error.error_count() - 1
    suffix = f" (+{more} more)" if more else ""
    return f"{display}:{line}: {field}: {message}{suffix}"


def _data_path(loc: Loc, data: Any) -> Loc:
    """Drop the parts of a pydantic location that name union members (``int``, ``float``)."""
    kept: list[str | int] = []
    node = data
    for part in loc:
        if node is not None and not isinstance(node, dict | list):
            continue  # below a scalar, the rest names the union member tried
        node = _child(node, part)
        kept.append(part)
    return tuple(kept)


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and part < len(node):
        return node[part]
    return None


def _nearest_line(loc: Loc, lines: dict[Loc, int]) -> int:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def _field_name(loc: Loc, data: Any) -> str:
    """Dotted field path; ``templates.<i>`` becomes the template's id when it has one."""
    parts = [str(part) for part in loc]
    if len(loc) >= 2 and loc[0] == "templates" and isinstance(loc[1], int):
        templates = data.get("templates") if isinstance(data, dict) else None
        label = f"templates[{loc[1]}]"
        if isinstance(templates, list) and loc[1] < len(templates):
            item = templates[loc[1]]
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                label = item["id"]
        parts = [label, *parts[2:]]
    return ".".join(parts) if parts else "(top level)"


def summarize_topics(bank_dir: Path, lang: Lang | None = None) -> list[TopicSummary]:
    """Topic names, titles and template counts (validates each file; imports no torch).

    With ``lang``, titles and descriptions are in that language (see :mod:`quizkit.bank.locale`).
    """
    from quizkit.bank.bank import Bank  # bank imports this module

    bank = Bank(bank_dir, lang=lang) if lang is not None else None
    summaries = []
    for path in topic_files(bank_dir):
        topic = bank.topic(path.stem) if bank is not None else load_topic_file(path)
        levels = tuple(sorted({t.difficulty for t in topic.templates}))
        summaries.append(
            TopicSummary(topic.topic, topic.title, topic.description, len(topic.templates), levels)
        )
    return summaries


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


__all__ = [
    "Template",
    "TopicFile",
    "TopicSummary",
    "default_bank_dir",
    "load_topic_file",
    "summarize_topics",
    "topic_files",
]
