"""The whole bank: topics and templates by id, from one or more folders of topic files."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from quizkit.bank.loader import (
    TopicSource,
    TopicSummary,
    bank_folders,
    read_topic,
    topic_files,
    validate_topic,
)
from quizkit.bank.locale import (
    Lang,
    TopicText,
    load_overlay,
    load_sources,
    overlay_path,
    translate_topic,
)
from quizkit.bank.model import Template, TopicFile
from quizkit.errors import BankError, UnknownQuestionError


class Bank:
    """A question bank: the topic files of one or more folders.

    ``Bank()`` is the default bank (``$QUIZKIT_BANK``, else the one shipped in the package; see
    :func:`quizkit.bank.loader.bank_folders`); ``Bank(a, b)`` holds the topics of folders ``a``
    and ``b``; ``Bank(root=a)`` is the one-folder spelling. On first use every topic file is read
    (plain YAML, ~30 ms for the shipped bank) to index template ids across the whole bank, so a
    duplicate id, or a topic defined in two folders, is a :class:`BankError` for every command,
    naming both files and lines. A topic is validated against the schema on first use.

    Shown in ``lang``: in a language other than English, each topic is the English one with the
    text of ``<folder>/<lang>/<topic>.yaml`` swapped in (see :mod:`quizkit.bank.locale`): the
    same templates, ids, parameters and truths; a template without a translation stays English.
    """

    def __init__(
        self, *folders: Path | str, root: Path | str | None = None, lang: Lang = Lang.EN
    ) -> None:
        named = [*folders, *([root] if root is not None else [])]
        self._folders: tuple[Path, ...] | None = tuple(Path(f) for f in named) or None
        self.lang = lang
        self._lock = threading.Lock()
        self._sources: dict[str, TopicSource] | None = None
        self._owner: dict[str, str] = {}  # template id -> topic name
        self._topics: dict[str, TopicFile] = {}  # in self.lang
        self._english: dict[str, TopicFile] = {}
        self._overlays: dict[tuple[Lang, str], TopicText | None] = {}
        self._digests: dict[tuple[Lang, Path], dict[str, str]] = {}

    def __repr__(self) -> str:
        return f"Bank({', '.join(repr(str(f)) for f in self.folders)})"

    @property
    def folders(self) -> tuple[Path, ...]:
        """The folders whose topic files make up this bank, in order."""
        if self._folders is None:
            self._folders = bank_folders()
        return self._folders

    @property
    def root(self) -> Path:
        """The first folder."""
        return self.folders[0]

    def _scan(self) -> dict[str, TopicSource]:
        """Read every topic file once and index template ids; raise on a duplicate."""
        with self._lock:
            if self._sources is None:
                sources: dict[str, TopicSource] = {}
                for folder in self.folders:
                    for path in topic_files(folder):
                        source = read_topic(path)
                        if source.name in sources:
                            raise BankError(_duplicate_topic(sources[source.name], source))
                        sources[source.name] = source
                self._owner = _index_ids(list(sources.values()))  # folder order
                self._sources = sources
            return self._sources

    def topic_names(self) -> list[str]:
        return sorted(self._scan())

    def topic(self, name: str) -> TopicFile:
        """One topic in the bank's language, validated; an unknown name lists the known ones."""
        if name not in self._topics:
            topic = self.english_topic(name)
            if self.lang is not Lang.EN:
                topic = translate_topic(topic, self.overlay(name, self.lang), self.lang)
            self._topics[name] = topic
        return self._topics[name]

    def english_topic(self, name: str) -> TopicFile:
        """One topic as its English file says it."""
        sources = self._scan()
        if name not in self._english:
            if name not in sources:
                known = ", ".join(sorted(sources))
                raise UnknownQuestionError(f"unknown topic {name!r}; topics: {known}")
            self._english[name] = validate_topic(sources[name])
        return self._english[name]

    def overlay(self, name: str, lang: Lang) -> TopicText | None:
        """The ``lang`` text of a topic, checked against the English; None when there is no file."""
        key = (lang, name)
        if key not in self._overlays:
            path = self.overlay_file(name, lang)
            english = self.english_topic(name)
            self._overlays[key] = load_overlay(path, english) if path.is_file() else None
        return self._overlays[key]

    def overlay_file(self, name: str, lang: Lang) -> Path:
        """Where a topic's ``lang`` text lives: ``<lang>/<topic>.yaml`` beside its English file."""
        return overlay_path(self.folder_of(name), lang, name)

    def folder_of(self, name: str) -> Path:
        """The folder holding topic ``name``'s English file (its translations sit below it)."""
        sources = self._scan()
        return sources[name].path.parent if name in sources else self.root

    def sources(self, lang: Lang, name: str) -> dict[str, str]:
        """Template id -> digest of the English its ``lang`` text was written from, as recorded
        in the ``<lang>/sources.yaml`` of topic ``name``'s folder."""
        key = (lang, self.folder_of(name))
        if key not in self._digests:
            self._digests[key] = load_sources(key[1], lang)
        return self._digests[key]

    def templates(
        self, topics: list[str] | None = None, *, levels: set[int] | None = None
    ) -> list[Template]:
        """Templates of the given topics (all when None), optionally only some difficulties."""
        names = topics if topics else self.topic_names()
        found = [t for name in names for t in self.topic(name).templates]
        if levels:
            found = [t for t in found if t.difficulty in levels]
        return found

    def template(self, template_id: str) -> Template:
        """A template by id (ids are unique across the bank: see the class docstring)."""
        self._scan()
        name = self._owner.get(template_id)
        if name is not None:
            for template in self.topic(name).templates:
                if template.id == template_id:
                    return template
        raise UnknownQuestionError(f"unknown template {template_id!r} (see `quizkit topics`)")

    def summaries(self) -> list[TopicSummary]:
        """Each topic's name, title, template count and levels (validates; imports no torch)."""
        summaries = []
        for name in self.topic_names():
            topic = self.topic(name)
            levels = tuple(sorted({t.difficulty for t in topic.templates}))
            summaries.append(
                TopicSummary(
                    topic.topic, topic.title, topic.description, len(topic.templates), levels
                )
            )
        return summaries

    def fingerprint(self) -> str:
        """12 hex digits of sha256 over every topic file's name and bytes, in name order: changes
        iff the bank does (the same files give the same fingerprint from any folder or install)."""
        digest = hashlib.sha256()
        for _, source in sorted(self._scan().items()):
            digest.update(source.path.name.encode() + b"\0" + source.raw + b"\0")
        return digest.hexdigest()[:12]

    def check_unique_ids(self) -> None:
        """Raise :class:`BankError` naming both places if two templates share an id (or two
        folders a topic). Every use of the bank checks this; ``validate`` calls it first."""
        self._scan()


def _index_ids(sources: list[TopicSource]) -> dict[str, str]:
    """Template id -> topic name over ``sources``; a repeated id is a :class:`BankError`."""
    owner: dict[str, str] = {}
    seen: dict[str, str] = {}
    for source in sources:
        for template_id, line in source.ids:
            here = f"{source.display}:{line}"
            if template_id in seen:
                raise BankError(
                    f"{here}: duplicate template id {template_id!r} (also at {seen[template_id]}); "
                    "ids must be unique across the bank"
                )
            seen[template_id] = here
            owner[template_id] = source.name
    return owner


def _duplicate_topic(first: TopicSource, second: TopicSource) -> str:
    return (
        f"{second.display}: topic {second.name!r} is also in {first.display}; a topic may come "
        "from one bank folder only (rename one, or use --bank-only)"
    )
