"""The Markdown subset of bank prompts, parsed once and rendered to Typst, HTML or Markdown.

Prompts and solutions are Markdown with ``inline code``, fenced code blocks, ``**bold**``,
``*italic*``/``_italic_``, ``- `` lists and blank-line paragraphs; everything else is text, and
each renderer escapes text completely (Typst: a backslash before every ASCII punctuation mark;
HTML: entities), so no prompt can inject markup. Code is passed to Typst as a string literal
(``#raw("...")``), never as markup.

Solutions are kept line by line, and their text is made to read like maths
(:func:`pretty_formula`): ``floor(x)`` -> ``⌊x⌋``, ``H_out`` -> H with subscript "out",
``-`` -> ``−``, ``*`` -> ``·``, ``<=`` -> ``≤``.
"""

from __future__ import annotations

import html
import json
import re
import string
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Emph:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Sub:
    """``base`` with subscript ``sub``, from ``H_out`` in a formula."""

    base: str
    sub: str


Inline = Text | Code | Strong | Emph | Sub


@dataclass(frozen=True)
class Paragraph:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class CodeBlock:
    lang: str
    text: str


@dataclass(frozen=True)
class BulletList:
    items: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class Lines:
    """Lines kept apart (a worked solution)."""

    lines: tuple[tuple[Inline, ...], ...]


Block = Paragraph | CodeBlock | BulletList | Lines

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([\w+-]*)\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_PUNCT = frozenset(string.punctuation)


# --- parsing ---------------------------------------------------------------------------------


def parse_blocks(text: str) -> tuple[Block, ...]:
    """Paragraphs, fenced code blocks and bullet lists of ``text``."""
    blocks: list[Block] = []
    lines = text.replace("\r\n", "\n").split("\n")
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Paragraph(parse_inlines(" ".join(s.strip() for s in paragraph))))
            paragraph.clear()
        if bullets:
            blocks.append(BulletList(tuple(parse_inlines(item) for item in bullets)))
            bullets.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if fence:
            flush()
            marker = fence.group(1)
            body: list[str] = []
            index += 1
            while index < len(lines) and not lines[index].strip().startswith(marker):
                body.append(lines[index])
                index += 1
            blocks.append(CodeBlock(fence.group(2), "\n".join(body)))
        elif not line.strip():
            flush()
        elif bullet := _BULLET.match(line):
            if paragraph:
                flush()
            bullets.append(bullet.group(1).strip())
        elif bullets and line.startswith((" ", "\t")):
            bullets[-1] += " " + line.strip()
        else:
            if bullets:
                flush()
            paragraph.append(line)
        index += 1
    flush()
    return tuple(blocks)


def parse_lines(text: str, *, formulas: bool = True) -> Lines:
    """Each non-empty line of ``text`` as inlines; formulas made pretty when asked."""
    rows = []
    for line in text.strip().split("\n"):
        inlines = parse_inlines(line.strip(), emphasis=False)
        rows.append(prettify(inlines) if formulas else inlines)
    return Lines(tuple(rows))


def parse_inlines(text: str, *, emphasis: bool = True) -> tuple[Inline, ...]:
    """Inline code, strong, emphasis and text; unmatched markers stay text.

    Unlike CommonMark, ``*`` inside a word does not open or close emphasis (as ``_`` does not),
    so arithmetic such as ``2*p*k`` stays text. With ``emphasis=False`` only code is parsed.
    """
    out: list[Inline] = []
    buffer: list[str] = []

    def text_done() -> None:
        if buffer:
            out.append(Text("".join(buffer)))
            buffer.clear()

    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in _PUNCT:
            buffer.append(text[i + 1])
            i += 2
            continue
        if char == "`":
            run = _run_length(text, i, "`")
            close = _find_run(text, i + run, "`" * run)
            if close >= 0:
                text_done()
                body = text[i + run : close]
                if body.startswith(" ") and body.endswith(" ") and body.strip():
                    body = body[1:-1]
                out.append(Code(body))
                i = close + run
                continue
            buffer.append(text[i : i + run])
            i += run
            continue
        if emphasis and text.startswith(("**", "__"), i):
            marker = text[i : i + 2]
            close = _closing(text, i + 2, marker)
            if close > i + 2 and _opens(text, i, marker):
                text_done()
                out.append(Strong(parse_inlines(text[i + 2 : close])))
                i = close + 2
                continue
        if emphasis and char in "*_":
            close = _closing(text, i + 1, char)
            if close > i + 1 and _opens(text, i, char):
                text_done()
                out.append(Emph(parse_inlines(text[i + 1 : close])))
                i = close + 1
                continue
        buffer.append(char)
        i += 1
    text_done()
    return tuple(out)


