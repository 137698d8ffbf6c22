"""A project's everyday lifecycle through the real CLI: every kind of unit through every
command, the project found from any folder, articles added, renamed and deleted."""

from __future__ import annotations

import posixpath
import re
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import unquote

import polib
import pytest
from click.testing import CliRunner, Result
from support import Cli, snapshot

from locpipe import segment
from locpipe.cli import main
from locpipe.config import REQUIRED_KINDS
from locpipe.model import UnitKind

# One article with a unit of every kind; the test below proves it stays so.
EVERY_KIND = """\
---
title: Każdy rodzaj
---

# Nagłówek

Akapit z przypisem[^1] i [odnośnikiem][foo].

- Punkt listy

> Cytat w bloku.

| Nazwa | Opis |
|-------|------|
| Kot   | Zwierzę |

![Kot na klawiaturze](kot.png)

[^1]: Treść przypisu.

[foo]: https://example.org/ "Tytuł odnośnika"
"""


def test_the_every_kind_article_has_a_unit_of_every_kind() -> None:
    article = segment.parse_article(EVERY_KIND, name="every", path="content/every.md",
                                    default_lang="pl", front_matter_keys=("title",))
    assert {unit.kind for unit in article.units} == set(UnitKind)


def test_every_kind_has_a_name_that_required_accepts() -> None:
    named = [kind for kind in UnitKind if kind is not UnitKind.FRONT_MATTER]
    assert sorted(REQUIRED_KINDS) == sorted(kind.selector for kind in named)
    assert len({kind.comment for kind in UnitKind}) == len(UnitKind)


@pytest.mark.parametrize("translated", [False, True], ids=["untranslated", "translated"])
def test_every_kind_goes_through_build_check_and_report(
    tmp_path: Path, cli: Cli, translated: bool
) -> None:
    root = tmp_path / "p"
    (root / "content").mkdir(parents=True)
    required = ", ".join(f'"{name}"' for name in ("title", *REQUIRED_KINDS))
    (root / "locpipe.toml").write_text(
        f'source_locale = "pl"\nlocales = ["pl", "en"]\nrequired = [{required}]\n'
        f'[publish]\nrequired = [{required}]\npolicy = "skip"\n', encoding="utf-8")
    (root / "content/every.md").write_text(EVERY_KIND, encoding="utf-8")
    first = cli(root, "build")
    assert first.exit_code == 0, first.output
    po_path = root / "locales/en/LC_MESSAGES/every.po"
    if translated:
        po = polib.pofile(str(po_path))
        for entry in po:
            entry.msgstr = f"EN {entry.msgid}" if entry.msgid != "Kot" else "Cat"
        po.save()
        assert cli(root, "build").exit_code == 0
        page = (root / "build/en/every.html").read_text(encoding="utf-8")
        assert 'title="EN Tytuł odnośnika"' in page
        assert "EN Treść przypisu." in page
    else:
        assert "skipped every [en]" in first.output
        assert "link-title" in first.output
    check = cli(root, "check")
    assert check.exit_code == (0 if translated else 1), check.output
    if not translated:
        assert "required link-title is untranslated" in check.output
    report = cli(root, "report")
    assert report.exit_code == check.exit_code, report.output  # report exits as check does
    assert (root / "build/report/index.html").is_file()


# --- the project is found from any of its folders, and only there ---------------------------


