"""`dumps` must write byte for byte what GNU msgcat 0.21 writes.

Every expectation here comes from the real tools: ``msgcat`` itself, and the
libunistring 1.0 it links (through ctypes) for the line-breaking internals.
Neither is optional: without them these tests fail, they never skip.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import os
import random
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locpipe import poformat
from locpipe.poformat import dumps

# Pinned so that CI compares the same catalogues every run.
WHEELS = {"django": "5.2.19", "sphinx": "9.0.4", "wagtail": "8.0.1"}

Msgcat = Callable[..., str]

HEADER = r"""# Polish translation of locpipe tests.
# Copyright (C) 2024 locpipe
#
#, fuzzy
msgid ""
msgstr ""
"Project-Id-Version: locpipe 1.0\n"
"Report-Msgid-Bugs-To: \n"
"POT-Creation-Date: 2024-01-01 12:00+0000\n"
"PO-Revision-Date: 2024-01-02 12:00+0000\n"
"Last-Translator: Jan Kowalski <jan@example.com>\n"
"Language-Team: Polish <pl@li.org>\n"
"Language: pl\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
"(n%100<10 || n%100>=20) ? 1 : 2);\n"
"""

# Long strings are given as PO continuation lines; msgcat and dumps rewrap them.
CASES = {
    "comments-references-flags": r"""
# Translator comment
# second line
#. Extracted comment
#. second extracted line
#: locpipe/a.py:10 locpipe/b.py:20 locpipe/cccccccccccccccccccccc.py:30
#: locpipe/dddddddddddddd.py:40 ./x.py:5 locpipe/e.py:1000 ./././deep/path/żółw.py:7
#: docs/index.rst locpipe/f.py:007 locpipe/ggggggggggggggggggggggggggggggggg.py:12345
#: locpipe/very/long/path/that/is/longer/than/the/width/of/the/page/on/its/own/file.py:1
#, python-format, fuzzy, wrap, unknown-flag
#| msgctxt "old context"
#| msgid "Old %(name)s text that was rather long as well, "
#| "long enough to need wrapping here"
msgctxt "greeting"
msgid "Hello %(name)s, this is a rather long message that certainly needs "
"to be wrapped by msgcat at the width limit."
msgstr "Cześć %(name)s, to jest dość długi komunikat, który z pewnością musi "
"zostać zawinięty przez msgcat — tak czy „inaczej”."

#, fuzzy
msgid "Untranslated fuzzy entries lose their fuzzy flag"
msgstr ""

#, c-format, no-python-format, possible-sh-format, impossible-php-format, range: 1..5, no-wrap
msgid "A no-wrap entry keeps this long line whole, however long it gets, "
"even past the usual width of a page"
msgstr "Wpis no-wrap zachowuje ten długi wiersz w całości, niezależnie od tego, "
"jak długi się zrobi, nawet poza szerokość"
""",
    "strings-and-escapes": r"""
msgid "Line one\nLine two\n"
msgstr "Linia pierwsza\nLinia druga\n"

msgid "A newline\nin the middle of a string that is itself long enough to wrap "
"at the end of the page"
msgstr "Nowa linia\nw środku\n\nz pustą linią"

msgid "\n"
msgstr "\n\n"

msgid "Tab\there and \"quotes\" and back\\slash and \\\\double\\\\ and \\n "
"not a newline, plus \"\"\" more"
msgstr ""

msgid "Ends with a backslash \\"
msgstr "Kończy się odwrotnym ukośnikiem \\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\"
"\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\"

msgid "Carriage\rreturn, backspace\b, form\ffeed, vertical\vtab"
msgstr "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"

msgid "%d file"
msgid_plural "%d files"
msgstr[0] "%d plik"
msgstr[1] "%d pliki"
msgstr[2] "%d plików, a ten komunikat jest na tyle długi, że trzeba go zawinąć "
"w pliku PO"

