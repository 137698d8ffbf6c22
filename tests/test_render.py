"""Rendering: translations spliced in, structure kept, every other byte untouched."""

from __future__ import annotations

import pytest

from locpipe.render import escape_line_start, render_markdown, yaml_scalar
from locpipe.segment import parse_article


def render(text: str, translations: dict[tuple[str | None, str], str], **kw: object) -> str:
    article = parse_article(text, name="a", path="a.md", default_lang="pl")
    return render_markdown(article, translations, locale="en", **kw)  # type: ignore[arg-type]


def test_identity_keeps_every_byte_but_lang() -> None:
    text = "---\ntitle: T\nlang: pl\n---\n\n*  luźna   lista\n\n   wcięta\n\n| a |  b |\n|--|--|\n"
    article = parse_article(text, name="a", path="a.md", default_lang="pl")
    same = {u.key: u.msgid for u in article.units}
    assert render_markdown(article, same, locale="en") == text.replace("lang: pl", "lang: en")


def test_lang_is_added_to_front_matter_or_front_matter_is_added() -> None:
    assert render("---\ntitle: T\n---\nA\n", {}) == "---\ntitle: T\nlang: en\n---\nA\n"
    assert render("A\n", {}) == "---\nlang: en\n---\nA\n"


def test_hard_breaks_in_nested_blocks_get_the_block_prefix() -> None:
    text = "- punkt\n  > cytat\n"
    out = render(text, {(None, "cytat"): "quote\nsecond line"})
    assert out.endswith("- punkt\n  > quote\\\n  > second line\n")


def test_translation_that_would_start_a_block_is_escaped() -> None:
    out = render("Akapit.\n", {(None, "Akapit."): "# not a heading\n- not a list"})
    assert out.endswith("\\# not a heading\\\n\\- not a list\n")


def test_pipe_in_a_table_cell_is_escaped() -> None:
    out = render("| a |\n|---|\n| kot |\n", {(None, "kot"): "cat | dog"})
    assert "| cat \\| dog |" in out


def test_front_matter_values_are_valid_yaml() -> None:
    out = render("---\ntitle: Tytuł\n---\n", {("title", "Tytuł"): "Title: with colon"})
    assert 'title: "Title: with colon"\n' in out


def test_fallback_is_marked_with_source_lang_for_html() -> None:
    out = render("Akapit.\n\nDrugi.\n", {(None, "Drugi."): "Second."}, mark_fallback=True)
    assert '<span lang="pl">Akapit.</span>' in out and "Second." in out


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("> quote", "\\> quote"),
        ("1) one", "1\\) one"),
        ("+ plus", "\\+ plus"),
        ("===", "\\==="),
        ("normal text", "normal text"),
        ("#hashtag", "#hashtag"),
    ],
)
def test_escape_line_start(line: str, expected: str) -> None:
    assert escape_line_start(line) == expected


@pytest.mark.parametrize("value", ["plain", "a: b", "- x", "'q'", "yes", "12", "ą\"ę", " pad"])
def test_yaml_scalar_reads_back(value: str) -> None:
    import yaml

    assert yaml.safe_load(f"k: {yaml_scalar(value)}") == {"k": value}


def test_crlf_line_endings_are_kept_in_translations() -> None:
    text = "---\r\ntitle: T\r\n---\r\n> jeden\r\n> dwa\r\n\r\nKoniec.\r\n"
    out = render(text, {(None, "jeden dwa"): "one\ntwo"})
    assert out == "---\r\ntitle: T\r\nlang: en\r\n---\r\n> one\\\r\n> two\r\n\r\nKoniec.\r\n"


def test_bom_is_kept() -> None:
    article = parse_article("Akapit.\n", name="a", path="a.md", default_lang="pl", bom=True)
    out = render_markdown(article, {(None, "Akapit."): "Paragraph."}, locale="en")
    assert out == "\ufeff---\nlang: en\n---\nParagraph.\n"


def test_hard_break_in_a_footnote_gets_its_indentation() -> None:
    out = render("Tekst[^1].\n\n[^1]: Przypis.\n", {(None, "Przypis."): "Note\nsecond"})
    assert out.endswith("[^1]: Note\\\n      second\n")


def _render_toml(text: str, translations: dict[str, str]) -> str:
    article = parse_article(text, name="a", path="a.md", default_lang="pl")
    return render_markdown(
        article, {u.key: translations[u.msgid] for u in article.units if u.msgid in translations},
        locale="en")


def test_toml_values_keep_their_quoting_style_whatever_the_tomlkit_version() -> None:
    text = "+++\ntitle = 'Kot'\ndescription = \"Pies\"\nsummary = ['Mysz']\n+++\nTreść.\n"
    out = _render_toml(text, {"Kot": "Cat", "Pies": "Dog", "Mysz": "Mouse"})
    assert out.startswith("+++\ntitle = 'Cat'\ndescription = \"Dog\"\nsummary = ['Mouse']\n")
    out = _render_toml("+++\ntitle = \'\'\'Ryba\'\'\'\n+++\n", {"Ryba": "Fish"})
    assert out.startswith("+++\ntitle = \'\'\'Fish\'\'\'\n")


def test_toml_literal_strings_become_basic_when_the_translation_cannot_be_literal() -> None:
    text = "+++\ntitle = 'Kot'\nsummary = ['Pies']\n+++\nTreść.\n"
    out = _render_toml(text, {"Kot": "It's a cat", "Pies": "Don't"})
    assert out.startswith("+++\ntitle = \"It's a cat\"\nsummary = [\"Don't\"]\n")
