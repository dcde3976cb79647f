"""Concatenate PDFs made by Typst into one, without a PDF library and without re-typesetting.

The combined worksheet of 30 versions costs as much Typst time as the 30 single ones together;
joining the single PDFs instead takes milliseconds. This handles the PDFs Typst writes — a
classic ``xref`` table, no object streams, no encryption — and refuses anything else
(:class:`ValueError`). For each input, the objects reachable from its pages (contents, fonts,
images; not the catalog, the tag structure or the metadata) are renumbered and copied; stream
data is copied byte for byte. The output is deterministic: same inputs, same bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_SECTION = re.compile(rb"(\d+) (\d+)\s*\n")
_TRAILER_ROOT = re.compile(rb"/Root (\d+) 0 R")
_REF = re.compile(rb"(?<![\w.])(\d+) 0 R\b")
_PARENT = re.compile(rb"/Parent \d+ 0 R")
_PAGES_KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")
_CATALOG_PAGES = re.compile(rb"/Pages (\d+) 0 R")
_OBJ_HEAD = re.compile(rb"\s*(\d+) 0 obj\s*")

FIRST_OBJECT = 4  # 1: page tree, 2: catalog, 3: info


@dataclass(frozen=True)
class _Object:
    head: bytes  # the dictionary (or other value): references are renumbered here
    tail: bytes  # ``stream ... endstream`` copied unchanged, or b""


def merge_pdfs(pdfs: list[bytes], *, title: str = "") -> bytes:
    """One PDF with every page of ``pdfs``, in order."""
    if not pdfs:
        raise ValueError("nothing to merge")
    out: dict[int, bytes] = {}
    kids: list[int] = []
    next_number = FIRST_OBJECT
    for pdf in pdfs:
        objects, pages = _read(pdf)
        keep = _reachable(objects, pages)
        numbers = {old: next_number + i for i, old in enumerate(keep)}
        next_number += len(keep)
        for old in keep:
            obj = objects[old]
            # /Parent is the only reference out of the reachable set: it goes to the new tree.
            head = _PARENT.sub(b"/Parent \0", obj.head)
            head = _REF.sub(_renumber(numbers), head)
            head = head.replace(b"/Parent \0", b"/Parent 1 0 R")
            out[numbers[old]] = head + obj.tail
        kids += [numbers[page] for page in pages]
    out[1] = b"<</Type/Pages/Count %d/Kids[%s]>>" % (
        len(kids),
        b" ".join(b"%d 0 R" % kid for kid in kids),
    )
    out[2] = b"<</Type/Catalog/Pages 1 0 R>>"
    out[3] = b"<</Title(%s)/Producer(quizkit)>>" % _pdf_string(title)
    return _write(out, next_number)


def _renumber(numbers: dict[int, int]) -> Callable[[re.Match[bytes]], bytes]:
    return lambda match: b"%d 0 R" % numbers[int(match[1])]


def _read(pdf: bytes) -> tuple[dict[int, _Object], list[int]]:
    """All objects by number, and the page objects in order."""
    found = _STARTXREF.search(pdf[-64:])
    if not found:
        raise ValueError("not a PDF: no startxref")
    start = int(found[1])
    if not pdf.startswith(b"xref", start):
        raise ValueError("unsupported PDF: cross-reference stream, not a table")
    trailer = pdf.index(b"trailer", start)
    offsets: dict[int, int] = {}
    position = start + len(b"xref")
    while True:
        section = _XREF_SECTION.match(
            pdf, position + (1 if pdf[position : position + 1] == b"\n" else 0)
        )
        if not section or section.start() >= trailer:
            break
        first, count = int(section[1]), int(section[2])
        entries = pdf[section.end() : section.end() + 20 * count]
        for index in range(count):
            entry = entries[20 * index : 20 * index + 20]
            if entry[17:18] == b"n":
                offsets[first + index] = int(entry[:10])
        position = section.end() + 20 * count
    if b"/Encrypt" in pdf[trailer : trailer + 400]:
        raise ValueError("unsupported PDF: encrypted")
    bounds = [*sorted(offsets.values()), start]
    ends = {offset: bounds[i + 1] for i, offset in enumerate(bounds[:-1])}
    objects = {number: _split(pdf[offset : ends[offset]]) for number, offset in offsets.items()}
    root = _TRAILER_ROOT.search(pdf, trailer)
    if not root:
        raise ValueError("unsupported PDF: no /Root")
    pages_root = _CATALOG_PAGES.search(objects[int(root[1])].head)
    if not pages_root:
        raise ValueError("unsupported PDF: catalog without /Pages")
    return objects, _pages(objects, int(pages_root[1]))


def _pages(objects: dict[int, _Object], node: int) -> list[int]:
    head = objects[node].head
    if b"/Type/Pages" not in head.replace(b" /Pages", b"/Pages").replace(b"/Type /", b"/Type/"):
        return [node]
    kids = _PAGES_KIDS.search(head)
    if not kids:
        return []
    return [page for kid in _REF.findall(kids[1]) for page in _pages(objects, int(kid))]


def _split(raw: bytes) -> _Object:
    """``N 0 obj <head> [stream ... endstream] endobj`` -> head and stream part."""
    head_match = _OBJ_HEAD.match(raw)
    if not head_match:
        raise ValueError("unsupported PDF: malformed object")
    body = raw[head_match.end() :].rstrip()
    if body.endswith(b"endobj"):
        body = body[: -len(b"endobj")].rstrip()
    end = _value_end(body)
    return _Object(body[:end], body[end:])


def _value_end(body: bytes) -> int:
    """Where the object's value ends (before ``stream``), skipping strings and nested dicts."""
    if not body.startswith(b"<<"):
        stream = body.find(b"stream")
        return len(body) if stream < 0 else stream
    depth, index = 0, 0
    while index < len(body):
        char = body[index : index + 1]
        if body.startswith(b"<<", index):
            depth, index = depth + 1, index + 2
            continue
        if body.startswith(b">>", index):
            depth, index = depth - 1, index + 2
            if depth == 0:
                return index
            continue
        if char == b"(":
            index = _string_end(body, index)
            continue
        index += 1
    raise ValueError("unsupported PDF: unbalanced dictionary")


