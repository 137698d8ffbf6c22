"""`poread.parse` must return exactly what `polib.pofile` returns, only faster.

Every check compares a full dump of both results: the POFile's attributes,
then every entry's attributes in order, with types (polib's ``obsolete`` is
``0``/``1``, its ``metadata_is_fuzzy`` the header's flag list) and key order.
Where the fast path is the point, the tests also check that it was taken
rather than the fallback to polib.
"""

from __future__ import annotations

import doctest
import re
import sys
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_poformat import polish_catalogues  # noqa: F401  (session fixture, wheels cached)

from locpipe import poformat, poread, pseudo

ROOT = Path(__file__).resolve().parent.parent


def dump(po: polib.POFile) -> str:
    """Everything observable about a parsed catalogue, as one comparable string."""
    return repr((type(po), vars(po), [(type(entry), vars(entry)) for entry in po]))


def outcome(read: object, text: str) -> str:
    """The dump of what ``read(text)`` returns, or the exception it raises."""
    try:
        return dump(read(text))  # type: ignore[operator]
    except Exception as error:  # the exact exception is what is compared
        return f"raised {type(error).__name__}: {error}"


def assert_same(text: str) -> None:
    expected = outcome(lambda t: polib.pofile(t, wrapwidth=79), text)
    assert outcome(poread.parse, text) == expected


def assert_fast(text: str) -> None:
    """Same result as polib, and from the fast path."""
    fast = poread._fast(text)
    assert fast is not None, "the fast path gave up"
    assert dump(fast) == dump(polib.pofile(text, wrapwidth=79))


def assert_fallback(text: str) -> None:
    """Same result (or error) as polib, which the fast path left to polib."""
    assert poread._fast(text) is None
    assert_same(text)


# ---------------------------------------------------------------------------
# The catalogues in this repository, all written by gettext tools or dumps.

REPO_CATALOGUES = sorted(
    path for pattern in ("locales/**/*.po*", "tests/golden/**/*.po*") for path in ROOT.glob(pattern)
)


def test_repository_has_catalogues() -> None:
    assert len(REPO_CATALOGUES) >= 20


