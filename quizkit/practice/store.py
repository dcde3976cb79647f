"""The attempt store: every answer a student gives, and one FSRS card per template, in SQLite.

Durability: each answer is written in its own ``BEGIN IMMEDIATE`` transaction together with its
card update, so Ctrl-C, a closed terminal or a crash lose nothing already answered. The database
runs in WAL mode with a busy timeout, so two sessions at once wait for each other instead of
failing or corrupting it.

Versions: the schema version lives in ``PRAGMA user_version`` (:data:`SCHEMA_VERSION`). A newer
database (written by a newer quizkit) is copied to a backup and left untouched, and opening fails
with :class:`NewerStoreError`. A corrupt file, or a SQLite file that is not quizkit's, is moved
aside to a backup and a fresh database is started; :attr:`AttemptStore.notice` says where it went.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from quizkit.errors import ExitStatus, QuizkitError
from quizkit.practice.schedule import Rating, review

SCHEMA_VERSION = 1
BUSY_TIMEOUT_SECONDS = 10.0

_SCHEMA_V1 = """
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    ended_by    TEXT,
    topics      TEXT NOT NULL,
    exam        INTEGER NOT NULL,
    seed        INTEGER,
    planned     INTEGER NOT NULL
);
CREATE TABLE attempts (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER REFERENCES sessions(id),
    template_id  TEXT NOT NULL,
    topic        TEXT NOT NULL,
    level        INTEGER NOT NULL,
    seed         INTEGER NOT NULL,
    answer       TEXT,
    correct      INTEGER NOT NULL,
    skipped      INTEGER NOT NULL DEFAULT 0,
    try          INTEGER NOT NULL DEFAULT 1,
    hinted       INTEGER NOT NULL DEFAULT 0,
    seconds      REAL,
    answered_at  TEXT NOT NULL,
    rating       INTEGER
);
CREATE INDEX attempts_template ON attempts(template_id);
CREATE INDEX attempts_time ON attempts(answered_at);
CREATE TABLE cards (
    template_id  TEXT PRIMARY KEY,
    topic        TEXT NOT NULL,
    card         TEXT NOT NULL,
    due          TEXT NOT NULL,
    reviews      INTEGER NOT NULL,
    lapses       INTEGER NOT NULL,
    updated_at   TEXT NOT NULL
);
"""
_TABLES = {"sessions", "attempts", "cards"}


class StoreError(QuizkitError):
    """The attempt database cannot be used."""

    exit_status = ExitStatus.FAILED


class NewerStoreError(StoreError):
    """The database was written by a newer quizkit; it is backed up and left untouched."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """A UTC timestamp in one fixed format, so that text order is time order in SQL."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class Attempt:
    """One answer as stored: ``answer`` is None for a skip; ``seconds`` None when untimed."""

    template_id: str
    topic: str
    level: int
    seed: int
    answer: str | None
    correct: bool
    answered_at: datetime
    seconds: float | None = None
    skipped: bool = False
    try_number: int = 1
    hinted: bool = False
    session_id: int | None = None


@dataclass(frozen=True)
class StoredAttempt:
    template_id: str
    topic: str
    level: int
    seed: int
    answer: str | None
    correct: bool
    skipped: bool
    try_number: int
    seconds: float | None
    answered_at: datetime
    rating: int | None


@dataclass(frozen=True)
class CardRow:
    template_id: str
    topic: str
    due: datetime
    reviews: int
    lapses: int
    card_json: str


@dataclass
class TemplateHistory:
    """What the planner needs about one template: graded answers, the card's due time, seeds."""

    answered: int = 0
    correct: int = 0
    due: datetime | None = None
    seeds: set[int] = field(default_factory=set)


