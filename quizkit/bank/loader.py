"""Load ``questions/*.yaml`` into validated models; every error names ``file:line: field``.

YAML is loaded with the C safe loader and validated with pydantic; only when validation fails
is the text composed into nodes again, to find each node's line. A pydantic error location such as
``("templates", 3, "params", "k", "ints")`` is mapped back to the line of that node and shown
as ``conv-out-size.params.k.ints`` (the template's id stands in for its index).

Where the bank is (:func:`bank_folders`): the folders listed in ``$QUIZKIT_BANK`` (separated by
``os.pathsep``) replace the bank shipped inside the package (``quizkit.questions``, found with
:mod:`importlib.resources`); each ``--bank DIR`` adds DIR's topics to that; ``--bank-only``
keeps only the ``--bank`` folders.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from quizkit.bank.model import Template, TopicFile
from quizkit.errors import BankError, UsageError

Loc = tuple[str | int, ...]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

BANK_ENV = "QUIZKIT_BANK"
PACKAGED_BANK = "quizkit.questions"


def packaged_bank_dir() -> Path:
    """The bank shipped inside the package: ``quizkit/questions`` in a wheel; in an editable
    install, the repository's top-level ``questions/`` (mapped to ``quizkit.questions``)."""
    try:
        found = resources.files(PACKAGED_BANK)
    except ModuleNotFoundError:
        raise BankError(
            f"the packaged question bank ({PACKAGED_BANK}) is not installed; "
            f"reinstall quizkit or set {BANK_ENV}"
        ) from None
    if not isinstance(found, Path):  # e.g. imported from a zip file
        raise BankError(f"the packaged question bank is not a folder ({found}); set {BANK_ENV}")
    return found


def bank_folders(extra: Sequence[Path] = (), *, only: bool = False) -> tuple[Path, ...]:
    """The bank's folders, in order: ``$QUIZKIT_BANK``'s folders, else the packaged bank; then
    ``extra`` (each ``--bank DIR``). ``only`` drops the first part. A folder named twice counts once."""
    if only and not extra:
        raise UsageError("--bank-only needs at least one --bank DIR")
    env = os.environ.get(BANK_ENV, "")
    base = [Path(part) for part in env.split(os.pathsep) if part]
    if only:
        base = []
    elif not base:
        base = [packaged_bank_dir()]
    unique: dict[Path, Path] = {}
    for folder in [*base, *extra]:
        unique.setdefault(folder.resolve(), folder)
    return tuple(unique.values())


@dataclass(frozen=True)
class TopicSummary:
    """A topic's name, title and template count, read without building question instances."""

    topic: str
    title: str
    description: str
    templates: int
    levels: tuple[int, ...]


def topic_files(bank_dir: Path) -> list[Path]:
    """The topic files of one bank folder, sorted by name."""
    if not bank_dir.is_dir():
        raise BankError(f"{bank_dir}: question bank folder not found (see {BANK_ENV} and --bank)")
    files = sorted(bank_dir.glob("*.yaml"))
    if not files:
        raise BankError(f"{bank_dir}: no topic files (*.yaml) in this question bank folder")
    return files


@dataclass(frozen=True)
class TopicSource:
    """One topic file as read: its bytes and its templates' ids with their lines. The YAML is
    loaded into data (and validated) only when the topic is used."""

    path: Path
    raw: bytes
    ids: tuple[tuple[str, int], ...]  # (template id, 1-based line of the id)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def display(self) -> str:
        return display_path(self.path)

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8")

    @cached_property
    def data(self) -> dict[str, Any]:
        return _load_mapping(self.text, self.display)