@pytest.mark.parametrize("path", REPO_CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_repository_catalogues(path: Path) -> None:
    assert_fast(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# Hand-written cases: the fast path must take these and agree with polib.

HEADER = r"""# Polish translation of locpipe.
# Copyright (C) 2024
#
#, fuzzy
msgid ""
msgstr ""
"Project-Id-Version: locpipe 1.0\n"
"Language: pl\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
"(n%100<10 || n%100>=20) ? 1 : 2);\n"
"""

FAST_CASES = {
    "header-fuzzy": HEADER,
    "header-not-fuzzy": HEADER.replace("#, fuzzy\n", ""),
    "header-odd-metadata": r"""msgid ""
msgstr ""
"Key: value\n"
"continued line without a colon\n"
" Spaced-Key :  spaced value  \n"
"Key: again\n"
"X-Empty:\n"
"""
    + "\n",
    "no-header": """# This first comment becomes the file's header in polib
msgid "one"
msgstr "jeden"

# and this one a translator comment
msgid "two"
msgstr "dwa"
""",
    "header-comment-only-lines": """#
# after an empty comment line
#
#
msgid "x"
msgstr "y"
""",
    "multi-line": HEADER
    + """
#. paragraph
#: content/a.md:12
msgid ""
"A long paragraph that gettext wrapped over several lines, "
"with a second line, "
"and a third."
msgstr ""
"Długi akapit, "
""
"zawinięty."
""",
    "empty-strings": """msgid "x"
msgstr ""

msgctxt ""
msgid "y"
msgstr ""

msgid ""
"z"
msgstr ""
""
""
""",
    "plurals": HEADER
    + r"""
#, c-format
msgid "%d file"
msgid_plural "%d files"
msgstr[0] "%d plik"
msgstr[1] ""
"%d pliki"
msgstr[2] "%d "
"plików"

msgid "untranslated plural"
msgid_plural "untranslated plurals"
msgstr[0] ""
msgstr[1] ""
msgstr[2] ""

msgid "repeated index"
msgid_plural "keeps the last"
msgstr[1] "b"
msgstr[0] "a"
msgstr[1] "c"

msgid "plural with"
msgid_plural "a plain msgstr"
msgstr "polib keeps it as msgstr"
""",
    "obsolete": HEADER
    + """
msgid "live"
msgstr "żywy"

#~ msgid "obsolete"
#~ msgstr "przestarzały"

# Obsolete with a comment
#, fuzzy, python-format
#~ msgctxt "context"
#~ msgid "obsolete long entry "
#~ "that wraps"
#~ msgstr "przestarzały "
#~ "wpis"

#~ msgid "%d plural"
#~ msgid_plural "%d plurals"
#~ msgstr[0] "%d liczba"
#~ msgstr[1] ""
#~ "%d liczby"
#~ msgstr[2] "%d liczb"
""",
    "obsolete-previous-lines-are-skipped": """msgid "a"
msgstr "b"

#~| msgctxt "old"
#~| msgid "old text "
#~| "continued"
#~ msgid "obsolete"
#~ msgstr "przestarzały"

#, fuzzy
#~| msgid "old"
#~ msgid "second"
#~ msgstr "drugi"
""",
    "previous-fields": HEADER
    + """
#, fuzzy
#| msgctxt "old context"
#| msgid ""
#| "old text that "
#| "wrapped"
#| msgid_plural "old plural"
msgctxt "context"
msgid "new text"
msgid_plural "new plural"
msgstr[0] "a"
msgstr[1] "b"
msgstr[2] "c"

#| msgid "only a previous msgid"
msgid "next"
msgstr "dalej"
""",
    "flags": """#, fuzzy
msgid "a"
msgstr "b"

#, python-format, fuzzy, no-wrap, range: 1..5
msgid "c"
msgstr "d"

#, fuzzy
#, c-format
msgid "two flag lines"
msgstr ""

#, a,,b , c,
msgid "odd flags"
msgstr ""
""",
    "references": """#: a.py:1 b.py:22 c.py
#: ./d.py:0010 e.py:x f.py: :5 g:h:7 C:\\dir\\file.py:3
#: file:with:colons.md:12 dir/file_²:3 lonely
msgid "a"
msgstr "b"

#: name with spaces.md:4
msgid "c"
msgstr "d"
""",
    "comments": """# translator
#  two spaces kept after one
# # hash inside
#
# after an empty line
#. extracted
#. second extracted
#.  indented extracted
#: ref.py:1
#, fuzzy
msgid "a"
msgstr "b"

#. only extracted
msgid "c"
msgstr "d"
""",
    "escapes": r"""msgid "newline\n tab\t cr\r vt\v bs\b ff\f quote\" backslash\\ end"
msgstr "\\n is not a newline, \\\" nor this, \\\\\\ three"

msgid "left alone: \a \0 \x41 \101 \u0041 \e \' \? \z"
msgstr "\\a \\\\a"

msgid "split \\"
"n across lines \""
"\" and \n"
"\n"
msgstr "\"\"\"\\\\\""
""",
    "unicode": """msgid "Zażółć gęślą jaźń\u00a0— „cytat” «inny» 日本語 👍🏽 e\u0301"
msgstr "\u200b\u00ad\u2009\u3000"

#. comment with no-break space at the end\u00a0
# and a translator comment with one\u00a0
msgid "b"
msgstr "c"
""",
    "context": """msgctxt "title"
msgid "Title"
msgstr "Tytuł"

msgctxt ""
"multi "
"line"
msgid "x"
msgstr "y"
""",
    "duplicate-header-like-entries": """msgctxt "ctx"
msgid ""
msgstr "Not-Header: 1\\n"

msgid ""
msgstr "Header: 2\\n"

msgid ""
msgstr "Header: 3\\n"
""",
    "header-not-first": """msgid "first"
msgstr "pierwszy"

msgid ""
msgstr "Language: pl\\n"
""",
    "blank-lines": '\n\n\nmsgid "a"\nmsgstr "b"\n\n\n\n#: x.py:1\nmsgid "c"\nmsgstr "d"\n\n\n',
    "no-final-newline": 'msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr "d"',
    "crlf": HEADER.replace("\n", "\r\n") + '\r\n#. x\r\nmsgid "a"\r\nmsgstr "b"\r\n',
    "crlf-no-final-newline": 'msgid "a"\r\nmsgstr "b"',
    "bom": '\ufeffmsgid ""\nmsgstr "Language: pl\\n"\n\nmsgid "a"\nmsgstr "b"\n',
    "bom-then-blank-line": '\ufeff\n\nmsgid "a"\nmsgstr "b"\n',
    "empty": "",
    "only-blank-lines": "\n\n\n",
    "odd-comment-forms": """## double hash
#\ttab after the hash
#.\ttab after the marker
#:
#,
#.
##
#| msgid "previous"
#,
#| "continued after a skipped line"
msgid "a"
msgstr "b"

#. trailing blanks   \t
#   \t
# translator after extracted
#: x.py:1\t
msgid "c"
msgstr "d"
""",
    "charset-latin2": HEADER.replace("UTF-8", "ISO-8859-2"),
    "charset-unknown": HEADER.replace("UTF-8", "no-such-charset"),
    "content-type-twice": HEADER.replace(
        '"Language: pl\\n"', '"Content-Type: nothing here\\n"\n"Language: pl\\n"'
    ),
}


@pytest.mark.parametrize("case", FAST_CASES)
def test_fast_path_agrees_with_polib(case: str) -> None:
    assert_fast(FAST_CASES[case])


def test_module_example() -> None:
    result = doctest.testmod(poread)
    assert result.attempted > 0
    assert result.failed == 0


def test_line_numbers_are_polibs() -> None:
    text = FAST_CASES["obsolete-previous-lines-are-skipped"]
    po = poread.parse(text)
    # polib numbers the first entry 0, the others by their first line it does not skip
    assert [entry.linenum for entry in po] == [0, 7, 10]
    assert [entry.obsolete for entry in po] == [0, 1, 1]


def test_header_and_metadata() -> None:
    po = poread.parse(FAST_CASES["header-fuzzy"])
    assert po.header == "Polish translation of locpipe.\nCopyright (C) 2024\n"
    assert vars(po)["metadata_is_fuzzy"] == ["fuzzy"]  # polib's list, which its stubs call bool
    assert list(po.metadata) == ["Project-Id-Version", "Language", "Content-Type", "Plural-Forms"]
    assert len(po) == 0
    assert poread.parse(FAST_CASES["no-header"]).metadata_is_fuzzy == 0


# ---------------------------------------------------------------------------
# What the fast path leaves to polib, for the same result or the same error.

FALLBACK_CASES = {
    "cr-line-ends": 'msgid "a"\rmsgstr "b"\r',
    "form-feed-in-string": 'msgid "a\x0cb"\nmsgstr ""\n',
    "line-separator-in-string": 'msgid "a\u2028b"\nmsgstr ""\n',
    "next-line-in-comment": '# a\x85b\nmsgid "a"\nmsgstr ""\n',
    "blank-before-keyword": '  msgid "a"\nmsgstr "b"\n',
    "blank-after-string": 'msgid "a" \nmsgstr "b"\n',
    "two-spaces-after-keyword": 'msgid  "a"\nmsgstr "b"\n',
    "blank-line-inside-entry": 'msgid "a"\n\nmsgstr "b"\n',
    "comment-inside-entry": 'msgid "a"\n# c\nmsgstr "b"\n',
    "trailing-comment": 'msgid "a"\nmsgstr "b"\n\n# trailing comment\n',
    "only-comments": "# just a comment\n",
    "msgstr-index-10": 'msgid "a"\nmsgid_plural "b"\nmsgstr[10] "c"\n',
    "msgstr-plural-without-space": 'msgid "a"\nmsgid_plural "b"\nmsgstr[0]"c"\n',
    "quote-in-plural-form": 'msgid "a"\nmsgid_plural "b"\nmsgstr[0] "c"d"\n',
    "string-ends-in-backslash": 'msgid "a\\"\n"b"\nmsgstr ""\n',
    "previous-continuation-first": 'msgid "a"\nmsgstr "b"\n\n#| "c"\nmsgid "d"\nmsgstr ""\n',
    "obsolete-line-with-tab": '#~\tmsgid "a"\n#~ msgstr "b"\n',
    "mixed-obsolete": '#~ msgid "a"\nmsgstr "b"\n',
    "keyword-order": 'msgstr "b"\nmsgid "a"\n',
    # syntax errors: polib raises, and so does parse, with polib's message
    "unescaped-quote": 'msgid "a"b"\nmsgstr ""\n',
    "unknown-keyword": 'msgid "a"\nmsgstr "b"\nmsgfoo "c"\n',
    "comment-without-space": '#foo\nmsgid "a"\nmsgstr ""\n',
    "extracted-without-space": '#.foo\nmsgid "a"\nmsgstr ""\n',
    "previous-unknown-keyword": '#| msgfoo "a"\nmsgid "a"\nmsgstr ""\n',
    "previous-without-string": '#| msgid\nmsgid "a"\nmsgstr ""\n',
    "lone-obsolete-marker": '#~\nmsgid "a"\nmsgstr ""\n',
    "msgstr-twice": 'msgid "a"\nmsgstr "b"\nmsgstr "c"\n',
    "continuation-first": '"a"\nmsgid "a"\nmsgstr ""\n',
}


@pytest.mark.parametrize("case", FALLBACK_CASES)
def test_fallback_agrees_with_polib(case: str) -> None:
    assert_fallback(FALLBACK_CASES[case])


def test_syntax_errors_are_polibs() -> None:
    for case in ("unescaped-quote", "unknown-keyword", "comment-without-space"):
        with pytest.raises(OSError, match=r"Syntax error in po file \(line \d+\)"):
            poread.parse(FALLBACK_CASES[case])


def test_text_naming_a_file_is_read_from_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # polib takes a text that is an existing path for the path: so must parse
    text = 'msgid "a"\nmsgstr "from the text"\n'
    (tmp_path / text).write_text('msgid "a"\nmsgstr "from the file"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert poread.parse(text)[0].msgstr == "from the file"
    assert_same(text)


def test_whitespace_class_is_str_isspace() -> None:
    # The fast path reads "no blanks at the end" from \S, polib from str.strip().
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    assert re.findall(r"\s", everything) == [char for char in everything if char.isspace()]


# ---------------------------------------------------------------------------
# Random catalogues, written by polib's writer and by poformat.dumps.

PIECES = [
    "a", "word", "słowo", "zażółć", "Ünïcödé", "x" * 40, " ", "  ", "\u00a0", "\u3000", "\t",
    "\\", "\\\\", "\\n", '"', '\\"', "'", "„", "”", "#", "#~ ", "#| ", ":", ",", "%s",
    "%(name)s", "{0}", "msgid", 'msgstr "x"', "日本語", "👍🏽", "e\u0301", "\x01", "\x07", "\x00",
]  # fmt: skip
# Escaped in strings, but polib's writer puts comments on lines as they are.
ESCAPED = ["\n", "\r", "\x0b", "\x0c"]
# Characters str.splitlines breaks at, which gettext tools write unescaped.
BREAKS = ["\x1c", "\x1e", "\x85", "\u2028", "\u2029", "\ufeff"]
plain = st.lists(
    st.sampled_from(["a", "word", "słowo", "Ünïcödé", "日本語"]), min_size=1, max_size=5
)
words = plain.map(" ".join)
paths = st.lists(
    st.sampled_from(["a", "dir/", "./", "x.py", "with space", ":", "²", "file:1", "ż"]),
    min_size=1,
    max_size=4,
).map("".join)
references = st.tuples(paths, st.sampled_from(["", "1", "42", "007", "x"]))
flags = st.sampled_from(
    ["fuzzy", "python-format", "c-format", "no-wrap", "range: 0..9", "odd flag"]
)


def alphabet(pieces: list[str], *, breaks: bool, max_size: int) -> st.SearchStrategy[str]:
    """Texts made of ``pieces``, with now and then a line break character if ``breaks``."""
    choices = pieces * 8 + BREAKS if breaks else pieces
    return st.lists(st.sampled_from(choices), max_size=max_size).map("".join)


@st.composite
def entries(draw: st.DrawFn, *, breaks: bool) -> polib.POEntry:
    texts = alphabet(PIECES + ESCAPED, breaks=breaks, max_size=25)
    comments = st.lists(alphabet(PIECES, breaks=breaks, max_size=12), max_size=3).map("\n".join)
    entry = polib.POEntry(
        msgid=draw(st.just("") | texts),
        msgctxt=draw(st.none() | texts),
        tcomment=draw(comments),
        comment=draw(comments),
        occurrences=draw(st.lists(references, max_size=4)),
        flags=draw(st.lists(flags, unique=True, max_size=3)),
        obsolete=draw(st.integers(0, 4)) == 0,
        previous_msgid=draw(st.none() | texts),
        previous_msgctxt=draw(st.none() | words),
    )
    if draw(st.booleans()):
        entry.msgid_plural = draw(texts)
        entry.msgstr_plural = {index: draw(texts) for index in range(draw(st.integers(1, 3)))}
    else:
        entry.msgstr = draw(texts)
    return entry


@st.composite
def catalogues(draw: st.DrawFn) -> polib.POFile:
    """A random catalogue; one in five may hold characters the fast path leaves to polib."""
    breaks = draw(st.integers(0, 4)) == 0
    po = polib.POFile()
    header_lines = draw(st.lists(alphabet(PIECES, breaks=breaks, max_size=12), max_size=3))
    po.header = "\n".join(header_lines)
    po.metadata_is_fuzzy = draw(st.booleans())
    po.metadata = {
        "Project-Id-Version": draw(words),
        "Language": "pl",
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=3; plural=(n==1 ? 0 : 1);",
    }
    po.extend(draw(st.lists(entries(breaks=breaks), max_size=6)))
    return po


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(po=catalogues())
def test_random_catalogues_agree_with_polib(po: polib.POFile) -> None:
    for text in (str(po), poformat.dumps(po), poformat.dumps(po, wrap=False)):
        assert_same(text)
        assert_same(text.replace("\n", "\r\n"))
    written = poformat.dumps(po)
    if not poread._has_other_breaks(written) and "\ufeff" not in written[:1]:
        assert poread._fast(written) is not None, "the fast path gave up on dumps output"


# Damaged catalogues: random edits of valid ones, read as polib reads them or
# rejected with polib's error, whichever path the text takes.

EDITS = [
    '"', "\\", "\n", " ", "\t", "#", "~", "|", ":", ",", ".", "x", "\r", "\u00a0", "\x0c",
    "\n\n", "msgid ", "msgstr ", "msgctxt ", "msgid_plural ", "msgstr[1] ", "#~ ", "#| ",
    "#. ", "#: ", "#, ", 'msgstr[0] ""\n',
]  # fmt: skip


@st.composite
def damaged(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(sorted(FAST_CASES.values())))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "repeat line"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(EDITS)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 5)) :]
        else:
            lines = text.split("\n")
            lines.insert(draw(st.integers(0, len(lines))), lines[at % len(lines)])
            text = "\n".join(lines)
    return text


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(text=damaged())
def test_damaged_catalogues_agree_with_polib(text: str) -> None:
    assert_same(text)