msgid "https://example.com/a/very/long/url/that/does/not/fit/on/one/line/at/all/"
"really/no?x=1&y=2"
msgstr "Supercalifragilisticexpialidocioussupercalifragilisticexpialidocious"
"supercalifragilistic"

msgid "word https://example.com/a/very/long/url/that/does/not/fit/on/one/line/at/"
"all/really/no word"
msgstr "/usr/share/locale/pl/LC_MESSAGES/locpipe.mo, /etc/locpipe/config.toml, "
"C:\\Users\\Jan\\Documents\\x"
""",
    "unicode-text": """
msgid "日本語のテキストはとても長いので、折り返しが必要になります。"
"日本語のテキストはとても長いので、折り返しが必要になります。"
msgstr "中文文本也需要换行。中文文本也需要换行。中文文本也需要换行。"
"中文文本也需要换行。中文文本也需要换行。"

msgid "Zażółć gęślą jaźń\u00a0— zażółć gęślą jaźń \u2013 zażółć gęślą jaźń; "
"zażółć gęślą jaźń / zażółć-gęślą-jaźń"
msgstr "„Cytat” i «inny cytat» oraz \u201apojedynczy\u2019… i wielokropek… oraz półpauza \u2013 "
"i pauza — i minus \u2212 i łącznik \u2010 koniec"

msgid "Spaces: thin\u2009space, narrow\u202fno-break, figure\u2007space, "
"ideographic\u3000space, zero\u200bwidth, en\u2002em\u2003"
msgstr "Miękki\u00adłącznik w bar\u00addzo dłu\u00adgim sło\u00adwie, któ\u00adry "
"trze\u00adba prze\u00adnieść do na\u00adstęp\u00adnej li\u00adnii"

msgid "Combining accents: e\u0301te\u0301 cafe\u0301 nai\u0308ve; emoji 👍🏽 👨‍👩‍👧 🇵🇱🇩🇪 "
"and a long tail of words"
msgstr "Długie-słowo-z-łącznikami-które-się-nie-mieści-na-jednej-linii-"
"więc-musi-zostać-przełamane-gdzieś"

msgid "numbers 1,000,000.50 and 3.14159 and -42 and +7 and (12) and [3] and {4} "
"and 50% and $100 and €200 and 7‰"
msgstr "liczby 1 000 000,50 i 3,14159 oraz \u221242, +7, (12), [3], {4}, 50%, 100 $, "
"200 €, 7‰ — i jeszcze trochę tekstu"
""",
    "format-directives": r"""
#, python-format
msgid "Progress of the long running job that we are tracking here is exactly "
"100% done by now"
msgstr "Postęp długotrwałego zadania, które tutaj śledzimy, wynosi obecnie "
"dokładnie 50% o ile wiem"

#, python-format
msgid "Named arguments inside of a sentence that is long: %(first-name)s and "
"%(last name)s are here"
msgstr ""

#, c-format
msgid "A C format string that is long enough to wrap around here, with % d, "
"% ld and % s spaced flags"
msgstr "Napis formatu C, który jest na tyle długi, że się zawija, z flagą "
"spacji: % d, % ld i % s oraz tyle"

#, possible-c-format
msgid "Possible C format directives count too when deciding where to break "
"a long line: 100% complete"
msgstr ""

#, python-brace-format
msgid "a-b gettext 0.21 measures brace directives from the start of the string: "
"{value: >10} {x.y}"
msgstr ""
""",
    "obsolete": """
#~ msgid "obsolete"
#~ msgstr "przestarzały"

#~ msgid "obsolete and untranslated entries disappear"
#~ msgstr ""

# Obsolete with a comment
#. and an extracted comment
#: and/a/reference.py:12
#, fuzzy, python-format
#~ msgctxt "context"
#~ msgid "obsolete long entry that is really long and should wrap at some point "
#~ "because it is long"
#~ msgstr "przestarzały wpis, który jest naprawdę długi i powinien się zawinąć "
#~ "w pewnym momencie bo tak"

