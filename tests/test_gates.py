"""Gates that mean what they say (issue 15): each problem said once, what ``check`` calls an
error never published, every gap listed, bad input leaving other outputs alone."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from support import Cli

EN = "locales/en/LC_MESSAGES/sample.po"
BROKEN = f"{EN}:31: PO syntax error: string is not terminated"


def _break(project: Path) -> None:
    """An unterminated string on line 31 of the English catalogue."""
    path = project / EN
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[30].startswith('msgstr "'), lines[30:36]
    lines[30] = 'msgstr "unterminated'
    path.write_text("\n".join(lines), encoding="utf-8")


def _fallback(project: Path) -> None:
    """Publish every article whatever its coverage (the default skips those under half)."""
    config = project / "locpipe.toml"
    config.write_text(config.read_text(encoding="utf-8") + '[publish]\npolicy = "fallback"\n',
                      encoding="utf-8")


def _built(project: Path, cli: Cli) -> None:
    result = cli(project, "build")
    assert result.exit_code == 0, result.output


def test_a_broken_catalogue_is_reported_once_by_every_command(
        project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    _built(project, cli)
    _break(project)
    for args in (["build"], ["check"], ["report"], ["render"], ["update"], ["compile"],
                 ["status"], ["check", EN]):
        result = cli(project, *args)
        assert result.exit_code == 2, (args, result.output)
        assert result.output.count(BROKEN) == 1, (args, result.output)
    text = cli(project, "check").output
    assert text.splitlines()[-1] == "FAILED: 1 error(s), 0 warning(s)"
    alone = cli(project, "check", EN)
    assert alone.output.splitlines()[-1] == "FAILED: 1 error(s), 0 warning(s)"


def test_a_broken_catalogue_is_one_annotation_one_json_error_one_junit_case(
        project: Path, cli: Cli) -> None:
    _built(project, cli)
    _break(project)
    github = cli(project, "check", "--format", "github").output.splitlines()
    assert len([line for line in github if line.startswith("::error")]) == 1, github
    document = json.loads(cli(project, "check", "--format", "json").stdout)
    assert [(e["path"], e["line"]) for e in document["errors"]] == [(EN, 31)]
    suite = ET.fromstring(cli(project, "check", "--format", "junit").stdout)
    assert suite.get("errors") == "1"
    assert len([c for c in suite.iter("testcase") if c.find("error") is not None]) == 1
    cli(project, "report")
    index = (project / "build/report/index.html").read_text(encoding="utf-8")
    assert index.count("PO syntax error: string is not terminated") == 1
    assert "1 error," in index


LINK = ("Pierwszy akapit z *wyróżnieniem*, [linkiem](https://example.org/a \"Tytuł\") i kodem "
        "`pip install locpipe`, złamany w dwóch wierszach.")


def _translate(project: Path, translations: dict[str, str]) -> None:
    """Translate entries as a translator would, through locpipe's own writer."""
    from locpipe import catalog

    path = project / EN
    po = catalog.read_catalog(path, EN)
    for entry in po:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
    path.write_text(catalog.dumps(po), encoding="utf-8")


def test_a_translation_check_calls_an_error_is_never_published(project: Path, cli: Cli) -> None:
    _fallback(project)
    _built(project, cli)
    _translate(project, {
        LINK: "The first paragraph, with *emphasis*, a [link](https://evil.example/a "
              "\"Title\") and code `pip install locpipe`.",
        "Drugi akapit z twardym złamaniem\nw środku.": "Second paragraph.",
        "Krok pierwszy": "Step one",
    })
    result = cli(project, "build")
    assert result.exit_code == 1, result.output
    assert (f"{EN}:33: error markdown-links: link to 'https://example.org/a' from the source "
            "is missing (not published: readers see the source text until this is fixed)"
            ) in result.output.splitlines()
    assert result.output.count("not published") == 2  # one for each problem of that link
    page = (project / "build/en/sample.md").read_text(encoding="utf-8")
    assert "evil.example" not in page
    assert "[linkiem](https://example.org/a \"Tytuł\")" in page  # the source, as if fuzzy
    assert "1. Step one" in page  # the rest is published
    html = (project / "build/en/sample.html").read_text(encoding="utf-8")
    assert "evil.example" not in html
    again = cli(project, "build")  # said again, from the cache, while it is not fixed
    assert again.exit_code == 1 and again.output.count("not published") == 2
    render = cli(project, "render")
    assert render.exit_code == 1 and render.output.count("not published") == 2
    check = cli(project, "check")
    report = cli(project, "report")
    assert check.exit_code == report.exit_code == 1


