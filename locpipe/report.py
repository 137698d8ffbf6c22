"""The HTML coverage report: an index with bars per locale and article, and a page per catalogue.

Pure: :func:`render` turns a check report into ``{file name: text}``; the pipeline writes the
files. The pages are static (no JavaScript), self-describing (``lang``, ARIA labels on the
bars) and deterministic, so a report that did not change leaves ``git status`` clean.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import babel
import jinja2

from . import __version__
from .coverage import CatalogueReport, CheckReport, grouped, percent, total
from .model import Counts, EntryState, Issue, Message, Severity

INDEX = "index.html"
STYLE = "style.css"


@dataclass(frozen=True)
class Bar:
    """A stacked bar of translated, fuzzy and untranslated, with its exact numbers."""

    counts: Counts
    unit: str

    @property
    def label(self) -> str:
        c = self.counts
        return (f"{c.translated} of {c.total} {self.unit} translated, {c.fuzzy} fuzzy, "
                f"{c.untranslated} untranslated")

    @property
    def percent(self) -> str:
        return percent(self.counts.translated, self.counts.total)


@dataclass(frozen=True)
class Row:
    """An entry as the catalogue page shows it: source beside translation, and its problems."""

    message: Message
    issues: tuple[Issue, ...]

    @property
    def state(self) -> str:
        return self.message.state.value

    @property
    def translations(self) -> list[tuple[str, str]]:
        """(label, text) for each translated form: one for a simple entry."""
        m = self.message
        if not m.msgid_plural:
            return [("", m.msgstr)]
        return [(f"[{i}]", form) for i, form in enumerate(m.plural_forms)]


def page_name(path: str) -> str:
    """A flat, readable file name for a catalogue's page.

    >>> page_name("locales/en/LC_MESSAGES/blog/a.po")
    'locales_en_LC_MESSAGES_blog_a_po.html'
    """
    return re.sub(r"[^A-Za-z0-9-]+", "_", path).strip("_") + ".html"


def language(locale: str) -> str:
    """The locale's English name for headings, such as 'Polish' or 'English (United Kingdom)'."""
    try:
        return str(babel.Locale.parse(locale).get_display_name("en"))
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return locale or "unknown language"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("locpipe", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(language=language, version=__version__, Severity=Severity)
    env.filters["lang"] = lambda locale: str(locale).replace("_", "-")
    return env


def _pages(catalogues: Iterable[CatalogueReport]) -> dict[str, str]:
    names: dict[str, str] = {}
    used: set[str] = {INDEX}
    for cat in catalogues:
        name = page_name(cat.coverage.path)
        while name in used:
            name = name[: -len(".html")] + "_.html"
        used.add(name)
        names[cat.coverage.path] = name
    return names


def _rows(cat: CatalogueReport) -> list[Row]:
    by_line: dict[int | None, list[Issue]] = {}
    for issue in cat.issues:
        by_line.setdefault(issue.line, []).append(issue)
    return [Row(m, tuple(by_line.get(m.line, ()))) for m in cat.catalogue.messages]


def render(result: CheckReport, *, strict: bool = False) -> dict[str, str]:
    """Every file of the report, by name: ``index.html``, ``style.css``, a page per catalogue."""
    env = _environment()
    pages = _pages(result.catalogues)
    unit = result.gate.unit.value
    warnings = sum(i.severity is not Severity.ERROR for i in result.issues)
    common = {
        "unit": unit,
        "passed": result.passed(strict=strict),
        "errors": len(result.issues) - warnings + len(result.errors),
        "warnings": warnings,
        "pages": pages,
        "Bar": Bar,
    }
    coverage = result.coverage
    locales = grouped(coverage, lambda c: c.locale)
    articles = sorted({c.article for c in coverage})
    cells = {(c.coverage.article, c.coverage.locale): c for c in result.catalogues}
    files: dict[str, str] = {
        STYLE: resources.files("locpipe").joinpath("templates/report.css").read_text("utf-8"),
        INDEX: env.get_template("report_index.html").render(
            common, total=total(coverage), locales=locales, articles=articles, cells=cells,
            issues=result.issues, load_errors=[str(e) for e in result.errors],
            thresholds=_thresholds(result),
        ),
    }
    template = env.get_template("report_catalogue.html")
    for cat in result.catalogues:
        files[pages[cat.coverage.path]] = template.render(
            common, cat=cat, cov=cat.coverage, rows=_rows(cat),
            file_issues=[i for i in cat.issues if i.line is None],
            states=[s.value for s in EntryState],
        )
    return files


def _thresholds(result: CheckReport) -> Mapping[str, str]:
    return {c.coverage.locale: f"{float(c.threshold):g}%" for c in result.catalogues
            if c.threshold}
