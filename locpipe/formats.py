"""Text forms of a check report: a human summary, JSON, GitHub annotations and JUnit XML.

Pure functions from a :class:`~locpipe.coverage.CheckReport` to text; the CLI prints them.
The JSON schema is documented in ``docs/ci.md`` and versioned by its ``version`` field.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from .coverage import CatalogueReport, CheckReport, Totals, counted, grouped, percent, total
from .errors import LocpipeError
from .model import Counts, Coverage, CoverageUnit, EntryState, Issue, Severity

JSON_VERSION = 1


def issue_line(issue: Issue) -> str:
    """``path:line: severity check: message``, the form editors and CI logs understand."""
    where = f"{issue.path}:{issue.line}:" if issue.line is not None else f"{issue.path}:"
    return f"{where} {issue.severity.value} {issue.check}: {issue.message}"


def _cell(counts: Counts) -> str:
    text = f"{counts.translated}/{counts.total}"
    return text + (f" ({counts.fuzzy} fuzzy)" if counts.fuzzy else "")


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                  for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()
        for row in rows
    ]


def coverage_matrix(coverage: Sequence[Coverage], unit: CoverageUnit) -> list[str]:
    """A compact table, one row per article and one column per locale, plus totals."""
    if not coverage:
        return []
    locales = sorted({c.locale for c in coverage})
    cells = {(c.article, c.locale): _cell(counted(c, unit)) for c in coverage}
    articles = sorted({c.article for c in coverage})
    by_locale = grouped(coverage, lambda c: c.locale)
    rows = [[f"{unit.value} translated", *[loc or "?" for loc in locales]]]
    rows += [[a, *[cells.get((a, loc), "-") for loc in locales]] for a in articles]
    if len(articles) > 1:
        rows.append(["all articles",
                     *[_cell(_unit_counts(by_locale[loc], unit)) for loc in locales]])
    return _columns(rows)


def _unit_counts(totals: Totals, unit: CoverageUnit) -> Counts:
    return totals.words if unit is CoverageUnit.WORDS else totals.entries


def _summary(counts: Counts, unit: str) -> str:
    return (f"{counts.translated}/{counts.total} {unit} translated "
            f"({percent(counts.translated, counts.total)}), {counts.fuzzy} fuzzy, "
            f"{counts.untranslated} untranslated, {counts.obsolete} obsolete")


GAPS_SHOWN = 10
"""Untranslated and fuzzy entries listed per failing catalogue, unless all are asked for."""


def gap_lines(cat: CatalogueReport, *, limit: int | None = None) -> list[str]:
    """A catalogue's untranslated and fuzzy entries as ``path:line: state: text``, under a
    line that says how many there are."""
    if not cat.gaps:
        return []
    path = cat.coverage.path
    fuzzy = sum(g.state is EntryState.FUZZY for g in cat.gaps)
    lines = [f"{path}: {len(cat.gaps) - fuzzy} untranslated, {fuzzy} fuzzy:"]
    shown = cat.gaps if limit is None else cat.gaps[:limit]
    lines += [f"{path}:{g.line}: {g.state.value}: {g.text}" for g in shown]
    if len(shown) < len(cat.gaps):
        lines.append(f"{path}: ... and {len(cat.gaps) - len(shown)} more "
                     "(--list-untranslated lists them all)")
    return lines


def human(result: CheckReport, *, strict: bool = False, gaps: bool = False) -> str:
    """The coverage table, every problem as ``path:line: severity check: message``, the
    untranslated and fuzzy entries of each catalogue that fails its gate (of every catalogue,
    with ``gaps``), and a verdict."""
    lines = coverage_matrix(result.coverage, result.gate.unit)
    if lines:
        lines.append("")
    lines += [issue_line(i) for i in result.issues]
    for cat in result.catalogues:
        if gaps or cat.gated:
            lines += gap_lines(cat, limit=None if gaps else GAPS_SHOWN)
    unlisted = sum(len(c.gaps) for c in result.catalogues if not (gaps or c.gated))
    if unlisted:
        lines.append(f"{unlisted} untranslated or fuzzy entries not listed: "
                     "--list-untranslated lists them as path:line")
    everything = total(result.coverage)
    warnings = sum(i.severity is not Severity.ERROR for i in result.issues)
    errors = len(result.issues) - warnings + len(result.errors)  # those printed before
    if result.coverage:
        lines.append(f"{everything.catalogues} catalogue(s): "
                     f"{_summary(everything.entries, 'entries')}; "
                     f"{everything.words.translated}/{everything.words.total} words")
    verdict = "ok" if result.passed(strict=strict) else "FAILED"
    lines.append(f"{verdict}: {errors} error(s), {warnings} warning(s)"
                 + (" (warnings fail with --strict)" if strict and warnings else ""))
    return "\n".join(lines) + "\n"


def status_table(coverage: Sequence[Coverage]) -> str:
    """Every catalogue with its entries and words in each state; totals per locale and all."""
    header = ["catalogue", "translated", "fuzzy", "untransl.", "obsolete", "words translated"]
    rows = [header]

    def row(label: str, entries: Counts, words: Counts) -> list[str]:
        return [label, f"{entries.translated}/{entries.total}", str(entries.fuzzy),
                str(entries.untranslated), str(entries.obsolete),
                f"{words.translated}/{words.total}"]

    for c in coverage:
        rows.append(row(f"{c.article} [{c.locale}]" if c.locale else c.path, c.entries, c.words))
    locales = grouped(coverage, lambda c: c.locale)
    if len(coverage) > 1:
        for locale, totals in locales.items():
            rows.append(row(f"all [{locale}]", totals.entries, totals.words))
        if len(locales) > 1:
            everything = total(coverage)
            rows.append(row("total", everything.entries, everything.words))
    return "\n".join(_columns(rows)) + "\n"


# -- JSON ---------------------------------------------------------------------------------


def _counts(counts: Counts) -> dict[str, int]:
    return {"translated": counts.translated, "fuzzy": counts.fuzzy,
            "untranslated": counts.untranslated, "obsolete": counts.obsolete,
            "total": counts.total}


def _totals(totals: Totals) -> dict[str, object]:
    return {"catalogues": totals.catalogues, "entries": _counts(totals.entries),
            "words": _counts(totals.words)}


def _issue(issue: Issue) -> dict[str, object]:
    return {"check": issue.check, "severity": issue.severity.value, "path": issue.path,
            "line": issue.line, "message": issue.message}


def _error(error: LocpipeError) -> dict[str, object]:
    path = None if error.path is None else str(error.path)
    return {"path": path, "line": error.line, "message": error.message}


def to_json(result: CheckReport, *, strict: bool = False) -> str:
    """The whole report as JSON (schema in docs/ci.md), keys in a stable order."""
    catalogues = []
    for cat in result.catalogues:
        cov = cat.coverage
        catalogues.append({
            "path": cov.path, "article": cov.article, "locale": cov.locale,
            "entries": _counts(cov.entries), "words": _counts(cov.words),
            "min_coverage": float(cat.threshold),
            "ok": not any(i.severity is Severity.ERROR for i in cat.issues),
            **{state.value: [{"line": g.line, "text": g.text} for g in cat.gaps
                             if g.state is state]
               for state in (EntryState.UNTRANSLATED, EntryState.FUZZY)},
        })
    document = {
        "version": JSON_VERSION,
        "ok": result.passed(strict=strict),
        "strict": strict,
        "unit": result.gate.unit.value,
        "catalogues": catalogues,
        "locales": {k: _totals(v) for k, v in grouped(result.coverage, _locale).items()},
        "articles": {k: _totals(v) for k, v in grouped(result.coverage, _article).items()},
        "total": _totals(total(result.coverage)),
        "issues": [_issue(i) for i in result.issues],
        "errors": [_error(e) for e in result.errors],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _locale(c: Coverage) -> str:
    return c.locale


def _article(c: Coverage) -> str:
    return c.article


# -- GitHub Actions -----------------------------------------------------------------------


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(result: CheckReport, *, strict: bool = False) -> str:
    """Workflow commands that GitHub shows as annotations on the files' lines."""
    lines = []
    for issue in result.issues:
        level = "error" if issue.severity is Severity.ERROR else "warning"
        props = [f"file={_escape_property(issue.path)}"]
        if issue.line is not None:
            props.append(f"line={issue.line}")
        props.append(f"title={_escape_property('locpipe ' + issue.check)}")
        lines.append(f"::{level} {','.join(props)}::{_escape_data(issue.message)}")
    for error in result.errors:
        props = []
        if error.path is not None:
            props.append(f"file={_escape_property(str(error.path))}")
        if error.line is not None:
            props.append(f"line={error.line}")
        props.append("title=locpipe")
        lines.append(f"::error {','.join(props)}::{_escape_data(error.message)}")
    everything = total(result.coverage)
    summary = _escape_data(_summary(everything.entries, "entries"))
    lines.append(f"::notice title=locpipe coverage::{summary}")
    verdict = "passed" if result.passed(strict=strict) else "failed"
    lines.append(f"locpipe check {verdict}")
    return "\n".join(lines) + "\n"