def test_a_silenced_problem_does_not_hold_a_translation_back(project: Path, cli: Cli) -> None:
    _fallback(project)
    _built(project, cli)
    _translate(project, {LINK: "The first paragraph, with *emphasis*, a [link](https://"
                               "example.org/b \"Title\") and code `pip install locpipe`."})
    path = project / EN
    path.write_text(path.read_text(encoding="utf-8").replace(
        "#. paragraph\n#: content/sample.md:10\n",
        "# locpipe-ignore: markdown-links|urls\n#. paragraph\n#: content/sample.md:10\n", 1),
        encoding="utf-8")
    result = cli(project, "build")
    assert result.exit_code == 0, result.output
    assert "example.org/b" in (project / "build/en/sample.md").read_text(encoding="utf-8")


def _states(project: Path) -> dict[int, str]:
    """Line of each untranslated and fuzzy entry of the English catalogue, from polib."""
    import polib

    po = polib.pofile(str(project / EN))
    return {e.linenum: "fuzzy" if e.fuzzy else "untranslated"
            for e in po if e.msgid and not e.obsolete and (e.fuzzy or not e.msgstr)}


def test_check_lists_every_untranslated_and_fuzzy_entry(project: Path, cli: Cli) -> None:
    _built(project, cli)
    _translate(project, {"Krok pierwszy": "Step one", "Krok drugi": "Step two"})
    path = project / EN
    path.write_text(path.read_text(encoding="utf-8").replace(
        '#: content/sample.md:21\nmsgid "Krok drugi"', '#: content/sample.md:21\n#, fuzzy\n'
        'msgid "Krok drugi"', 1), encoding="utf-8")
    expected = _states(project)
    assert len(expected) == 16 and list(expected.values()).count("fuzzy") == 1
    for _ in range(2):  # the second run answers from the cache
        result = cli(project, "check", "--format", "json")
        assert result.exit_code == 0  # no gate: listed all the same
        (cat,) = json.loads(result.stdout)["catalogues"]
        listed = {g["line"]: state for state in ("untranslated", "fuzzy") for g in cat[state]}
        assert listed == expected
        assert {"line": max(expected), "text": "Cytat w bloku."} in cat["untranslated"]

        text = cli(project, "check").output.splitlines()
        assert not any(line.startswith(f"{EN}:{max(expected)}:") for line in text)  # passed
        assert ("16 untranslated or fuzzy entries not listed: --list-untranslated lists them "
                "as path:line") in text
        failed = cli(project, "check", "--min-coverage", "90").output.splitlines()
        assert f"{EN}: 15 untranslated, 1 fuzzy:" in failed
        shown = [line for line in failed if line.startswith(f"{EN}:")
                 and line.split(": ")[1] in ("untranslated", "fuzzy")]
        assert len(shown) == 10  # a large project stays readable
        assert f"{EN}: ... and 6 more (--list-untranslated lists them all)" in failed
        everything = cli(project, "check", "--list-untranslated").output.splitlines()
        for line, state in expected.items():
            assert any(row.startswith(f"{EN}:{line}: {state}: ") for row in everything)
        (fuzzy,) = [line for line, state in expected.items() if state == "fuzzy"]
        assert f"{EN}:{fuzzy}: fuzzy: Krok drugi" in everything