def _string_end(body: bytes, index: int) -> int:
    nesting = 0
    while index < len(body):
        char = body[index : index + 1]
        if char == b"\\":
            index += 2
            continue
        if char == b"(":
            nesting += 1
        elif char == b")":
            nesting -= 1
            if nesting == 0:
                return index + 1
        index += 1
    raise ValueError("unsupported PDF: unterminated string")


def _reachable(objects: dict[int, _Object], pages: list[int]) -> list[int]:
    """Objects the pages need, in ascending number, following references but not /Parent."""
    seen: set[int] = set()
    todo = list(pages)
    while todo:
        number = todo.pop()
        if number in seen or number not in objects:
            continue
        seen.add(number)
        head = _PARENT.sub(b"", objects[number].head)
        todo += [int(ref) for ref in _REF.findall(head)]
    return sorted(seen)


def _pdf_string(text: str) -> bytes:
    """A PDF text string: UTF-16BE with BOM, ``(``, ``)`` and ``\\`` escaped."""
    data = b"\xfe\xff" + text.encode("utf-16-be")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _write(objects: dict[int, bytes], size: int) -> bytes:
    parts = [b"%PDF-1.7\n%\x80\x80\x80\x80\n"]
    offsets: dict[int, int] = {}
    position = len(parts[0])
    for number in range(1, size):
        chunk = b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
        offsets[number] = position
        parts.append(chunk)
        position += len(chunk)
    xref = [b"xref\n0 %d\n" % size, b"0000000000 65535 f\r\n"]
    xref += [b"%010d 00000 n\r\n" % offsets[number] for number in range(1, size)]
    body = b"".join(parts)
    digest = hashlib.md5(body, usedforsecurity=False).hexdigest().encode()
    trailer = (
        b"trailer\n<</Size %d/Root 2 0 R/Info 3 0 R/ID[<%s><%s>]>>\nstartxref\n%d\n%%%%EOF\n"
        % (size, digest, digest, position)
    )
    return body + b"".join(xref) + trailer