class AttemptStore:
    """An open attempt database. Use :meth:`open`; close with :meth:`close` or ``with``."""

    def __init__(self, path: Path, connection: sqlite3.Connection, notice: str = "") -> None:
        self.path = path
        self._db = connection
        self.notice = notice

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, now: datetime | None = None) -> AttemptStore:
        """Open (creating if needed) the database at ``path``; see the module docstring."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create {path.parent}: {error.strerror}") from None
        notice = ""
        try:
            connection = _connect(path)
            _check_and_migrate(connection, path)
        except NewerStoreError:
            raise
        except (sqlite3.DatabaseError, _NotQuizkit) as error:
            with contextlib.suppress(NameError, sqlite3.Error):
                connection.close()
            backup = _move_aside(path, now or utc_now())
            notice = (
                f"{path} was unreadable ({_reason(error)}); moved it to {backup.name} "
                "and started a new history"
            )
            try:
                connection = _connect(path)
                _check_and_migrate(connection, path)
            except sqlite3.Error as again:
                raise StoreError(f"cannot create {path}: {again}") from None
        return cls(path, connection, notice)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> AttemptStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front so that two sessions queue rather than fail."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise StoreError(f"cannot write {self.path}: {error}") from None
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            raise StoreError(f"cannot write {self.path}: {error}") from None

    # -- writing -------------------------------------------------------------------------------

    def start_session(
        self, *, topics: list[str], exam: bool, seed: int | None, planned: int, when: datetime
    ) -> int:
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO sessions (started_at, topics, exam, seed, planned) VALUES (?,?,?,?,?)",
                (iso(when), ",".join(topics), int(exam), seed, planned),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def end_session(self, session_id: int, *, when: datetime, ended_by: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE sessions SET ended_at = ?, ended_by = ? WHERE id = ?",
                (iso(when), ended_by, session_id),
            )

    def record(self, attempt: Attempt, rating: Rating | None = None) -> datetime | None:
        """Store one answer and, when it is graded, review the template's FSRS card with it.

        Both happen in one transaction. Returns the card's next due time (None when ungraded).
        """
        with self._write() as db:
            db.execute(
                "INSERT INTO attempts (session_id, template_id, topic, level, seed, answer, "
                "correct, skipped, try, hinted, seconds, answered_at, rating) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    attempt.session_id,
                    attempt.template_id,
                    attempt.topic,
                    attempt.level,
                    attempt.seed,
                    attempt.answer,
                    int(attempt.correct),
                    int(attempt.skipped),
                    attempt.try_number,
                    int(attempt.hinted),
                    attempt.seconds,
                    iso(attempt.answered_at),
                    None if rating is None else int(rating),
                ),
            )
            if rating is None:
                return None
            row = db.execute(
                "SELECT card, reviews, lapses, rowid FROM cards WHERE template_id = ?",
                (attempt.template_id,),
            ).fetchone()
            card_id = _card_id(attempt.template_id)
            card_json, due = review(
                row[0] if row else None,
                rating,
                card_id=card_id,
                when=attempt.answered_at.astimezone(timezone.utc),
                duration_ms=None if attempt.seconds is None else int(attempt.seconds * 1000),
            )
            reviews = (row[1] if row else 0) + 1
            lapses = (row[2] if row else 0) + int(rating is Rating.AGAIN)
            db.execute(
                "INSERT INTO cards (template_id, topic, card, due, reviews, lapses, updated_at) "
                "VALUES (?,?,?,?,?,?,?) ON CONFLICT(template_id) DO UPDATE SET "
                "topic = excluded.topic, card = excluded.card, due = excluded.due, "
                "reviews = excluded.reviews, lapses = excluded.lapses, "
                "updated_at = excluded.updated_at",
                (
                    attempt.template_id,
                    attempt.topic,
                    card_json,
                    iso(due),
                    reviews,
                    lapses,
                    iso(attempt.answered_at),
                ),
            )
        return due

    # -- reading -------------------------------------------------------------------------------

    def history(self) -> dict[str, TemplateHistory]:
        """Per template id: graded answers (a skip counts as wrong), due time, seeds seen."""
        found: dict[str, TemplateHistory] = {}
        for template_id, seed, correct, rating in self._db.execute(
            "SELECT template_id, seed, correct, rating FROM attempts"
        ):
            entry = found.setdefault(template_id, TemplateHistory())
            entry.seeds.add(int(seed))
            if rating is not None:
                entry.answered += 1
                entry.correct += int(bool(correct))
        for template_id, due in self._db.execute("SELECT template_id, due FROM cards"):
            found.setdefault(template_id, TemplateHistory()).due = parse_iso(due)
        return found

    def attempts(self, *, since: datetime | None = None) -> list[StoredAttempt]:
        query = (
            "SELECT template_id, topic, level, seed, answer, correct, skipped, try, seconds, "
            "answered_at, rating FROM attempts"
        )
        args: tuple[str, ...] = ()
        if since is not None:
            query += " WHERE answered_at >= ?"
            args = (iso(since),)
        return [
            StoredAttempt(
                template_id=row[0],
                topic=row[1],
                level=int(row[2]),
                seed=int(row[3]),
                answer=row[4],
                correct=bool(row[5]),
                skipped=bool(row[6]),
                try_number=int(row[7]),
                seconds=row[8],
                answered_at=parse_iso(row[9]),
                rating=row[10],
            )
            for row in self._db.execute(query + " ORDER BY answered_at, id", args)
        ]

    def cards(self) -> list[CardRow]:
        return [
            CardRow(row[0], row[1], parse_iso(row[2]), int(row[3]), int(row[4]), row[5])
            for row in self._db.execute(
                "SELECT template_id, topic, due, reviews, lapses, card FROM cards ORDER BY due"
            )
        ]


class _NotQuizkit(Exception):
    """A readable SQLite file that does not hold quizkit's tables."""


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL").fetchone()
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    return connection