def test_required_unit_missing_lists_the_gaps(project: Path, cli: Cli) -> None:
    _built(project, cli)
    result = cli(project, "check", "--require", "title")
    assert result.exit_code == 1
    assert f"{EN}:16: untranslated: Krótki przewodnik" in result.output.splitlines()


def _two_articles(project: Path, cli: Cli) -> None:
    """The sample and a second article, both built, the sample translated in part."""
    _fallback(project)
    (project / "content/zz-other.md").write_text(
        "---\ntitle: Inny\ndate: 2026-01-02\n---\n\nInny akapit.\n", encoding="utf-8")
    _built(project, cli)
    _translate(project, {"Krótki przewodnik": "A short guide", "Krok pierwszy": "Step one"})
    _built(project, cli)


def _outputs(project: Path) -> dict[str, bytes]:
    from support import snapshot

    pages = snapshot(project / "build")
    pages.pop(".locpipe-outputs.json", None)  # locpipe's record of what it wrote, not a page
    return pages


OTHER = {f"{locale}/zz-other.{suffix}" for locale in ("pl", "en") for suffix in ("md", "html")}


def _edit_other(project: Path) -> None:
    other = project / "content/zz-other.md"
    other.write_text(other.read_text(encoding="utf-8") + "\nDrugi akapit.\n", encoding="utf-8")


def test_a_broken_catalogue_leaves_every_page_that_depends_on_it_as_it_was(
        project: Path, cli: Cli) -> None:
    _two_articles(project, cli)
    before = _outputs(project)
    _break(project)
    _edit_other(project)
    result = cli(project, "build")
    assert result.exit_code == 2 and result.output.count(BROKEN) == 1
    after = _outputs(project)
    changed = {name for name in before.keys() | after.keys()
               if before.get(name) != after.get(name)}
    # Only the other article's own pages changed; both index pages list both articles as
    # before, and the Polish page still links to the English one.
    assert changed == OTHER, changed
    assert 'hreflang="en"' in after["pl/sample.html"].decode()
    # Without the cache, the page left in place is still linked from the other language.
    import shutil

    shutil.rmtree(project / ".locpipe-cache")
    assert cli(project, "build").exit_code == 2
    assert _outputs(project)["pl/sample.html"] == after["pl/sample.html"]


def test_broken_front_matter_leaves_the_article_listed_with_its_last_good_pages(
        project: Path, cli: Cli) -> None:
    _two_articles(project, cli)
    before = _outputs(project)
    sample = project / "content/sample.md"
    sample.write_text(sample.read_text(encoding="utf-8").replace(
        "title: Krótki przewodnik", "title: [niezamknięty"), encoding="utf-8")
    _edit_other(project)
    result = cli(project, "build")
    assert result.exit_code == 2, result.output
    assert result.output.count("content/sample.md:3: invalid YAML front matter") == 1
    after = _outputs(project)
    changed = {name for name in before.keys() | after.keys()
               if before.get(name) != after.get(name)}
    assert changed == OTHER, changed
    render = cli(project, "render")
    assert render.exit_code == 2 and _outputs(project) == after


PARAGRAPH = "Drugi akapit z twardym złamaniem\nw środku."


def test_readers_of_a_translation_never_get_the_source_for_a_small_edit(
        project: Path, cli: Cli) -> None:
    _fallback(project)
    _built(project, cli)
    translations = {"Krótki przewodnik": "A short guide", LINK: "The first paragraph, with "
                    "*emphasis*, a [link](https://example.org/a \"Title\") and `pip install "
                    "locpipe`.", PARAGRAPH: "The second paragraph, with a hard break\nin "
                    "the middle.", "Pierwszy punkt listy": "The first list item"}
    _translate(project, translations)
    result = cli(project, "build")
    assert result.exit_code == 0, result.output
    sample = project / "content/sample.md"
    text = sample.read_text(encoding="utf-8")
    sample.write_text(text.replace("w środku.", "w środku!").replace(
        "- Pierwszy punkt listy", "- Zupełnie nowa treść tego punktu"), encoding="utf-8")
    assert cli(project, "build").exit_code == 0
    page = (project / "build/en/sample.md").read_text(encoding="utf-8")
    assert "in the middle." in page and "w środku" not in page  # a typo: still English
    assert "- Zupełnie nowa treść tego punktu" in page  # rewritten: the source, until reviewed
    html = (project / "build/en/sample.html").read_text(encoding="utf-8")
    assert '<span class="outdated" title="Outdated translation: the original has changed ' \
           'since">The second paragraph' in html  # marked for reviewers
    source = cli(project, "render", "--outdated", "source")
    assert source.exit_code == 0
    assert "w środku!" in (project / "build/en/sample.md").read_text(encoding="utf-8")


