"""The site's pure parts: safe translations, typography, output paths, localised values."""

from __future__ import annotations

import datetime as dt

import pytest

from locpipe.config import Config, OutputLayout
from locpipe.errors import ContentError
from locpipe.model import UnitKind
from locpipe.segment import markdown_to_html, markup_spans
from locpipe.site import (
    Typography,
    check_name,
    index_file,
    localized_value,
    neutralise,
    output_file,
    relative_href,
    typeset,
    typography_for,
)

# -- translations are text ----------------------------------------------------------------


def html_of(source: str, translation: str, kind: UnitKind | None = None) -> str:
    return markdown_to_html(neutralise(source, translation, kind=kind))


@pytest.mark.parametrize(
    "translation",
    [
        "Text <script>alert(1)</script> after.",
        "<script>alert(1)</script>",
        "Line one\n<script>alert(1)</script>",
        'A cat <img src=x onerror="alert(1)"> here.',
        "<svg onload=alert(1)>",
        "Some <b onclick='alert(1)'>bold</b> text.",
    ],
)
def test_html_a_translation_adds_is_shown_as_text(translation: str) -> None:
    out = html_of("Zwykły tekst.", translation)
    assert "<script" not in out and "<img" not in out and "<svg" not in out and "<b " not in out
    assert "&lt;" in out
    assert not any(name.startswith("on") for name in attribute_names(out))


@pytest.mark.parametrize(
    ("translation", "bad"),
    [
        ("[Click](javascript:alert(1))", 'href="javascript'),
        ("[Click](  JaVaScRiPt:alert(1))", 'href="JaVaScRiPt'),
        ("[Click](java&#115;cript:alert(1))", 'href="javascript'),
        ("<javascript:alert(1)>", 'href="javascript'),
        ("![x](javascript:alert(1))", 'src="javascript'),
        ("[Click](data:text/html;base64,PHNjcmlwdD4=)", 'href="data:'),
        ("[a [b](javascript:alert(1))](https://ok.example)", "javascript:alert(1)\""),
        ("[x][r]\n\n[r]: javascript:alert(1)", 'href="javascript'),
    ],
)
def test_script_links_a_translation_adds_are_shown_as_text(translation: str, bad: str) -> None:
    out = html_of("Zwykły tekst.", translation)
    assert bad not in out
    assert all(s.value.lower().startswith(("http", "#")) for s in markup_spans(
        neutralise("Zwykły tekst.", translation)) if s.kind.value != "html")


def test_source_markup_and_ordinary_links_are_kept() -> None:
    source = 'Zobacz <abbr title="Organizacja Narodów Zjednoczonych">ONZ</abbr> i [strona](https://onz.example)<br>'
    translation = 'See the <abbr title="United Nations">UN</abbr> and [site](https://un.example)<br>'
    assert neutralise(source, translation) == translation
    assert neutralise("a [js](javascript:void(0))", "a [js](javascript:void(0))") == (
        "a [js](javascript:void(0))")


def test_a_kept_tag_is_written_as_it_was_checked() -> None:
    source = '<abbr title="ONZ">ONZ</abbr>'
    assert neutralise(source, "<abbr title='U\"N'>UN</abbr>") == (
        '<abbr title="U&#34;N">UN</abbr>')
    # Whatever a parser makes of the odd syntax, no event handler reaches the page.
    for odd in ('<abbr title="UN"/onclick=alert(1)>UN</abbr>',
                '<abbr title="UN" title="x" onclick=alert(1)>UN</abbr>',
                '<abbr\ntitle="UN"\nonclick="alert(1)">UN</abbr>'):
        assert attribute_names(markdown_to_html(neutralise(source, odd))) <= {"title"}


def attribute_names(html: str) -> set[str]:
    """Every attribute name of every tag in a piece of HTML, as a browser would parse it."""
    from html.parser import HTMLParser

    names: set[str] = set()

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            names.update(name for name, _ in attrs)

    Reader().feed(html)
    return names


def test_changing_a_source_tag_beyond_its_text_is_not_kept() -> None:
    source = '<abbr title="ONZ">ONZ</abbr>'
    assert "&lt;abbr" in neutralise(source, '<abbr title="UN" onmouseover="alert(1)">UN</abbr>')
    assert "&lt;a " in neutralise('<a href="/x">x</a>', '<a href="javascript:alert(1)">x</a>')


def test_code_spans_with_html_are_left_alone() -> None:
    text = "Write `<script>` in the head."
    assert neutralise("Wpisz `<script>` w nagłówku.", text) == text


def test_alt_text_cannot_close_the_image_and_open_a_link() -> None:
    out = neutralise("Kot", "x](javascript:alert(1)) [y", kind=UnitKind.IMAGE_ALT)
    html = markdown_to_html(f"![{out}](kot.png)")
    assert "javascript" not in html.split('alt="')[0] and 'src="kot.png"' in html


# -- typography ---------------------------------------------------------------------------

POLISH = Typography(one_letter="aiouwzAIOUWZ")


def test_no_break_space_after_one_letter_words() -> None:
    assert POLISH.text("Idę w las i z psem, a potem o zmroku.") == (
        "Idę w\u00a0las i\u00a0z\u00a0psem, a\u00a0potem o\u00a0zmroku.")
    assert POLISH.text("W domu (u babci) „a nuż”.") == "W\u00a0domu (u\u00a0babci) „a\u00a0nuż”."
    # Not inside words, not after other letters, and a line break counts as a space.
    assert POLISH.text("kawa z\nmlekiem, b c") == "kawa z\u00a0mlekiem, b c"


