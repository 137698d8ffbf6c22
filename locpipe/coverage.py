"""Coverage gates: thresholds per locale, required units, and totals, in exact numbers."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .errors import LocpipeError
from .model import (
    Catalogue,
    Counts,
    Coverage,
    CoverageUnit,
    EntryState,
    Issue,
    Message,
    Severity,
    UnitKind,
)

COVERAGE_CHECK = "coverage"
REQUIRED_CHECK = "required"


@dataclass(frozen=True)
class Gate:
    """What ``check`` demands of coverage: a threshold per locale, in entries or words."""

    min_coverage: Fraction = Fraction(0)
    """Percent translated every catalogue needs, unless its locale has its own."""
    locales: Mapping[str, Fraction] = field(default_factory=dict)
    unit: CoverageUnit = CoverageUnit.ENTRIES
    required: tuple[str, ...] = ()

    def threshold(self, locale: str) -> Fraction:
        return self.locales.get(locale, self.min_coverage)


def message_counts(messages: Iterable[Message]) -> tuple[Counts, Counts]:
    """Count entries and source words in each state (the header is not an entry)."""
    tally = {state: [0, 0] for state in EntryState}
    for message in messages:
        tally[message.state][0] += 1
        tally[message.state][1] += message.words
    entries, words = (Counts(*(tally[s][i] for s in EntryState)) for i in (0, 1))
    return entries, words


def counted(cov: Coverage, unit: CoverageUnit) -> Counts:
    return cov.words if unit is CoverageUnit.WORDS else cov.entries


def percent(part: int, whole: int) -> str:
    """A percentage with one decimal that never rounds up to 100 nor down to 0.

    >>> percent(199, 200), percent(1, 2000), percent(0, 0)
    ('99.5%', '0.1%', '100%')
    """
    if whole == 0 or part == whole:
        return "100%"
    if part == 0:
        return "0%"
    tenths = min(max(part * 1000 // whole, 1), 999)
    return f"{tenths // 10}.{tenths % 10}%"


def gate_issue(cov: Coverage, gate: Gate) -> Issue | None:
    """An error when a catalogue is below its locale's threshold, saying how far below."""
    threshold = gate.threshold(cov.locale)
    counts = counted(cov, gate.unit)
    if threshold == 0 or counts.ratio * 100 >= threshold:
        return None
    needed = math.ceil(threshold * counts.total / 100) - counts.translated
    unit = gate.unit.value
    return Issue(
        COVERAGE_CHECK, Severity.ERROR, cov.path, None,
        f"{counts.translated} of {counts.total} {unit} translated "
        f"({percent(counts.translated, counts.total)}; {counts.fuzzy} fuzzy, "
        f"{counts.untranslated} untranslated) is below the threshold of {_number(threshold)}% "
        f"for {cov.locale or 'this catalogue'}: translate {needed} more {unit}",
    )


def _number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


# The names ``required`` uses for unit kinds (as ``[publish] required`` does), by the kind
# an entry's extracted comment states.
_KIND_NAMES = {kind.comment: kind.selector for kind in UnitKind if kind.selector}


def unit_names(message: Message) -> set[str]:
    """What a ``required`` name can match: the entry's msgctxt, kind and heading level.

    >>> sorted(unit_names(Message("T", "", 1, EntryState.UNTRANSLATED, msgctxt="title",
    ...                           comment="front matter: title")))
    ['title']
    >>> sorted(unit_names(Message("H", "", 1, EntryState.UNTRANSLATED, comment="heading (h1)")))
    ['h1', 'heading']
    >>> sorted(unit_names(Message("K", "", 1, EntryState.UNTRANSLATED, comment="list item")))
    ['list-item']
    """
    names = {message.msgctxt} if message.msgctxt else set()
    first = message.comment.split("\n", 1)[0].strip()
    match = re.fullmatch(r"(?P<kind>[^(:]+?)\s*(?:\((?P<detail>[^)]*)\))?", first)
    if match and match.group("kind") in _KIND_NAMES:
        names.add(_KIND_NAMES[match.group("kind")])
        if match.group("detail"):
            names.add(match.group("detail"))
    return names


