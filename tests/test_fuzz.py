"""Property tests over generated Markdown: no crash, byte-exact identity, structure kept.

The suite runs a few hundred examples per property (profiles in conftest.py; fixed draws
in CI). For a long fuzzing run:

    HYPOTHESIS_PROFILE=fuzz python3 -m pytest tests/test_fuzz.py -x

(``fuzz``: 20,000 examples per property, no deadline). Every failure fuzzing found is kept
below as an explicit ``@example`` regression test.
"""

from __future__ import annotations

import re

import polib
from hypothesis import example, given
from hypothesis import strategies as st

from locpipe import catalog, checks
from locpipe.checks import markup
from locpipe.errors import ContentError
from locpipe.pseudo import pseudo_text
from locpipe.render import render_markdown
from locpipe.segment import inline_markup, markdown_to_html, parse_article

_TOKENS = [
    "słowo", "word", "Zażółć", "a", "o", " ", " ", "  ", "\t", "*", "**", "_", "__", "`", "``",
    "[", "]", "(", ")", "![", "](", "<b>", "</b>", "<!-- c -->", "\\", "|", "#", "-", "+",
    ".", "1.", ":", "~~", "&amp;", "&", ";", "<https://example.org>", "https://x.pl",
    "[^1]", "[a]", "[a][]", "{name}", "'", '"', "„", "”", "\u00a0", "—", "😀",
]
_PREFIXES = [
    "", "", "", "> ", "> > ", "- ", "* ", "+ ", "1. ", "2) ", "  ", "   ", "    ", "# ", "## ",
    "###### ", "| ", "```", "~~~", "---", "===", "<div>", "</div>", "[^1]: ", "[a]: /u \"t\"",
    "- [ ] ", "> - ", "\t",
]

inline = st.lists(st.sampled_from(_TOKENS), max_size=12).map("".join)
line = st.tuples(st.sampled_from(_PREFIXES), inline).map("".join)
documents = st.tuples(
    st.lists(line, min_size=1, max_size=14),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
).map(lambda t: t[1].join(t[0]) + (t[1] if t[2] else ""))
_TAG = re.compile(r"<(/?[a-zA-Z][a-zA-Z0-9]*)")


def _article(text: str):  # type: ignore[no-untyped-def]
    return parse_article(text, name="f", path="f.md", default_lang="pl", front_matter=False)


@given(documents)
@example("a\n---\nb")
def test_identity_is_byte_exact(text: str) -> None:
    article = _article(text)
    same = render_markdown(article, {u.key: u.msgid for u in article.units}, locale="en")
    nl = article.newline
    assert same == f"---{nl}lang: en{nl}---{nl}" + text


@given(documents)
@example("słowo  \nsłowo\n---")  # found by fuzzing: a hard break inside a setext heading
@example("#słowo  \nsłowo\n---")  # found by fuzzing: '#' without a space is no ATX heading
@example('[a]\n[^1]: \n[a]: /u "t"')  # found by fuzzing: a definition inside a footnote
@example("słowo![<b>\n]()")  # found by fuzzing: a line break just before an element's end
def test_pseudo_translation_keeps_structure(text: str) -> None:
    article = _article(text)
    translations = {u.key: pseudo_text(u.msgid, article.references) for u in article.units}
    rendered = render_markdown(article, translations, locale="en")
    nl = article.newline
    body = rendered.removeprefix(f"---{nl}lang: en{nl}---{nl}")
    assert _TAG.findall(markdown_to_html(body)) == _TAG.findall(markdown_to_html(text))


@given(st.text(max_size=300))
def test_any_text_segments_or_fails_cleanly(text: str) -> None:
    try:
        article = parse_article(text, name="f", path="f.md", default_lang="pl")
    except ContentError as e:
        assert e.path == "f.md" and e.line is not None and e.line >= 1
        return
    for unit in article.units:
        assert unit.msgid and unit.line >= 1 and unit.start <= unit.end


_PO_TEXT = st.text(
    alphabet=st.sampled_from([*"abcżółć ZŻ.,:;!?-—„”'\"\\\t\n{}%()[]<>*`#|", "\u00a0", "😀"]),
    max_size=120,
)