def test_typography_in_html_spares_code_attributes_and_foreign_text() -> None:
    html = ('<p title="a b">Kot i pies <code>a b</code> oraz <span lang="en">a cat</span>'
            " i <em>w</em> domu</p>\n<pre>i j</pre>")

    def rules(lang: str) -> Typography:
        return POLISH if lang.startswith("pl") else Typography()

    out = typeset(html, lang="pl", rules=rules)
    assert out == ('<p title="a b">Kot i&nbsp;pies <code>a b</code> oraz <span lang="en">'
                   "a cat</span> i&nbsp;<em>w</em>&nbsp;domu</p>\n<pre>i j</pre>")


def test_polish_quotation_marks_when_configured() -> None:
    quotes = Typography(quotes="\u201e\u201d")
    assert quotes.text('Mówi "tak" i ("nie").') == "Mówi „tak” i („nie”)."
    html = '<p>Powiedział: "<em>tak</em>" <code>"x"</code></p>'
    out = typeset(html, lang="pl", rules=lambda lang: quotes)
    assert out == '<p>Powiedział: „<em>tak</em>” <code>"x"</code></p>'


def test_typography_follows_config() -> None:
    config = Config(quotes={"pl": "\u201e\u201d"})
    assert typography_for("pl", config) == Typography("aiouwzAIOUWZ", "\u201e\u201d")
    assert typography_for("en", config) == Typography()
    assert typography_for("pl", Config(typography=False)) == Typography()


# -- paths and values ---------------------------------------------------------------------


def test_layouts() -> None:
    assert output_file("blog/a", "pl", ".md", OutputLayout.LOCALE_DIR) == "pl/blog/a.md"
    assert output_file("blog/a", "pl", ".md", OutputLayout.SUFFIX) == "blog/a.pl.md"
    assert index_file("en", OutputLayout.LOCALE_DIR) == "en/index.html"
    assert index_file("en", OutputLayout.SUFFIX) == "index.en.html"
    assert relative_href("blog/a.en.html", "index.en.html") == "../index.en.html"
    assert relative_href("en/a.html", "en/a.html") == "a.html"


@pytest.mark.parametrize("name", ["../escape", "a/../../x", "/etc/passwd", "", "a//b", "a\\..\\b"])
def test_names_that_would_leave_the_output_folder_are_refused(name: str) -> None:
    with pytest.raises(ContentError) as caught:
        check_name(name, "content/x.md")
    assert str(caught.value).startswith("content/x.md:1: article name")


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (dt.date(2026, 3, 5), "pl", "5 marca 2026"),
        (dt.date(2026, 3, 5), "en_GB", "5 March 2026"),
        (dt.date(2026, 3, 5), "en", "March 5, 2026"),
        (dt.datetime(2026, 3, 5, 12, 0), "pl", "5 marca 2026"),
        ("2026-03-05", "pl", "5 marca 2026"),
        (1234.5, "pl", "1\u00a0234,5"),
        (1234.5, "en", "1,234.5"),
        ("not a date", "pl", None),
        (True, "pl", None),
        ("2026-03-05T10:00:00+01:00", "en", "March 5, 2026"),
        ("5 March 2026", "pl", "5 marca 2026"),
        ("2026-02-30", "pl", None),
        (10**40, "en", None),
        (None, "en", None),
    ],
)
def test_localized_values(value: object, locale: str, expected: str | None) -> None:
    assert localized_value(value, locale, date_format="long") == expected


# -- a translation is the inline content of its unit (issue #20) --------------------------


def test_markup_nested_deeper_than_the_passes_is_all_shown_as_typed() -> None:
    typed = "[" * 12 + "a](javascript:alert(1))" + "](javascript:alert(2))" * 11
    out = neutralise("Tekst", typed)
    html = markdown_to_html(out)
    assert "href" not in html and html == f"<p>{typed}</p>\n"


@pytest.mark.parametrize(("kind", "multiline", "typed", "expected"), [
    (UnitKind.TABLE_CELL, False, "a \\\\| b \\| c\\", "a \\\\\\| b \\| c\\\\"),
    (UnitKind.TABLE_CELL, False, "a\r\n| b", "a \\| b"),
    (UnitKind.HEADING, False, "C# and F #", "C# and F \\#"),
    (UnitKind.HEADING, False, "  #  x", "\\#  x"),
    (UnitKind.LINK_TITLE, False, 'say "hi" \\', 'say \\"hi\\" \\\\'),
    (UnitKind.IMAGE_ALT, False, "a\\\\] b", "a\\\\\\] b"),
    (UnitKind.PARAGRAPH, True, "a\n\n  \nb", "a\nb"),
    (UnitKind.PARAGRAPH, True, ">x\n--\n:-|-", "\\>x\n\\--\n\\:-|-"),
    (UnitKind.LIST_ITEM, True, "[ ] box", "\\[ ] box"),
    (UnitKind.PARAGRAPH, True, "a\n<DIV class=x>\n<abbr>b</abbr>",
     "a\n\\<DIV class=x>\n<abbr>b</abbr>"),
])
def test_confine_escapes_what_would_leave_the_unit(
    kind: UnitKind, multiline: bool, typed: str, expected: str
) -> None:
    from locpipe.render import confine

    assert confine(typed, kind, multiline=multiline) == expected
    assert confine(expected, kind, multiline=multiline) == expected  # idempotent
