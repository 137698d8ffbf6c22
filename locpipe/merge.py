"""Merge a template into a catalogue so that no translator's work is lost.

Exact matches keep their translation; changed text is matched to the most similar old
entry and marked fuzzy with the previous msgid; text that left the article becomes
obsolete and comes back, translated, if the text returns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import polib
from rapidfuzz import fuzz, process

from .catalog import entry_key, entry_state
from .model import EntryState, Key

WORD_CUTOFF = 50.0
"""Least word-level similarity (0-100) for a changed paragraph to find its old entry."""
CHAR_CUTOFF = 75.0
"""Least character-level similarity for short texts, where one word weighs too much."""
_TOKENS = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class MergeStats:
    """What a merge did to one catalogue."""

    kept: int = 0
    new: int = 0
    fuzzy: int = 0
    obsolete: int = 0
    revived: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "new": self.new, "fuzzy": self.fuzzy, "obsolete": self.obsolete,
            "revived": self.revived, "kept": self.kept,
        }


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text.lower())


class _Matcher:
    """Find the most similar translated old entry for a changed text."""

    def __init__(self, candidates: Sequence[polib.POEntry]) -> None:
        self.entries = list(candidates)
        self.words = [_tokens(e.msgid) for e in self.entries]
        self.texts = [e.msgid for e in self.entries]

    def best(self, text: str) -> polib.POEntry | None:
        if not self.entries:
            return None
        words = _tokens(text)
        if len(words) >= 4:
            found = process.extractOne(
                words, self.words, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF
            )
        else:
            found = process.extractOne(
                text, self.texts, scorer=fuzz.ratio, score_cutoff=CHAR_CUTOFF
            )
        return None if found is None else self.entries[found[2]]


def _copy(entry: polib.POEntry) -> polib.POEntry:
    return polib.POEntry(
        msgid=entry.msgid,
        msgctxt=entry.msgctxt,
        msgid_plural=entry.msgid_plural,
        msgstr=entry.msgstr,
        msgstr_plural=dict(entry.msgstr_plural),
        tcomment=entry.tcomment,
        flags=list(entry.flags),
        previous_msgid=entry.previous_msgid,
        previous_msgctxt=entry.previous_msgctxt,
        previous_msgid_plural=entry.previous_msgid_plural,
    )


def merge(
    template: polib.POFile, old: polib.POFile, into: polib.POFile
) -> MergeStats:
    """Fill ``into`` (a catalogue with its header set) from ``template`` and the ``old`` one."""
    active: dict[Key, polib.POEntry] = {}
    obsolete: dict[Key, polib.POEntry] = {}
    for entry in old:
        (obsolete if entry.obsolete else active)[entry_key(entry)] = entry
    used: set[Key] = set()
    stats = {"kept": 0, "new": 0, "fuzzy": 0, "obsolete": 0, "revived": 0}
    pending: list[tuple[polib.POEntry, polib.POEntry]] = []
    for source in template:
        key = entry_key(source)
        if key in active:
            entry = _copy(active[key])
            stats["kept"] += 1
        elif key in obsolete:
            entry = _copy(obsolete[key])
            entry.obsolete = False
            stats["revived"] += 1
        else:
            entry = polib.POEntry(msgid=source.msgid, msgctxt=source.msgctxt)
            pending.append((source, entry))
        used.add(key)
        if not entry.fuzzy:
            entry.previous_msgid = entry.previous_msgctxt = None
        entry.comment = source.comment
        entry.occurrences = list(source.occurrences)
        into.append(entry)
    candidates = [
        e for k, e in active.items()
        if k not in used and entry_state(e) in (EntryState.TRANSLATED, EntryState.FUZZY)
    ]
    candidates += [e for k, e in obsolete.items() if k not in used and e.msgstr]
    matcher = _Matcher(candidates)
    for source, entry in pending:
        match = matcher.best(source.msgid)
        if match is None:
            stats["new"] += 1
            continue
        entry.msgstr = match.msgstr
        entry.tcomment = match.tcomment
        entry.flags = ["fuzzy", *(f for f in match.flags if f != "fuzzy")]
        chained = match.fuzzy and match.previous_msgid
        entry.previous_msgid = match.previous_msgid if chained else match.msgid
        entry.previous_msgctxt = match.msgctxt
        used.add(entry_key(match))
        stats["fuzzy"] += 1
    for key, entry in active.items():
        if key not in used and entry_state(entry) is not EntryState.UNTRANSLATED:
            gone = _copy(entry)
            gone.obsolete = True
            gone.previous_msgid = gone.previous_msgctxt = None
            into.append(gone)
            stats["obsolete"] += 1
    for key, entry in obsolete.items():
        if key not in used:
            into.append(_obsolete_copy(entry))
    return MergeStats(**stats)


def _obsolete_copy(entry: polib.POEntry) -> polib.POEntry:
    copy = _copy(entry)
    copy.obsolete = True
    return copy
