"""Answer sheets: ``answers-<worksheet id>.yaml``, written blank, filled in by a student, read back.

A sheet names its worksheet (id, title and selection, so grading can regenerate the exact
questions) and has one slot per question::

    quizkit: answer-sheet
    worksheet: ws-4242-v1-3f9a2c1b7d4e
    ...
    templates:  # per question: its template and that template's fingerprint
      - {id: conv-out-size, fingerprint: 11fd99662349}
    name: Ada Lovelace
    student_id: s1815
    answers:
      - q: 1
        question: conv-out-size@348812
        answer:  # a shape, e.g. (1, 16, 15, 15)

Answers are read as the text the student wrote, not as YAML values: ``yes`` stays "yes" (YAML
would make it ``True``), ``[1, 2]`` becomes the text "[1, 2]", ``1e3`` stays "1e3". Every
problem is an :class:`AnswerSheetError` naming the file and line.

``templates:`` (see :mod:`quizkit.worksheet.fingerprint`) lets grading rebuild the questions
from the templates themselves, so a sheet survives edits to the bank that do not touch its
templates. Sheets written before it existed have none; they are graded against the whole-bank
fingerprint in the worksheet id.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from quizkit.bank.levels import format_levels, parse_levels
from quizkit.bank.locale import Lang
from quizkit.bank.model import AnswerKind
from quizkit.errors import QuizkitError
from quizkit.messages import messages
from quizkit.worksheet.build import Version, Worksheet
from quizkit.worksheet.errors import AnswerSheetError
from quizkit.worksheet.fingerprint import FINGERPRINT_DIGITS, template_fingerprint
from quizkit.worksheet.ids import WorksheetId, parse_worksheet_id
from quizkit.worksheet.select import Selection

MAGIC = "answer-sheet"
_MAGIC_LINE = re.compile(rf"^quizkit:\s*['\"]?{MAGIC}['\"]?\s*$", re.MULTILINE)
MAX_SHEET_BYTES = 1_000_000

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Slot:
    """One filled (or blank) answer; ``line`` is 1-based, for messages."""

    number: int
    question: str
    answer: str | None
    line: int


@dataclass(frozen=True)
class TemplateRef:
    """One question's template as the sheet recorded it; ``line`` is 1-based."""

    id: str
    fingerprint: str
    line: int


@dataclass(frozen=True)
class AnswerSheet:
    """A read answer sheet. ``templates`` is empty for sheets written before it existed."""

    path: Path
    worksheet: WorksheetId
    title: str
    selection: Selection
    name: str
    student_id: str
    slots: tuple[Slot, ...]
    templates: tuple[TemplateRef, ...] = ()


def sheet_filename(version: Version) -> str:
    return f"answers-{version.id}.yaml"


def slot_hint(kind: AnswerKind, options: tuple[str, ...], lang: Lang = Lang.EN) -> str:
    text = messages(lang)
    if kind is AnswerKind.CHOICE and options:
        return text.slot_letter_range.format(last=chr(ord("a") + len(options) - 1))
    return text.slot_hints[kind]


def render_answer_sheet(
    worksheet: Worksheet, version: Version, *, answers: list[str] | None = None
) -> str:
    """The sheet for ``version``, blank, or filled with ``answers`` (one text per question)."""
    selection = worksheet.selection
    topics = ", ".join(selection.topics)
    text = messages(worksheet.lang)
    lines = [
        f"# {text.sheet_header}",
        f"# {text.sheet_grade_with.format(file=sheet_filename(version))}",
        f"quizkit: {MAGIC}",
        f"worksheet: {version.id}",
        f"title: {_quote(worksheet.title)}",
        f"topics: [{topics}]",
        f"count: {selection.count}",
        f"levels: {_quote(format_levels(selection.levels))}",
        f"templates:  # {text.sheet_templates}",
        *(
            f"  - {{id: {item.question.template.id}, "
            f"fingerprint: {template_fingerprint(item.question.template)}}}"
            for item in version.items
        ),
        "name: ",
        "student_id: ",
        "answers:",
    ]
    for index, item in enumerate(version.items):
        filled = answers[index] if answers is not None else None
        value = _quote(filled) if filled is not None else ""
        hint = slot_hint(item.kind, item.question.options, worksheet.lang)
        lines += [
            f"  - q: {item.number}",
            f"    question: {item.question.id}",
            f"    answer: {value}  # {hint}" if value else f"    answer:  # {hint}",
        ]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def is_answer_sheet(path: Path) -> bool:
    """Is ``path`` an answer sheet? Recognized by content, whatever its name: a regular file
    whose first 4 KB hold a ``quizkit: answer-sheet`` line."""
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    return bool(_MAGIC_LINE.search(head))