@st.composite
def catalogues(draw: st.DrawFn) -> polib.POFile:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "pl"}
    seen: set[tuple[str | None, str]] = set()
    for _ in range(draw(st.integers(0, 6))):
        msgid = draw(_PO_TEXT.filter(bool))
        msgctxt = draw(st.one_of(st.none(), _PO_TEXT.filter(bool)))
        if (msgctxt, msgid) in seen:
            continue
        seen.add((msgctxt, msgid))
        entry = polib.POEntry(
            msgid=msgid, msgctxt=msgctxt, msgstr=draw(_PO_TEXT),
            tcomment=draw(st.sampled_from(["", "checked", "locpipe-ignore: numbers"])),
            comment=draw(st.sampled_from(["", "paragraph", "heading (h2)"])),
            occurrences=[("content/a.md", str(draw(st.integers(1, 999))))],
            flags=draw(st.sampled_from([[], ["fuzzy"], ["no-wrap"]])),
            obsolete=draw(st.booleans()),
        )
        if entry.fuzzy and entry.msgstr and draw(st.booleans()):
            entry.previous_msgid = draw(_PO_TEXT.filter(bool))
        po.append(entry)
    return po


def _fields(po: list[polib.POEntry]) -> list[tuple[object, ...]]:
    return sorted(  # msgcat writes obsolete entries last
        ((e.msgid, e.msgctxt or "", e.msgstr, e.tcomment, bool(e.obsolete)) for e in po),
        key=lambda f: (f[4], f[1], f[0]),
    )


@given(catalogues(), st.booleans())
def test_catalogue_read_write_read_is_stable(po: polib.POFile, wrap: bool) -> None:
    text = catalog.dumps(po, wrap=wrap)
    again = catalog.parse_catalog(text, "x.po")
    # Read -> write is a fixed point from the first file read on. (The very first write may
    # hold `#~|` previous msgids of obsolete entries, which polib does not read back.)
    settled = catalog.dumps(again, wrap=wrap)
    assert catalog.dumps(catalog.parse_catalog(settled, "x.po"), wrap=wrap) == settled
    # What a translator wrote survives. (msgcat, whose output ours is, drops obsolete
    # entries without a translation, a fuzzy flag on an empty translation and previous
    # msgids of obsolete entries: none of them holds a translator's work.)
    kept = [e for e in po if e.msgstr or not e.obsolete]
    assert _fields(kept) == _fields(list(again))


_PLAIN_TOKENS = ["słowo", "Word", "a", "1", "2024", " ", "  ", "\u00a0", ",", ".", ":", ";", "?",
                 "!", "'", '"', "(", ")", "%", "/", "-", "—", "„", "”", "ż", "*", "_", "[", "`",
                 "<", "&", "\\", "#", "~", "|", "\n"]


@given(st.lists(st.sampled_from(_PLAIN_TOKENS), max_size=12).map("".join))
@example("Ala ma kota")
@example("a:b//c (d) 50%")
@example("Ala *ma* kota_")
def test_checks_shortcut_for_plain_text_agrees_with_the_parser(text: str) -> None:
    assert markup(text) == inline_markup(text)


_WORD_TOKENS = ["the", "The", "THE", "a", "A", "İ", "i", "\u0131", "I", "ß", "SS", "ss", "1", "_",
                " ", "  ", "\n", ",", ".", "-", "słowo", "Słowo", "ŁÓDŹ", "łódź"]


@given(st.lists(st.sampled_from(_WORD_TOKENS), max_size=10).map("".join))
@example("the The")
@example("İ i")
def test_doubled_words_shortcut_agrees_with_the_pattern(text: str) -> None:
    slow = {m.group(1).casefold() for m in checks._DOUBLED.finditer(text)
            if not m.group(1).isdigit()}
    assert checks._doubled(text) == slow


@given(st.lists(st.sampled_from(["1", "2", "000", " ", ",", ".", "a", "@", "x.pl", "://",
                                 "http", "www.", "٣", "\u00a0"]), max_size=10).map("".join))
def test_url_and_number_shortcuts_agree_with_the_patterns(text: str) -> None:
    assert checks._urls(text) == ([m.group().rstrip(checks._TRAILING)
                                   for m in checks._URL.finditer(text)]
                                  + checks._EMAIL.findall(checks._URL.sub(" ", text)))
    without = checks._URL.sub(" ", checks._EMAIL.sub(" ", text))
    assert checks._numbers(text) == [re.sub(r"\D", "", m.group())
                                     for m in checks._NUMBER.finditer(without)]
