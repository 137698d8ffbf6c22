"""The whole pipeline through the real CLI, on the shipped articles and a template project."""

from __future__ import annotations

from pathlib import Path

import polib
from support import Cli, msgfmt_check, snapshot


def test_build_on_shipped_articles_is_complete_and_idempotent(shipped: Path, cli: Cli) -> None:
    before = snapshot(shipped)
    first = cli(shipped, "build")
    assert first.exit_code == 0, first.output
    after_first = snapshot(shipped)
    # The shipped templates and catalogues are up to date: build changes none of them.
    for name, data in before.items():
        assert after_first[name] == data, f"build changed shipped file {name}"
    assert "mentoring [en]" in first.output and "22/22" in first.output

    second = cli(shipped, "build")
    assert second.exit_code == 0, second.output
    assert snapshot(shipped) == after_first
    assert "created" not in second.output and "updated" not in second.output

    for po in shipped.glob("locales/*/LC_MESSAGES/*.po"):
        result = msgfmt_check(po)
        assert result.returncode == 0, result.stderr

    gate = cli(shipped, "check", "--min-coverage", "100")
    assert gate.exit_code == 0, gate.output


def test_build_renders_every_article_in_every_locale(shipped: Path, cli: Cli) -> None:
    assert cli(shipped, "build").exit_code == 0
    for locale in ("pl", "en"):
        for name in ("mentoring", "building-a-mentoring-programme"):
            md = (shipped / "build" / locale / f"{name}.md").read_text(encoding="utf-8")
            assert f"\nlang: {locale}\n" in md
            html = (shipped / "build" / locale / f"{name}.html").read_text(encoding="utf-8")
            assert f'<html lang="{locale}">' in html
    english = (shipped / "build/en/mentoring.md").read_text(encoding="utf-8")
    assert "title: Four benefits of mentoring" in english
    # The two no-break spaces of the source survive translation and rendering.
    assert "\u00a0[Download" in english
    assert english.count("\u00a0") == 2


def test_editing_one_paragraph_keeps_every_other_translation(shipped: Path, cli: Cli) -> None:
    article = shipped / "content" / "mentoring.md"
    text = article.read_text(encoding="utf-8")
    old = "Oto cztery z wielu korzyści płynących z mentoringu:"
    new = "Oto cztery z wielu korzyści, które płyną z mentoringu:"
    article.write_text(text.replace(old, new), encoding="utf-8")
    catalog_path = shipped / "locales/en/LC_MESSAGES/mentoring.po"
    before = {e.msgid: e.msgstr for e in polib.pofile(str(catalog_path))}

    assert cli(shipped, "extract").exit_code == 0
    result = cli(shipped, "update")
    assert result.exit_code == 0, result.output
    assert "fuzzy 1" in result.output

    after = polib.pofile(str(catalog_path))
    edited = after.find(new)
    assert edited is not None and edited.fuzzy
    assert edited.previous_msgid == old
    assert edited.msgstr == before[old]
    for entry in after:
        if entry.msgid != new:
            assert not entry.fuzzy and not entry.obsolete
            assert entry.msgstr == before[entry.msgid]
    assert msgfmt_check(catalog_path).returncode == 0

    gate = cli(shipped, "check", "--min-coverage", "100")
    assert gate.exit_code == 1
    assert "below the threshold" in gate.output


def test_extract_check_reports_stale_templates_without_writing(shipped: Path, cli: Cli) -> None:
    assert cli(shipped, "extract", "--check").exit_code == 0
    article = shipped / "content" / "mentoring.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nNowy akapit.\n", encoding="utf-8")
    before = snapshot(shipped)
    result = cli(shipped, "extract", "--check")
    assert result.exit_code == 1
    assert "would update locales/templates/mentoring.pot" in result.output
    assert snapshot(shipped) == before


def test_update_dry_run_and_check(shipped: Path, cli: Cli) -> None:
    article = shipped / "content" / "mentoring.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nNowy akapit.\n", encoding="utf-8")
    assert cli(shipped, "extract").exit_code == 0
    before = snapshot(shipped)
    dry = cli(shipped, "update", "--dry-run")
    assert dry.exit_code == 0
    assert "would update locales/en/LC_MESSAGES/mentoring.po (new 1, kept 22)" in dry.output
    assert cli(shipped, "update", "--check").exit_code == 1
    assert snapshot(shipped) == before


def test_init_then_full_cycle_on_a_new_project(tmp_path: Path, cli: Cli) -> None:
    root = tmp_path / "new"
    root.mkdir()
    result = cli(root, "init", "--source-locale", "en", "--locale", "pl")
    assert result.exit_code == 0, result.output
    assert 'source_locale = "en"' in (root / "locpipe.toml").read_text()
    assert cli(root, "init").exit_code == 2  # never overwrites a configuration
    (root / "content" / "hello.md").write_text("# Hello\n\nA first paragraph.\n")
    assert cli(root, "build").exit_code == 0
    po = root / "locales/pl/LC_MESSAGES/hello.po"
    catalogue = polib.pofile(str(po))
    assert catalogue.metadata["Language"] == "pl"
    assert catalogue.metadata["Plural-Forms"].startswith("nplurals=3;")
    assert msgfmt_check(po).returncode == 0
    status = cli(root, "status")
    assert status.exit_code == 0 and "hello [pl]" in status.output and "0/2" in status.output
    assert cli(root, "check", "--min-coverage", "50").exit_code == 1
    assert cli(root, "check").exit_code == 0


def test_compile_writes_mo_without_fuzzy_entries(project: Path, cli: Cli) -> None:
    assert cli(project, "extract").exit_code == 0
    assert cli(project, "update").exit_code == 0
    po_path = project / "locales/en/LC_MESSAGES/sample.po"
    po = polib.pofile(str(po_path))
    po.find("Krok pierwszy").msgstr = "Step one"
    fuzzy = po.find("Krok drugi")
    fuzzy.msgstr, fuzzy.flags = "Step two", ["fuzzy"]
    po.save()
    result = cli(project, "compile")
    assert result.exit_code == 0
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    assert {e.msgid: e.msgstr for e in mo if e.msgid} == {"Krok pierwszy": "Step one"}


def test_check_on_a_catalogue_path(project: Path, cli: Cli, tmp_path: Path) -> None:
    po = tmp_path / "other.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "See [docs](https://example.org/docs)."\n'
        'msgstr "Zobacz [dokumentację](https://example.org/dokumentacja)."\n',
        encoding="utf-8",
    )
    result = cli(project, "check", str(po))
    assert result.exit_code == 1
    assert ":5: error markdown-links: link to 'https://example.org/docs'" in result.output


def test_pseudo_writes_accented_catalogue_and_markdown(project: Path, cli: Cli) -> None:
    before = snapshot(project)
    result = cli(project, "pseudo")
    assert result.exit_code == 0, result.output
    md = (project / "build/en_XA/sample.md").read_text(encoding="utf-8")
    assert "lang: en-XA" in md  # BCP 47, as HTML writes it
    assert "[ļîîñkîîéém](https://example.org/a" in md  # link text accented, URL kept
    assert "`pip install locpipe`" in md  # code kept
    po = project / "build/en_XA/sample.po"
    assert msgfmt_check(po).returncode == 0
    entries = [e for e in polib.pofile(str(po)) if e.msgid]
    assert entries and all(e.msgstr and e.msgstr != e.msgid for e in entries)
    after = snapshot(project)
    assert {k: v for k, v in after.items() if not k.startswith("build/")} == before