#~ msgid "%d plural"
#~ msgid_plural "%d plurals"
#~ msgstr[0] "%d liczba"
#~ msgstr[1] "%d liczby"
#~ msgstr[2] "%d liczb"

msgid "A live entry after the obsolete ones is written before them"
msgstr "Aktywny wpis"
""",
}


@pytest.fixture(scope="session")
def msgcat(tmp_path_factory: pytest.TempPathFactory) -> Msgcat:
    """Return a function that runs the real msgcat on PO text (width None: --no-wrap)."""
    executable = shutil.which("msgcat")
    if executable is None:
        pytest.fail("GNU msgcat is required: install gettext (apt-get install gettext)")
    version = subprocess.run([executable, "--version"], capture_output=True, text=True, check=True)
    if not version.stdout.splitlines()[0].endswith(" 0.21"):
        pytest.fail(f"these tests pin GNU gettext 0.21, found {version.stdout.splitlines()[0]}")
    workdir = tmp_path_factory.mktemp("msgcat")
    counter = itertools.count()
    # Each comparison runs once per line breaker with the same inputs: ask msgcat once.
    answers: dict[tuple[str, int | None], str] = {}

    def run(text: str, width: int | None = 79) -> str:
        if (text, width) not in answers:
            answers[text, width] = run_msgcat(text, width)
        return answers[text, width]

    def run_msgcat(text: str, width: int | None) -> str:
        number = next(counter)
        source, target = workdir / f"in{number}.po", workdir / f"out{number}.po"
        source.write_bytes(text.encode("utf-8"))
        option = "--no-wrap" if width is None else f"--width={width}"
        # --force-po: write the header even when there are no other messages.
        command = [executable, "--force-po", option, str(source), "-o", str(target)]
        done = subprocess.run(command, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return target.read_bytes().decode("utf-8")

    return run


def assert_same(expected: str, actual: str) -> None:
    """Compare line lists first, for a readable diff, then the exact text."""
    assert actual.splitlines() == expected.splitlines()
    assert actual == expected


@pytest.fixture(params=["libunistring", "python"])
def linebreaker(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Fill lines with the system libunistring 1.0 (the default), then with pure Python."""
    if request.param == "libunistring":
        filler = poformat._load_libunistring_fill()
        if filler is None:
            pytest.fail(
                "libunistring 1.0 (Debian: libunistring2, a dependency of gettext) is required"
            )
    else:
        filler = poformat._fill
    monkeypatch.setattr(poformat, "_FILL", filler)
    poformat._wrapped_lines.cache_clear()  # lines filled by the other breaker must not be reused
    yield request.param
    poformat._wrapped_lines.cache_clear()


@pytest.mark.parametrize("width", [79, None])
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.usefixtures("linebreaker")
def test_handwritten_catalogues_match_msgcat(msgcat: Msgcat, case: str, width: int | None) -> None:
    text = HEADER + CASES[case]
    expected = msgcat(text, width)
    assert_same(expected, dumps(polib.pofile(text), wrap=width is not None))


@pytest.mark.parametrize("width", [20, 40, 60, 100, 200])
@pytest.mark.usefixtures("linebreaker")
def test_other_page_widths_match_msgcat(msgcat: Msgcat, width: int) -> None:
    text = HEADER + "".join(CASES.values())
    assert_same(msgcat(text, width), dumps(polib.pofile(text), width=width))


@pytest.mark.usefixtures("linebreaker")
def test_header_without_fuzzy_and_catalogue_without_header(msgcat: Msgcat) -> None:
    plain = HEADER.replace("#, fuzzy\n", "") + CASES["strings-and-escapes"]
    assert_same(msgcat(plain), dumps(polib.pofile(plain)))
    headless = (
        '# Comment before the first entry\n#. extracted\nmsgid "a"\nmsgstr "b"\n\n'
        'msgid "c"\nmsgstr "d"\n'
    )
    assert_same(msgcat(headless), dumps(polib.pofile(headless)))


def test_empty_catalogue_is_empty() -> None:
    assert dumps(polib.POFile()) == ""


