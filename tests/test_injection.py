"""A translation can change words, never what a page does (issue #20).

Every translation is rendered into an article with a unit of every kind, for the HTML
page and for the Markdown a static site generator reads (parsed with pyromark, a CommonMark
parser), and the final HTML is read with ``html.parser``: the scan (``injection.scan``)
must find nothing the source page does not have, and the page's block structure must be
the source's (for alt text and link titles, which are attribute values, every element).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import polib
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from injection import (
    ARTICLE,
    BLOCKS,
    PAYLOADS,
    article,
    markdown_html,
    new_in,
    page_html,
    page_markdown,
    scan,
    skeleton,
)
from support import Cli

from locpipe.checks import REGISTRY
from locpipe.model import Key, Unit, UnitKind
from locpipe.segment import markdown_to_html

SOURCE = article()
UNITS = [u for u in SOURCE.units if u.kind is not UnitKind.FRONT_MATTER]
HTML_BASE = page_html(SOURCE, {})
MD_BASE = markdown_html(page_markdown(SOURCE, {}, html=False))


def test_the_article_has_a_unit_of_every_kind() -> None:
    assert {u.kind for u in UNITS} == set(UnitKind) - {UnitKind.FRONT_MATTER}
    assert not scan(HTML_BASE) - scan(MD_BASE)  # the source's own page: the baseline


def problems(translations: Mapping[Key, str], units: list[Unit]) -> list[str]:
    """What is wrong with the pages that ``translations`` make, in words (empty: nothing)."""
    attribute = bool(units) and all(u.kind in (UnitKind.IMAGE_ALT, UnitKind.LINK_TITLE)
                                    for u in units)
    only = None if attribute else BLOCKS
    found = []
    for name, html, base in (
        ("page", page_html(SOURCE, translations), HTML_BASE),
        ("markdown", markdown_html(page_markdown(SOURCE, translations, html=False)), MD_BASE),
    ):
        if new := new_in(html, base):
            found.append(f"{name}: {dict(new)}")
        if skeleton(html, only=only) != skeleton(base, only=only):
            found.append(f"{name}: the structure changed\n{html}")
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_translation_changes_nothing_in_any_unit(payload: str) -> None:
    for unit in UNITS:
        assert problems({unit.key: payload}, [unit]) == [], (unit.kind, unit.msgid)


def key(msgid_start: str) -> Key:
    return next(u.key for u in UNITS if u.msgid.startswith(msgid_start))


@pytest.mark.parametrize("where", ["Akapit", "Punkt", "Cytat", "Treść", "Kot", "Nazwa",
                                   "Nagłówek", "Drugi nagłówek"])
@pytest.mark.parametrize("definition", [
    "[evil]: javascript:alert(1)", "[evil]: &#106;avascript:alert(1)",
    "[evil]: data:text/html,<script>alert(1)</script>",
    "[docs]: javascript:alert(1)", "[DOCS]: javascript:alert(1)", "[pies]: javascript:alert(1)",
])
def test_a_translation_cannot_define_or_redefine_a_reference(where: str,
                                                             definition: str) -> None:
    """A definition in one unit, uses in another (issue #20, 1): no link goes anywhere new."""
    translations = {key(where): definition,
                    key("Ostatni"): "Click [here][evil], ![pic][evil], [docs] and [x][docs].",
                    key("Zwierzę"): "[cell][evil] ![cell][evil] [docs]"}
    if where == "Akapit":
        translations[key("Przypis")] = "Click [here][evil] and [docs]."
    assert problems(translations, []) == []
    html = page_html(SOURCE, translations)
    assert html.count('href="https://example.org/docs"') >= 3  # the source's own label
    assert 'src="pies.png"' in html


def test_definitions_read_as_the_text_typed() -> None:
    html = page_html(SOURCE, {key("Akapit"): "[evil]: javascript:alert(1)"})
    assert "<p>[evil]: javascript:alert(1)</p>" in html


@pytest.mark.parametrize(("kind", "typed"), [
    ("Nagłówek", "    <img src=x onerror=alert(1)>"),
    ("Kot", "[x]: /<script>alert(1)</script>"),
    ("Punkt", "a\n```\n<script>alert(1)</script>\n```"),
    ("Kot śpiący", "a\\] <script>alert(1)</script> \\[b"),
    ("Akapit", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
])
def test_block_starts_and_html_read_as_the_text_typed(kind: str, typed: str) -> None:
    """What would have changed the page is shown as it was typed (issue #20, 2 to 4)."""
    html = page_html(SOURCE, {key(kind): typed})
    shown = typed.replace("\n", " ").replace("\\]", "]").replace("\\[", "[").strip()
    assert _text(html, shown)


def _text(html: str, typed: str) -> bool:
    """Whether the page shows ``typed`` as text (in an element or an alt attribute)."""
    import html as html_module
    import re

    plain = html_module.unescape(re.sub(r"<[^>]*>", "", html))
    alts = [html_module.unescape(a) for a in re.findall(r'alt="([^"]*)"', html)]
    flat = " ".join(plain.split())
    return " ".join(typed.split()) in flat or any(typed in alt for alt in alts)


def test_an_untranslated_link_title_keeps_its_definition_in_html() -> None:
    """A fallback `<span lang>` went into a link title and broke the reference (found by
    the structure check): titles and alt texts are attribute values and get no span."""
    html = page_html(SOURCE, {key("Ostatni"): "Last."})
    assert '<a href="https://example.org/docs" title="Tytuł linku">' in html
    assert '<img src="pies.png" alt="Pies" />' in html


# -- property: hostile translations of every kind ---------------------------------------

PIECES = (
    "# ", "## ", "> ", ">", "- ", "+ ", "* ", "1. ", "2) ", "```", "~~~", "    ", "\t", "---",
    "===", "***", "|", "|-|-|", ":-:", "[ ] ", "[x]: ", "[^1]: ", "[docs]: ", "[evil]: ", "[evil]",
    "[docs]", "[pies]", "[", "]", "(", ")", "](", "![", "!", "<", ">", "\\", "\\\\", "\"",
    "'", "`", "*", "_", "&", "&lt;", "&#60;", "&#106;", "&amp;", "&quot;", "\n", "\r",
    "\r\n", " ", "  ", "\u00a0", "\u2003", "\u2028", "\x0b", "\x0c", "word", "słowo", ":",
    "javascript:alert(1)", "vbscript:x",
    "data:text/html,x", "https://ok.example/", "<script>alert(1)</script>", "<script>",
    "<img src=x onerror=alert(1)>", "<div>", "</div>", "<!--", "-->", "<?", "<![CDATA[",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', "<iframe>",
    '<abbr title="Organizacja">', '<abbr title="x" onclick=alert(1)>', "</abbr>",
    "<javascript:alert(1)>", "[a](javascript:alert(1))", "![b](data:text/html,x)",
    "[c][evil]", "[d][docs]", "[^1]", "<base href=//evil.example>", "<form>", "<embed>",
)
hostile = st.lists(st.sampled_from(PIECES), min_size=1, max_size=14).map("".join)


@given(unit=st.sampled_from(UNITS), text=hostile)
@example(unit=UNITS[0], text="[x]: /<script>alert(1)</script>")
@example(unit=next(u for u in UNITS if u.kind is UnitKind.IMAGE_ALT), text="a\\\u00a0")
@example(unit=next(u for u in UNITS if u.kind is UnitKind.LINK_TITLE), text="a\\\u2003")
@example(unit=next(u for u in UNITS if u.kind is UnitKind.TABLE_CELL), text="a\\\x0c")
@example(unit=next(u for u in UNITS if u.kind is UnitKind.FOOTNOTE), text="\x0b# ")
@example(unit=UNITS[0], text="#\x0b<img src=x onerror=alert(1)>")
def test_no_hostile_translation_of_one_unit_changes_the_page(unit: Unit, text: str) -> None:
    assert problems({unit.key: text}, [unit]) == []


@given(translations=st.dictionaries(st.sampled_from([u.key for u in UNITS]), hostile,
                                    min_size=2, max_size=4))
@example(translations={key("Akapit"): "[evil]: javascript:alert(1)",
                       key("Ostatni"): "[here][evil]"})
def test_no_hostile_translations_of_several_units_change_the_page(
    translations: dict[Key, str],
) -> None:
    assert problems(translations, []) == []


# -- through the real command line ---------------------------------------------------------


@pytest.fixture
def hostile_project(project: Path, cli: Cli) -> Path:
    """The test project with the article above once for every payload, all of whose units
    (front matter too) are translated as that payload, rendered."""
    shutil.rmtree(project / "content")
    (project / "content").mkdir()
    # Every check silenced and every page published: this tests the last line of defence,
    # the neutraliser (with the checks on, these translations are held back: test_gates).
    names = ", ".join(f'"{name}"' for name in REGISTRY)
    with (project / "locpipe.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[publish]\nrequired = []\npolicy = "fallback"\n'
                     f"[checks]\ndisable = [{names}]\n")
    for number in range(len(PAYLOADS)):
        (project / "content" / f"a{number}.md").write_text(ARTICLE, encoding="utf-8")
    assert cli(project, "extract").exit_code == 0
    for number, payload in enumerate(PAYLOADS):
        po = polib.pofile(str(project / f"locales/templates/a{number}.pot"))
        po.metadata["Language"] = "en"
        for entry in po:
            entry.msgstr = payload  # front matter too: templates print it escaped
        target = project / f"locales/en/LC_MESSAGES/a{number}.po"
        target.parent.mkdir(parents=True, exist_ok=True)
        po.save(str(target))
    result = cli(project, "render")
    assert result.exit_code == 0, result.output
    return project


def test_render_publishes_no_hostile_translation(hostile_project: Path) -> None:
    build = hostile_project / "build"
    source_page = scan((build / "pl/a0.html").read_text(encoding="utf-8"))
    source_markdown = scan(markdown_html((build / "pl/a0.md").read_text(encoding="utf-8")))
    for number, payload in enumerate(PAYLOADS):
        page = (build / f"en/a{number}.html").read_text(encoding="utf-8")
        markdown = (build / f"en/a{number}.md").read_text(encoding="utf-8")
        assert "Nagłówek" not in page  # translated: the payload is on the page, as text
        assert scan(page) - source_page == {}, payload
        assert scan(markdown_html(markdown)) - source_markdown == {}, payload
        assert skeleton(page) == skeleton((build / "pl/a0.html").read_text(encoding="utf-8"))
    # Titles and descriptions, translated as the payloads too, are text on the index pages.
    index = (build / "en/index.html").read_text(encoding="utf-8")
    assert "[evil]: javascript:alert(1)" in index
    assert scan(index) - scan((build / "pl/index.html").read_text(encoding="utf-8")) == {}


def test_confined_text_reads_as_typed_in_markdown() -> None:
    from locpipe.render import confine

    for typed in ("# not a heading", "> not a quote", "1. not a list", "```", "|-|-|",
                  "[x]: not a definition", "[^1]: not a note"):
        assert markdown_to_html(confine(typed, UnitKind.PARAGRAPH)).strip() == \
            f"<p>{typed}</p>".replace(">", "&gt;").replace("<p&gt;", "<p>").replace(
                "</p&gt;", "</p>")


# -- the last guard: a page that could do more than its source is refused -----------------


def test_a_page_that_would_do_more_than_its_source_is_refused() -> None:
    """Were a way round the escaping ever found, the page is an error, never published."""
    from locpipe.errors import ContentError
    from locpipe.site import Site, article_page, check_page

    check_page(SOURCE, HTML_BASE, "en")  # the source's own page: nothing added
    for body in ('<p><img src=x onerror="alert(1)"></p>',
                 '<p><a href="java\tscript:alert(1)">x</a></p>',
                 '<p><a href="javascript&colon;alert(1)">x</a></p>',
                 '<meta http-equiv="refresh" content="0;url=https://evil.example">',
                 "<p><iframe srcdoc=x></iframe></p>"):
        with pytest.raises(ContentError, match="from a translation, which its source"):
            check_page(SOURCE, body, "en")
    check_page(SOURCE, '<p>&lt;img src=x onerror="alert(1)"> on=1</p>', "en")

    from locpipe.config import Config
    from locpipe.publish import Decision, PublishPolicy

    config = Config(root=Path("/nonexistent"), source_locale="pl", locales=("pl", "en"))
    decision = Decision("a", "content/a.md", "en", True, PublishPolicy.FALLBACK, 1, {}, {})
    with pytest.raises(ContentError) as raised:
        article_page(Site.from_config(config), SOURCE, "Hi <script>alert(1)</script>",
                     decision=decision, texts={("x", "y"): "<b>"},
                     files={"en": "en/a.html", "pl": "pl/a.html"}, index="en/index.html")
    assert str(raised.value).startswith("content/a.md:1: the en page would get <script>")
