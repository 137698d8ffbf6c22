"""Quality checks: a registry of named, pure functions over (source, translation) pairs."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import polib

from .catalog import entry_state
from .model import EntryState, Issue, Severity
from .segment import inline_markup

Finder = Callable[[str, str], Iterable[str]]
"""Given a source text and its translation, yield a message for each problem."""


@dataclass(frozen=True)
class Check:
    name: str
    severity: Severity
    find: Finder
    doc: str


REGISTRY: dict[str, Check] = {}


def check(name: str, severity: Severity) -> Callable[[Finder], Finder]:
    """Register a check under a name users can select and silence."""

    def register(find: Finder) -> Finder:
        REGISTRY[name] = Check(name, severity, find, (find.__doc__ or "").strip())
        return find

    return register


def _multiset_diff(label: str, source: Iterable[str], target: Iterable[str]) -> Iterator[str]:
    want, got = Counter(source), Counter(target)
    for item in sorted((want - got).keys()):
        yield f"{label} '{item}' from the source is missing"
    for item in sorted((got - want).keys()):
        yield f"{label} '{item}' is not in the source"


@check("markdown-links", Severity.ERROR)
def _links(source: str, target: str) -> Iterator[str]:
    """Link and image destinations must be the same as in the source."""
    a, b = inline_markup(source), inline_markup(target)
    yield from _multiset_diff("link to", a.links, b.links)
    yield from _multiset_diff("image", a.images, b.images)


@check("code-spans", Severity.ERROR)
def _code(source: str, target: str) -> Iterator[str]:
    """Code spans are not translated: each must appear verbatim."""
    yield from _multiset_diff("code span", inline_markup(source).code, inline_markup(target).code)


@check("whitespace", Severity.ERROR)
def _whitespace(source: str, target: str) -> Iterator[str]:
    """Leading and trailing whitespace (including no-break spaces) must be kept."""
    for side, pattern in (("leading", r"^\s*"), ("trailing", r"\s*$")):
        want = re.search(pattern, source)
        got = re.search(pattern, target)
        if want and got and want.group() != got.group():
            yield f"{side} whitespace {want.group()!r} in the source but {got.group()!r} here"


@check("placeholders", Severity.ERROR)
def _placeholders(source: str, target: str) -> Iterator[str]:
    """Placeholders such as {name} must be kept."""
    pattern = r"\{[A-Za-z_][A-Za-z0-9_]*\}"
    yield from _multiset_diff(
        "placeholder", re.findall(pattern, source), re.findall(pattern, target)
    )


@check("line-breaks", Severity.WARNING)
def _line_breaks(source: str, target: str) -> Iterator[str]:
    """Hard line breaks inside a paragraph should be kept."""
    if source.count("\n") != target.count("\n"):
        yield f"{source.count(chr(10))} line breaks in the source, {target.count(chr(10))} here"


def check_catalog(
    po: polib.POFile, *, path: str, enabled: Iterable[str] | None = None
) -> list[Issue]:
    """Run the checks over every translated entry and report every problem found."""
    chosen = [REGISTRY[n] for n in (enabled or REGISTRY)]
    issues: list[Issue] = []
    for entry in po:
        state = entry_state(entry)
        if state is EntryState.FUZZY:
            issues.append(Issue("fuzzy", Severity.WARNING, path, entry.linenum,
                                "fuzzy translation: review it, then remove the fuzzy flag"))
        if state is not EntryState.TRANSLATED or entry.msgid_plural:
            continue
        silenced = _silenced(entry)
        for item in chosen:
            if item.name in silenced:
                continue
            for message in item.find(entry.msgid, entry.msgstr):
                issues.append(Issue(item.name, item.severity, path, entry.linenum, message))
    return issues


def _silenced(entry: polib.POEntry) -> set[str]:
    names: set[str] = set()
    for flag in entry.flags:
        if flag.startswith("locpipe-ignore:"):
            names.update(n.strip() for n in flag.split(":", 1)[1].split("|"))
    return names