def test_a_typo_fixed_in_the_source_does_not_take_a_page_off_the_site(
        project: Path, cli: Cli) -> None:
    _built(project, cli)
    _translate(project, {"Krótki przewodnik": "A short guide", LINK: "The first paragraph, "
                         "with *emphasis*, a [link](https://example.org/a \"Title\") and "
                         "`pip install locpipe`, broken over two lines.",
                         PARAGRAPH: "The second paragraph, with a hard break\nin the middle.",
                         "Pierwszy punkt listy": "The first list item", "Krok pierwszy":
                         "Step one", "Krok drugi": "Step two", "Cytat w bloku.": "A quote.",
                         "Drugi punkt, a w nim:": "The second item, with:"})
    assert cli(project, "build").exit_code == 0
    assert (project / "build/en/sample.html").exists()  # the title and over half the words
    sample = project / "content/sample.md"
    sample.write_text(sample.read_text(encoding="utf-8").replace(
        "title: Krótki przewodnik", "title: Krótki przewodnik!").replace(
        "złamany w dwóch wierszach", "złamany w dwu wierszach"), encoding="utf-8")
    result = cli(project, "build")
    assert result.exit_code == 0 and "skipped" not in result.output, result.output
    page = (project / "build/en/sample.html").read_text(encoding="utf-8")
    assert 'class="outdated"' in page and "<title>A short guide" in page
    assert "A short guide" in (project / "build/en/index.html").read_text(encoding="utf-8")
    check = cli(project, "check", "--format", "json")  # fuzzy never counts for check
    assert json.loads(check.stdout)["catalogues"][0]["entries"]["fuzzy"] == 2


def test_an_article_is_not_published_until_half_of_it_is_translated(
        project: Path, cli: Cli) -> None:
    result = cli(project, "build")
    assert result.exit_code == 0, result.output
    assert "skipped sample [en]: 0% of the words are translated, 50% required; not " \
           "translated: title (content/sample.md)" in result.output
    assert not (project / "build/en/sample.html").exists()
    assert "Krótki przewodnik" not in (project / "build/en/index.html").read_text("utf-8")
    assert 'hreflang="en"' not in (project / "build/pl/sample.html").read_text("utf-8")


def test_init_writes_the_defaults_readers_get(tmp_path: Path, cli: Cli) -> None:
    from locpipe.config import Publish, load_config

    assert cli(tmp_path, "init").exit_code == 0
    written = (tmp_path / "locpipe.toml").read_text(encoding="utf-8")
    assert 'policy = "skip"\nmin_coverage = 50\nrequired = ["title"]\n' in written
    assert 'outdated = "near"\n' in written and "show_machine = false\n" in written
    assert load_config(tmp_path).publish == Publish()


MENTORING_EN = "locales/en/LC_MESSAGES/mentoring.po"


def _changed_lines(before: str, after: str) -> int:
    import difflib

    return sum(1 for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                   n=0, lineterm="")
               if line[:1] in "+-" and not line.startswith(("+++", "---")))


def _msgcat(path: Path, *options: str) -> str:
    import subprocess

    return subprocess.run(["msgcat", *options, str(path)], capture_output=True, text=True,
                          check=True).stdout