@pytest.mark.usefixtures("linebreaker")
def test_obsolete_previous_fields_are_written_where_msgcat_writes_them(msgcat: Msgcat) -> None:
    """polib drops ``#~|`` lines on reading, but entries built in code keep them."""
    po = polib.pofile(HEADER)
    po.append(
        polib.POEntry(
            msgid="current text of an obsolete entry",
            msgstr="bieżący tekst",
            obsolete=True,
            flags=["fuzzy"],
            previous_msgctxt="ctx",
            previous_msgid="previous text of an obsolete entry, long enough for msgcat to wrap it",
            previous_msgid_plural="plural",
        )
    )
    written = dumps(po)
    assert '#~| msgctxt "ctx"\n#~| msgid ""\n#~| "previous text' in written
    assert_same(msgcat(written), written)
    assert_same(msgcat(written, None), dumps(po, wrap=False))


@pytest.mark.usefixtures("linebreaker")
def test_what_polib_loses_on_reading_is_the_only_difference(msgcat: Msgcat) -> None:
    """Document the reading gaps: they are polib's, and dumps matches msgcat elsewhere."""
    text = HEADER + (
        "#  two spaces and trailing spaces   \n"
        '#, fuzzy\n#~| msgid "prev"\n#~ msgid "obs"\n#~ msgstr "o"\n'
    )
    lost = {'#~| msgid "prev"', "#  two spaces and trailing spaces   "}
    expected = msgcat(text).splitlines()
    assert lost <= set(expected)
    written = dumps(polib.pofile(text)).splitlines()
    assert [line for line in expected if line not in lost] == [
        line for line in written if line != "#  two spaces and trailing spaces"
    ]


# ---------------------------------------------------------------------------
# Property test: random catalogues, written by polib, read and rewritten by msgcat.

PIECES = [
    "a", "word", "słowo", "zażółć", "gęślą", "jaźń", "Ünïcödé", "tekst", "x" * 30, "y" * 85, " ",
    " ", " ", "  ", "\u00a0", "\u2009", "\u202f", "\u3000", "\u200b", "\u00ad", "\t", "\n", "-",
    "\u2013", "—", "/", "\\", '"', "'", "„", "”", "«", "»", "(", ")", "[", "]", "{", "}", ",", ".",
    ":", ";", "!", "?", "…", "%", "%s", "%(name)s", "% d", "100%", "{0}", "$", "€", "#", "@", "&",
    "1", "42", "3.14", "1,5", "https://example.com/path/to/page?q=1", "e.g.", "a-b", "a/b",
    "日本語", "中文", "한국어", "👍", "🇵🇱", "e\u0301", "\u05d0\u05d1-\u05d2", "\x01", "\r", "\a",
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
ALNUM = [piece for piece in PIECES if piece.isalnum()]
words = st.lists(st.sampled_from(ALNUM), min_size=1, max_size=8).map(" ".join)
# polib's writer rewraps long comments, so comments stay shorter than a line.
NOTES = ["a", "word", "słowo", "zażółć", "Ünïcödé"]
notes_text = st.lists(st.sampled_from(NOTES), min_size=1, max_size=6).map(" ".join)
paths = st.from_regex(r"(\./)?[a-z_]{1,12}(/[a-zżółć_.]{1,20}){0,4}\.py", fullmatch=True)
FLAGS = [
    "fuzzy",
    "python-format",
    "c-format",
    "no-c-format",
    "python-brace-format",
    "no-wrap",
    "range: 0..9",
]


@st.composite
def entries(draw: st.DrawFn, key: int) -> polib.POEntry:
    """Draw one entry; ``key`` keeps (msgctxt, msgid) unique, as msgcat merges duplicates."""
    obsolete = draw(st.integers(0, 4)) == 0
    entry = polib.POEntry(
        msgid=f"{key} " + draw(texts),
        msgctxt=draw(st.none() | words),
        tcomment=draw(st.just("") | notes_text | st.lists(notes_text, min_size=2).map("\n".join)),
        flags=draw(st.lists(st.sampled_from(FLAGS), unique=True, max_size=3)),
        obsolete=obsolete,
    )
    if not obsolete:  # polib's writer drops these two from obsolete entries
        entry.comment = draw(st.just("") | notes_text)
        lines = st.sampled_from(["", "1", "42", "1234"])
        # "./a.py" and "a.py" are distinct to msgcat but print alike, so a second
        # msgcat run would merge them: keep them apart for the fixed-point check.
        unstripped = st.lists(
            st.tuples(paths, lines),
            max_size=12,
            unique_by=lambda ref: (ref[0].removeprefix("./"), ref[1]),
        )
        entry.occurrences = draw(unstripped)
    if draw(st.booleans()):
        entry.previous_msgid = draw(texts)
    if draw(st.booleans()):
        entry.msgid_plural = f"{key} plural " + draw(texts)
        entry.msgstr_plural = {index: draw(texts) for index in range(3)}
    else:
        entry.msgstr = draw(texts)
    return entry


@st.composite
def catalogues(draw: st.DrawFn) -> polib.POFile:
    """Draw a catalogue with a complete header, in polib's metadata order."""
    po = polib.POFile()
    po.header = "Random catalogue.\n" + draw(notes_text)
    po.metadata_is_fuzzy = draw(st.booleans())
    po.metadata = {
        "Project-Id-Version": draw(words),
        "Language": "pl",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);",
    }
    for key in range(draw(st.integers(0, 6))):
        po.append(draw(entries(key)))
    return po


