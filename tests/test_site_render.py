"""Rendering a site through the real CLI: publish policy, markers, safety, layouts, config."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from conftest import GOLDEN
from support import Cli, snapshot

EN_PO = "locales/en/LC_MESSAGES/sample.po"


@pytest.fixture
def merged(project: Path, cli: Cli) -> Path:
    """The sample project with its English catalogue merged (one outdated entry)."""
    assert cli(project, "extract").exit_code == 0
    target = project / EN_PO
    target.parent.mkdir(parents=True)
    shutil.copy(GOLDEN / "sample.en.before.po", target)
    assert cli(project, "update").exit_code == 0
    return project


def edit_catalog(root: Path, msgid: str, msgstr: str, *, fuzzy: bool = False,
                 comment: str = "") -> None:
    po = polib.pofile(str(root / EN_PO))
    entry = po.find(msgid)
    assert entry is not None
    entry.msgstr = msgstr
    entry.tcomment = comment
    if fuzzy and "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
    po.save()


def configure(root: Path, text: str) -> None:
    config = root / "locpipe.toml"
    config.write_text(config.read_text(encoding="utf-8") + text, encoding="utf-8")


def read(root: Path, name: str) -> str:
    return (root / "build" / name).read_text(encoding="utf-8")


# -- publish policy -----------------------------------------------------------------------


def test_skip_policy_writes_nothing_says_why_and_removes_stale_pages(
    merged: Path, cli: Cli
) -> None:
    assert cli(merged, "render").exit_code == 0
    assert (merged / "build/en/sample.md").exists()

    result = cli(merged, "render", "--policy", "skip", "--min-coverage", "95",
                 "--outdated", "source")
    assert result.exit_code == 0, result.output
    assert "skipped sample [en]: 92.3% of the words are translated, 95% required " \
           "(content/sample.md)" in result.output
    assert "removed build/en/sample.md" in result.output
    assert "removed build/en/sample.html" in result.output
    assert not (merged / "build/en/sample.md").exists()
    assert not (merged / "build/en/sample.html").exists()
    # The Polish page no longer points readers at the missing English one.
    polish = read(merged, "pl/sample.html")
    assert 'hreflang="en"' not in polish and "English" not in polish
    assert 'hreflang="x-default" href="sample.html"' in polish
    assert "sample.html" not in read(merged, "en/index.html")


def test_fallback_policy_publishes_with_the_source_and_reports_it(merged: Path, cli: Cli) -> None:
    result = cli(merged, "render", "--policy", "fallback", "--min-coverage", "95",
                 "--outdated", "source")
    assert result.exit_code == 0
    assert "fallback sample [en]: 2 passage(s) in the source language; 92.3% of the words " \
           "are translated, 95% required" in result.output
    markdown = read(merged, "en/sample.md")
    assert "- Pierwszy punkt listy\n" in markdown and "2. Krok drugi\n" in markdown
    html = read(merged, "en/sample.html")
    assert '<li><span lang="pl">Krok drugi</span></li>' in html
    assert "shown in the original language (Polish)" in html


def test_per_article_table_and_the_command_line_over_it(merged: Path, cli: Cli) -> None:
    configure(merged, '\n[publish]\nmin_coverage = 50\n\n[articles.sample]\npolicy = "skip"\n'
                      "required = [\"title\", \"list-item\"]\n")
    result = cli(merged, "render")
    assert result.exit_code == 0, result.output
    assert "skipped sample [en]: not translated: list-item" in result.output
    assert not (merged / "build/en/sample.md").exists()
    result = cli(merged, "render", "--policy", "fallback")
    assert "created build/en/sample.md" in result.output


def test_outdated_translation_shown_marked_in_html_and_clean_in_markdown(
    merged: Path, cli: Cli
) -> None:
    configure(merged, '\n[publish]\noutdated = "show"\n')
    assert cli(merged, "render").exit_code == 0
    assert "- The first item of this list\n" in read(merged, "en/sample.md")
    html = read(merged, "en/sample.html")
    assert ('<li><span class="outdated" title="Outdated translation: the original has changed '
            'since">The first item of this list</span></li>') in html
    assert "Marked passages translate an earlier version of the original." in html

    assert cli(merged, "render", "--outdated", "source").exit_code == 0
    assert "- Pierwszy punkt listy\n" in read(merged, "en/sample.md")
    assert 'class="outdated"' not in read(merged, "en/sample.html")


def test_machine_translation_is_never_shown_unless_allowed(merged: Path, cli: Cli) -> None:
    edit_catalog(merged, "Krok drugi", "Step two", fuzzy=True,
                 comment="machine translation: deepl")
    configure(merged, '\n[publish]\noutdated = "show"\n')
    assert cli(merged, "render").exit_code == 0
    assert "2. Krok drugi\n" in read(merged, "en/sample.md")
    assert "Step two" not in read(merged, "en/sample.html")

    assert cli(merged, "render", "--show-machine").exit_code == 0
    assert "2. Step two\n" in read(merged, "en/sample.md")
    html = read(merged, "en/sample.html")
    assert '<span class="machine" title="Machine translation, not reviewed">Step two</span>' in html
    assert "machine translations that nobody has reviewed" in html


# -- translations are text ----------------------------------------------------------------


def test_translation_carrying_script_is_text_in_both_outputs(merged: Path, cli: Cli) -> None:
    edit_catalog(merged, "Cytat w bloku.",
                 'Quote <script>alert(1)</script> <img src=x onerror="alert(2)"> '
                 "[click](javascript:alert(3)).",
                 # silenced, or it would be held back unpublished (tests/test_gates.py)
                 comment="locpipe-ignore: markdown-html|markdown-links|urls")
    assert cli(merged, "render").exit_code == 0
    html = read(merged, "en/sample.html")
    assert "<script" not in html and "<img src=x" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[click](javascript:alert(3))." in html
    markdown = read(merged, "en/sample.md")
    assert "> Quote &lt;script>alert(1)&lt;/script> &lt;img" in markdown
    # The source's own HTML comment is kept.
    assert "<!-- komentarz HTML, nie do tłumaczenia -->" in html


def test_output_outside_the_output_folder_is_refused(merged: Path, cli: Cli,
                                                     tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (merged / "build").mkdir()
    (merged / "build/en").symlink_to(outside)
    result = cli(merged, "render")
    assert result.exit_code == 2
    assert ("content/sample.md:1: refusing to write build/en/sample.md: it leads outside build/"
            in result.output)
    assert list(outside.iterdir()) == []
    assert (merged / "build/pl/sample.html").exists()


# -- Markdown for static site generators --------------------------------------------------


def test_front_matter_has_lang_translation_key_and_localised_date(merged: Path, cli: Cli) -> None:
    configure(merged, 'date_format = "long"\n')
    assert cli(merged, "render").exit_code == 0
    polish, english = read(merged, "pl/sample.md"), read(merged, "en/sample.md")
    assert "lang: pl\ntranslationKey: sample\ndate_display: 5 marca 2026\n---\n" in polish
    assert "lang: en\ntranslationKey: sample\ndate_display: \"March 5, 2026\"\n---\n" in english
    assert "date: 2026-03-05\n" in english and "title: A short guide\n" in english


def test_localised_field_that_is_no_date_or_number_is_kept_and_warned(
    merged: Path, cli: Cli
) -> None:
    configure(merged, 'localized_fields = ["date", "tags"]\n')
    result = cli(merged, "render")
    assert result.exit_code == 0, result.output
    english = read(merged, "en/sample.md")
    assert "tags: [test, przykład]\n" in english and "tags_display" not in english
    assert 'date_display: "March 5, 2026"\n' in english
    result = cli(merged, "check")
    assert ("content/sample.md:5: warning front-matter: front-matter 'tags' is listed in "
            "localized_fields but ['test', 'przykład'] is not a date or a number") in result.output


def test_markdown_only_for_a_site_generator(merged: Path, cli: Cli) -> None:
    configure(merged, 'output_layout = "suffix"\noutput_formats = ["markdown"]\n')
    assert cli(merged, "render").exit_code == 0
    # The record of what locpipe wrote (a hidden file, which Hugo leaves out).
    assert sorted(snapshot(merged / "build")) == [
        ".locpipe-outputs.json", "kot.png", "sample.en.md", "sample.pl.md"]


# -- HTML pages ---------------------------------------------------------------------------


def test_pages_link_every_rendered_version_and_list_articles(merged: Path, cli: Cli) -> None:
    configure(merged, 'base_url = "https://example.org/site"\n')
    assert cli(merged, "render").exit_code == 0
    html = read(merged, "en/sample.html")
    assert re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html) == [
        ("pl", "https://example.org/site/pl/sample.html"),
        ("en", "https://example.org/site/en/sample.html"),
        ("x-default", "https://example.org/site/pl/sample.html"),
    ]
    assert '<link rel="canonical" href="https://example.org/site/en/sample.html">' in html
    assert '<a class="home" href="index.html">Articles</a>' in html
    index = read(merged, "pl/index.html")
    assert '<h2><a href="sample.html">Krótki przewodnik</a></h2>' in index
    assert '<time datetime="2026-03-05">5 marca 2026</time>' in index
    assert '<html lang="pl">' in index
    assert 'hreflang="x-default" href="https://example.org/site/index.html"' in index
    root = read(merged, "index.html")
    assert '<a href="pl/index.html" hreflang="pl">polski</a>' in root


def test_polish_page_typography(merged: Path, cli: Cli) -> None:
    configure(merged, '\n[quotes]\npl = "„”"\n')
    article = merged / "content/sample.md"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "Cytat w bloku.", 'Cytat "w bloku" i tyle.'), encoding="utf-8")
    assert cli(merged, "build").exit_code == 0
    html = read(merged, "pl/sample.html")
    assert "<p>Cytat „w&nbsp;bloku” i&nbsp;tyle.</p>" in html
    assert "i kodem <code>pip install locpipe</code>" not in html  # "i" got its no-break space
    assert "i&nbsp;kodem <code>pip install locpipe</code>" in html
    assert 'print("to nie jest tekst do tłumaczenia")' in html


def test_user_templates_override_the_built_in_ones(merged: Path, cli: Cli) -> None:
    templates = merged / "theme"
    templates.mkdir()
    (templates / "article.html").write_text(
        '{% extends "base.html" %}{% block content %}<article class="mine">{{ body }}'
        "</article>{% endblock %}\n", encoding="utf-8")
    configure(merged, 'template_dir = "theme"\n')
    assert cli(merged, "render").exit_code == 0
    html = read(merged, "en/sample.html")
    assert '<article class="mine"><p>The first paragraph' in html
    assert 'hreflang="x-default"' in html  # the built-in frame is still there


def test_render_twice_changes_nothing(merged: Path, cli: Cli) -> None:
    assert cli(merged, "render").exit_code == 0
    before = snapshot(merged)
    second = cli(merged, "render")
    assert second.exit_code == 0 and second.output == ""  # above the default gate: silent
    assert snapshot(merged) == before


# -- configuration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('output_layout = "flat"\n',
         "locpipe.toml:3: 'output_layout' must be one of \"locale-dir\", \"suffix\", not 'flat'"),
        ('\n[publish]\npolicy = "hide"\n',
         "locpipe.toml:5: 'publish.policy' must be one of \"skip\", \"fallback\", not 'hide'"),
        ("\n[publish]\nmin_coverage = 120\n",
         "locpipe.toml:5: 'publish.min_coverage' must be a number from 0 to 100"),
        ("\n[publish]\nshow_fuzzy = true\n",
         "locpipe.toml:5: unknown key 'publish.show_fuzzy'; known keys: min_coverage, outdated,"),
        ('\n[articles.sample]\nrequired = ["titel"]\n',
         "locpipe.toml:5: 'articles.\"sample\".required' names 'titel', which is neither"),
        ('\n[articles."sample"]\noutdated = "hide"\n',
         "locpipe.toml:5: 'articles.\"sample\".outdated' must be one of \"near\", \"show\", "
         "\"source\""),
        ('output_formats = ["pdf"]\n',
         "locpipe.toml:3: 'output_formats' must be one of \"markdown\", \"html\", not 'pdf'"),
        ('date_format = "long-ish"\n', "locpipe.toml:3: 'date_format' is not a date format"),
        ('\n[quotes]\npl = "«"\n', "locpipe.toml:4: 'quotes' for 'pl' must be two characters"),
        ('base_url = "example.org"\n', "locpipe.toml:3: 'base_url' must be an http:// or"),
    ],
)
def test_bad_site_configuration_names_file_and_line(
    merged: Path, cli: Cli, toml: str, message: str
) -> None:
    configure(merged, toml)
    result = cli(merged, "render")
    assert result.exit_code == 2
    assert message in result.output


def test_article_table_for_no_article_is_an_error(merged: Path, cli: Cli) -> None:
    configure(merged, '\n[articles."smaple"]\npolicy = "skip"\n')
    result = cli(merged, "render")
    assert result.exit_code == 2
    assert 'locpipe.toml:4: [articles."smaple"] names no article in content/' in result.output


def test_publish_tables_in_pyproject(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content/a.md").write_text("Tekst do przetłumaczenia.\n", encoding="utf-8")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n\n[tool.locpipe]\nlocales = ["pl", "en"]\n\n'
                         '[tool.locpipe.publish]\npolicy = "skip"\n\n'
                         '[tool.locpipe.articles."a"]\nmin_coverage = 200\n', encoding="utf-8")
    result = cli(tmp_path, "render")
    assert result.exit_code == 2
    assert ("pyproject.toml:11: 'tool.locpipe.articles.\"a\".min_coverage' must be a number "
            "from 0 to 100") in result.output
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace("200", "20"),
                         encoding="utf-8")
    result = cli(tmp_path, "render")
    assert result.exit_code == 0
    assert "skipped a [en]: 0% of the words are translated, 20% required" in result.output
    assert not (tmp_path / "build/en/a.html").exists()
    assert "a.html" not in (tmp_path / "build/en/index.html").read_text(encoding="utf-8")


def test_toml_front_matter_gets_the_same_fields(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content/a.md").write_text(
        '+++\ntitle = "Tytuł"\ndate = 2026-03-05\n+++\n\nTekst w akapicie.\n', encoding="utf-8")
    (tmp_path / "locpipe.toml").write_text(
        'locales = ["pl", "en"]\n[publish]\npolicy = "fallback"\n', encoding="utf-8")
    assert cli(tmp_path, "build").exit_code == 0
    assert (tmp_path / "build/en/a.md").read_text(encoding="utf-8").startswith(
        '+++\ntitle = "Tytuł"\ndate = 2026-03-05\nlang = "en"\ntranslationKey = "a"\n'
        'date_display = "March 5, 2026"\n+++\n')
    assert "<p>Tekst w&nbsp;akapicie.</p>" in (tmp_path / "build/pl/a.html").read_text(
        encoding="utf-8")