# ---------------------------------------------------------------------------
# Real catalogues: the Polish ones shipped with Django, Sphinx and Wagtail.


def test_wheel_catalogues_agree_with_polib(polish_catalogues: dict[str, str]) -> None:  # noqa: F811
    assert len(polish_catalogues) >= 30
    differing = [
        name
        for name, text in sorted(polish_catalogues.items())
        if outcome(poread.parse, text) != outcome(lambda t: polib.pofile(t, wrapwidth=79), text)
    ]
    assert differing == []
    # they are msgmerge's output, so the fast path reads them all
    assert [name for name, text in polish_catalogues.items() if poread._fast(text) is None] == []


def test_wheel_catalogues_rewritten_by_dumps_take_the_fast_path(
    polish_catalogues: dict[str, str],  # noqa: F811
) -> None:
    for text in polish_catalogues.values():
        written = poformat.dumps(polib.pofile(text))
        assert_fast(written)


def test_translated_catalogue_round_trip() -> None:
    """A catalogue as locpipe writes it after translation reads back through the fast path."""
    po = polib.pofile((ROOT / "locales/templates/mentoring.pot").read_text(encoding="utf-8"))
    for entry in po:
        entry.msgstr = pseudo.pseudo_text(entry.msgid)
    assert_fast(poformat.dumps(po))
