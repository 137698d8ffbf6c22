"""Every check fires on a broken translation and stays quiet on a correct one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from locpipe import catalog, checks
from locpipe.checks import REGISTRY, Selection, run_checks, select
from locpipe.config import CheckSettings
from locpipe.errors import ConfigError
from locpipe.model import Catalogue, EntryState, Message, Severity

PL_PLURALS = ("nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) "
              "? 1 : 2);")


@dataclass(frozen=True)
class Case:
    check: str
    source: str
    bad: str
    good: str
    locale: str = "en"
    flags: tuple[str, ...] = ()
    expect: str = ""
    """A piece of the message the bad translation must produce."""


CASES = [
    Case("markdown-links", "Zobacz [dokumentację](https://example.org/docs).",
         "See the [documentation](https://example.org/dokumentacja).",
         "See the [documentation](https://example.org/docs).",
         expect="link to 'https://example.org/docs' from the source is missing"),
    Case("markdown-links", "Schemat: ![diagram](img/schemat.png)",
         "Diagram: ![diagram](img/diagram.png)", "Diagram: ![the diagram](img/schemat.png)",
         expect="image 'img/diagram.png' is not in the source"),
    Case("markdown-links", "Napisz do <kontakt@example.org>.", "Write to us.",
         "Write to <kontakt@example.org>.", expect="link to 'kontakt@example.org'"),
    Case("code-spans", "Uruchom `pip install locpipe`.", "Run `pip zainstaluj locpipe`.",
         "Run `pip install locpipe`.", expect="code span 'pip install locpipe'"),
    Case("markdown-emphasis", "To jest *ważne* i **bardzo pilne**.",
         "This is important and **very urgent**.", "This is *important* and **very urgent**.",
         expect="1 emphasis (*...*) in the source, 0 in the translation"),
    Case("markdown-emphasis", "Było ~~źle~~ dobrze.", "It was bad good.",
         "It was ~~bad~~ good.", expect="strikethrough"),
    Case("markdown-footnotes", "Tekst z przypisem[^1].", "Text with a footnote.",
         "Text with a footnote[^1].", expect="footnote reference '[^1]' from the source"),
    Case("markdown-html", "Naciśnij <kbd>Ctrl</kbd>, aby skopiować.", "Press Ctrl to copy.",
         "Press <kbd>Ctrl</kbd> to copy.", expect="inline HTML '<kbd>' from the source"),
    Case("markdown-references", "Zobacz [dokumentację][docs].",
         "See the [documentation][dokumentacja].", "See the [documentation][docs].",
         expect="reference label [dokumentacja] is not used in the source"),
    Case("urls", "Pisz na kontakt@example.org lub wejdź na https://example.org/pl.",
         "Write to contact@example.org or visit https://example.org/en.",
         "Write to kontakt@example.org or visit https://example.org/pl.",
         expect="'https://example.org/pl' from the source is missing"),
    Case("numbers", "Czytał 500 stron dziennie od 2019 roku.",
         "He read 50 pages a day since 2019.", "He has read 500 pages a day since 2019.",
         expect="number '500' from the source is missing"),
    Case("numbers", "Zebraliśmy 3,5 mln zł od 10 000 osób.",
         "We raised 35 million from 1,000 people.",
         "We raised 3.5 million zlotys from 10,000 people.", expect="number '10000'"),
    Case("whitespace", "\u00a0Pobierz plik", "Download the file", "\u00a0Download the file",
         expect="leading whitespace"),
    Case("line-breaks", "Pierwszy wiersz\ndrugi wiersz", "The first line, the second line",
         "The first line\nthe second line", expect="1 in the source, 0 in the translation"),
    Case("end-punctuation", "Czy to działa?", "Does it work.", "Does it work?",
         expect="the source ends with '?', the translation with '.'"),
    Case("end-punctuation", "Wnioski:", "Conclusions", "Conclusions:",
         expect="with no punctuation"),
    Case("doubled-words", "To jest odpowiedź.", "This is the the answer.",
         "This is the answer.", expect="doubled word 'the'"),
    Case("double-spaces", "To jest odpowiedź.", "This is  the answer.", "This is the answer.",
         expect="1 runs of several spaces"),
    Case("unchanged", "Mentoring działa.", "Mentoring działa.", "Mentoring works.",
         expect="the same as the source"),
    Case("length", "Krótkie zdanie o mentoringu w naszej firmie.", "Short.",
         "A short sentence about mentoring in our company.", expect="translation too short"),
    Case("length", "Krótkie zdanie.",
         "A short sentence that a machine padded with a great many words for no reason.",
         "A short sentence.", expect="translation too long"),
    Case("brackets", "Mentoring (i coaching) pomaga.", "Mentoring (and coaching helps.",
         "Mentoring (and coaching) helps.", expect="'(' is never closed"),
    Case("brackets", "Powiedział „tak”.", "He said “yes.", "He said “yes”.",
         expect="'“' is never closed"),
    Case("placeholders", "Witaj, {name}!", "Hello, {imie}!", "Hello, {name}!",
         expect="placeholder '{name}' from the source is missing"),
    Case("placeholders", "Usunięto %(count)d plików z %s.", "Deleted %(liczba)d files.",
         "Deleted %(count)d files from %s.", flags=("python-format",),
         expect="placeholder '%s' from the source is missing"),
    Case("pl-quotes", 'He said "yes".', 'Powiedział "tak".', "Powiedział „tak”.",
         locale="pl", expect="Polish uses „…”"),
    Case("pl-quotes", "He said “yes”.", "Powiedział “tak”.", "Powiedział „tak”.",
         locale="pl", expect="Polish opens with „"),
    Case("pl-single-letter", "Mentoring and\ncoaching for leaders",
         "Mentoring i\ncoaching dla liderów", "Mentoring i coaching\ndla liderów",
         locale="pl", expect="one-letter word 'i' at the end of line 1"),
    Case("pl-single-letter", "Coffee with", "Kawa z", "Kawa z\u00a0mlekiem", locale="pl",
         expect="at the end of the text"),
]

# Checks of an entry's state or of the catalogue are tested below, one by one.
NOT_PAIR_CHECKS = {"fuzzy", "obsolete", "plural-forms", "header", "front-matter"}


def _catalogue(*messages: Message, locale: str = "en", plural_forms: str | None = None,
               definitions: dict[str, str] | None = None) -> Catalogue:
    metadata = {"Language": locale, "Content-Type": "text/plain; charset=UTF-8"}
    if plural_forms is not None:
        metadata["Plural-Forms"] = plural_forms
    return Catalogue("x.po", locale, messages, metadata, {"Plural-Forms": 3},
                     definitions=definitions)


def _message(source: str, target: str, *, flags: tuple[str, ...] = (),
             state: EntryState = EntryState.TRANSLATED, line: int = 10) -> Message:
    return Message(source, target, line, state, flags=flags)


def _only(name: str) -> Selection:
    return Selection((REGISTRY[name],))


def test_every_translation_check_has_cases() -> None:
    assert {c.check for c in CASES} | NOT_PAIR_CHECKS == set(REGISTRY)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.check)
def test_check_fires_on_a_broken_translation(case: Case) -> None:
    cat = _catalogue(_message(case.source, case.bad, flags=case.flags), locale=case.locale)
    issues = run_checks(cat, _only(case.check))
    assert issues, f"{case.check} did not fire on {case.bad!r}"
    assert all(i.check == case.check and i.line == 10 and i.path == "x.po" for i in issues)
    assert any(case.expect in i.message for i in issues), [i.message for i in issues]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.check)
def test_no_check_fires_on_a_correct_translation(case: Case) -> None:
    cat = _catalogue(_message(case.source, case.good, flags=case.flags), locale=case.locale)
    assert run_checks(cat, select(enable=["obsolete"])) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.check)
def test_a_flag_silences_the_check_for_one_entry(case: Case) -> None:
    flags = (*case.flags, f"locpipe-ignore: {case.check}")
    cat = _catalogue(_message(case.source, case.bad, flags=flags), locale=case.locale)
    assert run_checks(cat, _only(case.check)) == []


def test_checks_report_every_problem_not_only_the_first() -> None:
    cat = _catalogue(
        _message("Zobacz [a](https://a.example) i [b](https://b.example) oraz `x`.",
                 "See [a](https://c.example) and [b](https://d.example) and `y`.", line=5),
        _message("Czy {name} działa?", "Does {imie} work.", line=9),
    )
    found = [(i.line, i.check) for i in run_checks(cat)]
    assert found.count((5, "markdown-links")) == 4
    assert found.count((5, "code-spans")) == 2
    assert (9, "placeholders") in found and (9, "end-punctuation") in found


def test_polish_checks_apply_only_to_polish() -> None:
    cat = _catalogue(_message("Coffee with", 'Kawa z "mlekiem" z'), locale="en")
    assert not [i for i in run_checks(cat, select()) if i.check.startswith("pl-")]
    polish = _catalogue(_message("Coffee with", 'Kawa z "mlekiem" z'), locale="pl_PL")
    assert {i.check for i in run_checks(polish, select())} >= {"pl-quotes", "pl-single-letter"}


def test_reference_labels_are_checked_against_the_article_when_known() -> None:
    source = "Zobacz [dokumentację][docs]."
    article = {"docs": "https://example.org/docs", "api": "https://example.org/api"}
    ok = _catalogue(_message(source, "See the [documentation][docs]."), definitions=article)
    assert run_checks(ok) == []
    # A label the article defines works, though the link then points elsewhere.
    other = _catalogue(_message(source, "See the [API][api]."), definitions=article)
    assert [i.check for i in run_checks(other)] == ["markdown-links", "markdown-links"]
    broken = _catalogue(_message(source, "See the [documentation][dok]."), definitions=article)
    messages = [i.message for i in run_checks(broken, _only("markdown-references"))]
    assert messages == ["reference label [dok] is not defined in the article: the link would "
                        "not work"]
    # A bare [label] is a link only when the article defines it.
    shortcut = _catalogue(_message("Zobacz [docs].", "See [dokumenty]."), definitions=article)
    assert [i.check for i in run_checks(shortcut)] == ["markdown-links"]


def test_fuzzy_entries_are_reported_and_never_checked_as_translations() -> None:
    fuzzy = _message("Czy {name} działa?", "Does it work", state=EntryState.FUZZY)
    issues = run_checks(_catalogue(fuzzy))
    assert [(i.check, i.severity) for i in issues] == [("fuzzy", Severity.WARNING)]
    done = _message("Czy {name} działa?", "Does {name} work?")
    assert run_checks(_catalogue(done), _only("fuzzy")) == []


def test_obsolete_entries_are_reported_only_when_enabled() -> None:
    old = _message("Stary tekst.", "Old text.", state=EntryState.OBSOLETE)
    assert run_checks(_catalogue(old)) == []
    issues = run_checks(_catalogue(old), select(enable=["obsolete"]))
    assert [i.check for i in issues] == ["obsolete"]
    current = _message("Nowy tekst.", "New text.")
    assert run_checks(_catalogue(current), select(enable=["obsolete"])) == []


def _plural(forms: tuple[str, ...], line: int = 20) -> Message:
    return Message("%d plik", "", line, EntryState.TRANSLATED, msgid_plural="%d plików",
                   plural_forms=forms, flags=("python-format",))


@pytest.mark.parametrize("header", [
    PL_PLURALS,
    # Django's Polish catalogues have a fourth form, for fractions; on whole numbers it is
    # the same rule.
    "nplurals=4; plural=(n==1 ? 0 : (n%10>=2 && n%10<=4) && (n%100<12 || n%100>14) ? 1 : "
    "n!=1 && (n%10>=0 && n%10<=1) || (n%10>=5 && n%10<=9) || (n%100>=12 && n%100<=14) ? 2 : 3);",
])
def test_plural_forms_valid_for_polish(header: str) -> None:
    forms = ("%d file", "%d files", "%d files", "%d files")[: int(header[9])]
    cat = _catalogue(_plural(forms), locale="pl", plural_forms=header)
    assert run_checks(cat, _only("plural-forms")) == []


@pytest.mark.parametrize(("header", "forms", "expect"), [
    ("nplurals=2; plural=(n != 1);", ("a", "b"), "does not fit Polish: n=0 and n=2 share a form"),
    ("nplurals=3; plural=(n==1 ? 0 : n%10>=2 ? 1 : 2);", ("a", "b", "c"), "does not fit Polish"),
    ("nplurals=3; plural=n===1;", ("a", "b", "c"), "is not 'nplurals=N; plural=EXPRESSION;'"),
    ("nplurals=2; plural=(n==1 ? 0 : n%10>=2 ? 1 : 2);", ("a", "b"), "gives form 2 for n=0"),
    (PL_PLURALS, ("a", "b"), "2 plural forms, but Plural-Forms says nplurals=3"),
    (None, ("a", "b", "c"), "plural entries but no Plural-Forms header"),
])
def test_plural_forms_invalid(header: str | None, forms: tuple[str, ...], expect: str) -> None:
    cat = _catalogue(_plural(forms), locale="pl", plural_forms=header)
    issues = run_checks(cat, _only("plural-forms"))
    assert len(issues) == 1 and expect in issues[0].message, issues
    assert issues[0].line == (20 if "plural forms," in expect or header is None else 3)


@pytest.mark.parametrize(("metadata", "expect"), [
    ({}, "no header entry"),
    ({"Language": "pl"}, "the header has no Content-Type"),
    ({"Content-Type": "text/plain; charset=UTF-8"}, "the header has no Language"),
])
def test_header_check_fires(metadata: dict[str, str], expect: str) -> None:
    cat = Catalogue("x.po", "pl", (_message("Tak.", "Yes."),), metadata, {})
    issues = run_checks(cat, _only("header"))
    assert [(i.line, i.check) for i in issues] == [(1, "header")]
    assert expect in issues[0].message


def test_header_check_quiet_on_a_full_header() -> None:
    assert run_checks(_catalogue(_message("Tak.", "Yes.")), _only("header")) == []


def test_plural_forms_compares_each_form_with_its_source() -> None:
    entry = Message("{n} plik", "", 20, EntryState.TRANSLATED, msgid_plural="{n} plików",
                    plural_forms=("{n} file", "{n} files", "{count} files"))
    cat = _catalogue(entry, locale="pl", plural_forms=PL_PLURALS)
    issues = run_checks(cat, _only("placeholders"))
    assert [i.message for i in issues] == ["placeholder '{n}' from the source is missing",
                                          "placeholder '{count}' is not in the source"]


def test_severity_enable_and_disable_from_settings() -> None:
    settings = CheckSettings(enable=("obsolete",), disable=("numbers",),
                             severity={"end-punctuation": Severity.ERROR})
    selection = select(settings)
    names = {c.name for c in selection.checks}
    assert "obsolete" in names and "numbers" not in names
    cat = _catalogue(_message("Czy to 5 działa?", "Does it work."))
    issues = run_checks(cat, selection)
    assert [(i.check, i.severity) for i in issues] == [("end-punctuation", Severity.ERROR)]
    # The command line wins over the configuration.
    assert "numbers" in {c.name for c in select(settings, enable=["numbers"]).checks}


def test_unknown_check_names_are_config_errors_with_file_and_line() -> None:
    settings = CheckSettings(disable=("numbrs",), lines={"numbrs": 7}, source="locpipe.toml")
    with pytest.raises(ConfigError) as error:
        select(settings)
    assert str(error.value).startswith("locpipe.toml:7: unknown check 'numbrs'; known checks:")
    with pytest.raises(ConfigError, match="unknown check 'nope'"):
        select(enable=["nope"])


def test_unknown_name_in_an_ignore_flag_is_reported() -> None:
    cat = _catalogue(_message("Tak.", "Yes.", flags=("locpipe-ignore: numbrs",)))
    issues = run_checks(cat)
    assert [(i.check, i.message) for i in issues] == [
        ("locpipe-ignore", "unknown check 'numbrs' in the locpipe-ignore flag")]


def test_checks_run_on_parsed_catalogue_text() -> None:
    text = (
        'msgid ""\nmsgstr ""\n"Language: pl\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"Plural-Forms: {PL_PLURALS}\\n"\n\n'
        '#, locpipe-ignore: numbers|pl-quotes\n'
        'msgid "Take 5 \\"now\\""\nmsgstr "Weź 6 \\"teraz\\""\n\n'
        'msgid "Coffee with\\nmilk"\nmsgstr "Kawa z\\nmlekiem"\n'
    )
    po = catalog.parse_catalog(text, "pl.po")
    cat = catalog.to_catalogue(po, text, path="pl.po")
    assert cat.locale == "pl" and cat.metadata_lines["Plural-Forms"] == 5
    issues = run_checks(cat)
    assert [(i.line, i.check) for i in issues] == [(11, "pl-single-letter")]


def test_registry_documents_every_check() -> None:
    for check in REGISTRY.values():
        assert check.doc and check.doc[0].isupper(), check.name
        assert check.severity in Severity
    assert checks.REGISTRY["pl-quotes"].languages == frozenset({"pl"})


def test_a_translator_comment_silences_and_survives_msgcat(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    text = (
        'msgid ""\nmsgstr ""\n"Language: pl\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"Plural-Forms: {PL_PLURALS}\\n"\n\n'
        '# locpipe-ignore: numbers|pl-quotes\n'
        'msgid "Take 5 \\"now\\""\nmsgstr "Weź 6 \\"teraz\\""\n'
    )
    po_file = tmp_path / "pl.po"
    po_file.write_text(text, encoding="utf-8")
    # gettext's own tools keep the comment (they would drop an unknown flag).
    out = subprocess.run(["msgcat", str(po_file)], capture_output=True, text=True, check=True)
    assert "# locpipe-ignore: numbers|pl-quotes" in out.stdout
    po = catalog.parse_catalog(out.stdout, "pl.po")
    assert run_checks(catalog.to_catalogue(po, out.stdout, path="pl.po")) == []