def _check_and_migrate(connection: sqlite3.Connection, path: Path) -> None:
    """Create the schema in a new file, refuse a newer one, raise on a corrupt or foreign one."""
    version = _user_version(connection)
    if version > SCHEMA_VERSION:
        connection.close()
        backup = _copy_aside(path, version)
        raise NewerStoreError(
            f"{path} was written by a newer quizkit (schema {version}; this one reads up to "
            f"{SCHEMA_VERSION}). Upgrade quizkit, or set QUIZKIT_HOME to practise elsewhere; "
            f"the file is untouched and a copy is in {backup.name}"
        )
    check = connection.execute("PRAGMA quick_check").fetchone()
    if not check or check[0] != "ok":
        raise sqlite3.DatabaseError(f"integrity check: {check[0] if check else 'no answer'}")
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    if version == SCHEMA_VERSION:
        if not tables >= _TABLES:
            raise _NotQuizkit(f"missing tables {sorted(_TABLES - tables)}")
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        if _user_version(connection) == 0:  # another session may have just created it
            if tables:
                raise _NotQuizkit("it holds tables but no quizkit schema version")
            # One statement at a time: executescript() would commit the open transaction.
            for statement in _SCHEMA_V1.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _user_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def _reason(error: BaseException) -> str:
    return str(error) or type(error).__name__


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _free_name(path: Path, suffix: str) -> Path:
    candidate = path.with_name(f"{path.name}.{suffix}.bak")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.{suffix}-{n}.bak")
    return candidate


def _move_aside(path: Path, now: datetime) -> Path:
    """Rename the database (and its -wal/-shm files) to a backup name; never overwrite one."""
    backup = _free_name(path, f"corrupt-{_stamp(now)}")
    for extra in ("-wal", "-shm"):
        sibling = path.with_name(path.name + extra)
        if sibling.exists():
            sibling.rename(backup.with_name(backup.name + extra))
    if path.exists():
        path.rename(backup)
    return backup


def _copy_aside(path: Path, version: int) -> Path:
    """Copy a newer database (with its WAL, so no committed data is missing) to a backup."""
    backup = _free_name(path, f"schema{version}-{_stamp(utc_now())}")
    shutil.copy2(path, backup)
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        shutil.copy2(wal, backup.with_name(backup.name + "-wal"))
    return backup


def _card_id(template_id: str) -> int:
    """A stable FSRS card id per template (fsrs would otherwise use the clock)."""
    import hashlib

    return int.from_bytes(hashlib.sha256(template_id.encode()).digest()[:6], "big")
