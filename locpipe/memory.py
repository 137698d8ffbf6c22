"""Translation memory: what the other catalogues of a locale already say.

Built once per run and locale from every catalogue under ``locales/<locale>/LC_MESSAGES/``
as it was before the run (so the result does not depend on the order catalogues are
updated in): their translated, reviewed entries, active or obsolete. Fuzzy entries are left
out: nobody has approved them yet.

A lookup answers with the translation of the same text (exact) or of the most similar text
(near, scored as in :mod:`locpipe.similarity`). Only exact text in the same context that
every catalogue translates alike is reused as is; anything else is a suggestion, marked
fuzzy with its source as ``#| msgid`` (and ``#| msgctxt``), the way ``msgmerge
--compendium`` marks it, so nothing new appears in front of readers unreviewed.

The index is built on the first lookup (an update where nothing is untranslated costs
nothing) and stays fast for tens of thousands of entries: exact text is a dictionary; near
matches are searched among the entries that share enough rare words with the query (a
prefix filter, which never misses a match above the cutoff) and, for short texts, among
entries of a similar length only.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

import polib
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from .similarity import CHAR_CUTOFF, WORD_CUTOFF, Text, Vocabulary, prepare


@dataclass(frozen=True)
class Suggestion:
    """A translation the memory offers for a text."""

    msgstr: str
    msgid: str
    """The source text the translation was made for."""
    msgctxt: str | None
    origin: str
    """The catalogue it comes from."""
    exact: bool
    """Same text, same context, translated alike everywhere: reuse it without review."""


@dataclass(frozen=True)
class _Item:
    msgid: str
    msgctxt: str | None
    msgstr: str
    origin: str
    obsolete: bool


def _usable(entry: polib.POEntry) -> bool:
    return bool(entry.msgid and entry.msgstr and not entry.msgid_plural and not entry.fuzzy)


class Memory:
    """Every reviewed translation of one locale, searchable by exact and similar source."""

    def __init__(self, catalogues: Iterable[tuple[str, polib.POFile]]) -> None:
        """Take ``(origin, catalogue)`` pairs; origins name catalogues in suggestions."""
        items = [
            _Item(e.msgid, e.msgctxt, e.msgstr, origin, bool(e.obsolete))
            for origin, po in catalogues
            for e in po
            if _usable(e)
        ]
        # Active translations before obsolete ones: they win ties.
        self._items = sorted(items, key=lambda i: i.obsolete)

    def __len__(self) -> int:
        return len(self._items)

    def suggest(self, msgid: str, msgctxt: str | None, *, exclude: str = "") -> Suggestion | None:
        """The best translation for a text, leaving out the catalogue ``exclude``."""
        return self._exact(msgid, msgctxt, exclude) or self._near(msgid, exclude)

    # -- exact ----------------------------------------------------------------------------

    @cached_property
    def _by_text(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = defaultdict(list)
        for number, item in enumerate(self._items):
            found[item.msgid].append(number)
        return dict(found)

    def _exact(self, msgid: str, msgctxt: str | None, exclude: str) -> Suggestion | None:
        hits = [self._items[n] for n in self._by_text.get(msgid, ()) if
                self._items[n].origin != exclude]
        if not hits:
            return None
        same = [i for i in hits if i.msgctxt == msgctxt]
        pool = same or hits
        votes = Counter(i.msgstr for i in pool)
        best = max(votes, key=lambda s: votes[s])  # the first of the most common
        item = next(i for i in pool if i.msgstr == best)
        return Suggestion(best, item.msgid, item.msgctxt, item.origin,
                          exact=bool(same) and len(votes) == 1)

    # -- near -----------------------------------------------------------------------------

    @cached_property
    def _index(self) -> _NearIndex:
        return _NearIndex(self._items)

    def _near(self, msgid: str, exclude: str) -> Suggestion | None:
        found = self._index.best(msgid, exclude)
        if found is None:
            return None
        item = self._items[found]
        return Suggestion(item.msgstr, item.msgid, item.msgctxt, item.origin, exact=False)


def _elements(words: str) -> Iterator[str]:
    """A word sequence as a set: the k-th occurrence of a word is its own element."""
    seen: Counter[str] = Counter()
    for code in words:
        seen[code] += 1
        yield code * seen[code]


class _NearIndex:
    """Find the most similar source text among many, fast."""

    def __init__(self, items: list[_Item]) -> None:
        self.vocabulary = Vocabulary()
        self.items = items
        self.texts: list[Text] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        by_length: list[tuple[int, int]] = []
        short_by_length: list[tuple[int, int]] = []
        distinct: dict[str, int] = {}
        self.duplicates: dict[int, list[int]] = defaultdict(list)
        for item in items:
            # Identical texts are searched once: the first (active) one stands for all.
            if item.msgid in distinct:
                first = distinct[item.msgid]
                self.texts.append(self.texts[first])
                self.duplicates[first].append(len(self.texts) - 1)
                continue
            number = distinct[item.msgid] = len(self.texts)
            text = prepare(item.msgid, self.vocabulary)
            self.texts.append(text)
            by_length.append((len(text.lower), number))
            if text.long:
                for element in _elements(text.words):
                    self.postings[element].append(number)
            else:
                short_by_length.append((len(text.lower), number))
        self.by_length = sorted(by_length)
        self.short_by_length = sorted(short_by_length)

    def _owners(self, number: int, exclude: str) -> int | None:
        """The first item with this text that is not from ``exclude``."""
        if self.items[number].origin != exclude:
            return number
        for other in self.duplicates.get(number, ()):
            if self.items[other].origin != exclude:
                return other
        return None

    def _choices(self, numbers: Iterable[int], exclude: str, attribute: str) -> dict[int, str]:
        choices = {}
        for number in sorted(set(numbers)):
            owner = self._owners(number, exclude)
            if owner is not None:
                choices[owner] = getattr(self.texts[number], attribute)
        return choices

    def _by_words(self, query: Text, exclude: str) -> tuple[float, int] | None:
        # A match has, in order, at least WORD_CUTOFF percent of the longer text's words,
        # so at least `need` of the query's: it holds one of any len - need + 1 of them,
        # and the rarest ones have the shortest postings.
        elements = sorted(_elements(query.words),
                          key=lambda e: (len(self.postings.get(e, ())), e))
        need = max(1, math.ceil(len(elements) * WORD_CUTOFF / 100))
        numbers = [n for e in elements[: len(elements) - need + 1]
                   for n in self.postings.get(e, ())]
        choices = self._choices(numbers, exclude, "words")
        found = process.extractOne(query.words, choices, scorer=LCSseq.normalized_similarity,
                                   score_cutoff=WORD_CUTOFF / 100)
        return None if found is None else (100 * float(found[1]), int(found[2]))

    def _by_chars(self, query: Text, exclude: str, table: list[tuple[int, int]]
                  ) -> tuple[float, int] | None:
        # ratio >= 75 needs lengths within a factor of 5/3 of each other.
        size = len(query.lower)
        low = bisect.bisect_left(table, (size * 3 // 5, -1))
        high = bisect.bisect_right(table, (size * 5 // 3 + 1, len(self.texts)))
        choices = self._choices((n for _, n in table[low:high]), exclude, "lower")
        found = process.extractOne(query.lower, choices, scorer=fuzz.ratio,
                                   score_cutoff=CHAR_CUTOFF)
        return None if found is None else (float(found[1]), int(found[2]))

    def best(self, msgid: str, exclude: str) -> int | None:
        """The item most similar to ``msgid`` above the cutoff, if any."""
        query = prepare(msgid, self.vocabulary)
        if query.long:
            found = [self._by_words(query, exclude),
                     self._by_chars(query, exclude, self.short_by_length)]
        else:
            found = [self._by_chars(query, exclude, self.by_length)]
        scored = [f for f in found if f is not None]
        if not scored:
            return None
        return max(scored, key=lambda f: f[0])[1]
