"""``locpipe translate`` through the real CLI, against a real loopback server for both APIs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from mt_server import DEEPL_KEY, Fault, MTServer
from support import Cli, msgfmt_check, on_a_terminal, snapshot

from locpipe import catalog, pipeline
from locpipe.config import load_config
from locpipe.mt import estimate, protect, restore

REPO = Path(__file__).resolve().parent.parent

SECOND = """\
# Drugi artykuł

Tekst z `kodem` i [linkiem](https://example.org/x).

Zwykłe zdanie.

[https://example.org](https://example.org)
"""

CONFIG = """\
source_locale = "pl"
locales = ["pl", "en", "de"]

[mt.deepl]
url = "{url}"
timeout = 2
max_retries = 2
max_wait = 0.01
max_texts = 4
price_per_million = 20

[mt.libretranslate]
url = "{url}"
max_wait = 0.01
"""


@pytest.fixture
def server() -> Iterator[MTServer]:
    with MTServer() as running:
        yield running


@pytest.fixture
def mt_project(project: Path, cli: Cli, server: MTServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The template project in pl, en and de, a second article, catalogues all untranslated."""
    (project / "content" / "second.md").write_text(SECOND, encoding="utf-8")
    (project / "locpipe.toml").write_text(CONFIG.format(url=server.url), encoding="utf-8")
    assert cli(project, "extract").exit_code == 0
    assert cli(project, "update").exit_code == 0
    monkeypatch.setenv("DEEPL_AUTH_KEY", DEEPL_KEY)
    return project


def po_path(root: Path, name: str, locale: str) -> Path:
    return root / "locales" / locale / "LC_MESSAGES" / f"{name}.po"


def load(path: Path) -> polib.POFile:
    return polib.pofile(path.read_text(encoding="utf-8"))


def save(po: polib.POFile, path: Path) -> None:
    path.write_text(catalog.dumps(po), encoding="utf-8")


def machine(text: str) -> str:
    """What the loopback engine's answer for ``text`` becomes once its markup is restored."""
    protected = protect(text)
    answer = "".join(
        part if re.fullmatch(r"<[^<>]*>|&#?\w+;", part) else part.upper()
        for part in re.split(r"(<[^<>]*>|&#?\w+;)", protected.text)
    )
    return restore(answer, protected)


def sent(server: MTServer) -> list[str]:
    return [text for request in server.translate_requests() for text in request.texts]


def entry_line(path: Path, msgid: str) -> int:
    """The 1-based line where the entry with this msgid starts, read from the file itself."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines) if line == f'msgid "{msgid}"')
    while at > 0 and lines[at - 1].startswith(("#", "msgctxt")):
        at -= 1
    return at + 1


# --- what gets filled ------------------------------------------------------------------------


def test_fills_only_untranslated_entries_marked_fuzzy_naming_the_engine(
    mt_project: Path, cli: Cli, server: MTServer
) -> None:
    path = po_path(mt_project, "sample", "en")
    po = load(path)
    done = po.find("Pierwszy punkt listy")
    done.msgstr = "First list item"
    suggested = po.find("Drugi punkt, a w nim:")
    suggested.msgstr, suggested.flags = "Second point, in it:", ["fuzzy"]
    suggested.previous_msgid = "Drugi punkt:"
    save(po, path)

    result = cli(mt_project, "translate", "--engine", "deepl", "--locale", "en")
    assert result.exit_code == 0, result.output
    assert "updated locales/en/LC_MESSAGES/sample.po" in result.stdout

    after = load(path)
    assert (after.find("Pierwszy punkt listy").msgstr, after.find("Pierwszy punkt listy").fuzzy) \
        == ("First list item", False)  # fmt: skip
    kept = after.find("Drugi punkt, a w nim:")
    assert (kept.msgstr, kept.fuzzy, kept.previous_msgid, kept.tcomment) == (
        "Second point, in it:", True, "Drugi punkt:", "")
    filled = [e for e in after if e.msgid not in {"Pierwszy punkt listy", "Drugi punkt, a w nim:"}]
    assert len(filled) == 15
    for entry in filled:
        assert entry.msgstr == machine(entry.msgid)
        assert entry.fuzzy
        assert entry.tcomment == "machine translation: deepl"
    assert "Pierwszy punkt listy" not in sent(server)
    assert "Drugi punkt, a w nim:" not in sent(server)
    # Only catalogues of the asked locale; each request within the configured 4 texts.
    assert load(po_path(mt_project, "sample", "de")).percent_translated() == 0
    assert all(len(r.texts) <= 4 for r in server.translate_requests())
    # Markup came back intact: links, code and the hard line break.
    paragraph = after.find("Drugi akapit z twardym złamaniem\nw środku.")
    assert paragraph.msgstr == "DRUGI AKAPIT Z TWARDYM ZŁAMANIEM\nW ŚRODKU."
    first = next(e for e in after if e.msgid.startswith("Pierwszy akapit"))
    assert '[LINKIEM](https://example.org/a "Tytuł")' in first.msgstr
    assert "`pip install locpipe`" in first.msgstr


def test_overwrite_fuzzy_replaces_suggestions_but_never_translations(
    mt_project: Path, cli: Cli, server: MTServer
) -> None:
    path = po_path(mt_project, "second", "en")
    po = load(path)
    po.find("Drugi artykuł").msgstr = "Second article"
    fuzzy = po.find("Zwykłe zdanie.")
    fuzzy.msgstr, fuzzy.flags, fuzzy.previous_msgid = "A sentence.", ["fuzzy"], "Zdanie."
    fuzzy.tcomment = "ask the author"
    save(po, path)

    result = cli(mt_project, "translate", "--engine", "deepl", "--locale", "en",
                 "--article", "second", "--overwrite-fuzzy")  # fmt: skip
    assert result.exit_code == 0, result.output
    after = load(path)
    assert after.find("Drugi artykuł").msgstr == "Second article"
    assert not after.find("Drugi artykuł").fuzzy
    replaced = after.find("Zwykłe zdanie.")
    assert (replaced.msgstr, replaced.fuzzy, replaced.previous_msgid) == (
        "ZWYKŁE ZDANIE.", True, None)
    assert replaced.tcomment == "ask the author\nmachine translation: deepl"
    assert "Drugi artykuł" not in sent(server)

    # A second pass with another engine replaces the engine's comment, not the translator's.
    again = cli(mt_project, "translate", "--engine", "libretranslate", "--locale", "en",
                "--article", "second", "--overwrite-fuzzy")  # fmt: skip
    assert again.exit_code == 0, again.output
    assert load(path).find("Zwykłe zdanie.").tcomment == (
        "ask the author\nmachine translation: libretranslate")


def test_locale_and_article_options_limit_the_catalogues(
    mt_project: Path, cli: Cli, server: MTServer
) -> None:
    before = snapshot(mt_project / "locales")
    result = cli(mt_project, "translate", "--engine", "deepl", "--locale", "de",
                 "--article", "second")  # fmt: skip
    assert result.exit_code == 0, result.output
    after = snapshot(mt_project / "locales")
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == ["de/LC_MESSAGES/second.po"]
    assert {r.body["target_lang"] for r in server.translate_requests()} == {"DE"}

    both = cli(mt_project, "translate", "--engine", "deepl", "--article", "second")
    assert both.exit_code == 0, both.output
    assert "updated locales/en/LC_MESSAGES/second.po" in both.stdout
    assert "locales/de/LC_MESSAGES/second.po" not in both.stdout  # nothing left to fill
    assert load(po_path(mt_project, "sample", "en")).percent_translated() == 0
    assert "EN-GB" in {r.body["target_lang"] for r in server.translate_requests()}


def test_unknown_locale_article_or_engine_is_a_usage_error(mt_project: Path, cli: Cli) -> None:
    for args, message in [
        (("--locale", "fr"), "locale 'fr' is not one of the project's locales"),
        (("--article", "nope"), "no template for article 'nope'; articles: sample, second"),
    ]:
        result = cli(mt_project, "translate", "--engine", "deepl", *args)
        assert (result.exit_code, message in result.stderr) == (2, True), result.output
    unknown = cli(mt_project, "translate", "--engine", "google")
    assert unknown.exit_code == 2
    assert "'google' is not one of 'deepl', 'libretranslate'" in unknown.stderr


def test_a_catalogue_not_yet_created_is_reported(mt_project: Path, cli: Cli) -> None:
    po_path(mt_project, "second", "de").unlink()
    result = cli(mt_project, "translate", "--engine", "deepl", "--locale", "de")
    assert result.exit_code == 2
    assert "locales/de/LC_MESSAGES/second.po: no catalogue yet; run 'locpipe update'" \
        in result.stderr  # fmt: skip
    assert load(po_path(mt_project, "sample", "de")).percent_translated() == 0
    assert all(e.fuzzy for e in load(po_path(mt_project, "sample", "de")) if e.msgid)


def test_text_without_anything_to_translate_is_copied_as_fuzzy(
    mt_project: Path, cli: Cli, server: MTServer
) -> None:
    result = cli(mt_project, "translate", "--engine", "deepl", "--article", "second",
                 "--locale", "en")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "copied 1" in result.stdout
    link = "[https://example.org](https://example.org)"
    copied = load(po_path(mt_project, "second", "en")).find(link)
    assert (copied.msgstr, copied.fuzzy) == (link, True)
    assert copied.tcomment == "machine translation: deepl (copied: nothing to translate)"
    assert len(sent(server)) == 3 and not any("example.org" in text for text in sent(server))


# --- broken answers and interruptions --------------------------------------------------------


def test_an_answer_that_breaks_markup_is_reported_with_its_line_and_not_written(
    mt_project: Path, cli: Cli, server: MTServer
) -> None:
    broken = "Tekst z `kodem` i [linkiem](https://example.org/x)."
    server.fail(Fault.drop_tag(index=1))  # the first request: title, this paragraph, ...
    result = cli(mt_project, "translate", "--engine", "deepl", "--article", "second",
                 "--locale", "en")  # fmt: skip
    assert result.exit_code == 1, result.output
    path = po_path(mt_project, "second", "en")
    after = load(path)
    entry = after.find(broken)
    assert (entry.msgstr, entry.fuzzy, entry.tcomment) == ("", False, "")
    line = entry_line(path, broken)
    assert (
        f"locales/en/LC_MESSAGES/second.po:{line}: not translated: "
        "the translation lost the markup '`kodem`'"
    ) in result.stderr
    assert "rejected 1" in result.stdout
    assert after.find("Drugi artykuł").msgstr == "DRUGI ARTYKUŁ"
    assert after.find("Zwykłe zdanie.").msgstr == "ZWYKŁE ZDANIE."

    # The broken answer was not cached: a rerun asks again and now gets a good one.
    rerun = cli(mt_project, "translate", "--engine", "deepl", "--article", "second",
                "--locale", "en")  # fmt: skip
    assert rerun.exit_code == 0, rerun.output
    assert sent(server).count(protect(broken).text) == 2
    assert load(path).find(broken).msgstr == machine(broken)


def test_a_used_up_quota_stops_the_run_keeping_what_was_paid_for(
    mt_project: Path, cli: Cli, server: MTServer
) -> None:
    server.fail(Fault.delay(0), Fault.http(456))  # the first request passes, the second not
    result = cli(mt_project, "translate", "--engine", "deepl", "--locale", "en")
    assert result.exit_code == 2, result.output
    assert "DeepL quota exceeded: Quota exceeded." in result.stderr
    assert "translations already saved are kept" in result.stderr
    assert len(server.translate_requests()) == 2

    first_batch = server.translate_requests()[0].texts
    assert len(first_batch) == 4
    saved = [e for e in load(po_path(mt_project, "sample", "en")) if e.msgstr]
    assert {protect(e.msgid).text for e in saved} == set(first_batch)
    assert len(saved) == 5  # the title and the h1 share a text
    assert all(e.fuzzy and e.msgstr == machine(e.msgid) for e in saved)
    assert (mt_project / ".locpipe-cache" / "mt.sqlite3").is_file()
    gitignore = mt_project / ".locpipe-cache" / ".gitignore"  # the cache stays out of git
    assert gitignore.read_text(encoding="utf-8") == "# created by locpipe\n*\n"

    # Rerunning pays only for the rest: nothing of the first batch is sent again.
    server.received.clear()
    rerun = cli(mt_project, "translate", "--engine", "deepl", "--locale", "en")
    assert rerun.exit_code == 0, rerun.output
    assert not set(first_batch) & set(sent(server))
    complete = load(po_path(mt_project, "sample", "en"))
    assert all(e.msgstr == machine(e.msgid) and e.fuzzy for e in complete)


def test_a_rerun_answered_from_the_cache_sends_nothing(
    mt_project: Path, cli: Cli, server: MTServer
) -> None:
    assert cli(mt_project, "translate", "--engine", "deepl", "--locale", "en").exit_code == 0
    filled = po_path(mt_project, "sample", "en").read_bytes()
    assert cli(mt_project, "update").exit_code == 0
    for path in mt_project.glob("locales/en/LC_MESSAGES/*.po"):  # start again from scratch
        po = load(path)
        for entry in po:
            entry.msgstr, entry.flags, entry.tcomment = "", [], ""
        save(po, path)
    server.received.clear()
    result = cli(mt_project, "translate", "--engine", "deepl", "--locale", "en")
    assert result.exit_code == 0, result.output
    assert server.received == []
    assert "(entries 17, cached 17)" in result.stdout
    assert po_path(mt_project, "sample", "en").read_bytes() == filled


def test_a_catalogue_edited_during_the_run_is_not_overwritten(mt_project: Path) -> None:
    config = load_config(mt_project)
    path = po_path(mt_project, "sample", "en")
    edited: list[bytes] = []

    def edit_meanwhile(done: int, total: int) -> None:
        if done and not edited:  # after the first batch was saved, someone edits the file
            text = path.read_text(encoding="utf-8") + "\n# a translator was here\n"
            path.write_text(text, encoding="utf-8")
            edited.append(text.encode())

    report = pipeline.translate(config, engine="deepl", locales=["en"], articles=["sample"],
                                progress=edit_meanwhile)  # fmt: skip
    assert path.read_bytes() == edited[0]
    [error] = report.errors
    assert str(error).startswith("locales/en/LC_MESSAGES/sample.po: changed by someone else")
    assert [f.status.value for f in report.files] == ["failed"]


# --- dry run, keys and logging ---------------------------------------------------------------


def test_dry_run_sends_and_writes_nothing_and_needs_no_key(
    mt_project: Path, cli: Cli, server: MTServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DEEPL_AUTH_KEY")
    before = snapshot(mt_project)
    result = cli(mt_project, "translate", "--engine", "deepl", "--dry-run")
    assert result.exit_code == 0, result.output
    assert server.received == []
    assert snapshot(mt_project) == before  # not even the cache
    assert "would update locales/en/LC_MESSAGES/sample.po (entries 17)" in result.stdout

    msgids = [e.msgid for e in load(po_path(mt_project, "sample", "en")) if e.msgid]
    msgids += [e.msgid for e in load(po_path(mt_project, "second", "en")) if e.msgid]
    expected = estimate(msgids)
    lines = result.stdout.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("locale "))
    rows = {line.split()[0]: line.split() for line in lines[at : at + 3]}
    cost = f"{expected.characters * 20 / 1e6:.2f}"
    assert rows["en"] == ["en", "21", str(expected.texts), str(expected.characters), "0", cost]
    assert rows["de"][1:5] == rows["en"][1:5]
    assert set(rows) == {"locale", "en", "de"}


def test_dry_run_counts_what_the_cache_already_answers(
    mt_project: Path, cli: Cli, server: MTServer
) -> None:
    assert cli(mt_project, "translate", "--engine", "deepl", "--locale", "en",
               "--article", "second").exit_code == 0  # fmt: skip
    po = load(po_path(mt_project, "second", "en"))
    for entry in po:
        entry.msgstr, entry.flags = "", []
    save(po, po_path(mt_project, "second", "en"))
    cache = snapshot(mt_project / ".locpipe-cache")
    server.received.clear()
    result = cli(mt_project, "translate", "--engine", "deepl", "--locale", "en",
                 "--article", "second", "--dry-run")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2].split() == ["en", "4", "0", "0", "3", "0.00"]
    assert result.stdout.splitlines()[1].split()[0] == "locale"
    assert snapshot(mt_project / ".locpipe-cache") == cache
    assert server.received == []


def test_a_missing_key_names_the_variable(
    mt_project: Path, cli: Cli, server: MTServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DEEPL_AUTH_KEY")
    before = snapshot(mt_project)
    result = cli(mt_project, "translate", "--engine", "deepl")
    assert result.exit_code == 2
    assert "the environment variable DEEPL_AUTH_KEY that should hold the DeepL API key is not " \
        "set" in result.stderr  # fmt: skip
    assert server.received == []
    assert snapshot(mt_project) == before


def test_a_wrong_key_stops_the_run_without_showing_it(
    mt_project: Path, cli: Cli, server: MTServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEEPL_AUTH_KEY", "wrong-key-4242:fx")
    result = cli(mt_project, "translate", "--engine", "deepl", "-v")
    assert result.exit_code == 2
    assert "DeepL refused the request (HTTP 403): Authorization failed (check the key in " \
        "$DEEPL_AUTH_KEY)" in result.stderr  # fmt: skip
    assert len(server.translate_requests()) == 1  # not retried
    assert "wrong-key-4242" not in result.output


def test_verbose_logs_every_request_and_retry_but_never_the_key(
    mt_project: Path, cli: Cli, server: MTServer
) -> None:
    server.fail(Fault.http(429, retry_after="0"))
    result = cli(mt_project, "translate", "--engine", "deepl", "--locale", "en", "-v")
    assert result.exit_code == 0, result.output
    logged = [line for line in result.stderr.splitlines()
              if line.startswith(f"INFO: POST {server.url}/v2/translate (")]  # fmt: skip
    # 19 distinct texts (the title is also the h1; a link is only markup) in fours, one retry
    assert len(logged) == len(server.translate_requests()) == 5 + 1
    assert any("-> HTTP 429" in line for line in logged)
    assert "WARNING: DeepL: HTTP 429: Too many requests" in result.stderr
    assert DEEPL_KEY not in result.output
    assert DEEPL_KEY.split(":")[0] not in result.output

    quiet = cli(mt_project, "translate", "--engine", "deepl", "--locale", "de", "-q")
    assert quiet.exit_code == 0
    assert quiet.output == ""


def test_libretranslate_fills_entries_too(mt_project: Path, cli: Cli, server: MTServer) -> None:
    result = cli(mt_project, "translate", "--engine", "libretranslate", "--locale", "de",
                 "--article", "second")  # fmt: skip
    assert result.exit_code == 0, result.output
    [request] = server.translate_requests()
    assert (request.path, request.body["target"], request.body["format"]) == (
        "/translate", "de", "html")
    entry = load(po_path(mt_project, "second", "de")).find("Zwykłe zdanie.")
    assert entry.msgstr == "ZWYKŁE ZDANIE."
    assert entry.tcomment == "machine translation: libretranslate"


# --- the result fits the rest of the pipeline ------------------------------------------------


def test_the_filled_catalogue_is_what_update_writes_and_msgfmt_accepts(
    mt_project: Path, cli: Cli
) -> None:
    assert cli(mt_project, "translate", "--engine", "deepl").exit_code == 0
    filled = snapshot(mt_project / "locales")
    result = cli(mt_project, "update")
    assert result.exit_code == 0, result.output
    assert snapshot(mt_project / "locales") == filled
    for path in mt_project.glob("locales/*/LC_MESSAGES/*.po"):
        checked = msgfmt_check(path)
        assert checked.returncode == 0, checked.stderr
    status = cli(mt_project, "status")
    assert re.search(r"sample \[en\]\s+0/17\s+17\s+0", status.output), status.output


def test_rendering_never_shows_machine_translations(mt_project: Path, cli: Cli) -> None:
    assert cli(mt_project, "translate", "--engine", "deepl").exit_code == 0
    # Nothing is reviewed: the default gate would leave the pages out altogether.
    assert cli(mt_project, "render", "--policy", "fallback").exit_code == 0
    for locale in ("en", "de"):
        page = (mt_project / "build" / locale / "sample.md").read_text(encoding="utf-8")
        assert "Pierwszy punkt listy" in page
        assert "PIERWSZY PUNKT LISTY" not in page and "KRÓTKI PRZEWODNIK" not in page
        html = (mt_project / "build" / locale / "sample.html").read_text(encoding="utf-8")
        assert "PIERWSZY" not in html


# --- configuration ---------------------------------------------------------------------------


def test_engine_tables_are_validated_naming_file_and_line(project: Path, cli: Cli) -> None:
    config = project / "locpipe.toml"
    base = config.read_text(encoding="utf-8")
    config.write_text(base + '\n[mt.deepl]\nurl = "http://127.0.0.1:9"\ntimeout = "fast"\n',
                      encoding="utf-8")  # fmt: skip
    result = cli(project, "status")
    assert result.exit_code == 2
    line = base.count("\n") + 4
    assert f"locpipe.toml:{line}: [mt.deepl] timeout: expected a positive number, got 'fast'" \
        in result.stderr  # fmt: skip

    config.write_text(base + "\n[mt.google]\nurl = 'http://x'\n", encoding="utf-8")
    result = cli(project, "status")
    assert f"locpipe.toml:{base.count(chr(10)) + 2}: unknown engine [mt.google]; " \
        "known engines: deepl, libretranslate" in result.stderr  # fmt: skip


def test_pyproject_engine_table_with_a_key_pasted_in_it(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.locpipe]\nlocales = ["pl", "en"]\n\n'
        '[tool.locpipe.mt.deepl]\nprice_per_million = 25\napi_key_env = "abc-123:fx"\n',
        encoding="utf-8",
    )
    result = cli(tmp_path, "translate", "--engine", "deepl", "--dry-run")
    assert result.exit_code == 2
    assert "pyproject.toml:9: [tool.locpipe.mt.deepl] api_key_env: expected the name of an " \
        "environment variable" in result.stderr  # fmt: skip
    assert "abc-123" not in result.output

    (tmp_path / "pyproject.toml").write_text(
        '[tool.locpipe]\nlocales = ["pl", "en"]\n[tool.locpipe.mt.deepl]\n'
        'price_per_million = 25\napi_key_env = "MY_DEEPL"\n', encoding="utf-8")  # fmt: skip
    config = load_config(tmp_path)
    assert config.mt["deepl"].price_per_million == 25.0
    assert config.mt["deepl"].api_key_env == "MY_DEEPL"


# --- the progress bar ------------------------------------------------------------------------


def test_a_progress_bar_only_on_a_terminal(mt_project: Path, cli: Cli) -> None:
    shown = on_a_terminal(mt_project, "translate", "--engine", "deepl", "--locale", "en")
    assert "translating" in shown and "100%" in shown
    quiet = on_a_terminal(mt_project, "translate", "--engine", "deepl", "--locale", "de",
                              "-q")  # fmt: skip
    assert "translating" not in quiet
    # Not a terminal (a CI log): no bar.
    po = load(po_path(mt_project, "second", "en"))
    for entry in po:
        entry.msgstr, entry.flags = "", []
    save(po, po_path(mt_project, "second", "en"))
    logged = cli(mt_project, "translate", "--engine", "deepl", "--locale", "en")
    assert logged.exit_code == 0 and "updated" in logged.stdout
    assert "translating" not in logged.output


def test_the_readme_configuration_example_is_valid(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Machine pre-translation"):]
    example = section[section.index("```toml\n") + 8 : section.index("```\n", 8)]
    (tmp_path / "pyproject.toml").write_text(example, encoding="utf-8")
    config = load_config(tmp_path)
    assert set(config.mt) == {"deepl", "libretranslate"}
    assert (config.mt["deepl"].api_key_env, config.mt["deepl"].price_per_million) == (
        "DEEPL_AUTH_KEY", 20.0)
    assert config.mt["libretranslate"].url == "http://localhost:5000"


def test_nothing_left_to_translate_sends_nothing(
    mt_project: Path, cli: Cli, server: MTServer
) -> None:
    assert cli(mt_project, "translate", "--engine", "deepl", "--article", "second").exit_code == 0
    server.received.clear()
    before = snapshot(mt_project)
    for extra in ((), ("--dry-run",)):
        result = cli(mt_project, "translate", "--engine", "deepl", "--article", "second", *extra)
        assert (result.exit_code, result.stdout) == (0, "nothing to translate\n")
    assert server.received == []
    assert snapshot(mt_project) == before


def test_other_commands_do_not_import_requests() -> None:
    code = "import sys, locpipe.cli; assert 'requests' not in sys.modules, 'requests imported'"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr


# --- an engine's answer is untrusted input (#21, #22) -----------------------------------------

ECHO_KEY = "sk-TEST/KEY+Zq8w3e5r7t9y2u4i:fx"


def test_invented_markup_and_odd_characters_are_refused_and_the_rest_saved(
    mt_project: Path, cli: Cli, server: MTServer
) -> None:
    # The second article's first request: title, the paragraph with a link, the plain
    # sentence, the link-only paragraph (copied, not sent).
    def spoil(texts: list[str]) -> list[str]:
        return [texts[0] + "\ud800",
                texts[1].replace(" I ", " &lt;img src=x onerror=alert(1)&gt; I "),
                texts[2].replace(" ", "\x00", 1)]  # fmt: skip

    server.fail(Fault.answers(spoil))
    result = cli(mt_project, "translate", "--engine", "deepl", "--article", "second",
                 "--locale", "en")  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    path = po_path(mt_project, "second", "en")
    display = "locales/en/LC_MESSAGES/second.po"
    for msgid, reason in [
        ("Drugi artykuł", "the translation has the character U+D800, which has no place in a "
                          "catalogue"),
        ("Tekst z `kodem` i [linkiem](https://example.org/x).",
         "the translation adds the start of an HTML tag that the source does not have"),
        ("Zwykłe zdanie.", "the translation has the character U+0000"),
    ]:  # fmt: skip
        assert f"{display}:{entry_line(path, msgid)}: not translated: {reason}" in result.stderr
        assert load(path).find(msgid).msgstr == ""
    copied = load(path).find("[https://example.org](https://example.org)")
    assert copied.msgstr == copied.msgid  # what needed no engine is saved
    assert msgfmt_check(path).returncode == 0
    assert cli(mt_project, "update").exit_code == 0  # the catalogue reads back


def test_an_echoed_key_reaches_no_output_catalogue_or_cache_even_with_verbose(
    mt_project: Path, cli: Cli, server: MTServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64
    import urllib.parse

    monkeypatch.setenv("DEEPL_AUTH_KEY", ECHO_KEY)
    server.deepl_key = ECHO_KEY
    forms = [ECHO_KEY, urllib.parse.quote(ECHO_KEY, safe=""), json.dumps(ECHO_KEY)[1:-1]
             .replace("/", "\\/"), base64.b64encode(ECHO_KEY.encode()).decode()]  # fmt: skip

    def quote_key(texts: list[str]) -> list[str]:
        return [f"{text} {forms[n % len(forms)]}" for n, text in enumerate(texts)]

    server.fail(Fault.raw(429, f"slow down, {forms[1]}"), Fault.answers(quote_key),
                Fault.raw(400, f"<html>bad request from {forms[2]}</html>"))  # fmt: skip
    result = cli(mt_project, "translate", "--engine", "deepl", "--locale", "en", "-v")
    assert result.exit_code == 2, result.output
    assert "the translation quotes the API key" in result.stderr
    assert "WARNING: DeepL: HTTP 429: slow down, ***" in result.stderr
    assert "DeepL refused the request (HTTP 400): <html>bad request from ***</html>" \
        in result.stderr  # fmt: skip
    written = [result.output] + [
        p.read_bytes().decode("utf-8", "replace") for p in mt_project.rglob("*") if p.is_file()
    ]
    for form in forms:
        for text in written:
            assert not any(form[i : i + 6] in text for i in range(len(form) - 5)), form


def test_a_huge_answer_stops_the_run_keeping_what_arrived(
    mt_project: Path, cli: Cli, server: MTServer
) -> None:
    server.fail(Fault.delay(0), Fault.huge(400 * 1024 * 1024))
    result = cli(mt_project, "translate", "--engine", "deepl", "--locale", "en")
    assert result.exit_code == 2, result.output
    assert "DeepL: the answer from" in result.stderr
    assert "would be 419,430,428 bytes, more than the 33,554,432 locpipe reads" in result.stderr
    assert len([e for e in load(po_path(mt_project, "sample", "en")) if e.msgstr]) == 5


def test_a_redirect_to_another_host_never_receives_the_libretranslate_key(
    mt_project: Path, cli: Cli, server: MTServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = mt_project / "locpipe.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'api_key_env = "LT_KEY"\n',
                      encoding="utf-8")  # fmt: skip
    monkeypatch.setenv("LT_KEY", ECHO_KEY)
    with MTServer() as elsewhere:
        target = elsewhere.url.replace("127.0.0.1", "localhost") + "/translate"
        server.fail(Fault.redirect(308, target))
        result = cli(mt_project, "translate", "--engine", "libretranslate", "--locale", "en")
        assert elsewhere.received == []
    assert result.exit_code == 2, result.output
    assert f"redirects (HTTP 308) to {target}; locpipe does not follow redirects" \
        in result.stderr  # fmt: skip
    assert ECHO_KEY not in result.output


def test_a_trickled_answer_is_given_up_at_the_timeout_and_retried(
    mt_project: Path, cli: Cli, server: MTServer
) -> None:
    import time

    server.fail(Fault.trickle(0.05))  # about 30 s for the first answer, a byte at a time
    started = time.monotonic()
    result = cli(mt_project, "translate", "--engine", "deepl", "--locale", "en",
                 "--article", "second")  # fmt: skip
    assert time.monotonic() - started < 8  # timeout = 2 bounds the whole answer
    assert result.exit_code == 0, result.output
    assert "no complete answer from" in result.stderr and "within 2 s; retry 1 of 2" \
        in result.stderr  # fmt: skip
    assert load(po_path(mt_project, "second", "en")).find("Zwykłe zdanie.").msgstr == \
        "ZWYKŁE ZDANIE."  # fmt: skip