def _run_length(text: str, start: int, char: str) -> int:
    end = start
    while end < len(text) and text[end] == char:
        end += 1
    return end - start


def _find_run(text: str, start: int, run: str) -> int:
    """Index of a backtick run of exactly ``len(run)`` at or after ``start``, or -1."""
    index = text.find(run, start)
    while index >= 0:
        if _run_length(text, index, run[0]) == len(run):
            return index
        index = text.find(run, index + _run_length(text, index, run[0]))
    return -1


def _opens(text: str, index: int, marker: str) -> bool:
    """A marker opens emphasis if followed by non-space and not preceded by a word character."""
    after = index + len(marker)
    if after >= len(text) or text[after].isspace():
        return False
    return not (index > 0 and (_word_char(text[index - 1]) or text[index - 1] == ")"))


def _word_char(char: str) -> bool:
    """A letter or digit of a language that spaces its words: Chinese text has no spaces, so
    ``要*把*`` emphasises as CommonMark does (a CJK character is not "inside a word")."""
    return char.isalnum() and unicodedata.east_asian_width(char) not in ("W", "F")


def _closing(text: str, start: int, marker: str) -> int:
    """Index of the marker closing emphasis opened before ``start``, or -1."""
    index = text.find(marker, start)
    while index >= 0:
        after = index + len(marker)
        before_ok = index > start and not text[index - 1].isspace()
        after_ok = after >= len(text) or not _word_char(text[after])
        single = len(marker) == 2 or after >= len(text) or text[after] != marker[0]
        if before_ok and after_ok and single:
            return index
        index = text.find(marker, index + 1)
    return -1


# --- formulas --------------------------------------------------------------------------------

_SUBSCRIPT = re.compile(r"\b([A-Za-z]{1,3})_([A-Za-z0-9]{1,5})\b")
_SYMBOLS = (("<=", "≤"), (">=", "≥"), ("!=", "≠"), ("->", "→"), ("**", "^"))
_FLOOR_CEIL = re.compile(r"\b(floor|ceil)\(")
_TIMES = re.compile(r"(?<=[\w)\]}])\s?\*\s?(?=[\w(\[{])")
_MINUS = re.compile(r"(?<=\s)-(?=\s)|(?<=[=(,]\s)-(?=\w)|(?<=[(\[])-(?=\w)|^-(?=\w)")


def pretty_formula(text: str) -> str:
    """Plain text made to read like maths: ``floor((H + 2p - k)/s) + 1`` -> ``⌊(H + 2p − k)/s⌋ + 1``."""
    for plain, symbol in _SYMBOLS:
        text = text.replace(plain, symbol)
    text = _brackets(text)
    text = _TIMES.sub("·", text)
    return _MINUS.sub("−", text)


def _brackets(text: str) -> str:
    """``floor(x)`` -> ``⌊x⌋`` and ``ceil(x)`` -> ``⌈x⌉``, matching parentheses."""
    while match := _FLOOR_CEIL.search(text):
        depth, end = 1, match.end()
        while end < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        if depth:
            return text
        left, right = ("⌊", "⌋") if match.group(1) == "floor" else ("⌈", "⌉")
        text = text[: match.start()] + left + text[match.end() : end - 1] + right + text[end:]
    return text