def required_issues(catalogue: Catalogue, required: Sequence[str]) -> list[Issue]:
    """An error for every entry named in ``required`` that is not translated."""
    wanted = set(required)
    issues = []
    for message in catalogue.messages:
        if message.state in (EntryState.TRANSLATED, EntryState.OBSOLETE):
            continue
        hit = sorted(unit_names(message) & wanted)
        if hit:
            issues.append(Issue(
                REQUIRED_CHECK, Severity.ERROR, catalogue.path, message.line,
                f"required {hit[0]} is {message.state.value}: it must be translated "
                f"(and not fuzzy) whatever the coverage",
            ))
    return issues


@dataclass(frozen=True)
class Totals:
    """Entries and words summed over several catalogues."""

    entries: Counts = field(default_factory=Counts)
    words: Counts = field(default_factory=Counts)
    catalogues: int = 0

    def __add__(self, cov: Coverage) -> Totals:
        return Totals(self.entries + cov.entries, self.words + cov.words, self.catalogues + 1)


def total(coverage: Iterable[Coverage]) -> Totals:
    result = Totals()
    for cov in coverage:
        result = result + cov
    return result


def grouped(coverage: Iterable[Coverage], key: Callable[[Coverage], str]) -> dict[str, Totals]:
    """Totals per group (per locale, per article), in sorted order."""
    groups: dict[str, Totals] = {}
    for cov in coverage:
        groups[key(cov)] = groups.get(key(cov), Totals()) + cov
    return dict(sorted(groups.items()))


@dataclass(frozen=True)
class Gap:
    """An entry readers do not get a reviewed translation of: untranslated or fuzzy."""

    line: int
    """1-based line of the entry in its catalogue."""
    state: EntryState
    text: str
    """The start of its source text, to recognise it by."""


GAP_TEXT = 60
"""How much of an entry's source a gap keeps (a large project has very many gaps)."""


def gaps(messages: Iterable[Message]) -> tuple[Gap, ...]:
    """Every untranslated and fuzzy entry, in the order of the file.

    >>> gaps([Message("Kot", "", 7, EntryState.UNTRANSLATED)])
    (Gap(line=7, state=<EntryState.UNTRANSLATED: 'untranslated'>, text='Kot'),)
    """
    found = []
    for m in messages:
        if m.state in (EntryState.UNTRANSLATED, EntryState.FUZZY):
            text = " ".join(m.msgid.split())
            if len(text) > GAP_TEXT:
                text = text[: GAP_TEXT - 1].rstrip() + "…"
            found.append(Gap(m.line, m.state, text))
    return tuple(sorted(found, key=lambda g: g.line))


@dataclass(frozen=True)
class CatalogueReport:
    """One catalogue's coverage, its threshold and the problems found in it."""

    coverage: Coverage
    catalogue: Catalogue
    threshold: Fraction
    issues: tuple[Issue, ...] = ()
    gaps: tuple[Gap, ...] = ()
    """Its untranslated and fuzzy entries, which ``check`` lists."""

    @property
    def gated(self) -> bool:
        """Whether a coverage or required-unit gate fails on this catalogue."""
        return any(i.check in (COVERAGE_CHECK, REQUIRED_CHECK) for i in self.issues)


@dataclass
class CheckReport:
    """Coverage of every catalogue, every problem found, and whether the gate passed."""

    catalogues: list[CatalogueReport] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    """Every problem: quality checks, coverage gates and stale files, in a stable order."""
    errors: list[LocpipeError] = field(default_factory=list)
    """What could not be read at all (the command then exits 2)."""
    gate: Gate = field(default_factory=Gate)

    @property
    def coverage(self) -> list[Coverage]:
        return [c.coverage for c in self.catalogues]

    @property
    def below(self) -> list[Coverage]:
        """Catalogues under their coverage threshold."""
        paths = {i.path for i in self.issues if i.check == COVERAGE_CHECK}
        return [c for c in self.coverage if c.path in paths]

    @property
    def failed(self) -> bool:
        return any(i.severity is Severity.ERROR for i in self.issues)

    def passed(self, *, strict: bool = False) -> bool:
        """Whether CI should go on: no errors, no error-level problems (nor warnings if strict)."""
        return not self.errors and not self.failed and not (strict and self.issues)
