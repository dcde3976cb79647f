"""Any ``str`` made safe for a report file or a terminal, whatever a student or a file name put
in it. Every writer (text, CSV, JUnit, Markdown) passes student-controlled text through
:func:`visible`, so none of them can raise on encoding or carry a control sequence.

Written as a visible escape (``\\x1b``, ``\\u202e``, ``\\udc80``) instead:

- C0 and C1 control characters and DEL (terminal escapes, NUL, BEL, CR), except tab and, unless
  ``newlines=False``, line feed;
- lone surrogates (``str`` from undecodable file names or a worker's bytes), which UTF-8 cannot
  encode;
- noncharacters (U+FDD0..U+FDEF and U+nFFFE/U+nFFFF, e.g. U+FFFE), which XML refuses;
- line/paragraph separators and bidirectional overrides/isolates, which reorder or split what a
  reader sees ("Trojan Source").

Everything else, including any printable script and emoji, is kept as is.
"""

from __future__ import annotations

import re

_NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\u2028\u2029\u202a-\u202e"
    f"\u2066-\u2069{re.escape(_NONCHARACTERS)}]"
)
_UNSAFE_ONE_LINE = re.compile(f"{_UNSAFE.pattern}|\n")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str, *, newlines: bool = True) -> str:
    """``text`` with every unsafe character (see the module docstring) escaped visibly."""
    return (_UNSAFE if newlines else _UNSAFE_ONE_LINE).sub(_escape, text)