def test_a_catalogue_saved_unwrapped_stays_unwrapped_when_an_entry_changes(
        shipped: Path, cli: Cli) -> None:
    import subprocess

    path = shipped / MENTORING_EN
    subprocess.run(["msgcat", "--no-wrap", "-o", str(path), str(path)], check=True)
    before = path.read_text(encoding="utf-8")
    article = shipped / "content/mentoring.md"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "Dobrym przykładem jest nawyk", "Dobrym przykładem jest nawyk,", 1), encoding="utf-8")
    assert cli(shipped, "build").exit_code == 0
    after = path.read_text(encoding="utf-8")
    # The header's date (2 lines), and the entry: its source (2), now fuzzy with the
    # previous one (2); nothing else, where rewrapping made a 186-line diff.
    assert _changed_lines(before, after) == 6, after
    assert after == _msgcat(path, "--no-wrap")


def test_wrap_setting_is_for_new_catalogues_each_old_one_keeps_its_own(
        shipped: Path, cli: Cli) -> None:
    with (shipped / "pyproject.toml").open("a", encoding="utf-8") as config:
        config.write("wrap = false\n")
    (shipped / "content/nowy.md").write_text(
        "# Nowy artykuł\n\n" + "Bardzo długi akapit, który się nie mieści w wierszu. " * 3
        + "\n", encoding="utf-8")
    path = shipped / MENTORING_EN
    before = path.read_text(encoding="utf-8")
    article = shipped / "content/mentoring.md"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "Dobrym przykładem jest nawyk", "Dobrym przykładem jest nawyk,", 1), encoding="utf-8")
    assert cli(shipped, "build").exit_code == 0
    after = path.read_text(encoding="utf-8")
    assert _changed_lines(before, after) < 20 and after == _msgcat(path)  # still wrapped
    new = shipped / "locales/en/LC_MESSAGES/nowy.po"
    assert new.read_text(encoding="utf-8") == _msgcat(new, "--no-wrap")
    assert max(len(line) for line in new.read_text(encoding="utf-8").splitlines()) > 79


def test_a_key_given_twice_says_which_and_where_first(project: Path, cli: Cli) -> None:
    config = project / "locpipe.toml"
    config.write_text('source_locale = "pl"\nlocales = ["pl", "en"]\n[publish]\npolicy = "skip"\n'
                      'policy = "fallback"\n', encoding="utf-8")
    result = cli(project, "status")
    assert result.exit_code == 2
    assert ("locpipe.toml:5: invalid TOML: 'publish.policy' is set twice, first at line 4; "
            "keep one of them") in result.output
    config.write_text('locales = ["pl", "en"]\n[publish]\npolicy = "skip"\n[checks]\n'
                      '[publish]\n', encoding="utf-8")
    result = cli(project, "status")
    assert "locpipe.toml:5: invalid TOML: table [publish] is declared twice, first at line 2" \
        in result.output
    config.write_text('locales = ["pl", "en"]\n', encoding="utf-8")
    (project / "content/t.md").write_text('+++\ntitle = "A"\ntitle = "B"\n+++\n\nTekst.\n',
                                          encoding="utf-8")
    result = cli(project, "extract")
    assert result.exit_code == 2
    assert ("content/t.md:3: invalid TOML front matter: 'title' is set twice, first at line 2; "
            "keep one of them") in result.output


def test_an_unknown_key_gets_a_suggestion_and_the_whole_list(project: Path, cli: Cli) -> None:
    config = project / "locpipe.toml"
    config.write_text('source_locale = "pl"\nlocale = ["pl", "en"]\n', encoding="utf-8")
    result = cli(project, "status")
    assert result.exit_code == 2
    assert "locpipe.toml:2: unknown key 'locale'; did you mean 'locales'? known keys: " \
           "articles, base_url," in result.output
    assert ", mt, " in result.output  # the engines' tables are known keys too
    config.write_text('locales = ["pl", "en"]\n[publish]\nmin_coverag = 50\n', encoding="utf-8")
    result = cli(project, "status")
    assert "unknown key 'publish.min_coverag'; did you mean 'publish.min_coverage'? known " \
           "keys: min_coverage, outdated, policy, required, show_machine" in result.output
    config.write_text('locales = ["pl", "en"]\nzzz = 1\n', encoding="utf-8")
    assert "unknown key 'zzz'; known keys: " in cli(project, "status").output