@pytest.mark.usefixtures("linebreaker")
@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    # The line breaker fixture is the same for every example of a run.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(po=catalogues())
def test_random_catalogues_match_msgcat(msgcat: Msgcat, po: polib.POFile) -> None:
    source = str(po)  # polib's own writer: a second, independent serialisation
    for width in (79, None):
        written = dumps(po, wrap=width is not None)
        assert_same(msgcat(source, width), written)
        assert_same(msgcat(written, width), written)


# ---------------------------------------------------------------------------
# The Polish catalogues shipped in the Django, Sphinx and Wagtail wheels.


def _wheel_cache(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where wheels are kept between runs: $LOCPIPE_WHEEL_CACHE, else pytest's cache."""
    configured = os.environ.get("LOCPIPE_WHEEL_CACHE")
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        return path
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        return Path(cache.mkdir("locpipe-wheels"))
    return tmp_path_factory.mktemp("locpipe-wheels")


def _pinned_wheels(directory: Path) -> list[Path]:
    """Return the pinned wheels found in ``directory``, one per project when complete."""
    return [
        wheel
        for name, version in WHEELS.items()
        for wheel in directory.glob(f"{name}-{version}-*.whl")
    ]


@pytest.fixture(scope="session")
def polish_catalogues(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """Download (once) the pinned wheels and read their ``pl`` catalogues from the zips."""
    cache = _wheel_cache(request, tmp_path_factory)
    if len(_pinned_wheels(cache)) < len(WHEELS):
        pins = [f"{name}=={version}" for name, version in WHEELS.items()]
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            *pins,
            "-d",
            str(cache),
        ]
        done = subprocess.run(command, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    catalogues = {}
    for wheel in _pinned_wheels(cache):
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                if name.endswith(".po") and "/locale/pl/LC_MESSAGES/" in name:
                    catalogues[f"{wheel.name}:{name}"] = archive.read(name).decode("utf-8")
    return catalogues


@pytest.mark.usefixtures("linebreaker")
def test_polish_catalogues_from_wheels_round_trip(
    msgcat: Msgcat, polish_catalogues: dict[str, str]
) -> None:
    assert {name.split("-")[0] for name in polish_catalogues} == set(WHEELS)
    assert len(polish_catalogues) >= 30
    differing = [
        f"{name} (width {width})"
        for name, text in sorted(polish_catalogues.items())
        for width in (79, None)
        if dumps(polib.pofile(text), wrap=width is not None) != msgcat(text, width)
    ]
    assert differing == []


# ---------------------------------------------------------------------------
# The line breaker and the width table against libunistring itself.

BREAK_CODES = {1: 0, 2: 1, 3: 2, 5: 2}  # libunistring's UC_BREAK_* -> none, possible, mandatory


@pytest.fixture(scope="session")
def libunistring() -> ctypes.CDLL:
    """Load the libunistring that msgcat links, with the prototypes used here."""
    name = ctypes.util.find_library("unistring")
    if name is None:
        pytest.fail("libunistring (a dependency of GNU gettext) is required")
    library = ctypes.CDLL(name)
    library.uc_width.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    library.uc_width.restype = ctypes.c_int
    library.u32_possible_linebreaks_v2.argtypes = [
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.c_char_p,
        ctypes.c_char_p,
    ]
    library.u32_width_linebreaks_v2.argtypes = [
        ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
        ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
    ]  # fmt: skip
    library.u32_width_linebreaks_v2.restype = ctypes.c_int
    return library


def codepoints() -> Iterator[int]:
    """Every Unicode scalar value (surrogates cannot be encoded)."""
    return itertools.chain(range(0xD800), range(0xE000, 0x110000))


def library_breaks(library: ctypes.CDLL, text: str) -> tuple[list[int], list[int]]:
    """Return libunistring's possible and mandatory break indexes for ``text``."""
    buffer = ctypes.create_string_buffer(len(text))
    library.u32_possible_linebreaks_v2(text.encode("utf-32-le"), len(text), b"UTF-8", buffer)
    kinds = buffer.raw
    return (
        [match.start() for match in re.finditer(b"\x02", kinds)],
        [match.start() for match in re.finditer(b"[\x03\x05]", kinds)],
    )


def test_widths_match_uc_width_for_every_codepoint(libunistring: ctypes.CDLL) -> None:
    wrong = [
        cp
        for cp in codepoints()
        if poformat._unicode_properties(cp)[1] != libunistring.uc_width(cp, b"UTF-8")
    ]
    assert wrong == []


def test_every_codepoint_breaks_like_libunistring_in_many_contexts(
    libunistring: ctypes.CDLL,
) -> None:
    """Place each code point after and before letters, spaces, brackets, digits, ideographs."""
    probe = "a{0}a {0} ({0}){0}{0}1{0}一{0}\u05d0-{0}\u200d{0}\U0001f1f5{0}\u2028"
    text = "".join(probe.format(chr(cp)) for cp in codepoints())
    assert poformat._break_opportunities(text) == library_breaks(libunistring, text)


def test_random_strings_break_like_libunistring(libunistring: ctypes.CDLL) -> None:
    rng = random.Random(14)
    alphabet = [chr(cp) for cp in rng.sample(list(codepoints()), 3000)] + list(
        " a1,.-\u2013—/()\"'„”\u00a0\u200b\u200d\u0301\u2028\u05d0一"
        "\U0001f1f5\U0001f466\U0001f3fb%$"
    )
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 16)))
        assert poformat._break_opportunities(text) == library_breaks(libunistring, text), ascii(
            text
        )