def prettify(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Formulas in the text parts pretty, with subscripts; code untouched."""
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Text):
            out.extend(_subscripts(pretty_formula(node.text)))
        elif isinstance(node, Strong):
            out.append(Strong(prettify(node.children)))
        elif isinstance(node, Emph):
            out.append(Emph(prettify(node.children)))
        else:
            out.append(node)
    return tuple(out)


def _subscripts(text: str) -> list[Inline]:
    out: list[Inline] = []
    last = 0
    for match in _SUBSCRIPT.finditer(text):
        if match.start() > last:
            out.append(Text(text[last : match.start()]))
        out.append(Sub(match.group(1), match.group(2)))
        last = match.end()
    if last < len(text):
        out.append(Text(text[last:]))
    return out


# --- Typst -----------------------------------------------------------------------------------


def typst_escape(text: str) -> str:
    """Text as Typst markup that shows exactly ``text``: every ASCII punctuation mark escaped."""
    return "".join("\\" + char if char in _PUNCT else char for char in text.replace("\n", " "))


def typst_string(text: str) -> str:
    """A Typst string literal (JSON's escapes are a subset of Typst's)."""
    return json.dumps(text, ensure_ascii=False)


def typst_inlines(inlines: tuple[Inline, ...]) -> str:
    parts = []
    for node in inlines:
        if isinstance(node, Text):
            parts.append(typst_escape(node.text))
        elif isinstance(node, Code):
            parts.append(f"#raw({typst_string(node.text)});")
        elif isinstance(node, Strong):
            parts.append(f"#strong[{typst_inlines(node.children)}];")
        elif isinstance(node, Emph):
            parts.append(f"#emph[{typst_inlines(node.children)}];")
        else:
            parts.append(f"{typst_escape(node.base)}#sub[{typst_escape(node.sub)}];")
    return "".join(parts)


def typst_blocks(blocks: tuple[Block, ...]) -> str:
    """Blocks as Typst markup, one per paragraph."""
    parts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(typst_inlines(block.children))
        elif isinstance(block, CodeBlock):
            # No `lang`: monochrome code photocopies well, and highlighting doubles Typst's time.
            parts.append(f"#raw(block: true, {typst_string(block.text)})")
        elif isinstance(block, BulletList):
            parts.append("\n".join(f"- {typst_inlines(item)}" for item in block.items))
        else:
            parts.append(" \\\n".join(typst_inlines(line) for line in block.lines))
    return "\n\n".join(parts)


# --- HTML ------------------------------------------------------------------------------------


def html_inlines(inlines: tuple[Inline, ...]) -> str:
    parts = []
    for node in inlines:
        if isinstance(node, Text):
            parts.append(html.escape(node.text))
        elif isinstance(node, Code):
            parts.append(f"<code>{html.escape(node.text)}</code>")
        elif isinstance(node, Strong):
            parts.append(f"<strong>{html_inlines(node.children)}</strong>")
        elif isinstance(node, Emph):
            parts.append(f"<em>{html_inlines(node.children)}</em>")
        else:
            parts.append(f"{html.escape(node.base)}<sub>{html.escape(node.sub)}</sub>")
    return "".join(parts)


def html_blocks(blocks: tuple[Block, ...]) -> str:
    parts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(f"<p>{html_inlines(block.children)}</p>")
        elif isinstance(block, CodeBlock):
            lang = f' class="language-{html.escape(block.lang)}"' if block.lang else ""
            parts.append(f"<pre><code{lang}>{html.escape(block.text)}</code></pre>")
        elif isinstance(block, BulletList):
            items = "".join(f"<li>{html_inlines(item)}</li>" for item in block.items)
            parts.append(f"<ul>{items}</ul>")
        else:
            lines = "<br>\n".join(html_inlines(line) for line in block.lines)
            parts.append(f'<p class="lines">{lines}</p>')
    return "\n".join(parts)


# --- Markdown (for solutions; prompts are Markdown already) ----------------------------------

_MD_SPECIAL = frozenset("\\`*_[]<>#|")


def markdown_escape(text: str) -> str:
    return "".join("\\" + char if char in _MD_SPECIAL else char for char in text)


def markdown_inlines(inlines: tuple[Inline, ...]) -> str:
    parts = []
    for node in inlines:
        if isinstance(node, Text):
            parts.append(markdown_escape(node.text))
        elif isinstance(node, Code):
            fence = "``" if "`" in node.text else "`"
            pad = " " if node.text.startswith("`") or node.text.endswith("`") else ""
            parts.append(f"{fence}{pad}{node.text}{pad}{fence}")
        elif isinstance(node, Strong):
            parts.append(f"**{markdown_inlines(node.children)}**")
        elif isinstance(node, Emph):
            parts.append(f"*{markdown_inlines(node.children)}*")
        else:
            parts.append(f"{markdown_escape(node.base)}_{markdown_escape(node.sub)}")
    return "".join(parts)


def markdown_lines(block: Lines) -> str:
    """Lines joined by CommonMark hard breaks (a backslash at the end of a line)."""
    return "\\\n".join(markdown_inlines(line) for line in block.lines)
