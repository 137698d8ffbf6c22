"""Segmentation: which text becomes a unit, of what kind, with which exact span."""

from __future__ import annotations

import pytest

from locpipe.errors import ContentError
from locpipe.model import UnitKind
from locpipe.segment import decode, parse_article


def units(text: str, **kwargs: object) -> list[tuple[UnitKind, str]]:
    article = parse_article(text, name="a", path="content/a.md", default_lang="pl", **kwargs)  # type: ignore[arg-type]
    return [(u.kind, u.msgid) for u in article.units]


def test_every_kind_of_unit() -> None:
    text = (
        "---\ntitle: Tytuł\ndescription: Opis\nauthor: Ktoś\n---\n\n"
        "## Nagłówek\n\nAkapit *z* `kodem`.\n\n- punkt\n\n> cytat\n\n"
        "| A | B |\n|---|---|\n| x | 12 |\n\n![opis obrazka](a.png)\n\n"
        "Przypis[^1].\n\n[^1]: Treść przypisu.\n"
    )
    assert units(text) == [
        (UnitKind.FRONT_MATTER, "Tytuł"),
        (UnitKind.FRONT_MATTER, "Opis"),
        (UnitKind.HEADING, "Nagłówek"),
        (UnitKind.PARAGRAPH, "Akapit *z* `kodem`."),
        (UnitKind.LIST_ITEM, "punkt"),
        (UnitKind.BLOCKQUOTE, "cytat"),
        (UnitKind.TABLE_HEADER, "A"),
        (UnitKind.TABLE_HEADER, "B"),
        (UnitKind.TABLE_CELL, "x"),
        (UnitKind.IMAGE_ALT, "opis obrazka"),
        (UnitKind.PARAGRAPH, "Przypis[^1]."),
        (UnitKind.FOOTNOTE, "Treść przypisu."),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "```\nkod\n```\n",
        "    wcięty kod\n",
        "<div>\nblok HTML\n</div>\n",
        "<!-- komentarz -->\n",
        "<https://example.org>\n",
        "`tylko kod`\n",
        "12 345\n",
        "---\n",
    ],
)
def test_never_units(text: str) -> None:
    assert units(text) == []


def test_soft_breaks_are_joined_and_hard_breaks_kept() -> None:
    assert units("jeden\ndwa  \ntrzy\\\ncztery\n") == [
        (UnitKind.PARAGRAPH, "jeden dwa\ntrzy\ncztery")
    ]


def test_lines_and_spans_point_at_the_source() -> None:
    text = "---\ntitle: Tytuł\n---\n\n# Nagłówek\n\n> akapit\n> dalej\n"
    article = parse_article(text, name="a", path="a.md", default_lang="pl")
    data = text.encode()
    assert [(u.line, data[u.start : u.end].decode()) for u in article.units] == [
        (2, "Tytuł"),
        (5, "Nagłówek"),
        (7, "akapit\n> dalej"),
    ]
    assert article.units[2].prefix == "> "


def test_lang_from_front_matter_overrides_default() -> None:
    article = parse_article("---\nlang: en\n---\n\nText.\n", name="a", path="a.md",
                            default_lang="pl")
    assert article.lang == "en"


def test_only_configured_front_matter_keys() -> None:
    text = "---\ntitle: A\nsummary: B\nsubtitle: C\n---\n"
    assert units(text, front_matter_keys=("subtitle",)) == [(UnitKind.FRONT_MATTER, "C")]


def test_crlf_and_bom() -> None:
    text, bom = decode("\ufeff# Tytuł\r\n\r\nAkapit\r\ndalej\r\n".encode(), "a.md")
    assert bom
    assert units(text) == [(UnitKind.HEADING, "Tytuł"), (UnitKind.PARAGRAPH, "Akapit dalej")]


def test_decode_errors_name_the_line() -> None:
    with pytest.raises(ContentError) as info:
        decode(b"ok\nok\n\xff\n", "a.md")
    assert (info.value.line, str(info.value)) == (3, str(info.value))
    assert "a.md:3: not valid UTF-8" in str(info.value)
    with pytest.raises(ContentError, match="NUL byte"):
        decode(b"a\x00b", "a.md")
