"""A project's everyday lifecycle through the real CLI: every kind of unit through every
command, the project found from any folder, articles added, renamed and deleted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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
    assert report.exit_code == 0, report.output
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
    assert (project / "build/en/sample.html").is_file()
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
        'source_locale = "pl"\nlocales = ["pl", "en-GB"]\nmin_coverage = { en-GB = 0 }\n')
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
    (tmp_path / "locpipe.toml").write_text('source_locale = "pl"\nlocales = ["pl", "en_GB"]\n')
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
    (tmp_path / "locpipe.toml").write_text('source_locale = "pl"\nlocales = ["pl", "en_GB"]\n')
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