# -- JUnit XML ----------------------------------------------------------------------------


def to_junit(result: CheckReport, *, strict: bool = False) -> str:
    """JUnit XML with one test case per catalogue (and one per stale or unreadable file)."""
    suite = ET.Element("testsuite", name="locpipe check")
    cases: dict[str, list[Issue]] = {c.coverage.path: [] for c in result.catalogues}
    for issue in result.issues:
        cases.setdefault(issue.path, []).append(issue)
    locales = {c.coverage.path: c.coverage.locale for c in result.catalogues}
    failures = 0
    for path, issues in cases.items():
        case = ET.SubElement(suite, "testcase", name=path,
                             classname=f"locpipe.{locales.get(path) or 'files'}")
        failing = [i for i in issues if strict or i.severity is Severity.ERROR]
        if failing:
            failures += 1
            node = ET.SubElement(case, "failure", type=failing[0].check,
                                 message=f"{len(failing)} problem(s)")
            node.text = "\n".join(issue_line(i) for i in failing)
        rest = [i for i in issues if i not in failing]
        if rest:
            ET.SubElement(case, "system-out").text = "\n".join(issue_line(i) for i in rest)
    for error in result.errors:
        case = ET.SubElement(suite, "testcase", name=str(error.path or "locpipe"),
                             classname="locpipe.errors")
        ET.SubElement(case, "error", message=error.message).text = str(error)
    suite.set("tests", str(len(cases) + len(result.errors)))
    suite.set("failures", str(failures))
    suite.set("errors", str(len(result.errors)))
    ET.indent(suite)
    body = ET.tostring(suite, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