def test_an_unescaped_quote_in_a_translation_says_what_to_write(project: Path, cli: Cli,
                                                                 ) -> None:
    _built(project, cli)
    path = project / EN
    path.write_text(path.read_text(encoding="utf-8").replace(
        'msgid "Kot"\nmsgstr ""', 'msgid "Kot"\nmsgstr "The "cat" here"', 1), encoding="utf-8")
    result = cli(project, "check")
    assert result.exit_code == 2
    line = path.read_text(encoding="utf-8").split("\n").index('msgstr "The "cat" here"') + 1
    assert (f'{EN}:{line}: PO syntax error: a \'"\' inside the string ends it: write it as \\" '
            '(msgstr "The \\"cat\\" here"); fix this line') in result.output


NOTES = """---
title: Przypisy i zadania
---

Tekst z przypisem[^1] i drugim[^uwaga], a potem znowu z pierwszym[^1].

- [ ] do zrobienia
- [x] zrobione
- zwykły punkt

Akapit po liście.

[^1]: Pierwszy przypis.
[^uwaga]: Drugi przypis, z *wyróżnieniem*.
"""


def test_footnotes_and_task_lists_read_as_readers_expect(tmp_path: Path, cli: Cli) -> None:
    import os

    from browser import Browser, serve

    (tmp_path / "content").mkdir()
    (tmp_path / "content/notes.md").write_text(NOTES, encoding="utf-8")
    (tmp_path / "locpipe.toml").write_text('locales = ["pl", "en"]\n', encoding="utf-8")
    assert cli(tmp_path, "build").exit_code == 0
    html = (tmp_path / "build/pl/notes.html").read_text(encoding="utf-8")
    assert html.count('class="footnote-backref"') == 3  # the first note is referred to twice
    assert 'id="fnref-1-2"' in html and 'href="#fnref-1-2"' in html
    assert html.index("Akapit po liście.") < html.index('<section class="footnotes"')
    if os.environ.get("LOCPIPE_SKIP_BROWSER"):
        pytest.skip("LOCPIPE_SKIP_BROWSER is set")
    artifacts = Path(os.environ.get("LOCPIPE_ARTIFACTS") or Path(__file__).parent / "artifacts")
    with Browser() as browser, serve(tmp_path / "build") as base:
        page = browser.new_page()
        page.goto(f"{base}pl/notes.html")
        page.screenshot(artifacts / "footnotes-and-tasks-pl.png")
        notes = "document.querySelector('section.footnotes')"
        assert page.evaluate(f"getComputedStyle({notes}).borderTopStyle") == "solid"
        assert page.evaluate(f"[...{notes}.querySelectorAll('li')].map(li => "
                             "li.firstElementChild.firstChild.textContent.trim())") == [
            "Pierwszy przypis.", "Drugi przypis, z"]
        # Every reference leads to its note and every back-link to a reference.
        assert page.evaluate("[...document.querySelectorAll('sup.footnote-ref a, "
                             "a.footnote-backref')].every(a => document.getElementById("
                             "a.hash.slice(1)) !== null)")
        page.evaluate("document.querySelector('sup.footnote-ref a').click()")
        assert page.evaluate("location.hash") == "#fn-1"
        page.evaluate("document.querySelector('#fn-1 a.footnote-backref').click()")
        assert page.evaluate("location.hash") == "#fnref-1"
        # A task item shows its box and no bullet; a plain item keeps its bullet.
        items = "[...document.querySelectorAll('article li:not(section li)')]"
        assert page.evaluate(f"{items}.map(li => [getComputedStyle(li).listStyleType, "
                             "li.querySelector('input[type=checkbox]') !== null])") == [
            ["none", True], ["none", True], ["disc", False]]
        assert page.problems == []
