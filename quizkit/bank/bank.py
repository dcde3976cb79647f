"""The whole bank: topics and templates by id, loaded lazily topic by topic."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from quizkit.bank.loader import default_bank_dir, load_topic_file, topic_files
from quizkit.bank.model import Template, TopicFile
from quizkit.errors import BankError, UnknownQuestionError


@dataclass
class Bank:
    """A question bank folder. Topic files are parsed on first use and cached."""

    root: Path = field(default_factory=default_bank_dir)
    _topics: dict[str, TopicFile] = field(default_factory=dict, init=False, repr=False)

    def topic_names(self) -> list[str]:
        return [path.stem for path in topic_files(self.root)]

    def topic(self, name: str) -> TopicFile:
        """One topic file, validated; an unknown name lists the known ones."""
        if name not in self._topics:
            path = self.root / f"{name}.yaml"
            if not path.is_file():
                known = ", ".join(self.topic_names())
                raise UnknownQuestionError(f"unknown topic {name!r}; topics: {known}")
            self._topics[name] = load_topic_file(path)
        return self._topics[name]

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
