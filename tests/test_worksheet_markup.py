"""Markdown subset -> Typst/HTML: text is escaped completely; code, bold, italic survive."""

from __future__ import annotations

import json
import string

import pytest
import typst
from hypothesis import given, settings
from hypothesis import strategies as st

from quizkit.worksheet.markup import (
    BulletList,
    Code,
    CodeBlock,
    Emph,
    Paragraph,
    Strong,
    Sub,
    Text,
    html_blocks,
    parse_blocks,
    parse_inlines,
    parse_lines,
    pretty_formula,
    typst_blocks,
    typst_escape,
    typst_inlines,
)

# Flattens content back to text, so a test can compare what Typst shows with what was meant.
PROBE = """
#let to-str(it) = {
  if type(it) == str { it }
  else if it.func() == raw { "`" + it.text + "`" }
  else if it.func() == strong { "**" + to-str(it.body) + "**" }
  else if it.func() == emph { "_" + to-str(it.body) + "_" }
  else if it.has("text") { it.text }
  else if it.has("children") { it.children.map(to-str).join("") }
  else if it.has("body") { to-str(it.body) }
  else if it.func() == [ ].func() { " " }
  else { "" }
}
"""

NASTY = [
    string.punctuation,
    "#set page(width: 1cm) $x^2$ @ref <lbl> [a](b) \\ \"q\" 'r'",
    "= heading?",
    "- not a list",
    "+ not an enum",
    "1. not numbered",
    "/ term: not a term",
    "// not a comment /* nor this */",
    "#{1 + 1} #let x = 1",
    "a\\",
    "--- -- ... ~ -? http://x.org",
    "\\u{41} \\n",
    "*",
    "_",
    "`",
]


def shown(markup: str) -> str:
    """What Typst renders for ``markup``, as text (raw shown in backticks)."""
    source = PROBE + f"#metadata(to-str([{markup}])) <probe>\n"
    value = typst.query(source.encode(), "<probe>", field="value", one=True)
    result = json.loads(value)
    assert isinstance(result, str)
    return result


@pytest.mark.parametrize("text", NASTY)
def test_escaped_text_shows_exactly_the_text(text: str) -> None:
    assert shown(typst_escape(text)) == text


printable = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=40
).filter(lambda s: s == " ".join(s.split()))  # Typst collapses runs of spaces; so do we


@settings(max_examples=25, deadline=None)
@given(text=printable)
def test_any_printable_text_survives_escaping(text: str) -> None:
    assert shown(typst_escape(text)) == text


def test_inline_code_bold_and_italic_are_parsed() -> None:
    assert parse_inlines("Use `x.view(-1)` with **care** and *style*.") == (
        Text("Use "),
        Code("x.view(-1)"),
        Text(" with "),
        Strong((Text("care"),)),
        Text(" and "),
        Emph((Text("style"),)),
        Text("."),
    )


@pytest.mark.parametrize(
    "text", ["2*p*k", "a_b_c", "snake_case_name", "* not emphasis *", "**", "`unclosed", "x**2"]
)
def test_arithmetic_and_identifiers_stay_text(text: str) -> None:
    assert parse_inlines(text) == (Text(text),)


def test_double_backticks_hold_a_backtick() -> None:
    assert parse_inlines("``a`b``") == (Code("a`b"),)


def test_markdown_backslash_escapes_are_literal() -> None:
    assert parse_inlines(r"\*not em\*") == (Text("*not em*"),)


def test_code_code_with_quotes_and_backslashes_reaches_typst_verbatim() -> None:
    code = "print(\"a\\b\", '#{x}', $y)"
    assert shown(typst_inlines((Code(code),))) == f"`{code}`"


def test_bold_and_italic_reach_typst() -> None:
    markup = typst_inlines(parse_inlines("**bold `c`** then *it*(x)."))
    assert shown(markup) == "**bold `c`** then _it_(x)."


def test_blocks_paragraphs_fences_and_lists() -> None:
    blocks = parse_blocks("One\nline.\n\n```python\nx = 1\n```\n- a\n- `b`\n\nEnd.")
    assert blocks == (
        Paragraph((Text("One line."),)),
        CodeBlock("python", "x = 1"),
        BulletList(((Text("a"),), (Code("b"),))),
        Paragraph((Text("End."),)),
    )


def test_typst_blocks_compile_for_nasty_prompts() -> None:
    markdown = "\n\n".join(NASTY) + '\n\n```\n#raw $ ] [ "\n```\n- `x[0]` *y*'
    source = typst_blocks(parse_blocks(markdown))
    assert typst.compile(source.encode(), ignore_system_fonts=True).startswith(b"%PDF")


def test_html_escapes_everything_but_the_markup_it_makes() -> None:
    html = html_blocks(parse_blocks("<script>x</script> & `<b>` **ok**"))
    assert html == (
        "<p>&lt;script&gt;x&lt;/script&gt; &amp; <code>&lt;b&gt;</code> <strong>ok</strong></p>"
    )


@pytest.mark.parametrize(
    ("plain", "pretty"),
    [
        ("floor((H + 2p - k)/s) + 1", "⌊(H + 2p − k)/s⌋ + 1"),
        ("ceil(n / b) = 3", "⌈n / b⌉ = 3"),
        ("2*3*(4 - 1)", "2·3·(4 − 1)"),
        ("a <= b, c >= d, e != f, g -> h", "a ≤ b, c ≥ d, e ≠ f, g → h"),
        ("x = -1.5", "x = −1.5"),
        ("floor(unbalanced", "floor(unbalanced"),
    ],
)
def test_formulas_read_like_maths(plain: str, pretty: str) -> None:
    assert pretty_formula(plain) == pretty


def test_solutions_get_subscripts_but_code_is_untouched() -> None:
    lines = parse_lines("H_out = floor(8/2) `H_out - 1`")
    assert lines.lines == ((Sub("H", "out"), Text(" = ⌊8/2⌋ "), Code("H_out - 1")),)
