"""The fast typesetting path writes the same bytes as the html.parser reference.

``site.typeset`` reads an HTML fragment with one regular expression and falls back to
``html.parser`` for anything it cannot read the same way. These tests hold it to the
parser on every CommonMark spec example and the real-world corpus of the fidelity suite
(as written, pseudo-translated, and as Polish with one-letter words, quotes, foreign
passages marked with ``lang``, marker spans and code), and on random fragments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

import pytest
from fidelity import Document, corpus, spec_examples
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from locpipe.errors import LocpipeError
from locpipe.model import Article, Unit
from locpipe.pseudo import pseudo_text
from locpipe.render import render_markdown
from locpipe.segment import decode, markdown_to_html, parse_article
from locpipe.site import (
    _BOUNDARY,
    Typography,
    _typeset_fast,
    _typeset_parsed,
    relative_href,
    typeset,
)

DATA = Path(__file__).parent / "data"
POLISH = Typography(one_letter="aiouwzAIOUWZ", quotes="\u201e\u201d")
ENGLISH = Typography(one_letter="aI")


def polish(lang: str) -> Typography:
    return POLISH if lang.lower().startswith("pl") else Typography()


def english(lang: str) -> Typography:
    return ENGLISH if lang.lower().startswith("en") else Typography()


Rules = Callable[[str], Typography]
CASES: list[tuple[str, Rules]] = [("pl", polish), ("en", polish), ("pl", english)]
"""A Polish page, an English page with Polish passages, Polish with English ones."""

_SHORT_WORDS = {"the": "w", "of": "i", "and": "z", "to": "o", "in": "a", "for": "u",
                "is": "W", "on": "I", "with": "Z"}
_WORD = re.compile(r"\b(?:" + "|".join(_SHORT_WORDS) + r")\b")


def _article(doc: Document, *, front_matter: bool) -> Article | None:
    try:
        text, bom = decode(doc.data, doc.name)
        return parse_article(text, name="doc", path=doc.name, default_lang="en", bom=bom,
                             front_matter=front_matter)
    except LocpipeError:
        return None


def _polish(text: str) -> str:
    """English prose made to need Polish typography: one-letter words, straight quotes."""
    return _WORD.sub(lambda m: _SHORT_WORDS[m.group()], text).replace("'", '"')


def _marked(unit: Unit, text: str) -> str:
    return f'<span class="machine" title="Maszynowe">{text}</span>' if len(text) % 3 == 0 \
        else text


def pages(doc: Document, *, front_matter: bool) -> Iterator[str]:
    """The HTML of a document as written, pseudo-translated, and half Polish."""
    article = _article(doc, front_matter=front_matter)
    if article is None:
        yield markdown_to_html(doc.data.decode("utf-8", "replace"))
        return
    yield markdown_to_html(article.text)
    pseudo = {u.key: pseudo_text(u.msgid, article.references) for u in article.units}
    yield markdown_to_html(render_markdown(article, pseudo, locale="pl"))
    half = {u.key: _polish(u.msgid) for i, u in enumerate(article.units) if i % 2}
    yield markdown_to_html(render_markdown(article, half, locale="pl", mark_fallback=True,
                                           wrap=_marked))


def _compare(docs: list[Document], *, front_matter: bool) -> tuple[int, int, list[str]]:
    """(fragments, fragments read by the fast path, names of documents that differ)."""
    total = read = 0
    different = []
    for doc in docs:
        for n, html in enumerate(pages(doc, front_matter=front_matter)):
            lang, rules = CASES[(n + total) % len(CASES)]  # each case, a third of the time
            total += 1
            parsed = _typeset_parsed(html, lang, rules)
            fast = _typeset_fast(html, lang, rules)
            read += fast is not None
            if fast not in (None, parsed) or typeset(html, lang=lang, rules=rules) != parsed:
                different.append(f"{doc.name} #{n} ({lang})")
    return total, read, different


def test_same_as_the_parser_on_every_commonmark_spec_example(registry_cache: Path) -> None:
    docs = spec_examples(registry_cache)
    total, read, different = _compare(docs, front_matter=False)
    assert different == []
    # The spec is full of odd HTML the parser must read; most of it is still fast.
    assert read > 0.8 * total


def test_same_as_the_parser_on_the_real_world_corpus(registry_cache: Path) -> None:
    docs = corpus(registry_cache, DATA / "corpus.txt")
    total, read, different = _compare(docs, front_matter=True)
    assert different == []
    assert read > 0.8 * total


def test_fast_path_on_a_polish_page_with_code_and_foreign_text() -> None:
    html = ('<h1>O "kotach"</h1>\n<p>Kot i pies <code>a b</code> oraz <span lang="en">a cat'
            '</span> i <em>w</em> domu &quot;z&quot; ogrodem&nbsp;a\u00a0potem</p>\n'
            "<pre><code>i j\n</code></pre>\n<!-- w komentarzu -->\n<p LANG='en'>a b</p>\n")
    fast = _typeset_fast(html, "pl", polish)
    assert fast is not None
    assert fast == _typeset_parsed(html, "pl", polish)
    assert fast == (
        "<h1>O&nbsp;\u201ekotach\u201d</h1>\n<p>Kot i&nbsp;pies <code>a b</code> oraz "
        '<span lang="en">a cat</span> i&nbsp;<em>w</em>&nbsp;domu \u201ez\u201d ogrodem'
        "&nbsp;a&nbsp;potem</p>\n<pre><code>i j\n</code></pre>\n<!-- w komentarzu -->\n"
        "<p LANG='en'>a b</p>\n")


@pytest.mark.parametrize("html", [
    "<!DOCTYPE html><p>a b</p>",  # a declaration
    "<p>a <![CDATA[ b ]]> c</p>",
    "<p>1 < 2 i w</p>",  # a stray "<"
    "<p>AT&T i w</p>",  # a stray "&"
    "<p>&#12a; i w</p>",
    '<p><span lang="p&#108;">a b</span></p>',  # an entity in a lang value
    "<script>a b</script><p>a b</p>",  # raw text
    "<p><a href=x/>a b</a></p>",  # "/>" that is part of a value
    "<p>a <!-- -- --> b</p>",
    "<p/ class=x>a b</p>",
])
def test_fast_path_leaves_what_it_cannot_read_to_the_parser(html: str) -> None:
    assert _typeset_fast(html, "pl", polish) is None
    assert typeset(html, lang="pl", rules=polish) == _typeset_parsed(html, "pl", polish)


_PIECES = [
    "<p>", "</p>", "<em>", "</em>", "<code>", "</code>", "<pre>", "</pre>", "<br>", "<br/>",
    "<br />", '<span lang="en">', "<span lang='pl'>", "<SPAN LANG=en>", '<span lang="">',
    "</span>", "<div>", "</div>", '<a href="https://example.org/a w">', "</a>", "<a href=x/>",
    "<!-- a w -->", "<!---->", "<script>", "</script>", "<", "&", "&quot;", "&nbsp;", "&amp;",
    "&#8212;", "&#x41;", "&quot", "\u00a0", '"', "'", " ", "  ", "\n", "\t", "\r\n", "a", "w",
    "i", "Z", "x", "kot", "(", "\u201e", "\u2014", "-", "/", ">",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.sampled_from(CASES))
@example(["<em>", "w", "</em>", " ", "  ", "kot"], ("pl", polish))
@example(["w", " ", "<em>", "  ", "x", "</em>"], ("pl", polish))
@example(["<code>", "<em>", "</code>", "a", " ", "b"], ("pl", polish))
def test_fast_path_equals_the_parser_on_random_fragments(
    pieces: list[str], case: tuple[str, Rules]
) -> None:
    html = "".join(pieces)
    lang, rules = case
    assert typeset(html, lang=lang, rules=rules) == _typeset_parsed(html, lang, rules)
    fast = _typeset_fast(html, lang, rules)
    assert fast is None or fast == _typeset_parsed(html, lang, rules)


def _text_as_first_written(typography: Typography, text: str, before: str) -> str:
    """Typography.text as it was first written: quotes char by char, a group for the letter."""
    context = before[-2:].rjust(2)
    if typography.quotes:
        out, previous = [], context[-1]
        for char in text:
            if char == '"':
                opening = previous.isspace() or previous in "([{\u2014\u2013-/"
                char = typography.quotes[0] if opening else typography.quotes[1]
            out.append(char)
            previous = char
        text = "".join(out)
    if typography.one_letter:
        pattern = (rf"(?<![^{_BOUNDARY}])([{typography.one_letter}])"
                   r"(?:[ \t]+|[ \t]*\r?\n[ \t]*)(?=\S|$)")
        text = re.sub(pattern, "\\1\u00a0", context + text)[len(context):]
    return text


_TEXT = st.text(st.sampled_from(list("aiwzZ xy\t\r\n\u00a0\"(\u201e\u2014-/.,")), max_size=30)


@settings(max_examples=500, deadline=None)
@given(_TEXT, _TEXT, st.sampled_from([POLISH, ENGLISH, Typography("aiouwzAIOUWZ")]))
@example("  kot", "a ", POLISH)
@example("w\r\n z", "", POLISH)
@example('""a" "(" -"', "x", POLISH)
def test_one_letter_rule_as_first_written(text: str, before: str, rules: Typography) -> None:
    assert rules.text(text, before) == _text_as_first_written(rules, text, before)


def _relative_href_by_pathlib(from_file: str, to_file: str) -> str:
    here = PurePosixPath(from_file).parent
    target = PurePosixPath(to_file)
    common = 0
    for a, b in zip(here.parts, target.parts[:-1], strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here.parts) - common) + list(target.parts[common:]))


_PATH = st.lists(st.sampled_from(["en", "pl", "blog", "a.html", "", ".", ".."]),
                 min_size=1, max_size=4).map("/".join)


@settings(max_examples=300, deadline=None)
@given(_PATH, _PATH)
@example("/", "a.html")
@example("en/blog/a.html", "pl/blog/a.html")
def test_relative_href_as_pathlib_reads_paths(from_file: str, to_file: str) -> None:
    assert relative_href(from_file, to_file) == _relative_href_by_pathlib(from_file, to_file)