def read_topic(path: Path) -> TopicSource:
    """Read one topic file and find its template ids; a YAML error is a :class:`BankError`.

    The ids come from the YAML parser's events, which build no Python objects: reading every
    file of the bank this way costs about a third of loading it, so every command can index the
    whole bank (to refuse duplicate ids) and still load only the topics it uses. A file of an
    unusual shape (an alias as id, a non-mapping template) is loaded in full instead.
    """
    display = display_path(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as error:
        raise BankError(f"{display}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise BankError(f"{display}: not UTF-8 text ({error.reason})") from None
    try:
        ids = _scan_ids(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as error:
        raise BankError(_yaml_error(error, display)) from None
    except yaml.YAMLError as error:
        raise BankError(f"{display}: YAML error: {error}") from None
    if ids is None:  # an unusual shape: load it all now (its errors are reported now)
        ids = _ids_from_data(_load_mapping(text, display), _compose(text, display)[1])
    return TopicSource(path, raw, ids)


def _scan_ids(events: Iterator[yaml.Event]) -> tuple[tuple[str, int], ...] | None:
    """``(id, line)`` of each ``templates[i].id`` from parser events; None for an unusual shape."""
    found: list[tuple[str, int]] = []
    for event in events:
        if isinstance(event, yaml.MappingStartEvent):
            break
        if not isinstance(event, yaml.StreamStartEvent | yaml.DocumentStartEvent):
            return None
    else:
        return None
    for key in events:  # the top-level mapping: key, value, key, value, ...
        if isinstance(key, yaml.MappingEndEvent):
            return tuple(found)
        value = next(events)
        if not (isinstance(key, yaml.ScalarEvent) and key.value == "templates"):
            _skip(key, events)
            _skip(value, events)
            continue
        if not isinstance(value, yaml.SequenceStartEvent):
            return None
        for item in events:
            if isinstance(item, yaml.SequenceEndEvent):
                break
            if not isinstance(item, yaml.MappingStartEvent):
                return None
            for field in events:
                if isinstance(field, yaml.MappingEndEvent):
                    break
                content = next(events)
                if isinstance(field, yaml.ScalarEvent) and field.value == "id":
                    if not isinstance(content, yaml.ScalarEvent):
                        return None
                    mark = content.start_mark
                    found.append((content.value, mark.line + 1 if mark is not None else 1))
                else:
                    _skip(field, events)
                    _skip(content, events)
    return None


def _skip(event: yaml.Event, events: Iterator[yaml.Event]) -> None:
    """Consume the rest of the node that ``event`` starts."""
    depth = 1 if isinstance(event, yaml.CollectionStartEvent) else 0
    while depth:
        following = next(events)
        if isinstance(following, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(following, yaml.CollectionEndEvent):
            depth -= 1


def _ids_from_data(data: Any, lines: dict[Loc, int]) -> tuple[tuple[str, int], ...]:
    templates = data.get("templates") if isinstance(data, dict) else None
    return tuple(
        (item["id"], lines.get(("templates", index, "id"), 1))
        for index, item in enumerate(templates if isinstance(templates, list) else [])
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    )


def validate_topic(source: TopicSource) -> TopicFile:
    """Validate a read topic file, raising :class:`BankError` with file, line and field."""
    display, data = source.display, source.data
    try:
        topic = TopicFile.model_validate(data)
    except ValidationError as error:
        _, lines = _compose(source.text, display)
        raise BankError(_first_error(error, data, lines, display)) from None
    if topic.topic != source.name:
        line = _compose(source.text, display)[1].get(("topic",), 1)
        raise BankError(f"{display}:{line}: topic: {topic.topic!r} must equal the file name")
    return topic


def load_topic_file(path: Path) -> TopicFile:
    """Parse and validate one topic file, raising :class:`BankError` with file, line and field."""
    return validate_topic(read_topic(path))


def _load_mapping(text: str, display: str) -> dict[str, Any]:
    data = _load(text, display)
    if not isinstance(data, dict):
        raise BankError(f"{display}:1: expected a mapping with topic, title, templates")
    return data


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


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is inside it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


__all__ = [
    "Template",
    "TopicFile",
    "TopicSource",
    "TopicSummary",
    "bank_folders",
    "display_path",
    "load_topic_file",
    "packaged_bank_dir",
    "read_topic",
    "topic_files",
    "validate_topic",
]