def test_filling_matches_u32_width_linebreaks(libunistring: ctypes.CDLL) -> None:
    rng = random.Random(79)
    pieces = [
        "a",
        "słowo",
        "日本語",
        " ",
        "  ",
        "\u00a0",
        "-",
        "—",
        "/",
        "\u0301",
        "\u2028",
        "\\\\",
        '\\"',
        "\x01",
    ]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        width, start = rng.randint(1, 80), rng.randint(0, 20)
        blocked = sorted(rng.sample(range(len(text)), min(len(text), rng.randint(0, 3))))
        overrides = bytearray(len(text))
        for index in blocked:
            overrides[index] = 1  # UC_BREAK_PROHIBITED
        buffer = ctypes.create_string_buffer(len(text))
        encoded = text.encode("utf-32-le")
        libunistring.u32_width_linebreaks_v2(
            encoded, len(text), width, start, 0, bytes(overrides), b"UTF-8", buffer
        )
        expected = [match.start() for match in re.finditer(b"\x02", buffer.raw)]
        assert poformat._fill(text, width, start, blocked) == expected, (
            ascii(text),
            width,
            start,
            blocked,
        )


# ---------------------------------------------------------------------------
# The fast paths: libunistring through ctypes, and the shortcuts taken around it.

FILL_PIECES = [
    "a", "słowo", "zażółć", "日本語", "👍🏽", "🇵🇱", "e\u0301", " ", "  ", "\u00a0", "\u200b", "-",
    "—", "/", ".", ",", "(", ")", "%s", "\u2028", "\\\\", '\\"', "\\n", "\x01",
    "\x00", "\ud800", "https://example.com/a",
]  # fmt: skip


