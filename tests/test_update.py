"""``locpipe update`` and ``prune`` through the real CLI: reports, memory, dates, headers."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest
from support import Cli, msgfmt_check, snapshot

from locpipe import catalog

MENTORING_EN = "locales/en/LC_MESSAGES/mentoring.po"
PROGRAMME_PL = "locales/pl/LC_MESSAGES/building-a-mentoring-programme.po"
KEPT = ("Nie mógłbym bardziej zgodzić się z autorem Simonem Sinkiem, że „wielcy przywódcy to "
        "ci, którzy uważają się za studentów, niezależnie od swojego statusu”.")
EDITED = ("Oto cztery z wielu korzyści płynących z mentoringu:",
          "Oto cztery z wielu korzyści, jakie płyną z mentoringu:")


def _inodes(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def _add_article(root: Path) -> None:
    """A new article that reuses a paragraph verbatim, one edited, and one of its own."""
    text = "\n\n".join(["# Nowy artykuł", KEPT, EDITED[1], "Całkiem nowy akapit o czymś innym."])
    (root / "content" / "nowy.md").write_text(text + "\n", encoding="utf-8")


def test_update_reuses_translations_of_other_articles(shipped: Path, cli: Cli) -> None:
    _add_article(shipped)
    assert cli(shipped, "extract").exit_code == 0
    result = cli(shipped, "update")
    assert result.exit_code == 0, result.output
    assert "created locales/en/LC_MESSAGES/nowy.po (new 2, reused 2)" in result.output
    assert "3 catalogue(s), 1 changed: new 2, reused 2, kept 65" in result.output
    new = polib.pofile(str(shipped / "locales/en/LC_MESSAGES/nowy.po"))
    source = polib.pofile(str(shipped / MENTORING_EN))
    same = new.find(KEPT)
    assert same.msgstr == source.find(KEPT).msgstr and not same.fuzzy
    near = new.find(EDITED[1])
    assert near.fuzzy and near.previous_msgid == EDITED[0]
    assert near.msgstr == source.find(EDITED[0]).msgstr
    assert msgfmt_check(shipped / "locales/en/LC_MESSAGES/nowy.po").returncode == 0


def test_update_without_memory(shipped: Path, cli: Cli) -> None:
    _add_article(shipped)
    assert cli(shipped, "extract").exit_code == 0
    result = cli(shipped, "update", "--no-memory")
    assert "created locales/en/LC_MESSAGES/nowy.po (new 4)" in result.output
    entries = polib.pofile(str(shipped / "locales/en/LC_MESSAGES/nowy.po"))
    assert all(e.msgstr == "" for e in entries)


def test_paragraph_moved_to_another_article_keeps_its_translation(
    shipped: Path, cli: Cli
) -> None:
    article = shipped / "content" / "mentoring.md"
    article.write_text(article.read_text(encoding="utf-8").replace(KEPT + "\n\n", ""),
                       encoding="utf-8")
    (shipped / "content" / "nowy.md").write_text(f"# Cytat\n\n{KEPT}\n", encoding="utf-8")
    before = polib.pofile(str(shipped / MENTORING_EN)).find(KEPT).msgstr
    assert cli(shipped, "extract").exit_code == 0
    result = cli(shipped, "update")
    assert "updated locales/en/LC_MESSAGES/mentoring.po (obsolete 1, kept 21)" in result.output
    assert "created locales/en/LC_MESSAGES/nowy.po (new 1, reused 1)" in result.output
    moved = polib.pofile(str(shipped / "locales/en/LC_MESSAGES/nowy.po")).find(KEPT)
    assert moved.msgstr == before and not moved.fuzzy
    left = polib.pofile(str(shipped / MENTORING_EN)).find(KEPT, include_obsolete_entries=True)
    assert left.obsolete and left.msgstr == before
    assert "obsolete since 2026-01-01" in left.tcomment


def test_dry_run_reports_without_writing_and_check_fails(shipped: Path, cli: Cli) -> None:
    article = shipped / "content" / "mentoring.md"
    article.write_text(article.read_text(encoding="utf-8").replace(*EDITED), encoding="utf-8")
    assert cli(shipped, "extract").exit_code == 0
    before = snapshot(shipped)
    dry = cli(shipped, "update", "--dry-run")
    assert dry.exit_code == 0
    assert "would update locales/en/LC_MESSAGES/mentoring.po (fuzzy 1, kept 21)" in dry.output
    assert "2 catalogue(s), 1 would change" in dry.output
    check = cli(shipped, "update", "--check")
    assert check.exit_code == 1 and "out of date" in check.output
    assert snapshot(shipped) == before
    assert cli(shipped, "update").exit_code == 0
    assert cli(shipped, "update", "--check").exit_code == 0


def test_update_twice_writes_nothing_the_second_time(shipped: Path, cli: Cli) -> None:
    _add_article(shipped)
    article = shipped / "content" / "mentoring.md"
    article.write_text(article.read_text(encoding="utf-8").replace(*EDITED), encoding="utf-8")
    assert cli(shipped, "extract").exit_code == 0
    assert cli(shipped, "update").exit_code == 0
    files = _inodes(shipped)
    again = cli(shipped, "update")
    assert again.exit_code == 0
    assert "updated" not in again.output and "created" not in again.output
    assert _inodes(shipped) == files


def test_a_catalogue_an_editor_rewrapped_is_left_alone(shipped: Path, cli: Cli) -> None:
    path = shipped / MENTORING_EN
    subprocess.run(["msgcat", "--no-wrap", "-o", str(path), str(path)], check=True)
    rewrapped = path.read_bytes()
    assert rewrapped != (Path(__file__).parent.parent / MENTORING_EN).read_bytes()
    result = cli(shipped, "update")
    assert result.exit_code == 0 and "updated" not in result.output
    assert path.read_bytes() == rewrapped
    assert cli(shipped, "update", "--check").exit_code == 0


def test_header_dates_change_only_with_the_entries(shipped: Path, cli: Cli) -> None:
    path = shipped / MENTORING_EN
    po = polib.pofile(str(path))
    po.metadata["Last-Translator"] = "Anna Nowak <anna@example.org>"
    po.metadata["Language-Team"] = "Zespół EN <en@example.org>"
    po.metadata["X-Generator"] = "Poedit 3.4"
    po.save(str(path))
    template = shipped / "locales/templates/mentoring.pot"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "POT-Creation-Date: 2026-11-26 18:05+0000", "POT-Creation-Date: 2027-01-01 10:00+0000"),
        encoding="utf-8")
    saved = path.read_bytes()
    # A new template date alone (and an editor's X-Generator) are no reason to write.
    assert "updated" not in cli(shipped, "update").output
    assert path.read_bytes() == saved
    article = shipped / "content" / "mentoring.md"
    article.write_text(article.read_text(encoding="utf-8").replace(*EDITED), encoding="utf-8")
    assert cli(shipped, "extract").exit_code == 0
    assert "updated " + MENTORING_EN in cli(shipped, "update").output
    meta = polib.pofile(str(path)).metadata
    template_date = polib.pofile(str(template)).metadata["POT-Creation-Date"]
    assert meta["POT-Creation-Date"] == template_date == "2026-01-01 00:00+0000"
    assert meta["PO-Revision-Date"] == "2026-11-26 18:05+0000"
    assert meta["Last-Translator"] == "Anna Nowak <anna@example.org>"
    assert meta["Language-Team"] == "Zespół EN <en@example.org>"
    assert meta["X-Generator"].startswith("locpipe ")


DJANGO_PL = ("nplurals=4; plural=(n==1 ? 0 : (n%10>=2 && n%10<=4) && (n%100<12 || n%100>14) ? 1 "
             ": n!=1 && (n%10>=0 && n%10<=1) || (n%10>=5 && n%10<=9) || (n%100>=12 && "
             "n%100<=14) ? 2 : 3);")
GNU_PL = "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"


def _set_plural_forms(path: Path, value: str) -> None:
    po = catalog.read_catalog(path, path.name)
    po.metadata["Plural-Forms"] = value
    path.write_text(catalog.dumps(po), encoding="utf-8")


def test_polish_plural_forms_that_agree_with_cldr_are_kept(shipped: Path, cli: Cli) -> None:
    path = shipped / PROGRAMME_PL
    for value in (DJANGO_PL, GNU_PL):
        _set_plural_forms(path, value)
        saved = path.read_bytes()
        result = cli(shipped, "update")
        assert result.exit_code == 0 and "Plural-Forms" not in result.output
        assert path.read_bytes() == saved
        assert polib.pofile(str(path)).metadata["Plural-Forms"] == value


def test_wrong_plural_forms_are_replaced_and_reported(shipped: Path, cli: Cli) -> None:
    path = shipped / PROGRAMME_PL
    _set_plural_forms(path, "nplurals=2; plural=(n != 1);")
    result = cli(shipped, "update")
    assert result.exit_code == 0
    assert (f"{PROGRAMME_PL}:1: Plural-Forms 'nplurals=2; plural=(n != 1);' is wrong for pl: "
            "it picks form 1 for n=0 where CLDR picks form 2") in result.output
    assert polib.pofile(str(path)).metadata["Plural-Forms"].startswith("nplurals=3; plural=n == 1")
    assert msgfmt_check(path).returncode == 0


# -- prune --------------------------------------------------------------------------------


def _with_obsolete(root: Path, policy: str) -> Path:
    (root / "locpipe.toml").write_text(
        f'source_locale = "pl"\nlocales = ["pl", "en"]\nprune = {policy}\n', encoding="utf-8")
    path = root / MENTORING_EN
    with path.open("a", encoding="utf-8") as handle:
        handle.write('\n# obsolete since 2025-11-01\n#~ msgid "Stary"\n#~ msgstr "Old"\n'
                     '\n# obsolete since 2025-12-30\n#~ msgid "Nowszy"\n#~ msgstr "Newer"\n'
                     '\n#~ msgid "Bez daty"\n#~ msgstr "Undated"\n')
    return path


def test_prune_by_age(shipped: Path, cli: Cli) -> None:
    path = _with_obsolete(shipped, "{ days = 30 }")
    before = snapshot(shipped)
    dry = cli(shipped, "prune", "--dry-run")
    assert dry.exit_code == 0
    assert f"would update {MENTORING_EN} (dropped 1, dated 1)" in dry.output
    assert cli(shipped, "prune", "--check").exit_code == 1
    assert snapshot(shipped) == before
    assert cli(shipped, "prune").exit_code == 0
    kept = [(e.msgid, e.tcomment) for e in polib.pofile(str(path)) if e.obsolete]
    assert kept == [("Nowszy", "obsolete since 2025-12-30"),
                    ("Bez daty", "obsolete since 2026-01-01")]
    assert cli(shipped, "prune", "--check").exit_code == 0
    assert msgfmt_check(path).returncode == 0


def test_prune_all_and_keep(shipped: Path, cli: Cli) -> None:
    path = _with_obsolete(shipped, '"keep"')
    result = cli(shipped, "prune")
    assert result.exit_code == 0 and "the prune policy is 'keep'" in result.output
    assert len([e for e in polib.pofile(str(path)) if e.obsolete]) == 3
    assert cli(shipped, "prune", "--days", "1000").exit_code == 0
    assert len([e for e in polib.pofile(str(path)) if e.obsolete]) == 3
    result = cli(shipped, "prune", "--all")
    assert f"updated {MENTORING_EN} (dropped 3)" in result.output
    assert not [e for e in polib.pofile(str(path)) if e.obsolete]


def test_prune_setting_is_validated(shipped: Path, cli: Cli) -> None:
    for bad in ('"sometimes"', "{ days = -1 }", "{ weeks = 2 }", "30"):
        _with_obsolete(shipped, bad)
        result = cli(shipped, "update")
        assert result.exit_code == 2
        assert "locpipe.toml:3: 'prune' must be \"keep\", \"drop\" or { days = N }" in result.output


def test_update_of_a_thousand_unchanged_catalogues_writes_no_file(tmp_path: Path,
                                                                  cli: Cli) -> None:
    root = tmp_path / "big"
    (root / "content").mkdir(parents=True)
    (root / "locpipe.toml").write_text('source_locale = "pl"\nlocales = ["pl", "en"]\n')
    (root / "content" / "a0000.md").write_text(
        "---\ntitle: Artykuł 0000\n---\n\n# Nagłówek 0000\n\nAkapit artykułu 0000, zwyczajny."
        "\n\n- punkt 0000\n- drugi punkt\n", encoding="utf-8")
    assert cli(root, "extract").exit_code == 0
    assert cli(root, "update").exit_code == 0
    pot = root / "locales/templates/a0000.pot"
    po = root / "locales/en/LC_MESSAGES/a0000.po"
    translated = catalog.read_catalog(po, "a0000.po")
    for entry in translated:
        entry.msgstr = f"Done: {entry.msgid}"
    po.write_text(catalog.dumps(translated), encoding="utf-8")
    article = root / "content/a0000.md"
    texts = {path: path.read_text(encoding="utf-8") for path in (pot, po, article)}
    for n in range(1, 1000):
        for path, text in texts.items():
            path.with_name(f"a{n:04}{path.suffix}").write_text(text.replace("0000", f"{n:04}"),
                                                                encoding="utf-8")
    files = _inodes(root / "locales")
    result = cli(root, "update")
    assert result.exit_code == 0, result.output
    assert result.output == "1000 catalogue(s), 0 changed: kept 5000\n"
    assert _inodes(root / "locales") == files


def test_written_files_are_as_msgcat_writes_them(shipped: Path, cli: Cli) -> None:
    _add_article(shipped)
    article = shipped / "content" / "mentoring.md"
    article.write_text(article.read_text(encoding="utf-8").replace(*EDITED), encoding="utf-8")
    assert cli(shipped, "extract").exit_code == 0
    assert cli(shipped, "update").exit_code == 0
    files = sorted((shipped / "locales").rglob("*.po*"))
    assert len(files) == 6  # 3 templates, 3 catalogues
    for path in files:
        msgcat = subprocess.run(["msgcat", str(path)], capture_output=True, check=True)
        assert msgcat.stdout == path.read_bytes(), path


def test_without_wrapping_files_are_as_msgcat_no_wrap_writes_them(tmp_path: Path,
                                                                   cli: Cli) -> None:
    root = tmp_path / "nowrap"
    (root / "content").mkdir(parents=True)
    (root / "locpipe.toml").write_text(
        'source_locale = "pl"\nlocales = ["pl", "en"]\nwrap = false\n', encoding="utf-8")
    (root / "content" / "a.md").write_text(f"# Tytuł\n\n{KEPT} {KEPT}\n", encoding="utf-8")
    assert cli(root, "extract").exit_code == 0
    assert cli(root, "update").exit_code == 0
    for path in sorted((root / "locales").rglob("*.po*")):
        msgcat = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True,
                                check=True)
        assert msgcat.stdout == path.read_bytes(), path
        assert max(len(line) for line in path.read_text(encoding="utf-8").splitlines()) > 200


def test_template_date_and_generator_change_only_with_the_entries(
    shipped: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = shipped / "locales/templates/mentoring.pot"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "X-Generator: locpipe 0.1.0", "X-Generator: locpipe 0.0.1"), encoding="utf-8")
    saved = template.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # a later run
    assert "updated" not in cli(shipped, "extract").output
    assert template.read_bytes() == saved
    article = shipped / "content" / "mentoring.md"
    article.write_text(article.read_text(encoding="utf-8").replace(*EDITED), encoding="utf-8")
    assert "updated locales/templates/mentoring.pot" in cli(shipped, "extract").output
    meta = polib.pofile(str(template)).metadata
    assert meta["POT-Creation-Date"] == "2027-01-15 08:00+0000"
    assert meta["X-Generator"] == "locpipe 0.1.0"


def test_a_locpipe_ignore_flag_becomes_a_comment_that_gettext_keeps(
    project: Path, cli: Cli
) -> None:
    assert cli(project, "extract").exit_code == 0
    assert cli(project, "update").exit_code == 0
    po = project / "locales/en/LC_MESSAGES/sample.po"
    text = po.read_text(encoding="utf-8").replace(
        'msgid "Kot"\nmsgstr ""', '#, locpipe-ignore: unchanged\nmsgid "Kot"\nmsgstr "Kot"')
    po.write_text(text, encoding="utf-8")
    assert cli(project, "update").exit_code == 0
    after = po.read_text(encoding="utf-8")
    assert "# locpipe-ignore: unchanged\n" in after and "#, locpipe-ignore" not in after
    msgcat = subprocess.run(["msgcat", str(po)], capture_output=True, text=True, check=True)
    assert msgcat.stdout == after
