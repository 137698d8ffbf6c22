"""The bad-input matrix (docs/bad-input.md): each row exits 2 (or fails a check) with
``path:line: message``, changes no other file, and the other articles still go through."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import Cli, msgfmt_check, snapshot

OTHER = "content/zz-other.md"


@pytest.fixture
def two(project: Path) -> Path:
    """The sample project plus a second, healthy article that must always get through."""
    (project / OTHER).write_text("---\ntitle: Inny\n---\n\nInny akapit.\n", encoding="utf-8")
    return project


def _extract_reports(project: Path, cli: Cli, expected: str) -> None:
    result = cli(project, "extract")
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert (project / "locales/templates/zz-other.pot").is_file()
    assert (project / "locales/templates/sample.pot").is_file()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("yaml.md", b"---\ntitle: [a\n---\nx\n", "content/yaml.md:3: invalid YAML front matter"),
        ("toml.md", b'+++\ntitle = "a\n+++\nx\n', "content/toml.md:2: invalid TOML front matter"),
        ("deep.md", b"+++\nt = " + b"[" * 5000 + b"]" * 5000 + b"\n+++\nx\n",
         "content/deep.md:2: invalid TOML front matter: values nested too deeply"),
        ("digits.md", b'+++\ntitle = ' + b"9" * 100_000 + b'\n+++\nx\n',
         "content/digits.md:2: invalid TOML front matter: a number of thousands of digits"),
        ("latin2.md", "Zażółć\n".encode("iso-8859-2"), "content/latin2.md:1: not valid UTF-8"),
        ("nul.md", b"# Title\n\nText\x00more\n", "content/nul.md:3: contains a NUL byte"),
        ("binary.md", bytes(range(256)) * 4, "content/binary.md:1: contains a NUL byte"),
        ("lang.md", b"---\nlang: xx_QQ\n---\nx\n", "content/lang.md:2: unknown locale code"),
    ],
    ids=["yaml.md", "toml.md", "deep.md", "digits.md", "latin2.md", "nul.md", "binary.md",
         "lang.md"],
)
def test_bad_article(two: Path, cli: Cli, name: str, data: bytes, expected: str) -> None:
    (two / "content" / name).write_bytes(data)
    _extract_reports(two, cli, expected)
    assert not (two / "locales/templates" / name.replace(".md", ".pot")).exists()


def test_enormous_article_and_enormous_line_just_work(two: Path, cli: Cli) -> None:
    paragraph = "Długi akapit o mentoringu i przywództwie. " * 40 + "\n\n"
    (two / "content" / "huge.md").write_text("# Duży\n\n" + paragraph * 6000, encoding="utf-8")
    (two / "content" / "long-line.md").write_text("słowo " * 200_000 + "\n", encoding="utf-8")
    assert os.path.getsize(two / "content" / "huge.md") > 10_000_000
    result = cli(two, "extract")
    assert result.exit_code == 0, result.output
    huge = (two / "locales/templates/huge.pot").read_text(encoding="utf-8")
    assert huge.count("\nmsgid ") == 3  # header, heading, and one entry for 6,000 paragraphs
    assert huge.count("#: content/huge.md:") >= 1


def test_symlink_outside_the_project_is_refused(two: Path, cli: Cli, tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text("# Secret\n", encoding="utf-8")
    (two / "content" / "link.md").symlink_to(outside)
    _extract_reports(two, cli, "content/link.md: a link to a file outside the project")
    assert not (two / "locales/templates/link.pot").exists()


def test_names_that_differ_only_in_case(two: Path, cli: Cli) -> None:
    (two / "content" / "Notes.md").write_text("# A\n", encoding="utf-8")
    (two / "content" / "notes.md").write_text("# B\n", encoding="utf-8")
    result = cli(two, "extract")
    assert result.exit_code == 2
    assert "content/Notes.md: its name differs only in case from content/notes.md" in result.output
    assert "content/notes.md: its name differs only in case from content/Notes.md" in result.output
    assert not (two / "locales/templates/notes.pot").exists()
    assert (two / "locales/templates/zz-other.pot").is_file()


@pytest.mark.parametrize(
    ("mangle", "expected"),
    [
        (lambda t: t.replace('msgid "Kot"\nmsgstr ""', 'msgid "Kot"\nmsgstr ""\n\nmsgid "Kot"\n'
                             'msgstr "x"'), "duplicate of the entry at line"),
        (lambda t: t + '\n#~ msgid "Kot"\n#~ msgstr "Cat"\n', "an obsolete entry duplicates"),
        (lambda t: t.replace("charset=UTF-8", "charset=ISO-8859-2"), ":1: catalogue is not UTF-8"),
        (lambda t: t.replace('msgid "Kot"', "<<<<<<< HEAD\nmsgid \"Kot\""), "merge-conflict"),
        (lambda t: t.replace('msgstr ""\n\n#. table cell', 'msgstr "a\n\n#. table cell', 1),
         "PO syntax error: string is not terminated"),
    ],
    ids=["duplicate", "obsolete", "charset", "conflict", "unterminated"],
)
def test_bad_catalogue(two: Path, cli: Cli, mangle, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert cli(two, "extract").exit_code == 0
    assert cli(two, "update").exit_code == 0
    po = two / "locales/en/LC_MESSAGES/sample.po"
    po.write_text(mangle(po.read_text(encoding="utf-8")), encoding="utf-8")
    other = two / OTHER
    other.write_text(other.read_text(encoding="utf-8") + "\nNowy.\n", encoding="utf-8")
    assert cli(two, "extract").exit_code == 0
    before = snapshot(two)
    result = cli(two, "update")
    assert result.exit_code == 2
    assert "locales/en/LC_MESSAGES/sample.po:" in result.output and expected in result.output
    after = snapshot(two)
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed == {"locales/en/LC_MESSAGES/zz-other.po"}


def test_yaml_front_matter_cannot_run_code(two: Path, cli: Cli, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (two / "content" / "evil.md").write_text(
        f'---\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n---\nx\n',
        encoding="utf-8",
    )
    result = cli(two, "extract")
    assert result.exit_code == 2
    assert "content/evil.md:2: invalid YAML front matter" in result.output
    assert not marker.exists()
    assert (two / "locales/templates/zz-other.pot").is_file()


def test_catalogue_without_header_fails_check_and_update_restores_it(
    two: Path, cli: Cli, tmp_path: Path
) -> None:
    loose = tmp_path / "loose.po"
    loose.write_text('msgid "Tak"\nmsgstr "Yes"\n', encoding="utf-8")
    result = cli(two, "check", str(loose))
    assert result.exit_code == 1
    assert "loose.po:1: error header: no header entry" in result.output
    assert cli(two, "extract").exit_code == 0 and cli(two, "update").exit_code == 0
    po = two / "locales/en/LC_MESSAGES/sample.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text[text.index("\n\n") + 2:], encoding="utf-8")  # drop the header entry
    assert cli(two, "update").exit_code == 0
    assert msgfmt_check(po).returncode == 0
    assert '"Language: en\\n"' in po.read_text(encoding="utf-8")


def test_plural_entry_with_the_wrong_number_of_forms_fails_check(two: Path, cli: Cli,
                                                                 tmp_path: Path) -> None:
    plural = ("nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) "
              "? 1 : 2);")
    bad = tmp_path / "pl.po"
    bad.write_text(
        'msgid ""\nmsgstr ""\n"Language: pl\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"Plural-Forms: {plural}\\n"\n\n'
        'msgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] "%d plik"\nmsgstr[1] "%d pliki"\n',
        encoding="utf-8",
    )
    result = cli(two, "check", str(bad))
    assert result.exit_code == 1
    assert "pl.po:7: error plural-forms: 2 plural forms, but Plural-Forms says nplurals=3" in (
        result.output)