def read_answer_sheet(path: Path) -> AnswerSheet:
    """Read and check an answer sheet; :class:`AnswerSheetError` (file:line: what) if malformed."""
    where = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise AnswerSheetError(f"{where}: cannot read: {error.strerror or error}") from None
    if len(data) > MAX_SHEET_BYTES:
        raise AnswerSheetError(f"{where}: too large for an answer sheet ({len(data)} bytes)")
    try:
        text = data.decode("utf-8")
        _refuse_aliases(text, where)
        root = yaml.compose(text, Loader=_Loader)
    except UnicodeDecodeError:
        raise AnswerSheetError(f"{where}: not UTF-8 text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise AnswerSheetError(f"{where}{line}: not valid YAML: {problem}") from None
    return _Reader(where).sheet(path, root)


def _refuse_aliases(text: str, where: str) -> None:
    """An answer sheet never needs YAML anchors or aliases, and a few aliases of aliases expand
    to gigabytes when walked: refused, naming the line."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = event.start_mark.line + 1 if event.start_mark is not None else 0
            raise AnswerSheetError(
                f"{where}:{line}: YAML anchors and aliases are not allowed in an answer sheet"
            )


class _Reader:
    """Walks the composed YAML nodes, so every message can name a line."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, node: yaml.Node | None, message: str) -> AnswerSheetError:
        line = f":{node.start_mark.line + 1}" if node is not None else ""
        return AnswerSheetError(f"{self.where}{line}: {message}")

    def mapping(self, node: yaml.Node | None, what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of `key: value` lines")
        found: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise self.fail(key, f"{what}: keys must be plain words")
            found[key.value] = value
        return found

    def scalar(self, fields: dict[str, yaml.Node], key: str, parent: yaml.Node) -> str:
        node = fields.get(key)
        if node is None:
            raise self.fail(parent, f"missing `{key}:`")
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"`{key}:` must be a single value")
        return str(node.value).strip()

    def optional(self, fields: dict[str, yaml.Node], key: str) -> str:
        node = fields.get(key)
        return str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""

    def sheet(self, path: Path, root: yaml.Node | None) -> AnswerSheet:
        if root is None:
            raise self.fail(None, "empty file; expected a quizkit answer sheet")
        top = self.mapping(root, "an answer sheet")
        if self.optional(top, "quizkit") != MAGIC:
            raise self.fail(root, f"not a quizkit answer sheet (no `quizkit: {MAGIC}` line)")
        try:
            worksheet = parse_worksheet_id(self.scalar(top, "worksheet", root))
            selection = Selection(
                topics=tuple(self._topics(top, root)),
                count=self._int(top, "count", root),
                levels=parse_levels(self.scalar(top, "levels", root), option="levels:"),
            )
        except QuizkitError as error:
            if isinstance(error, AnswerSheetError):
                raise
            raise self.fail(root, error.message) from None
        answers = top.get("answers")
        if answers is None:
            raise self.fail(root, "missing `answers:`")
        if not isinstance(answers, yaml.SequenceNode):
            raise self.fail(answers, "`answers:` must be a list of `- q: N` entries")
        return AnswerSheet(
            path=path,
            worksheet=worksheet,
            title=self.optional(top, "title"),
            selection=selection,
            name=self.optional(top, "name"),
            student_id=self.optional(top, "student_id"),
            slots=tuple(self._slot(node) for node in answers.value),
            templates=self._templates(top),
        )

    def _templates(self, top: dict[str, yaml.Node]) -> tuple[TemplateRef, ...]:
        node = top.get("templates")
        if node is None:
            return ()
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, "`templates:` must be a list of `- {id: ..., fingerprint: ...}`")
        refs = []
        for item in node.value:
            fields = self.mapping(item, "each template")
            template_id = self.scalar(fields, "id", item)
            fingerprint = self.scalar(fields, "fingerprint", item)
            if not re.fullmatch(f"[0-9a-f]{{{FINGERPRINT_DIGITS}}}", fingerprint):
                raise self.fail(
                    fields["fingerprint"],
                    f"template {template_id}: a fingerprint is {FINGERPRINT_DIGITS} hex digits, "
                    f"got {fingerprint!r}",
                )
            refs.append(TemplateRef(template_id, fingerprint, item.start_mark.line + 1))
        return tuple(refs)

    def _topics(self, top: dict[str, yaml.Node], root: yaml.Node) -> list[str]:
        node = top.get("topics")
        if node is None:
            raise self.fail(root, "missing `topics:`")
        if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
            return []
        if not isinstance(node, yaml.SequenceNode) or not all(
            isinstance(item, yaml.ScalarNode) for item in node.value
        ):
            raise self.fail(node, "`topics:` must be a list of topic names, e.g. [conv, pooling]")
        return [str(item.value) for item in node.value]

    def _int(self, fields: dict[str, yaml.Node], key: str, parent: yaml.Node) -> int:
        text = self.scalar(fields, key, parent)
        if not text.isdigit():
            raise self.fail(fields[key], f"`{key}:` must be a whole number, got {text!r}")
        return int(text)

    def _slot(self, node: yaml.Node) -> Slot:
        fields = self.mapping(node, "each answer")
        number = self._int(fields, "q", node)
        question = self.scalar(fields, "question", node)
        answer_node = fields.get("answer")
        line = (answer_node or node).start_mark.line + 1
        return Slot(number, question, _answer_text(answer_node), line)


def _answer_text(node: yaml.Node | None) -> str | None:
    """What the student wrote: a scalar's own text; a YAML list back as ``[a, b]``; blank -> None."""
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        text = str(node.value).strip()
        plain_null = node.style is None and text in ("~", "null", "Null", "NULL")
        return None if not text or plain_null else text
    if isinstance(node, yaml.SequenceNode):
        items = [_answer_text(item) or "" for item in node.value]
        return "[" + ", ".join(items) + "]"
    if isinstance(node, yaml.MappingNode):
        pairs = [f"{_answer_text(k) or ''}: {_answer_text(v) or ''}" for k, v in node.value]
        return "{" + ", ".join(pairs) + "}"
    return None
