"""Front matter as authors write it, through the real CLI (issues #22 item 1 and #23).

Dates in every form Hugo reads, values YAML cannot make anything of, keys that are lists,
template placeholders, documents that merely start with a rule, and the ``front_matter``
setting that says how the first lines are read. None of them stops another article.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from support import Cli

from locpipe.config import Config, FrontMatterMode
from locpipe.dates import HUGO_FORMS, WRITTEN_FORMS
from locpipe.errors import ContentError
from locpipe.render import render_markdown
from locpipe.segment import parse_article
from locpipe.site import front_matter_extras, localized_notes

OTHER = "content/zz-other.md"


@pytest.fixture
def two(project: Path) -> Path:
    """The sample project plus a second, healthy article that must always get through."""
    (project / OTHER).write_text("---\ntitle: Inny\n---\n\nInny akapit.\n", encoding="utf-8")
    return project


FALLBACK = '\n[publish]\npolicy = "fallback"\n'
"""Untranslated pages published too, for tests that read their front matter."""


def configure(root: Path, text: str) -> None:
    config = root / "locpipe.toml"
    config.write_text(config.read_text(encoding="utf-8") + text, encoding="utf-8")


def write(root: Path, name: str, text: str) -> Path:
    path = root / "content" / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


def built(root: Path, name: str, locale: str = "en") -> str:
    return (root / "build" / locale / f"{name}.md").read_text(encoding="utf-8")


def msgids(root: Path, name: str) -> list[str]:
    return [e.msgid for e in polib.pofile(str(root / "locales/templates" / f"{name}.pot"))]


def display(text: str) -> str | None:
    """The ``date_display`` a rendered front matter (YAML or TOML) gained, if any."""
    found = re.search(r'^date_display\s*[:=]\s*"?([^"\n]*)"?$', text, re.MULTILINE)
    return found.group(1) if found else None


def front(text: str) -> str:
    """The front matter block of a Markdown text, delimiters included."""
    closing = text.index("\n---\n", 4) if text.startswith("---") else text.index("\n+++\n", 4)
    return text[: closing + 5]


def assert_no_traceback(output: str) -> None:
    assert "Traceback" not in output and "Error:" not in output.replace("error(s)", "")


# -- values YAML cannot make anything of (#22 item 1) -----------------------------------------

IMPOSSIBLE = {
    "feb30": "2026-02-30",
    "year0": "0000-01-01",
    "month13": "2026-13-01 25:61:00",
    "decimal": "99999999999999999999999999999",
    "digits": "1" * 100_000,
}


def test_impossible_dates_and_huge_numbers_are_kept_and_warned(two: Path, cli: Cli) -> None:
    configure(two, FALLBACK)
    for name, value in IMPOSSIBLE.items():
        write(two, name, f"---\ntitle: Tytuł\ndate: {value}\n---\n\nTekst.\n")
    write(two, "long-title", "---\ntitle: " + "7" * 100_000 + "\n---\n\nTekst.\n")
    result = cli(two, "build")
    assert result.exit_code == 0, result.output[-2000:]
    assert_no_traceback(result.output)
    for name, value in IMPOSSIBLE.items():
        english = built(two, name)
        assert f"\ndate: {value}\n" in english  # the value as the author wrote it
        assert "date_display" not in english
        assert msgids(two, name) == ["Tytuł", "Tekst."]
    assert "7" * 100_000 in built(two, "long-title")
    assert msgids(two, "long-title") == ["Tekst."]  # a number is no text to translate
    assert "Inny akapit." in built(two, "zz-other", "pl")
    for _ in range(2):  # the second time from the cache
        result = cli(two, "check")
        assert_no_traceback(result.output)
        for name in IMPOSSIBLE:
            assert (f"content/{name}.md:3: warning front-matter: front-matter 'date' is listed "
                    "in localized_fields but") in result.output
        assert "gets no 'date_display'" in result.output
        assert "content/long-title.md" not in result.output  # `title` is not localised


def test_title_that_is_a_list_or_a_mapping(two: Path, cli: Cli) -> None:
    configure(two, FALLBACK)
    write(two, "listed", "---\ntitle: [Pierwszy, Drugi]\n---\n\nTekst.\n")
    write(two, "mapped", "---\ntitle: {a: b}\ndescription: Opis.\n---\n\nTekst.\n")
    result = cli(two, "build")
    assert result.exit_code == 0, result.output
    assert_no_traceback(result.output)
    assert msgids(two, "listed") == ["Pierwszy", "Drugi", "Tekst."]
    assert msgids(two, "mapped") == ["Opis.", "Tekst."]
    assert "title: {a: b}\n" in built(two, "mapped")
    page = (two / "build/en/mapped.html").read_text(encoding="utf-8")
    assert "<title>mapped" in page  # the article's name stands for a title that is no text


def test_key_that_is_a_list_passes_through_byte_for_byte(two: Path, cli: Cli) -> None:
    configure(two, FALLBACK)
    head = "---\n? [a, b]\n: c\n? {x: y}\n: z\ntitle: Tytuł\n"
    write(two, "complex", head + "---\n\nTekst.\n")
    result = cli(two, "build")
    assert result.exit_code == 0, result.output
    assert msgids(two, "complex") == ["Tytuł", "Tekst."]
    assert built(two, "complex", "pl").startswith(head)


def test_front_matter_nested_thousands_deep(two: Path, cli: Cli) -> None:
    configure(two, FALLBACK)
    write(two, "deep", "+++\ntitle = 'A'\nt = " + "[" * 5000 + "]" * 5000 + "\n+++\n\nB.\n")
    write(two, "deep-yaml", "---\ntitle: A\nt: " + "[" * 5000 + "]" * 5000 + "\n---\n\nB.\n")
    # Deep enough for tomllib, too deep for tomlkit, which rewrites TOML when rendering.
    write(two, "deep-70", "+++\ntitle = 'A'\nt = " + "[" * 70 + "]" * 70 + "\n+++\n\nB.\n")
    result = cli(two, "build")
    assert result.exit_code == 2
    assert_no_traceback(result.output)
    assert "content/deep.md:3: invalid TOML front matter: values nested too deeply" \
        in result.output
    # libyaml stops at 1,000 levels (PyYAML 6.0.4); PyYAML's own parser, where it is missing,
    # at Python's recursion limit; locpipe itself at 50, whatever the PyYAML version.
    assert re.search(r"content/deep-yaml.md:[23]: (invalid YAML front matter: (exceeded "
                     r"maximum nesting depth|nested too deeply)|YAML front matter nested "
                     r"more than 50 levels deep)", result.output)
    write(two, "deep-yaml", "---\ntitle: A\nt: " + "[" * 70 + "]" * 70 + "\n---\n\nB.\n")
    result = cli(two, "build")
    assert "content/deep-yaml.md:2: YAML front matter nested more than 50 levels deep" \
        in result.output
    assert "content/deep-70.md:2: TOML front matter nested more than 50 levels deep" \
        in result.output
    assert "Inny akapit." in built(two, "zz-other", "pl")


def test_configuration_nested_thousands_deep(two: Path, cli: Cli) -> None:
    configure(two, "x = " + "[" * 3000 + "]" * 3000 + "\n")
    result = cli(two, "extract")
    assert result.exit_code == 2
    assert_no_traceback(result.output)
    assert "locpipe.toml:3: invalid TOML: values nested too deeply" in result.output


def test_configuration_with_a_number_of_thousands_of_digits(two: Path, cli: Cli) -> None:
    configure(two, "x = " + "9" * 5000 + "\n")
    result = cli(two, "extract")
    assert result.exit_code == 2
    assert "locpipe.toml:3: invalid TOML: a number of thousands of digits" in result.output


# -- dates as authors write them (#23 item 1) -----------------------------------------------


def test_every_date_form_hugo_reads_gets_its_display_field(project: Path, cli: Cli) -> None:
    configure(project, FALLBACK)
    for number, (_layout, written) in enumerate(HUGO_FORMS):
        write(project, f"hugo-{number}", f"---\ntitle: Tytuł\ndate: {written}\n---\n\nTekst.\n")
        write(project, f"quoted-{number}", f"---\ntitle: Tytuł\ndate: '{written}'\n---\n\nT.\n")
        write(project, f"toml-{number}", f"+++\ntitle = 'Tytuł'\ndate = '{written}'\n+++\n\nT.\n")
    result = cli(project, "build")
    assert result.exit_code == 0, result.output
    for number, (layout, written) in enumerate(HUGO_FORMS):
        for name in (f"hugo-{number}", f"quoted-{number}", f"toml-{number}"):
            english, polish = built(project, name), built(project, name, "pl")
            assert display(english) == "March 5, 2026", (layout, name)
            assert display(polish) == "5 marca 2026", (layout, name)
            assert written in english
            page = (project / f"build/en/{name}.html").read_text(encoding="utf-8")
            assert '<time datetime="2026-03-05">March 5, 2026</time>' in page
    index = (project / "build/en/index.html").read_text(encoding="utf-8")
    assert index.count('<time datetime="2026-03-05">') == 3 * len(HUGO_FORMS) + 1  # + sample
    result = cli(project, "check")
    assert "front-matter" not in result.output


def test_dates_written_out_in_english(project: Path, cli: Cli) -> None:
    configure(project, FALLBACK)
    for number, text in enumerate(WRITTEN_FORMS):
        write(project, f"text-{number}", f"---\ntitle: Tytuł\ndate: {text}\n---\n\nTekst.\n")
    result = cli(project, "build")
    assert result.exit_code == 0, result.output
    assert 'date_display: "February 16, 2019"\n' in built(project, "text-0")
    assert f"\ndate: {WRITTEN_FORMS[0]}\n" in built(project, "text-0")
    assert "date_display: 16 lutego 2019\n" in built(project, "text-2", "pl")
    assert 'date_display: "March 2, 2020"\n' in built(project, "text-5")
    assert "front-matter" not in cli(project, "check").output


def test_localised_field_that_is_text_is_kept_and_check_warns(two: Path, cli: Cli) -> None:
    configure(two, FALLBACK)
    write(two, "someday",
          "---\ntitle: Tytuł\nseo:\n  date: 2026\ndate: kiedyś w lutym\n---\n\nTekst.\n")
    result = cli(two, "build")
    assert result.exit_code == 0, result.output
    assert "date: kiedyś w lutym\nlang: en\ntranslationKey: someday\n---\n" \
        in built(two, "someday")
    result = cli(two, "check")
    assert result.exit_code == 0, result.output
    assert ("content/someday.md:5: warning front-matter: front-matter 'date' is listed in "
            "localized_fields but 'kiedyś w lutym' is not a date or a number") in result.output
    assert cli(two, "check", "--strict").exit_code == 1
    configure(two, '[checks]\ndisable = ["front-matter"]\n')
    result = cli(two, "check", "--strict")
    assert "front-matter" not in result.output and result.exit_code == 0, result.output


# -- templates (#23 item 2) ------------------------------------------------------------------

TEMPLATES = {
    "go": "---\ntitle: {{ .Title }}\ndate: {{ .Date }}\ndraft: true\n---\n",
    "card": "---\nlayout: card\ntitle: {{ card_data }}\n---\n",
    "jinja": "---\ntitle: Stały tytuł\n{% if draft %}\ndraft: true\n{% endif %}\n---\n",
    "toml": "+++\ntitle = {{ .Title }}\ndate = {{ .Date }}\n+++\n",
    "cookie": "---\ntitle: {{cookiecutter.project_name}}\ntags: [{{ tag }}, inne]\n---\n",
}


def test_template_front_matter_passes_through_byte_for_byte(two: Path, cli: Cli) -> None:
    configure(two, FALLBACK)
    for name, head in TEMPLATES.items():
        write(two, name, head + "\n# Nagłówek\n\nTekst akapitu.\n")
    result = cli(two, "build")
    assert result.exit_code == 0, result.output
    for name, head in TEMPLATES.items():
        for locale in ("pl", "en"):
            assert front(built(two, name, locale)) == head, (name, locale)
        assert msgids(two, name) == ["Nagłówek", "Tekst akapitu."]  # no key of it
        page = (two / f"build/en/{name}.html").read_text(encoding="utf-8")
        assert "card_data" not in page and ".Title" not in page and "<h1>" in page
    result = cli(two, "check")
    assert result.exit_code == 0, result.output
    assert ("content/go.md:2: warning front-matter: front matter is a template "
            "({{ .Title }}), not YAML: it is kept as it is in every language and none of its "
            "values is offered for translation") in result.output
    assert "content/card.md:3: warning front-matter: front matter is a template " \
        "({{ card_data }})" in result.output
    assert "content/jinja.md:3: warning front-matter: front matter is a template " \
        "({% if draft %})" in result.output
    assert "content/toml.md:2: warning front-matter: front matter is a template " \
        "({{ .Title }}), not TOML" in result.output


def test_placeholders_inside_yaml_strings_are_ordinary_values(two: Path, cli: Cli) -> None:
    write(two, "quoted", '---\ntitle: "{{ .Title }}"\ndescription: "Witaj w {{ site }}"\n'
                         "---\n\nTekst.\n")
    result = cli(two, "build")
    assert result.exit_code == 0, result.output
    # A value that is only a placeholder holds nothing to translate; one with words does.
    assert msgids(two, "quoted") == ["Witaj w {{ site }}", "Tekst."]
    assert "front-matter" not in cli(two, "check").output


def test_broken_front_matter_that_is_no_template_is_still_refused(two: Path, cli: Cli) -> None:
    configure(two, FALLBACK)
    write(two, "broken", "---\ntitle: Dobry\ndescription: [niezamknięta\n---\n\nTekst.\n")
    result = cli(two, "build")
    assert result.exit_code == 2
    assert "content/broken.md:4: invalid YAML front matter" in result.output
    assert not (two / "locales/templates/broken.pot").exists()
    assert "Inny akapit." in built(two, "zz-other", "pl")


# -- a document that starts with a rule (#23 item 3) -----------------------------------------

RULED = "---\n\nJust a paragraph.\n\n---\n\nMore text.\n"


def test_document_that_starts_with_a_thematic_break(two: Path, cli: Cli) -> None:
    configure(two, FALLBACK)
    write(two, "ruled", RULED)
    write(two, "listed", "---\n- pierwszy\n- drugi\n---\n\nTekst.\n")
    write(two, "plus", "+++\nNot TOML, just text.\n+++\n\nTekst.\n")
    result = cli(two, "build")
    assert result.exit_code == 0, result.output
    assert msgids(two, "ruled") == ["Just a paragraph.", "More text."]
    assert msgids(two, "listed") == ["pierwszy", "drugi", "Tekst."]
    assert msgids(two, "plus") == ["+++ Not TOML, just text. +++", "Tekst."]
    english = built(two, "ruled")
    assert english == "---\nlang: en\ntranslationKey: ruled\n---\n" + RULED
    page = (two / "build/en/ruled.html").read_text(encoding="utf-8")
    assert page.count("<hr />") == 2 and "paragraph.</span></p>\n<hr />" in page


def test_front_matter_none_for_one_article(two: Path, cli: Cli) -> None:
    configure(two, FALLBACK)
    text = "---\nUwaga: to nie są metadane\n---\n\nTekst.\n"
    write(two, "notes", text)
    write(two, "normal", "---\ntitle: Tytuł\n---\n\nTekst.\n")
    assert cli(two, "extract").exit_code == 0
    assert msgids(two, "notes") == ["Tekst."]  # "auto" reads a mapping: front matter
    configure(two, '\n[articles."notes"]\nfront_matter = "none"\n')
    result = cli(two, "build")
    assert result.exit_code == 0, result.output
    # A rule, then a setext heading: Markdown, as the article's setting says.
    assert msgids(two, "notes") == ["Uwaga: to nie są metadane", "Tekst."]
    assert built(two, "notes").endswith(text)
    assert msgids(two, "normal") == ["Tytuł", "Tekst."]  # the others read as before


def test_front_matter_setting_for_the_whole_project(two: Path, cli: Cli) -> None:
    write(two, "hugo", "+++\ntitle = 'Tytuł'\n+++\n\nTekst.\n")
    configure(two, 'front_matter = "toml"\n')
    assert cli(two, "extract").exit_code == 0
    assert msgids(two, "hugo") == ["Tytuł", "Tekst."]
    assert msgids(two, "zz-other")[0] == "title: Inny"  # "---" opens nothing: Markdown
    configure(two, "")
    config = two / "locpipe.toml"
    config.write_text(config.read_text().replace('"toml"', '"yaml"'))
    write(two, "broken", "---\n- a\n---\n\nTekst.\n")
    result = cli(two, "extract")
    assert result.exit_code == 2
    assert "content/broken.md:2: front matter must be a mapping" in result.output
    assert msgids(two, "hugo") == ["+++ title = 'Tytuł' +++", "Tekst."]
    assert msgids(two, "zz-other") == ["Inny", "Inny akapit."]


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ('front_matter = "json"\n',
         "locpipe.toml:3: 'front_matter' must be one of \"auto\", \"yaml\", \"toml\", \"none\""),
        ('[articles."a"]\nfront_matter = 1\n',
         "locpipe.toml:4: 'articles.\"a\".front_matter' must be one of"),
        ('[articles."a"]\nfront_matte = "none"\n',
         "locpipe.toml:4: unknown key 'articles.\"a\".front_matte'; did you mean "
         "'articles.\"a\".front_matter'? known keys: front_matter, "),
    ],
)
def test_front_matter_setting_is_checked(two: Path, cli: Cli, setting: str, expected: str) -> None:
    configure(two, setting)
    result = cli(two, "extract")
    assert result.exit_code == 2
    assert expected in result.output


# -- fuzzing: whatever the first lines hold, a clean answer -----------------------------------

_FM_TOKENS = [
    "title", "date", "lang", "tags", "a", "słowo", ": ", ":", " = ", "=", " ", "  ", "\n",
    "\n  ", "\n- ", "- ", "? ", "[", "]", "{", "}", "{{ .Title }}", "{% if x %}", ",", "'",
    '"', "#", "!!", "!!str ", "!!int ", "!!timestamp ", "!!bool ", "!!float ", "&x ", "*x",
    "<<: ", "2026-02-30", "2026-03-05", "2026-03-05T10:00:00+01:00", "16 February 2019",
    "0000-01-01", "25:61:00", "99999999999999999999999999999", "1e400", ".inf", "-", "+++",
    "---", "...", "|", ">", "\t", "pl", "en", "xx", "true", "null", "~", "[x]", "[x.y]",
    "\"\"\"", "'''", "\\", "😀", "\u2028", "\x85",
]
_KEYS = ["title", "date", "lang", "tags", "description", "seo.description", "'q'", "[seo]"]
_SEPARATORS = [": ", " = ", ":", "="]
_VALUES = [*_FM_TOKENS, "Tytuł", "'Tytuł'", '"Tytuł"', "[a, b]", "{a: b}", "{a = 'b'}",
           "['a', 'b']", "2026-03-05", "05 Mar 2026", "12", "3.5"]
setting_lines = st.lists(
    st.tuples(st.sampled_from(_KEYS), st.sampled_from(_SEPARATORS),
              st.lists(st.sampled_from(_VALUES), max_size=3).map("".join)).map("".join),
    max_size=6,
).map("\n".join)
front_matters = st.one_of(
    st.lists(st.sampled_from(_FM_TOKENS), max_size=24).map("".join), setting_lines)


@given(st.sampled_from(["---", "+++"]), front_matters, st.sampled_from(["auto", "yaml", "toml"]))
@example("---", "title: {{ .Title }}", "auto")
@example("---", "? [a, b]\n: c", "yaml")
@example("---", "date: 2026-02-30", "auto")
@example("+++", "date = 2026-02-30", "toml")
@example("---", "title: !!timestamp a", "auto")
def test_any_front_matter_reads_cleanly_or_says_where(delimiter: str, head: str,
                                                       mode: str) -> None:
    text = f"{delimiter}\n{head}\n{delimiter}\n\nTekst akapitu.\n"
    config = Config(localized_fields=("date", "title", "tags"))
    try:
        article = parse_article(text, name="f", path="f.md", default_lang="pl",
                                front_matter=FrontMatterMode(mode))
    except ContentError as e:
        assert e.line is not None and e.line >= 1
        return
    localized_notes(article, config)
    extras = front_matter_extras(article, "en", config)
    rendered = render_markdown(article, {u.key: u.msgid for u in article.units},
                               locale="en", extra_front_matter=extras)
    assert rendered.endswith("\nTekst akapitu.\n")
    if article.front_matter is not None and article.front_matter.template:
        assert rendered == text


# -- the date forms themselves ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[(written, "2026-03-05") for _layout, written in HUGO_FORMS],
        ("2026-03-05T10:00:00.123456789Z", "2026-03-05"),
        ("2026-03-05t10:00:00+01:00", "2026-03-05"),  # YAML's lower-case t
        ("16 February 2019", "2019-02-16"),
        ("February 16, 2019", "2019-02-16"),
        ("05 Mar 69 10:00 CET", "1969-03-05"),  # Go reads 69-99 as 19xx, 00-68 as 20xx
        ("05 Mar 68 10:00 CET", "2068-03-05"),
        ("2026-02-30", None),
        ("0000-01-01", None),
        ("2026-13-01 25:61:00", None),
        ("2026-01-01 25:61:00", None),
        ("2026-01-01 23:60:00", None),
        ("3:04PM", None),  # Hugo's time-of-day forms give no day
        ("Jan  2 15:04:05", None),
        ("Smarch 5, 2026", None),
        ("kiedyś w lutym", None),
        ("1" * 100_000, None),
        ("", None),
    ],
)
def test_date_forms(text: str, expected: str | None) -> None:
    from locpipe.dates import parse_date

    found = parse_date(text)
    assert (found.isoformat() if found else None) == expected


def test_dates_doctests() -> None:
    import doctest

    from locpipe import dates, site

    assert doctest.testmod(dates).failed == 0
    assert doctest.testmod(site).failed == 0


def test_a_rule_with_no_second_rule_is_markdown(two: Path, cli: Cli) -> None:
    write(two, "open-rule", "---\n\n# Tytuł\n\nUwaga: ważne zdanie.\n")
    write(two, "open-plus", "+++\nZwykły tekst.\n")
    write(two, "open-front", "---\ntitle: Tytuł\n\nTekst.\n")
    result = cli(two, "extract")
    assert result.exit_code == 2
    assert msgids(two, "open-rule") == ["Tytuł", "Uwaga: ważne zdanie."]
    assert msgids(two, "open-plus") == ["+++ Zwykły tekst."]
    assert "content/open-front.md:1: front matter opened with '---' is never closed" \
        in result.output