@pytest.fixture
def run_in(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run the real CLI from a folder, without ``-C``, as a user in a terminal would."""
    monkeypatch.delenv("LOCPIPE_PROJECT", raising=False)

    def invoke(folder: Path, *args: str, env: dict[str, str] | None = None) -> Result:
        monkeypatch.chdir(folder)
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.mark.parametrize("command", ["build", "check", "status", "extract", "update",
                                     "render", "compile", "report", "prune", "pseudo"])
def test_no_project_is_an_error_that_creates_nothing(
    tmp_path: Path, run_in: Callable[..., Result], command: str
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_in(empty, command)
    assert result.exit_code == 2, result.output
    assert f"no locpipe project found: looked for locpipe.toml, or pyproject.toml with " \
        f"[tool.locpipe], in {empty.resolve().as_posix()} and every folder above it; run " \
        f"'locpipe init'" in result.output  # fmt: skip
    assert "-C DIR" in result.output
    assert snapshot(tmp_path) == {} and list(empty.iterdir()) == []


def test_a_named_folder_that_is_missing_or_no_project_is_an_error(
    tmp_path: Path, run_in: Callable[..., Result]
) -> None:
    missing = tmp_path / "missing"
    for args, env in (((("-C", str(missing), "build")), None),
                      (("build",), {"LOCPIPE_PROJECT": str(missing)}),
                      (("-C", str(missing), "init"), None)):
        result = run_in(tmp_path, *args, env=env)
        assert result.exit_code == 2, result.output
        assert f"the project folder {missing.as_posix()} does not exist" in result.output
        assert not missing.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    for args, env in ((("-C", str(empty), "check"), None),
                      (("build",), {"LOCPIPE_PROJECT": str(empty)})):
        result = run_in(tmp_path, *args, env=env)
        assert result.exit_code == 2 and "no locpipe project found" in result.output
        assert "start a project there" in result.output
    assert list(empty.iterdir()) == []


def test_a_subfolder_finds_its_project(
    project: Path, run_in: Callable[..., Result]
) -> None:
    # A pyproject.toml without [tool.locpipe] on the way up is not a project.
    (project / "content" / "pyproject.toml").write_text("[tool.other]\nx = 1\n")
    result = run_in(project / "content", "build")
    assert result.exit_code == 0, result.output
    assert (project / "build/pl/sample.html").is_file()
    assert (project / "locales/en/LC_MESSAGES/sample.po").is_file()
    assert sorted(p.name for p in (project / "content").iterdir()) == [
        "kot.png", "pyproject.toml", "sample.md"]
    status = run_in(project / "content", "status")
    assert status.exit_code == 0 and "sample [en]" in status.output
    # -C names a folder to start in, as git's does.
    assert run_in(project.parent, "-C", "project/content", "status").exit_code == 0


def test_pyproject_with_a_locpipe_table_is_a_project(
    tmp_path: Path, run_in: Callable[..., Result]
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.locpipe]\nlocales = ["pl", "en"]\n')
    (tmp_path / "content/blog").mkdir(parents=True)
    (tmp_path / "content/blog/a.md").write_text("# Tytuł\n")
    result = run_in(tmp_path / "content/blog", "build")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "locales/templates/blog/a.pot").is_file()


def test_init_refuses_inside_a_project(project: Path, run_in: Callable[..., Result]) -> None:
    before = snapshot(project)
    result = run_in(project / "content", "init")
    assert result.exit_code == 2
    assert f"{(project / 'content').resolve().as_posix()} is inside the locpipe project at " \
        f"{project.resolve().as_posix()}" in result.output  # fmt: skip
    assert snapshot(project) == before


def test_check_on_given_catalogues_needs_no_project(
    tmp_path: Path, run_in: Callable[..., Result]
) -> None:
    po = tmp_path / "fr.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                  '"Language: fr\\n"\n\nmsgid "A [link](https://a.org)."\n'
                  'msgstr "Un [lien](https://b.org)."\n', encoding="utf-8")
    result = run_in(tmp_path, "check", "fr.po")
    assert result.exit_code == 1, result.output
    assert "markdown-links" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fr.po"]


# --- locale codes: one spelling per locale ---------------------------------------------------


def test_en_gb_and_en_underscore_gb_are_one_locale(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "locpipe.toml").write_text(
        'source_locale = "pl"\nlocales = ["pl", "en-GB"]\nmin_coverage = { en-GB = 0 }\n'
        '[publish]\npolicy = "fallback"\n')
    (tmp_path / "content/a.md").write_text("---\ntitle: Tytuł\n---\n\nAkapit.\n")
    result = cli(tmp_path, "build")
    assert result.exit_code == 0, result.output
    po = tmp_path / "locales/en_GB/LC_MESSAGES/a.po"
    assert polib.pofile(str(po)).metadata["Language"] == "en_GB"
    folders = sorted(p.name for p in (tmp_path / "locales").iterdir() if p.is_dir())
    assert folders == ["en_GB", "templates"]
    page = (tmp_path / "build/en_GB/a.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in page and 'hreflang="en-GB"' in page
    assert "\nlang: en-GB\n" in (tmp_path / "build/en_GB/a.md").read_text(encoding="utf-8")
    assert 'hreflang="en-GB"' in (tmp_path / "build/index.html").read_text(encoding="utf-8")
    # The other spelling in the configuration names the same files: nothing changes.
    (tmp_path / "locpipe.toml").write_text('source_locale = "pl"\nlocales = ["pl", "en_GB"]\n'
                                           '[publish]\npolicy = "fallback"\n')
    again = cli(tmp_path, "build")
    assert again.exit_code == 0 and "created" not in again.output, again.output
    assert "updated" not in again.output


@pytest.mark.parametrize(("locales", "message"), [
    ('["pl", "EN"]', "locpipe.toml:2: unknown locale code 'EN': did you mean 'en'?"),
    ('["pl", "eng"]', "locpipe.toml:2: unknown locale code 'eng': did you mean 'en'?"),
    ('["pl", "en_gb"]', "locpipe.toml:2: unknown locale code 'en_gb': did you mean 'en_GB'?"),
    ('["pl", "EN-gb"]', "locpipe.toml:2: unknown locale code 'EN-gb': did you mean 'en-GB'?"),
    ('["pl", "iw"]', "locpipe.toml:2: unknown locale code 'iw': did you mean 'he'?"),
    ('["pl", "en_GB", "en-GB"]',
     "locpipe.toml:2: 'locales' names en_GB twice ('en_GB' and 'en-GB'); keep one of them"),
])
def test_a_locale_known_only_as_an_alias_or_in_another_case_is_an_error(
    tmp_path: Path, cli: Cli, locales: str, message: str
) -> None:
    (tmp_path / "locpipe.toml").write_text(f'source_locale = "pl"\nlocales = {locales}\n')
    result = cli(tmp_path, "build")
    assert result.exit_code == 2
    assert message in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["locpipe.toml"]


def test_an_article_lang_is_read_in_either_spelling(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "locpipe.toml").write_text('source_locale = "pl"\nlocales = ["pl", "en_GB"]\n'
                                           '[publish]\npolicy = "fallback"\n')
    (tmp_path / "content/a.md").write_text("---\ntitle: Colour\nlang: en-GB\n---\n\nText.\n")
    (tmp_path / "content/b.md").write_text("---\ntitle: Colour\nlang: EN\n---\n\nText.\n")
    result = cli(tmp_path, "build")
    assert result.exit_code == 2
    assert "unknown locale code 'EN': did you mean 'en'?" in result.output
    assert (tmp_path / "locales/pl/LC_MESSAGES/a.po").is_file()
    assert not (tmp_path / "locales/en_GB/LC_MESSAGES/a.po").exists()


def test_lang_attributes_in_bcp_47_or_unknown_to_babel_do_not_stop_the_build(
    tmp_path: Path, cli: Cli
) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "locpipe.toml").write_text('source_locale = "pl"\nlocales = ["pl", "en"]\n')
    (tmp_path / "content/a.md").write_text(
        '# T\n\nA <span lang="de-AT">w Wien</span> i <span lang="zz">w x</span> w domu.\n')
    result = cli(tmp_path, "build")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "build/pl/a.html").read_text(encoding="utf-8")
    # Polish rules where the text is Polish, none inside the other languages.
    assert '<span lang="de-AT">w Wien</span> i&nbsp;<span lang="zz">w x</span> w&nbsp;domu' \
        in page


# --- deleting an article ---------------------------------------------------------------------


def two_articles(root: Path, *, layout: str = "locale-dir") -> None:
    (root / "content").mkdir(parents=True)
    (root / "locpipe.toml").write_text(
        f'source_locale = "pl"\nlocales = ["pl", "en"]\noutput_layout = "{layout}"\n'
        '[publish]\npolicy = "fallback"\n')  # pages of every language, translated or not
    (root / "content/a.md").write_text("---\ntitle: Pierwszy\n---\n\nAkapit pierwszy.\n")
    (root / "content/b.md").write_text("---\ntitle: Drugi\n---\n\nAkapit drugi.\n")


def translate_all(root: Path, name: str, locale: str = "en") -> None:
    path = root / f"locales/{locale}/LC_MESSAGES/{name}.po"
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = f"EN {entry.msgid}"
    po.save()


@pytest.mark.parametrize("layout", ["locale-dir", "suffix"])
def test_deleting_an_article_removes_only_the_outputs_locpipe_wrote_for_it(
    tmp_path: Path, cli: Cli, layout: str
) -> None:
    two_articles(tmp_path, layout=layout)
    assert cli(tmp_path, "build").exit_code == 0
    build = tmp_path / "build"
    pages = {"locale-dir": ["pl/b.md", "pl/b.html", "en/b.md", "en/b.html"],
             "suffix": ["b.pl.md", "b.pl.html", "b.en.md", "b.en.html"]}[layout]
    indexes = {"locale-dir": ["pl/index.html", "en/index.html"],
               "suffix": ["index.pl.html", "index.en.html"]}[layout]
    assert all((build / page).is_file() for page in pages)
    assert all("Drugi" in (build / index).read_text() for index in indexes)
    (build / "notes.html").write_text("a person's file")
    (build / "pl" / "mine.md").parent.mkdir(exist_ok=True)
    (build / "pl" / "mine.md").write_text("a person's file")

    (tmp_path / "content/b.md").unlink()
    result = cli(tmp_path, "build")
    assert result.exit_code == 0, result.output
    for page in pages:
        assert f"removed build/{page}" in result.output
        assert not (build / page).exists()
    assert all("Drugi" not in (build / index).read_text() for index in indexes)
    assert (build / "notes.html").read_text() == "a person's file"
    assert (build / "pl/mine.md").read_text() == "a person's file"
    assert (build / "pl/a.html").is_file() or (build / "a.pl.html").is_file()
    again = cli(tmp_path, "render")
    assert again.exit_code == 0 and "removed" not in again.output


def test_an_output_a_person_changed_is_not_removed(tmp_path: Path, cli: Cli) -> None:
    two_articles(tmp_path)
    assert cli(tmp_path, "build").exit_code == 0
    (tmp_path / "build/en/b.md").write_text("edited by hand\n")
    (tmp_path / "content/b.md").unlink()
    result = cli(tmp_path, "render")
    assert result.exit_code == 0
    assert "build/en/b.md: not removed, though locpipe no longer writes it: it changed " \
        "since locpipe wrote it" in result.output  # fmt: skip
    assert (tmp_path / "build/en/b.md").read_text() == "edited by hand\n"
    assert not (tmp_path / "build/en/b.html").exists()


def test_a_run_that_met_an_error_removes_no_output(tmp_path: Path, cli: Cli) -> None:
    two_articles(tmp_path)
    assert cli(tmp_path, "build").exit_code == 0
    (tmp_path / "content/b.md").unlink()
    (tmp_path / "content/c.md").write_bytes(b"\xff\xfe broken")
    result = cli(tmp_path, "build")
    assert result.exit_code == 2
    assert (tmp_path / "build/en/b.html").is_file()
    (tmp_path / "content/c.md").unlink()
    result = cli(tmp_path, "build")
    assert result.exit_code == 0 and "removed build/en/b.html" in result.output


def test_a_deleted_articles_catalogues_are_orphans_until_pruned(tmp_path: Path, cli: Cli) -> None:
    two_articles(tmp_path)
    assert cli(tmp_path, "build").exit_code == 0
    translate_all(tmp_path, "a")
    assert cli(tmp_path, "build").exit_code == 0
    (tmp_path / "content/b.md").unlink()

    build = cli(tmp_path, "build")
    assert build.exit_code == 0
    assert "orphaned locales/templates/b.pot" in build.output
    assert "content/b.md: 2 file(s) of this article are left (orphaned)" in build.output
    kept = snapshot(tmp_path / "locales")
    assert "templates/b.pot" in kept and "en/LC_MESSAGES/b.po" in kept

    why = ("its article content/b.md does not exist; if it was renamed or moved, 'locpipe "
           "build' fills the new article's catalogues from this one, then run 'locpipe prune "
           "--orphans' to remove the files left behind")
    status = cli(tmp_path, "status")
    assert status.exit_code == 0
    assert f"locales/en/LC_MESSAGES/b.po: orphaned: {why}" in status.output
    assert "b [en]" not in status.output and "a [en]" in status.output
    check = cli(tmp_path, "check")
    assert check.exit_code == 1
    assert f"locales/en/LC_MESSAGES/b.po: error orphaned: {why}" in check.output
    assert f"locales/templates/b.pot: error orphaned: {why}" in check.output
    assert "1 catalogue(s)" in check.output
    report = cli(tmp_path, "report")
    assert report.exit_code == 1  # as check's
    assert "its article content/b.md does not exist" in (
        tmp_path / "build/report/index.html").read_text(encoding="utf-8")
    extract = cli(tmp_path, "extract", "--check")
    assert extract.exit_code == 1 and "orphaned locales/templates/b.pot" in extract.output
    assert cli(tmp_path, "extract").exit_code == 0
    update = cli(tmp_path, "update", "--check")
    assert update.exit_code == 1 and "orphaned locales/en/LC_MESSAGES/b.po" in update.output
    assert snapshot(tmp_path / "locales") == kept

    dry = cli(tmp_path, "prune", "--orphans", "--dry-run")
    assert dry.exit_code == 0
    assert dry.output.splitlines() == [
        "would remove locales/templates/b.pot", "would remove locales/en/LC_MESSAGES/b.po",
        "would remove locales/en/LC_MESSAGES/b.mo"]
    assert snapshot(tmp_path / "locales") == kept
    assert cli(tmp_path, "prune", "--orphans", "--check").exit_code == 1
    pruned = cli(tmp_path, "prune", "--orphans")
    assert pruned.exit_code == 0 and "removed locales/en/LC_MESSAGES/b.mo" in pruned.output
    assert {name for name in kept if "b." not in name} == set(snapshot(tmp_path / "locales"))
    assert cli(tmp_path, "check", "--min-coverage", "100").exit_code == 0
    assert cli(tmp_path, "extract", "--check").exit_code == 0
    assert cli(tmp_path, "update", "--check").exit_code == 0
    assert cli(tmp_path, "prune", "--orphans", "--check").exit_code == 0


# --- renaming or moving an article -----------------------------------------------------------

ARTICLE = """\
---
title: Pierwszy
description: Opis artykułu.
---

# Nagłówek

Akapit wspólny.

- punkt
- punkt drugi
"""


def test_a_moved_article_keeps_every_translation_and_its_old_files_are_orphans(
    tmp_path: Path, cli: Cli
) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "locpipe.toml").write_text('source_locale = "pl"\nlocales = ["pl", "en"]\n')
    (tmp_path / "content/a.md").write_text(ARTICLE)
    # Another article translates the shared paragraph otherwise: the memory alone would
    # only suggest (fuzzy) a translation for it.
    (tmp_path / "content/c.md").write_text("---\ntitle: Drugi\n---\n\nAkapit wspólny.\n")
    assert cli(tmp_path, "build").exit_code == 0
    old_po = tmp_path / "locales/en/LC_MESSAGES/a.po"
    po = polib.pofile(str(old_po))
    po.metadata["Last-Translator"] = "Anna <anna@example.org>"
    for entry in po:
        entry.msgstr = f"EN {entry.msgid}"
    po.find("punkt").tcomment = "keep it short"
    po.save()
    other = polib.pofile(str(tmp_path / "locales/en/LC_MESSAGES/c.po"))
    for entry in other:
        entry.msgstr = "Shared paragraph." if entry.msgid == "Akapit wspólny." else "Second"
    other.save()
    assert cli(tmp_path, "build").exit_code == 0
    translations = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(old_po))}

    (tmp_path / "content/blog").mkdir()
    (tmp_path / "content/a.md").rename(tmp_path / "content/blog/b.md")  # git mv
    result = cli(tmp_path, "build")
    assert result.exit_code == 0, result.output
    assert "created locales/en/LC_MESSAGES/blog/b.po (kept 6)" in result.output
    new = polib.pofile(str(tmp_path / "locales/en/LC_MESSAGES/blog/b.po"))
    assert {(e.msgctxt, e.msgid): e.msgstr for e in new} == translations
    assert not [e for e in new if e.fuzzy or e.obsolete]
    assert new.find("punkt").tcomment == "keep it short"
    assert new.metadata["Last-Translator"] == "Anna <anna@example.org>"
    assert new.metadata["Project-Id-Version"] == "blog/b"
    assert next(o for e in new for o in e.occurrences) == ("content/blog/b.md", "2")
    page = (tmp_path / "build/en/blog/b.html").read_text(encoding="utf-8")
    assert "EN Akapit wspólny." in page
    assert not (tmp_path / "build/en/a.html").exists()
    assert "orphaned locales/en/LC_MESSAGES/a.po" in result.output
    assert cli(tmp_path, "check", "--min-coverage", "100").exit_code == 1  # the orphans

    assert cli(tmp_path, "prune", "--orphans").exit_code == 0
    gate = cli(tmp_path, "check", "--min-coverage", "100")
    assert gate.exit_code == 0, gate.output
    assert "2 catalogue(s): 8/8 entries translated (100%)" in gate.output
    assert not (tmp_path / "locales/en/LC_MESSAGES/a.mo").exists()


def test_a_new_article_does_not_take_an_unrelated_orphans_catalogue(
    tmp_path: Path, cli: Cli
) -> None:
    two_articles(tmp_path)
    assert cli(tmp_path, "build").exit_code == 0
    translate_all(tmp_path, "b")
    (tmp_path / "content/b.md").unlink()
    (tmp_path / "content/d.md").write_text("---\ntitle: Drugi\n---\n\nCoś zupełnie innego.\n"
                                           "\nI jeszcze coś.\n\nI trzeci akapit.\n")
    result = cli(tmp_path, "build")
    assert result.exit_code == 0
    new = polib.pofile(str(tmp_path / "locales/en/LC_MESSAGES/d.po"))
    # Only the title is the same: the memory reuses it, nothing else comes from b.
    assert [e.msgid for e in new if e.translated()] == ["Drugi"]
    assert not [e for e in new if e.obsolete]


# --- a new project ---------------------------------------------------------------------------


def test_init_ignores_what_locpipe_generates_and_says_what_next(
    tmp_path: Path, run_in: Callable[..., Result]
) -> None:
    result = run_in(tmp_path, "init", "--locale", "en-GB")
    assert result.exit_code == 0, result.output
    assert 'locales = ["pl", "en_GB"]' in (tmp_path / "locpipe.toml").read_text()
    assert "created .gitignore" in result.output
    assert "next:" in result.output and "locpipe build" in result.output
    assert "locpipe check" in result.output
    ignored = (tmp_path / ".gitignore").read_text().splitlines()
    assert {"/build/", "/.locpipe-cache/", "/locales/.locpipe.lock", "*.mo"} <= set(ignored)

    # What it ignores is what a build writes: git sees only the project's own files.
    (tmp_path / "content/a.md").write_text("# Tytuł\n\nAkapit.\n")
    assert run_in(tmp_path, "build").exit_code == 0
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    listed = subprocess.run(["git", "-C", str(tmp_path), "status", "--porcelain",
                             "--untracked-files=all"], capture_output=True, text=True,
                            check=True).stdout.split()
    assert sorted(p for p in listed if p != "??") == [
        ".gitignore", "content/a.md", "locales/en_GB/LC_MESSAGES/a.po",
        "locales/templates/a.pot", "locpipe.toml"]


def test_init_extends_an_existing_gitignore(tmp_path: Path, run_in: Callable[..., Result]
                                            ) -> None:
    (tmp_path / ".gitignore").write_text("node_modules/\n*.mo")
    result = run_in(tmp_path, "init")
    assert result.exit_code == 0 and "updated .gitignore" in result.output
    assert (tmp_path / ".gitignore").read_text() == (
        "node_modules/\n*.mo\n\n# generated by locpipe\n/build/\n/.locpipe-cache/\n"
        "/locales/.locpipe.lock\n")


def test_a_project_without_articles_says_so(tmp_path: Path, run_in: Callable[..., Result]
                                            ) -> None:
    assert run_in(tmp_path, "init").exit_code == 0
    why = ("content: no articles yet: put Markdown files (<name>.md) in content/, or set "
           "content_dir in locpipe.toml if they are elsewhere")
    build = run_in(tmp_path, "build")
    assert build.exit_code == 0 and why in build.output
    check = run_in(tmp_path, "check")
    assert check.exit_code == 0
    assert why.replace("content: ", "content: warning no-articles: ") in check.output
    assert run_in(tmp_path, "check", "--strict").exit_code == 1
    assert why.replace("content: ", "content: no-articles: ") in run_in(tmp_path, "status").output


# --- links between articles ------------------------------------------------------------------

LINKING = """\
---
title: Pierwszy
---

# Pierwszy artykuł

Zobacz [drugi](blog/b.md), [jego część](./blog/b.md#ważna-nowa-rzecz) i [stronę](https://example.org/x.md).

## Część pierwsza
"""

LINKED = """\
---
title: Drugi
---

Wróć do [pierwszego](../a.md#część-pierwsza) albo [tu](b.md).

## Ważna, nowa rzecz

Tekst.
"""


def linked_project(root: Path, layout: str) -> None:
    (root / "content/blog").mkdir(parents=True)
    (root / "locpipe.toml").write_text(
        f'source_locale = "pl"\nlocales = ["pl", "en"]\noutput_layout = "{layout}"\n')
    (root / "content/a.md").write_text(LINKING)
    (root / "content/blog/b.md").write_text(LINKED)


def english(root: Path, cli: Cli, names: Mapping[str, str]) -> None:
    assert cli(root, "build").exit_code == 0
    for name in ("a", "blog/b"):
        po_path = root / f"locales/en/LC_MESSAGES/{name}.po"
        po = polib.pofile(str(po_path))
        for entry in po:
            entry.msgstr = names.get(entry.msgid, entry.msgid)
        po.save()
    result = cli(root, "build")
    assert result.exit_code == 0, result.output


TRANSLATED = {
    "Pierwszy": "First", "Drugi": "Second", "Pierwszy artykuł": "First article",
    "Część pierwsza": "Part one", "Ważna, nowa rzecz": "An important new thing",
    "Tekst.": "Text.",
    "Zobacz [drugi](blog/b.md), [jego część](./blog/b.md#ważna-nowa-rzecz) i [stronę]"
    "(https://example.org/x.md).":
    "See [the second](blog/b.md), [its part](./blog/b.md#ważna-nowa-rzecz) and [a page]"
    "(https://example.org/x.md).",
    "Wróć do [pierwszego](../a.md#część-pierwsza) albo [tu](b.md).":
    "Back to [the first](../a.md#część-pierwsza) or [here](b.md).",
}


@pytest.mark.parametrize(("layout", "pages"), [
    ("locale-dir", {"a": "{loc}/a.html", "blog/b": "{loc}/blog/b.html"}),
    ("suffix", {"a": "a.{loc}.html", "blog/b": "blog/b.{loc}.html"}),
])
def test_links_between_articles_lead_to_the_page_in_the_same_language(
    tmp_path: Path, cli: Cli, layout: str, pages: Mapping[str, str]
) -> None:
    linked_project(tmp_path, layout)
    english(tmp_path, cli, TRANSLATED)
    build = tmp_path / "build"
    for loc in ("pl", "en"):
        a = (build / pages["a"].format(loc=loc)).read_text(encoding="utf-8")
        b = (build / pages["blog/b"].format(loc=loc)).read_text(encoding="utf-8")
        hrefs = re.findall(r'<a href="([^"]*)">', a + b)
        inter = [h for h in hrefs if not h.startswith("https:")]
        assert len(inter) == 4, hrefs
        assert "https://example.org/x.md" in hrefs
        here = {"a": pages["a"].format(loc=loc), "blog/b": pages["blog/b"].format(loc=loc)}
        for page, text in (("a", a), ("blog/b", b)):
            for href in re.findall(r'<a href="([^"#]*\.html)(?:#([^"]*))?">', text):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(here[page]),
                                                           href[0]))
                assert target in here.values(), (page, href)  # a page, same language
                if href[1]:
                    page_text = (build / target).read_text(encoding="utf-8")
                    assert f'id="{unquote(href[1])}"' in page_text, href
        # The anchors are the source headings' in every language.
        assert '<h2 id="ważna-nowa-rzecz">' in b and '<h2 id="część-pierwsza">' in a
    assert "An important new thing</h2>" in (
        build / pages["blog/b"].format(loc="en")).read_text(encoding="utf-8")


def test_translated_headings_keep_their_anchor_in_the_markdown(tmp_path: Path,
                                                               cli: Cli) -> None:
    linked_project(tmp_path, "locale-dir")
    english(tmp_path, cli, {**TRANSLATED, "Część pierwsza": "Część pierwsza"})
    a = (tmp_path / "build/en/a.md").read_text(encoding="utf-8")
    b = (tmp_path / "build/en/blog/b.md").read_text(encoding="utf-8")
    assert "\n## An important new thing {#ważna-nowa-rzecz}\n" in b
    assert "\n## Część pierwsza\n" in a  # its slug is the anchor already
    assert "[the second](blog/b.md)" in a  # the Markdown file of the same language
    assert (tmp_path / "build/en/blog/b.md").is_file()


def test_check_reports_a_link_to_an_article_that_does_not_exist(tmp_path: Path,
                                                                cli: Cli) -> None:
    linked_project(tmp_path, "locale-dir")
    (tmp_path / "content/c.md").write_text("# C\n\nZobacz\n[to](blog/nie-ma.md#x) i [a](a.md).\n")
    assert cli(tmp_path, "build").exit_code == 0
    result = cli(tmp_path, "check")
    assert result.exit_code == 1
    assert ("content/c.md:4: error article-links: the link to blog/nie-ma.md#x leads to "
            "content/blog/nie-ma.md, which does not exist: correct the path (relative to "
            "this article) or restore the article") in result.output
    assert result.output.count("article-links") == 1


# --- README "Everyday tasks" -----------------------------------------------------------------


def test_everyday_add_a_language(tmp_path: Path, cli: Cli) -> None:
    two_articles(tmp_path)
    assert cli(tmp_path, "build").exit_code == 0
    translate_all(tmp_path, "a")
    assert cli(tmp_path, "build").exit_code == 0
    before = snapshot(tmp_path / "locales/en")
    (tmp_path / "locpipe.toml").write_text(
        (tmp_path / "locpipe.toml").read_text().replace('["pl", "en"]', '["pl", "en", "de"]'))
    result = cli(tmp_path, "build")
    assert result.exit_code == 0, result.output
    for name in ("a", "b"):
        po = polib.pofile(str(tmp_path / f"locales/de/LC_MESSAGES/{name}.po"))
        assert po.metadata["Language"] == "de"
        assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
        assert po.percent_translated() == 0
        assert (tmp_path / f"build/de/{name}.html").is_file()
    assert snapshot(tmp_path / "locales/en") == before  # the other languages untouched
    assert 'hreflang="de"' in (tmp_path / "build/en/a.html").read_text(encoding="utf-8")
    check = cli(tmp_path, "check", "--min-coverage", "100")
    assert check.exit_code == 1
    assert "locales/de/LC_MESSAGES/a.po: error coverage" in check.output
    assert "locales/en/LC_MESSAGES/a.po: error coverage" not in check.output


def test_everyday_tasks_in_the_readme_are_the_ones_tested() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Everyday tasks"):readme.index("## Configuration")]
    assert "git mv content/a.md content/blog/b.md" in section  # the move test above
    assert "locpipe prune --orphans --dry-run" in section
    assert "cp -r docs/hugo/layouts/_default/_markup" in section  # tests/test_hugo.py
    hooks = Path(__file__).resolve().parent.parent / "docs/hugo/layouts/_default/_markup"
    assert sorted(p.name for p in hooks.iterdir()) == ["render-image.html", "render-link.html"]
