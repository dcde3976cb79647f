"""The whole bank: topics and templates by id, loaded lazily topic by topic."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from quizkit.bank.loader import default_bank_dir, load_topic_file, topic_files
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


@dataclass
class Bank:
    """A question bank folder, shown in ``lang``. Topic files are parsed on first use and cached.

    In a language other than English, each topic is the English one with the text of
    ``<root>/<lang>/<topic>.yaml`` swapped in (see :mod:`quizkit.bank.locale`): the same
    templates, ids, parameters and truths; a template without a translation stays English.
    """

    root: Path = field(default_factory=default_bank_dir)
    lang: Lang = Lang.EN
    _topics: dict[str, TopicFile] = field(default_factory=dict, init=False, repr=False)
    _english: dict[str, TopicFile] = field(default_factory=dict, init=False, repr=False)
    _overlays: dict[tuple[Lang, str], TopicText | None] = field(
        default_factory=dict, init=False, repr=False
    )
    _sources: dict[tuple[Lang, Path], dict[str, str]] = field(
        default_factory=dict, init=False, repr=False
    )

    def topic_names(self) -> list[str]:
        return [path.stem for path in topic_files(self.root)]

    def topic(self, name: str) -> TopicFile:
        """One topic file in the bank's language, validated; an unknown name lists the known ones."""
        if name not in self._topics:
            english = self.english_topic(name)
            if self.lang is not Lang.EN:
                english = translate_topic(english, self.overlay(name, self.lang), self.lang)
            self._topics[name] = english
        return self._topics[name]

    def english_topic(self, name: str) -> TopicFile:
        """One topic as its English file says it."""
        if name not in self._english:
            path = self.root / f"{name}.yaml"
            if not path.is_file():
                known = ", ".join(self.topic_names())
                raise UnknownQuestionError(f"unknown topic {name!r}; topics: {known}")
            self._english[name] = load_topic_file(path)
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
        return self.root

    def sources(self, lang: Lang, name: str) -> dict[str, str]:
        """Template id -> digest of the English its ``lang`` text was written from, as recorded
        in the ``<lang>/sources.yaml`` of topic ``name``'s folder."""
        key = (lang, self.folder_of(name))
        if key not in self._sources:
            self._sources[key] = load_sources(key[1], lang)
        return self._sources[key]

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
        """A template by id; the topic is tried first from the id's first word."""
        guess = template_id.split("-", 1)[0]
        names = self.topic_names()
        ordered = [guess] if guess in names else []
        ordered += [name for name in names if name != guess]
        for name in ordered:
            for template in self.topic(name).templates:
                if template.id == template_id:
                    return template
        raise UnknownQuestionError(f"unknown template {template_id!r} (see `quizkit topics`)")

    def fingerprint(self) -> str:
        """12 hex digits of sha256 over every topic file's name and bytes: changes iff the bank does."""
        digest = hashlib.sha256()
        for path in topic_files(self.root):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()[:12]

    def check_unique_ids(self) -> None:
        """Raise :class:`BankError` naming both places if two templates share an id."""
        seen: dict[str, str] = {}
        for name in self.topic_names():
            for template in self.topic(name).templates:
                where = f"questions/{name}.yaml"
                if template.id in seen:
                    raise BankError(
                        f"{where}: duplicate template id {template.id!r} (also in {seen[template.id]})"
                    )
                seen[template.id] = where
