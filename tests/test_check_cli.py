"""``locpipe check`` as a CI gate: coverage gates, stale files, output formats, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from support import Cli

from locpipe import catalog, formats
from locpipe.config import load_config
from locpipe.errors import ConfigError

EN = "locales/en/LC_MESSAGES/sample.po"

TRANSLATIONS = {
    ("title", "Krótki przewodnik"): "A short guide",
    (None, "Krótki przewodnik"): "A short guide",
    (None, "Krok pierwszy"): "Step one",
    (None, "Krok drugi"): "Step two",
    (None, "Kot"): "Cat",
    (None, "Pies"): "Dog",
}


def _prepare(project: Path, cli: Cli, translations: dict[tuple[str | None, str], str],
             *, fuzzy: tuple[str, ...] = ()) -> Path:
    """Extract, update, then translate some entries as a translator would (via locpipe's writer)."""
    assert cli(project, "extract").exit_code == 0
    assert cli(project, "update").exit_code == 0
    path = project / EN
    po = catalog.read_catalog(path, EN)
    for entry in po:
        text = translations.get((entry.msgctxt, entry.msgid))
        if text is not None:
            entry.msgstr = text
            if entry.msgid in fuzzy:
                entry.flags.append("fuzzy")
    path.write_text(catalog.dumps(po), encoding="utf-8")
    return path


def _json(cli: Cli, project: Path, *args: str) -> tuple[int, dict[str, object]]:
    result = cli(project, "check", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_counts_are_exact_and_fuzzy_is_never_translated(project: Path, cli: Cli) -> None:
    _prepare(project, cli, TRANSLATIONS, fuzzy=("Krok drugi",))
    code, report = _json(cli, project)
    assert code == 0  # a fuzzy entry is a warning
    (cat,) = report["catalogues"]  # type: ignore[misc]
    assert cat["path"] == EN and cat["article"] == "sample" and cat["locale"] == "en"
    assert cat["entries"] == {"translated": 5, "fuzzy": 1, "untranslated": 11, "obsolete": 0,
                              "total": 17}
    assert cat["words"]["translated"] == 8 and cat["words"]["fuzzy"] == 2  # type: ignore[index]
    issues = [(i["check"], i["severity"]) for i in report["issues"]]  # type: ignore[attr-defined, index]
    assert issues == [("fuzzy", "warning")]


def test_gate_in_entries_and_in_words(project: Path, cli: Cli) -> None:
    _prepare(project, cli, TRANSLATIONS)
    # 6 of 17 entries (35.2%); 10 of 65 words (15.3%).
    assert cli(project, "check", "--min-coverage", "35").exit_code == 0
    failed = cli(project, "check", "--min-coverage", "36")
    assert failed.exit_code == 1
    assert (f"{EN}: error coverage: 6 of 17 entries translated (35.2%; 0 fuzzy, 11 "
            "untranslated) is below the threshold of 36% for en: translate 1 more entries"
            ) in failed.output
    assert cli(project, "check", "--min-coverage", "15", "--coverage-unit", "words"
               ).exit_code == 0
    words = cli(project, "check", "--min-coverage", "15.4", "--coverage-unit", "words")
    assert words.exit_code == 1 and "10 of 65 words translated (15.3%" in words.output
    assert "below the threshold of 15.4% for en: translate 1 more words" in words.output
    assert "words translated" in words.output  # the table counts what the gate counts


def test_gate_never_rounds_up_to_pass(project: Path, cli: Cli) -> None:
    everything = {(e.msgctxt, e.msgid): "X " + e.msgid for e in _entries(project, cli)}
    missing = next(iter(everything))
    del everything[missing]
    _prepare(project, cli, everything)
    result = cli(project, "check", "--min-coverage", "100", "--disable", "unchanged",
                 "--disable", "end-punctuation", "--disable", "length")
    assert result.exit_code == 1
    assert "16 of 17 entries translated (94.1%" in result.output


def _entries(project: Path, cli: Cli) -> list[catalog.polib.POEntry]:
    assert cli(project, "extract").exit_code == 0
    return list(catalog.read_catalog(project / "locales/templates/sample.pot", "t"))


def test_gates_from_configuration_with_locale_overrides(project: Path, cli: Cli) -> None:
    _prepare(project, cli, TRANSLATIONS)
    config = project / "locpipe.toml"
    base = config.read_text(encoding="utf-8")
    config.write_text(base + "min_coverage = { default = 90, en = 30 }\n", encoding="utf-8")
    assert cli(project, "check").exit_code == 0
    config.write_text(base + "min_coverage = { default = 30, en = 90 }\n", encoding="utf-8")
    result = cli(project, "check")
    assert result.exit_code == 1 and "below the threshold of 90% for en" in result.output
    # The command line wins over the configuration.
    assert cli(project, "check", "--min-coverage", "30").exit_code == 0


def test_required_units_must_be_translated_whatever_the_coverage(project: Path,
                                                                 cli: Cli) -> None:
    _prepare(project, cli, TRANSLATIONS, fuzzy=("Krótki przewodnik",))
    config = project / "locpipe.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      + 'required = ["title", "description"]\n', encoding="utf-8")
    result = cli(project, "check")
    assert result.exit_code == 1
    assert (f"{EN}:16: error required: required title is fuzzy: it must be translated (and "
            "not fuzzy) whatever the coverage") in result.output
    assert f"{EN}:23: error required: required description is untranslated" in result.output
    # Units are named by their kind or detail too: the h1 heading shares the title's text.
    headings = cli(project, "check", "--require", "h1", "--disable", "fuzzy")
    assert f"{EN}:29: error required: required h1 is fuzzy" in headings.output
    assert "required heading" not in headings.output


def test_stale_templates_and_catalogues_fail_the_gate(project: Path, cli: Cli) -> None:
    _prepare(project, cli, TRANSLATIONS)
    assert "stale" not in cli(project, "check").output
    article = project / "content" / "sample.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nNowy akapit.\n",
                       encoding="utf-8")
    (project / "content" / "nowy.md").write_text("# Nowy\n", encoding="utf-8")
    result = cli(project, "check")
    assert result.exit_code == 1
    assert ("locales/templates/sample.pot: error stale: out of date with content/: run "
            "'locpipe extract', then 'locpipe update', and commit the result") in result.output
    assert "locales/templates/nowy.pot: error stale: missing: run 'locpipe extract'" \
        in result.output
    assert cli(project, "check", "--no-stale").exit_code == 0
    assert cli(project, "extract").exit_code == 0
    after = cli(project, "check")
    assert ("locales/en/LC_MESSAGES/nowy.po: error stale: missing: run 'locpipe update'"
            in after.output)
    assert (f"{EN}: error stale: out of date with its template: run 'locpipe update'"
            in after.output)
    assert cli(project, "update").exit_code == 0
    assert cli(project, "check").exit_code == 0


def test_warnings_fail_only_with_strict(project: Path, cli: Cli) -> None:
    _prepare(project, cli, {**TRANSLATIONS, (None, "Pies"): "Dog  dog"})
    result = cli(project, "check")
    assert result.exit_code == 0
    assert f"{EN}:92: warning double-spaces:" in result.output
    assert f"{EN}:92: warning doubled-words: doubled word 'dog'" in result.output
    assert "ok: 0 error(s), 2 warning(s)" in result.output
    strict = cli(project, "check", "--strict")
    assert strict.exit_code == 1 and "FAILED: 0 error(s), 2 warning(s)" in strict.output


def test_error_level_problem_fails_and_prints_path_line(project: Path, cli: Cli) -> None:
    source = ("Pierwszy akapit z *wyróżnieniem*, [linkiem](https://example.org/a \"Tytuł\") "
              "i kodem `pip install locpipe`, złamany w dwóch wierszach.")
    _prepare(project, cli, {(None, source): "The first paragraph, with a [link]"
                                            "(https://example.org/b) and `pip install`."})
    result = cli(project, "check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{EN}:33: error markdown-links: link to 'https://example.org/a' from the source " \
           "is missing" in lines
    assert f"{EN}:33: error markdown-emphasis: 1 emphasis (*...*) in the source, 0 in the " \
           "translation" in lines
    assert f"{EN}:33: error code-spans: code span 'pip install' is not in the source" in lines


def test_matrix_table_article_by_locale(shipped: Path, cli: Cli) -> None:
    result = cli(shipped, "check")
    assert result.exit_code == 0, result.output
    table = result.output.splitlines()[:4]
    assert table[0].split() == ["entries", "translated", "en", "pl"]
    assert table[1].split() == ["building-a-mentoring-programme", "-", "43/43"]
    assert table[2].split() == ["mentoring", "22/22", "-"]
    assert table[3].split() == ["all", "articles", "22/22", "43/43"]


def test_config_checks_table(project: Path, cli: Cli) -> None:
    _prepare(project, cli, {**TRANSLATIONS, (None, "Pies"): "Dog  dog"})
    config = project / "locpipe.toml"
    base = config.read_text(encoding="utf-8")
    config.write_text(base + '\n[checks]\ndisable = ["doubled-words"]\n\n'
                      '[checks.severity]\ndouble-spaces = "error"\n', encoding="utf-8")
    result = cli(project, "check")
    assert result.exit_code == 1
    assert f"{EN}:92: error double-spaces:" in result.output
    assert "doubled-words" not in result.output


@pytest.mark.parametrize(("table", "line", "message"), [
    ('[checks]\ndisable = ["numbers", "doubled-wrds"]\n', 4,
     "unknown check 'doubled-wrds'; known checks: brackets, code-spans"),
    ('[checks.severity]\nnumbrs = "error"\n', 4, "unknown check 'numbrs'"),
    ('[checks.severity]\nnumbers = "fatal"\n', 4,
     "severity of 'numbers' must be \"error\" or \"warning\""),
    ('[checks]\nsilence = ["numbers"]\n', 4, "unknown key 'checks.silence'"),
    ('coverage_unit = "lines"\n', 3, "'coverage_unit' must be one of ['entries', 'words']"),
    ('min_coverage = { default = 50, xx_YY = 10 }\n', 3, "unknown locale code 'xx_YY'"),
    ('min_coverage = { en = 101 }\n', 3, "'min_coverage.en' must be a number from 0 to 100"),
    ('required = "title"\n', 3, "'required' must be a list of strings"),
    ('required = ["titel"]\n', 3, "'required' names 'titel', which is neither a key of "
                                  "front_matter_keys, a unit kind nor a heading level"),
])
def test_bad_gate_configuration_names_file_and_line(project: Path, cli: Cli, table: str,
                                                    line: int, message: str) -> None:
    config = project / "locpipe.toml"
    config.write_text(config.read_text(encoding="utf-8") + table, encoding="utf-8")
    result = cli(project, "check")
    assert result.exit_code == 2
    assert f"locpipe.toml:{line}: {message}" in result.output


def test_unknown_check_on_the_command_line(project: Path, cli: Cli) -> None:
    result = cli(project, "check", "--disable", "numbrs")
    assert result.exit_code == 2 and "unknown check 'numbrs'" in result.output


def test_gate_settings_in_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.locpipe]\nmin_coverage = 80\ncoverage_unit = "words"\nrequired = ["title"]\n'
        '[tool.locpipe.checks]\nenable = ["obsolete"]\n[tool.locpipe.checks.severity]\n'
        'numbers = "error"\n', encoding="utf-8")
    config = load_config(tmp_path)
    assert config.min_coverage == 80 and config.coverage_unit.value == "words"
    assert config.required == ("title",) and config.checks.enable == ("obsolete",)
    assert config.checks.lines == {"obsolete": 6, "numbers": 8}
    (tmp_path / "pyproject.toml").write_text(
        '[tool.locpipe]\n[tool.locpipe.checks]\nenabled = ["x"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown key 'tool\.locpipe\.checks\.enabled'"):
        load_config(tmp_path)


def test_list_checks(project: Path, cli: Cli) -> None:
    result = cli(project, "check", "--list-checks")
    assert result.exit_code == 0
    assert "pl-quotes" in result.output and "(pl only)" in result.output
    assert "obsolete             warning  [off by default]" in result.output


# -- formats ------------------------------------------------------------------------------


def test_json_schema(project: Path, cli: Cli) -> None:
    _prepare(project, cli, {**TRANSLATIONS, (None, "Pies"): "Dog  dog"})
    code, report = _json(cli, project, "--min-coverage", "50")
    assert code == 1
    assert list(report) == ["version", "ok", "strict", "unit", "catalogues", "locales",
                            "articles", "total", "issues", "errors"]
    assert report["version"] == 1 and report["ok"] is False and report["unit"] == "entries"
    (cat,) = report["catalogues"]  # type: ignore[misc]
    assert list(cat) == ["path", "article", "locale", "entries", "words", "min_coverage", "ok",
                         "untranslated", "fuzzy"]
    assert cat["ok"] is False and cat["min_coverage"] == 50.0
    assert report["locales"]["en"]["entries"]["translated"] == 6  # type: ignore[index]
    assert report["total"]["catalogues"] == 1  # type: ignore[index]
    issues = report["issues"]
    assert {"check": "coverage", "severity": "error", "path": EN, "line": None,
            "message": "6 of 17 entries translated (35.2%; 0 fuzzy, 11 untranslated) is "
                       "below the threshold of 50% for en: translate 3 more entries"} in issues
    assert {"check": "double-spaces", "severity": "warning", "path": EN, "line": 92,
            "message": "1 runs of several spaces between words (0 in the source)"} in issues
    assert report["errors"] == []


def test_json_reports_unreadable_catalogues(project: Path, cli: Cli) -> None:
    _prepare(project, cli, TRANSLATIONS)
    # An article's catalogue (one without its article is an orphan, reported, not read).
    (project / "content/broken.md").write_text("# Zepsuty\n", encoding="utf-8")
    (project / "locales/en/LC_MESSAGES/broken.po").write_text('msgid "x\n', encoding="utf-8")
    result = cli(project, "check", "--format", "json", "--no-stale")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["errors"][0]["path"] == "locales/en/LC_MESSAGES/broken.po"
    assert report["errors"][0]["line"] == 1


def test_github_annotations(project: Path, cli: Cli) -> None:
    _prepare(project, cli, {**TRANSLATIONS, (None, "Pies"): "Dog, 100%  dog"})
    result = cli(project, "check", "--format", "github", "--min-coverage", "50")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (f"::error file={EN},title=locpipe coverage::6 of 17 entries translated (35.2%25; 0 "
            "fuzzy, 11 untranslated) is below the threshold of 50%25 for en: translate 3 more "
            "entries") in lines
    assert f"::warning file={EN},line=92,title=locpipe double-spaces::1 runs of several " \
           "spaces between words (0 in the source)" in lines
    assert lines[-1] == "locpipe check failed"


def test_github_escapes_properties() -> None:
    from locpipe.coverage import CheckReport
    from locpipe.model import Issue, Severity

    report = CheckReport(issues=[Issue("urls", Severity.ERROR, "a,b:c.po", 3, "50%\nnext")])
    text = formats.to_github(report)
    assert text.splitlines()[0] == ("::error file=a%2Cb%3Ac.po,line=3,title=locpipe urls::"
                                    "50%25%0Anext")


def test_junit_one_test_case_per_catalogue(shipped: Path, project: Path, cli: Cli) -> None:
    result = cli(shipped, "check", "--format", "junit")
    assert result.exit_code == 0
    suite = ET.fromstring(result.output)
    names = [case.get("name") for case in suite.iter("testcase")]
    assert names == ["locales/pl/LC_MESSAGES/building-a-mentoring-programme.po",
                     "locales/en/LC_MESSAGES/mentoring.po"]
    assert suite.get("tests") == "2" and suite.get("failures") == "0"

    _prepare(project, cli, {**TRANSLATIONS, (None, "Pies"): "Dog  dog"})
    failing = ET.fromstring(cli(project, "check", "--format", "junit", "--min-coverage", "50"
                                ).output)
    (case,) = failing.iter("testcase")
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "coverage"
    assert "below the threshold" in (failure.text or "")
    out = case.find("system-out")
    assert out is not None and f"{EN}:92: warning double-spaces" in (out.text or "")
    strict = ET.fromstring(cli(project, "check", "--format", "junit", "--strict").output)
    assert "double-spaces" in (next(strict.iter("failure")).text or "")


def test_check_any_catalogue_path(project: Path, cli: Cli, tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: pl\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#, python-format\nmsgid "%(count)s file"\nmsgid_plural "%(count)s files"\n'
        'msgstr[0] "%(count)s plik"\nmsgstr[1] "%(count)s plików"\n\n'
        '#, fuzzy\nmsgid "Save"\nmsgstr "Zapisz"\n',
        encoding="utf-8",
    )
    result = cli(project, "check", "--format", "json", str(po))
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    (cat,) = report["catalogues"]
    assert cat["locale"] == "pl" and cat["article"] == "django"
    assert cat["entries"]["translated"] == 1 and cat["entries"]["fuzzy"] == 1
    assert [(i["line"], i["check"]) for i in report["issues"]] == [(5, "plural-forms"),
                                                                    (13, "fuzzy")]