def random_fill_cases(seed: int, count: int) -> Iterator[tuple[str, int, int, list[int]]]:
    """Yield (text, width, start column, guarded indexes), guards anywhere, even past the end."""
    rng = random.Random(seed)
    for _ in range(count):
        text = "".join(rng.choice(FILL_PIECES) for _ in range(rng.randint(0, 40)))
        guarded = rng.sample(range(-2, len(text) + 2), min(len(text), rng.randint(0, 4)))
        yield text, rng.randint(1, 80), rng.randint(0, 20), guarded


def test_libunistring_is_the_default_breaker_unless_pure_python_is_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(poformat._PURE_PYTHON_VARIABLE, raising=False)
    chosen = poformat._choose_filler()
    assert chosen is not poformat._fill
    assert chosen.__qualname__.startswith("_load_libunistring_fill")
    monkeypatch.setenv(poformat._PURE_PYTHON_VARIABLE, "1")
    assert poformat._choose_filler() is poformat._fill


def test_only_libunistring_1_0_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another series may break differently from the table: then the pure-Python breaker works."""
    assert poformat._load_libunistring_fill() is not None
    monkeypatch.setattr(poformat, "_LIBUNISTRING_SERIES", 0x0101)
    assert poformat._load_libunistring_fill() is None


def test_libunistring_filling_matches_python_filling() -> None:
    """Byte offsets of UTF-8 text map back to character indexes, guards to bytes."""
    native = poformat._load_libunistring_fill()
    assert native is not None
    for text, width, start, guarded in random_fill_cases(2028, 5000):
        expected = poformat._fill(text, width, start, guarded)
        assert native(text, width, start, guarded) == expected, (ascii(text), width, start)


def test_filling_from_column_zero_cuts_whenever_a_later_start_would() -> None:
    """The reason ``_first_cuts`` may skip msgcat's first try when filling from 0 cuts."""
    native = poformat._load_libunistring_fill()
    assert native is not None
    for text, width, start, guarded in random_fill_cases(79, 3000):
        for fill in (native, poformat._fill):
            if fill(text, width, 0, guarded):
                assert fill(text, width, start, guarded), (ascii(text), width, start)


def test_string_widths_match_uc_width(libunistring: ctypes.CDLL) -> None:
    """``_width`` (and its ASCII shortcut) sums uc_width, negative widths counting 0."""
    assert max(poformat._unicode_table()[2]) == 2  # what _surely_fits relies on
    rng = random.Random(2)
    alphabet = [*FILL_PIECES, "\t", "\x7f", "\u0085", "\u00ad", "中", "\ufe0f", "~"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        widths = (libunistring.uc_width(ord(char), b"UTF-8") for char in text)
        assert poformat._width(text) == sum(max(width, 0) for width in widths), ascii(text)


@given(st.lists(st.sampled_from([*PIECES, "\v", "\f", "\b", "\n\n"])).map("".join))
def test_escaping_is_write_pos(text: str) -> None:
    names = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v"}
    escaped = "".join(
        "\\" + names.get(char, char) if char in names or char in '\\"' else char for char in text
    )
    assert poformat._escape(text) == escaped
