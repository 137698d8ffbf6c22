"""Bad input: a clear ``path:line: message``, exit 2, nothing half-written, the rest carries on."""

from __future__ import annotations

from pathlib import Path

from support import Cli, snapshot


def _second_article(project: Path) -> Path:
    other = project / "content" / "zz-other.md"
    other.write_text("---\ntitle: Inny\n---\n\nInny akapit.\n", encoding="utf-8")
    return other


def test_malformed_yaml_front_matter(project: Path, cli: Cli) -> None:
    _second_article(project)
    bad = project / "content" / "broken.md"
    bad.write_text("---\ntitle: Dobry\ndescription: [niezamknięta\n---\n\nTekst.\n",
                   encoding="utf-8")
    result = cli(project, "extract")
    assert result.exit_code == 2
    assert "content/broken.md:4: invalid YAML front matter" in result.output
    # The other articles are still processed.
    assert (project / "locales/templates/sample.pot").is_file()
    assert (project / "locales/templates/zz-other.pot").is_file()
    assert not (project / "locales/templates/broken.pot").exists()


def test_front_matter_not_closed(project: Path, cli: Cli) -> None:
    (project / "content" / "open.md").write_text("---\ntitle: X\n\nText.\n", encoding="utf-8")
    result = cli(project, "extract")
    assert result.exit_code == 2
    assert "content/open.md:1: front matter opened with '---' is never closed" in result.output


def test_front_matter_not_a_mapping(project: Path, cli: Cli) -> None:
    (project / "content" / "list.md").write_text("---\n- a\n- b\n---\n\nText.\n")
    # Under the default `front_matter = "auto"`, a list between two rules is Markdown...
    result = cli(project, "extract")
    assert result.exit_code == 0, result.output
    assert 'msgid "Text."' in (project / "locales/templates/list.pot").read_text()
    # ...and where the project says its articles start with YAML, it is an error.
    config = project / "locpipe.toml"
    config.write_text(config.read_text() + 'front_matter = "yaml"\n')
    result = cli(project, "extract")
    assert result.exit_code == 2
    assert "content/list.md:2: front matter must be a mapping" in result.output


def test_non_utf8_article(project: Path, cli: Cli) -> None:
    _second_article(project)
    latin2 = "# Tytuł\n\nZażółć gęślą\n".encode("iso-8859-2")
    (project / "content" / "latin2.md").write_bytes(latin2)
    result = cli(project, "extract")
    assert result.exit_code == 2
    assert "content/latin2.md:1: not valid UTF-8" in result.output
    assert "save the file as UTF-8" in result.output
    assert (project / "locales/templates/zz-other.pot").is_file()


def test_unknown_lang_in_front_matter(project: Path, cli: Cli) -> None:
    (project / "content" / "xx.md").write_text("---\ntitle: A\nlang: klingon-xx\n---\n\nB.\n")
    result = cli(project, "extract")
    assert result.exit_code == 2
    assert "content/xx.md:3: unknown locale code 'klingon-xx'" in result.output


def test_malformed_catalogue_is_reported_and_left_alone(project: Path, cli: Cli) -> None:
    _second_article(project)
    assert cli(project, "extract").exit_code == 0
    assert cli(project, "update").exit_code == 0
    broken = project / "locales/en/LC_MESSAGES/sample.po"
    text = broken.read_text(encoding="utf-8").replace('msgstr ""\n\n#. paragraph',
                                                      'msgstr "unterminated\n\n#. paragraph', 1)
    broken.write_text(text, encoding="utf-8")
    # A change to the other article must still reach its catalogue.
    other = project / "content" / "zz-other.md"
    other.write_text(other.read_text(encoding="utf-8") + "\nDrugi akapit.\n", encoding="utf-8")
    assert cli(project, "extract").exit_code == 0
    before = broken.read_bytes()
    result = cli(project, "update")
    assert result.exit_code == 2
    assert "locales/en/LC_MESSAGES/sample.po:" in result.output
    assert "PO syntax error: string is not terminated" in result.output
    assert broken.read_bytes() == before
    assert "Drugi akapit." in (project / "locales/en/LC_MESSAGES/zz-other.po").read_text()


def test_merge_conflict_markers_in_catalogue(project: Path, cli: Cli) -> None:
    assert cli(project, "extract").exit_code == 0
    assert cli(project, "update").exit_code == 0
    po = project / "locales/en/LC_MESSAGES/sample.po"
    lines = po.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[20:20] = ["<<<<<<< HEAD\n", 'msgstr "a"\n', "=======\n", 'msgstr "b"\n', ">>>>>>> x\n"]
    po.write_text("".join(lines), encoding="utf-8")
    before = snapshot(project)
    result = cli(project, "update")
    assert result.exit_code == 2
    assert "locales/en/LC_MESSAGES/sample.po:21: merge-conflict marker" in result.output
    assert snapshot(project) == before


def test_unknown_config_key_names_file_and_line(project: Path, cli: Cli) -> None:
    (project / "locpipe.toml").write_text('source_locale = "pl"\nlocale = ["pl"]\n')
    result = cli(project, "extract")
    assert result.exit_code == 2
    assert "locpipe.toml:2: unknown key 'locale'" in result.output


def test_invalid_locale_in_config(project: Path, cli: Cli) -> None:
    (project / "locpipe.toml").write_text('source_locale = "pl"\nlocales = ["pl", "xx_YY1"]\n')
    result = cli(project, "status")
    assert result.exit_code == 2
    assert "locpipe.toml:2: unknown locale code 'xx_YY1'" in result.output


def test_invalid_toml(project: Path, cli: Cli) -> None:
    (project / "locpipe.toml").write_text('source_locale = "pl\n')
    result = cli(project, "build")
    assert result.exit_code == 2
    assert "locpipe.toml:1: invalid TOML" in result.output


def test_pyproject_table_is_used_and_locpipe_toml_wins(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.locpipe]\nsource_locale = "en"\nlocales = ["en", "pl"]\n'
        'content_dir = "articles"\n'
    )
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.md").write_text("# Title\n")
    assert cli(tmp_path, "extract").exit_code == 0
    assert cli(tmp_path, "update").exit_code == 0
    assert (tmp_path / "locales/pl/LC_MESSAGES/a.po").is_file()
    (tmp_path / "locpipe.toml").write_text('source_locale = "pl"\nbogus = 1\n')
    assert cli(tmp_path, "status").exit_code == 2
