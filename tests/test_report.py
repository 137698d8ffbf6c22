"""The HTML coverage report, looked at in a real headless Chromium.

Screenshots go to ``$LOCPIPE_ARTIFACTS`` (default ``tests/artifacts/``) for a person to look
at; the assertions check what can be measured: no console errors, no horizontal scrolling on
a phone or a desktop, bars as long as the numbers say, links that lead somewhere.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser import CHROMIUM, Browser, Page
from support import Cli, snapshot

from locpipe import catalog

EN = "locales/en/LC_MESSAGES/sample.po"
ARTIFACTS = Path(os.environ.get("LOCPIPE_ARTIFACTS")
                 or Path(__file__).resolve().parent / "artifacts")
PARAGRAPH = ("Pierwszy akapit z *wyróżnieniem*, [linkiem](https://example.org/a \"Tytuł\") "
             "i kodem `pip install locpipe`, złamany w dwóch wierszach.")


@pytest.fixture
def report(project: Path, cli: Cli) -> Path:
    """A report of a catalogue with translated, fuzzy and untranslated entries and problems."""
    (project / "content" / "second.md").write_text(
        "---\ntitle: Drugi artykuł\n---\n\nZobacz [dokumentację](https://example.org/docs).\n",
        encoding="utf-8")
    assert cli(project, "extract").exit_code == 0
    assert cli(project, "update").exit_code == 0
    path = project / EN
    po = catalog.read_catalog(path, EN)
    translations = {
        "Krótki przewodnik": "A short guide",
        PARAGRAPH: "The first paragraph with emphasis, a [link](https://example.org/b) and "
                   "the code `pip install locpip`, broken over two lines.",
        "Pierwszy punkt listy": "The first the the list item",
        "Krok pierwszy": "Step one",
        "Krok drugi": "Step two",
        "Nazwa": "Name",
        "Kot": "Cat",
    }
    for entry in po:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
            if entry.msgid == "Krok drugi":
                entry.flags.append("fuzzy")
    path.write_text(catalog.dumps(po), encoding="utf-8")
    result = cli(project, "report", "-o", str(project / "htmlreport"), "--min-coverage", "80",
                 "--require", "title")
    assert result.exit_code == 1, result.output  # as check: the gate fails
    assert "report: " in result.output
    return project / "htmlreport"


def test_report_files_and_determinism(report: Path, project: Path, cli: Cli) -> None:
    names = sorted(p.name for p in report.iterdir())
    assert names == ["index.html", "locales_en_LC_MESSAGES_sample_po.html",
                     "locales_en_LC_MESSAGES_second_po.html", "style.css"]
    index = (report / "index.html").read_text(encoding="utf-8")
    assert 'href="locales_en_LC_MESSAGES_sample_po.html#L33"' in index
    page = (report / "locales_en_LC_MESSAGES_sample_po.html").read_text(encoding="utf-8")
    # Source beside translation, escaped, with its problems and its state.
    assert '<tr id="L33" class="translated has-problems">' in page
    assert "Pierwszy akapit z *wyróżnieniem*, [linkiem](https://example.org/a &#34;Tytuł&#34;)" \
        in page
    assert "link to &#39;https://example.org/a&#39; from the source is missing" in page
    assert '<span class="state fuzzy">fuzzy</span>' in page
    assert 'lang="en"' in page
    before = snapshot(report)
    again = cli(project, "report", "-o", str(report), "--min-coverage", "80",
                "--require", "title")
    assert again.exit_code == 1 and "created" not in again.output
    assert snapshot(report) == before


def _resize(page: Page, width: int, height: int) -> None:
    page.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
              deviceScaleFactor=1, mobile=width < 600)


def _bars(browser: Page) -> list[dict[str, float]]:
    script = """
    [...document.querySelectorAll('.bar')].map(bar => {
      const width = bar.getBoundingClientRect().width;
      const part = cls => { const s = bar.querySelector('.' + cls);
                            return s ? s.getBoundingClientRect().width : 0; };
      return {label: bar.getAttribute('aria-label'), width: width,
              t: part('t'), f: part('f'), u: part('u')};
    })"""
    bars: list[dict[str, float]] = browser.evaluate(script)
    return bars


def _check_layout(browser: Page, width: int) -> None:
    overflow = browser.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    bars = _bars(browser)
    assert bars
    for bar in bars:
        numbers = re.match(r"(\d+) of (\d+) \w+ translated, (\d+) fuzzy, (\d+) untranslated",
                           str(bar["label"]))
        assert numbers is not None, bar
        done, whole, fuzzy, todo = map(int, numbers.groups())
        assert bar["width"] > 30
        for key, count in (("t", done), ("f", fuzzy), ("u", todo)):
            assert abs(bar[key] - bar["width"] * count / whole) < 1.5, (bar, key)
    # Nothing overflows its box: no text is cut off or runs into its neighbour.
    cut = browser.evaluate("""
      [...document.querySelectorAll('td, th, li, .card, h1, h2, .legend, .verdict')]
        .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'auto')
        .map(e => e.outerHTML.slice(0, 80))""")
    assert cut == []


def test_report_in_a_real_browser(report: Path) -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run must 'apt-get install chromium'")
        pytest.skip("needs chromium (apt-get install chromium)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    index = (report / "index.html").as_uri()
    catalogue = (report / "locales_en_LC_MESSAGES_sample_po.html").as_uri()
    with Browser() as chromium:
        browser = chromium.new_page()
        for width, height, suffix in ((1280, 900, "desktop"), (390, 844, "phone")):
            _resize(browser, width, height)
            for url, name in ((index, "index"), (catalogue, "catalogue")):
                browser.goto(url)
                assert browser.evaluate("document.styleSheets.length") == 1  # style.css loaded
                _check_layout(browser, width)
                browser.screenshot(ARTIFACTS / f"report-{name}-{suffix}.png")
        dark = chromium.new_page(color_scheme="dark")
        _resize(dark, 1280, 900)
        dark.goto(index)
        background = dark.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(21, 21, 22)"
        dark.screenshot(ARTIFACTS / "report-index-dark.png")
        assert dark.problems == []
        _resize(browser, 1280, 900)

        # Every link on the index leads to a page that exists, and every #L anchor to a row.
        browser.goto(index)
        links = browser.evaluate("[...document.querySelectorAll('a[href]')]"
                                 ".map(a => a.getAttribute('href'))")
        assert any("#L" in link for link in links)
        anchors: dict[str, set[str]] = {}
        for link in links:
            page, _, anchor = link.partition("#")
            assert (report / page).is_file(), link
            anchors.setdefault(page, set()).add(anchor)
        for page, wanted in anchors.items():
            browser.goto((report / page).as_uri())
            ids = set(browser.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)"))
            assert wanted - {""} <= ids, page

        # The filters show only the rows asked for (CSS only, no script).
        browser.goto(catalogue)
        visible = ("[...document.querySelectorAll('.entries tbody tr')]"
                   ".filter(r => r.offsetParent !== null).map(r => r.className)")
        assert len(browser.evaluate(visible)) == 17
        browser.evaluate("document.getElementById('show-fuzzy').click()")
        assert browser.evaluate(visible) == ["fuzzy has-problems"]
        browser.evaluate("document.getElementById('show-problems').click()")
        assert all("has-problems" in c for c in browser.evaluate(visible))
        assert browser.problems == []
