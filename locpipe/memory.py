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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Protocol

import polib
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from .similarity import (
    CHAR_CUTOFF,
    MIN_WORDS,
    WORD_CUTOFF,
    Text,
    Vocabulary,
    prepare,
    tokens,
)

Scorer = Callable[..., float]


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


Items = list[tuple[str, str | None, str, bool]]
"""What a catalogue gives the memory: ``(msgid, msgctxt, msgstr, obsolete)`` of each
reviewed entry, in the catalogue's order. Plain data, so a cache can keep it."""


def catalogue_items(po: polib.POFile) -> Items:
    """The entries of a catalogue that the memory offers to the others."""
    return [(e.msgid, e.msgctxt, e.msgstr, bool(e.obsolete)) for e in po if _usable(e)]


class Lookup(Protocol):
    """What a merge asks of a translation memory."""

    def suggest(self, msgid: str, msgctxt: str | None, *, exclude: str = "",
                near: bool = True) -> Suggestion | None: ...


class Memory:
    """Every reviewed translation of one locale, searchable by exact and similar source."""

    def __init__(self, catalogues: Iterable[tuple[str, polib.POFile]]) -> None:
        """Take ``(origin, catalogue)`` pairs; origins name catalogues in suggestions."""
        self._set_items((origin, catalogue_items(po)) for origin, po in catalogues)

    @classmethod
    def from_items(cls, catalogues: Iterable[tuple[str, Sequence[Sequence[object]]]]
                   ) -> Memory:
        """The memory of ``(origin, items)`` pairs, items as :func:`catalogue_items` gives."""
        memory = cls(())
        memory._set_items(catalogues)
        return memory

    def _set_items(self, catalogues: Iterable[tuple[str, Iterable[Sequence[object]]]]
                   ) -> None:
        items = [
            _Item(str(msgid), None if msgctxt is None else str(msgctxt), str(msgstr), origin,
                  bool(obsolete))
            for origin, found in catalogues
            for msgid, msgctxt, msgstr, obsolete in found
        ]
        # Active translations before obsolete ones: they win ties.
        self._items = sorted(items, key=lambda i: i.obsolete)

    def __len__(self) -> int:
        return len(self._items)

    def suggest(self, msgid: str, msgctxt: str | None, *, exclude: str = "",
                near: bool = True) -> Suggestion | None:
        """The best translation for a text, leaving out the catalogue ``exclude``.

        ``near=False`` looks for the same text only, which costs a dictionary lookup.
        """
        found = self._exact(msgid, msgctxt, exclude)
        if found is None and near:
            found = self._near(msgid, exclude)
        return found

    # -- exact ----------------------------------------------------------------------------

    @cached_property
    def _by_text(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = defaultdict(list)
        for number, item in enumerate(self._items):
            found[item.msgid].append(number)
        return dict(found)

    def _exact(self, msgid: str, msgctxt: str | None, exclude: str) -> Suggestion | None:
        return _exact([self._items[n] for n in self._by_text.get(msgid, ())], msgctxt, exclude)

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


def _exact(items: Iterable[_Item], msgctxt: str | None, exclude: str) -> Suggestion | None:
    """The translation of the same text among ``items`` (in the memory's order)."""
    hits = [i for i in items if i.origin != exclude]
    if not hits:
        return None
    same = [i for i in hits if i.msgctxt == msgctxt]
    pool = same or hits
    votes = Counter(i.msgstr for i in pool)
    best = max(votes, key=lambda s: votes[s])  # the first of the most common
    item = next(i for i in pool if i.msgstr == best)
    return Suggestion(best, item.msgid, item.msgctxt, item.origin,
                      exact=bool(same) and len(votes) == 1)


def _elements(words: str) -> list[str]:
    """A word sequence as a set: the k-th occurrence of a word is its own element.

    >>> _elements("abca")
    ['a', 'aa', 'b', 'c']
    """
    return [code * k for code, count in Counter(words).items() for k in range(1, count + 1)]


class _NearIndex:
    """Find the most similar source text among many, fast.

    Identical texts are indexed once (as their first, active-first item); per-candidate work
    stays in RapidFuzz and in C-level set and slice operations.
    """

    def __init__(self, items: list[_Item]) -> None:
        self.vocabulary = Vocabulary()
        self.items = items
        first: dict[str, int] = {}
        self.owners: dict[int, list[int]] = defaultdict(list)
        """Every item of a distinct text, by the number of its first item."""
        for number, item in enumerate(items):
            self.owners[first.setdefault(item.msgid, number)].append(number)
        self.words: list[str] = [""] * len(items)
        self.lower: list[str] = [""] * len(items)
        self.sizes: list[int] = [0] * len(items)
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.only_from: dict[str, set[int]] = defaultdict(set)
        """Texts that only one catalogue has, by that catalogue."""
        by_length: list[tuple[int, int]] = []
        short: list[tuple[int, int]] = []
        for number, numbers in self.owners.items():
            text = prepare(items[number].msgid, self.vocabulary)
            self.words[number], self.lower[number] = text.words, text.lower
            self.sizes[number] = len(text.words)
            origins = {items[n].origin for n in numbers}
            if len(origins) == 1:
                self.only_from[origins.pop()].add(number)
            by_length.append((len(text.lower), number))
            if text.long:
                for element in _elements(text.words):
                    self.postings[element].append(number)
            else:
                short.append((len(text.lower), number))
        self.all_lengths, self.all_numbers = _columns(sorted(by_length))
        self.short_lengths, self.short_numbers = _columns(sorted(short))

    def _best(self, query: str, numbers: list[int], texts: list[str], exclude: str,
              scorer: Scorer, cutoff: float) -> tuple[float, int] | None:
        """The best-scoring text among ``numbers`` that is not only ``exclude``'s."""
        if not numbers:
            return None
        excluded = self.only_from.get(exclude, set())
        choices = [texts[numbers[0]]] if len(numbers) == 1 else itemgetter(*numbers)(texts)
        for _, score, index in process.extract(query, choices, scorer=scorer,
                                               score_cutoff=cutoff,
                                               limit=len(excluded) + 1):
            number = numbers[index]
            if number not in excluded:
                return float(score), self._owner(number, exclude)
        return None

    def _owner(self, number: int, exclude: str) -> int:
        return next(n for n in self.owners[number] if self.items[n].origin != exclude)

    def _by_words(self, query: Text, exclude: str) -> tuple[float, int] | None:
        # A match has, in order, at least WORD_CUTOFF percent of the longer text's words,
        # so at least `need` of the query's: it holds one of any len - need + 1 of them,
        # and the rarest ones have the shortest postings. It is also at most 100/cutoff
        # times as long or as short as the query.
        elements = sorted(_elements(query.words),
                          key=lambda e: (len(self.postings.get(e, ())), e))
        need = max(1, math.ceil(len(elements) * WORD_CUTOFF / 100))
        found: set[int] = set()
        for element in elements[: len(elements) - need + 1]:
            found.update(self.postings.get(element, ()))
        size, sizes, factor = len(query.words), self.sizes, 100 / WORD_CUTOFF
        numbers = sorted(n for n in found if size <= sizes[n] * factor and
                         sizes[n] <= size * factor)
        result = self._best(query.words, numbers, self.words, exclude,
                            LCSseq.normalized_similarity, WORD_CUTOFF / 100)
        return None if result is None else (100 * result[0], result[1])

    def _by_chars(self, query: Text, exclude: str, lengths: list[int], numbers: list[int]
                  ) -> tuple[float, int] | None:
        # ratio >= 75 needs lengths within a factor of 5/3 of each other.
        size = len(query.lower)
        low = bisect.bisect_left(lengths, size * 3 // 5)
        high = bisect.bisect_right(lengths, size * 5 // 3 + 1)
        return self._best(query.lower, numbers[low:high], self.lower, exclude, fuzz.ratio,
                          CHAR_CUTOFF)

    def best(self, msgid: str, exclude: str) -> int | None:
        """The item most similar to ``msgid`` above the cutoff, if any."""
        query = prepare(msgid, self.vocabulary)
        if query.long:
            found = [self._by_words(query, exclude),
                     self._by_chars(query, exclude, self.short_lengths, self.short_numbers)]
        else:
            found = [self._by_chars(query, exclude, self.all_lengths, self.all_numbers)]
        scored = [f for f in found if f is not None]
        if not scored:
            return None
        return max(scored, key=lambda f: f[0])[1]


def _columns(pairs: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    return [a for a, _ in pairs], [b for _, b in pairs]


# -- the memory as rows in a database ----------------------------------------------------

Order = tuple[bool, int, int]
"""Where an item stands in the memory: obsolete last, then catalogue, then entry."""
Row = tuple[Order, str, str | None, str, str]
"""An item as a database gives it: order, msgid, msgctxt, msgstr, origin."""


def element_keys(text: str) -> list[str]:
    r"""The words of a text as a set, each occurrence its own element (``word\x01k``).

    Empty for a text too short to be compared word by word.

    >>> element_keys("Kot i kot.")
    ['kot\x011', 'kot\x012', 'i\x011', '.\x011']
    """
    words = tokens(text)
    if len(words) < MIN_WORDS:
        return []
    return [f"{word}\x01{k}" for word, count in Counter(words).items()
            for k in range(1, count + 1)]


def may_match(questions: Iterable[tuple[str, bool]]) -> Callable[[str], bool]:
    """A test of a memory's texts that passes every one that may answer these questions
    (``(msgid, near)`` pairs): the same text, and for a near match, a text that shares one
    of the words every match shares (the prefix filter of :class:`_NearIndex`, on any such
    choice of words, checked as substrings) or whose length a character-level match allows.

    A memory of the texts that pass answers these questions as the whole memory does.

    >>> keep = may_match([("Kot ma bardzo długi ogon.", True)])
    >>> keep("Kot ma długi ogon."), keep("Zupełnie inna historia o psach i ludziach.")
    (True, False)
    """
    same: set[str] = set()
    words: list[set[str]] = []
    any_length: list[tuple[int, int]] = []
    short_length: list[tuple[int, int]] = []
    for msgid, near in questions:
        same.add(msgid)
        if not near:
            continue
        size = len(msgid.lower())
        window = (size * 3 // 5, size * 5 // 3 + 1)
        keys = element_keys(msgid)
        if not keys:
            any_length.append(window)
            continue
        need = max(1, math.ceil(len(keys) * WORD_CUTOFF / 100))
        # Longer words first: they tend to be rarer, which keeps fewer texts.
        chosen = sorted(keys, key=lambda e: (-len(e.split("\x01", 1)[0]), e))
        words.append({e.split("\x01", 1)[0] for e in chosen[: len(keys) - need + 1]})
        short_length.append(window)

    def keep(text: str) -> bool:
        if text in same:
            return True
        lower = text.lower()
        width = len(lower)
        if any(low <= width <= high for low, high in any_length):
            return True
        if any(any(word in lower for word in chosen) for chosen in words):
            return True
        return (any(low <= width <= high for low, high in short_length)
                and not element_keys(text))

    return keep


class Rows(Protocol):
    """Where :class:`IndexedMemory` finds its candidates: the memory's items, by query."""

    def close(self) -> None:
        """Let go of the database."""

    def exact(self, msgid: str) -> list[Row]:
        """Every item with this source text."""

    def counts(self, elements: Sequence[str]) -> dict[str, int]:
        """How many items hold each of these elements (of :func:`element_keys`)."""

    def containing(self, elements: Sequence[str]) -> list[Row]:
        """Every item holding one of these elements."""

    def widths(self, low: int, high: int, *, short_only: bool) -> list[Row]:
        """Every item whose text is ``low`` to ``high`` characters long (only short texts, if
        asked)."""


@dataclass(frozen=True)
class _Text:
    order: Order
    msgid: str
    items: tuple[_Item, ...]


def _texts(rows: Iterable[Row]) -> list[_Text]:
    """Rows grouped into distinct texts, each placed where its first item stands."""
    by_text: dict[str, list[tuple[Order, _Item]]] = defaultdict(list)
    for order, msgid, msgctxt, msgstr, origin in rows:
        by_text[msgid].append((order, _Item(msgid, msgctxt, msgstr, origin, order[0])))
    found = []
    for msgid, items in by_text.items():
        items.sort(key=itemgetter(0))
        found.append(_Text(items[0][0], msgid, tuple(i for _, i in items)))
    return sorted(found, key=lambda t: t.order)


def _pick(query: str, texts: Sequence[_Text], choices: Sequence[str], exclude: str,
          scorer: Scorer, cutoff: float) -> tuple[float, _Item] | None:
    """The best-scoring text that is not only ``exclude``'s, the first of equals, as
    :meth:`_NearIndex._best` picks it among all texts."""
    excluded = [all(i.origin == exclude for i in t.items) for t in texts]
    if not texts:
        return None
    for _, score, index in process.extract(query, choices, scorer=scorer, score_cutoff=cutoff,
                                           limit=sum(excluded) + 1):
        if not excluded[index]:
            return float(score), next(i for i in texts[index].items if i.origin != exclude)
    return None


class IndexedMemory:
    """The same answers as :class:`Memory`, from a database of items instead of all of them.

    A lookup reads only the items that can match: those with the same text, those sharing
    enough words with it (the prefix filter of :class:`_NearIndex`) and those of a length
    that a character-level match allows. Costs a few queries a lookup, and nothing to build:
    for a few lookups in a large memory, far cheaper than loading it.
    """

    def __init__(self, rows: Rows) -> None:
        self.rows = rows

    def close(self) -> None:
        self.rows.close()

    def suggest(self, msgid: str, msgctxt: str | None, *, exclude: str = "",
                near: bool = True) -> Suggestion | None:
        items = [i for t in _texts(self.rows.exact(msgid)) for i in t.items]
        found = _exact(items, msgctxt, exclude)
        if found is None and near:
            item = self._near(msgid, exclude)
            if item is not None:
                found = Suggestion(item.msgstr, item.msgid, item.msgctxt, item.origin,
                                   exact=False)
        return found

    def _near(self, msgid: str, exclude: str) -> _Item | None:
        vocabulary = Vocabulary()
        query = prepare(msgid, vocabulary)
        if query.long:
            found = [self._by_words(query, msgid, vocabulary, exclude),
                     self._by_chars(query, exclude, short_only=True)]
        else:
            found = [self._by_chars(query, exclude, short_only=False)]
        scored = [f for f in found if f is not None]
        if not scored:
            return None
        return max(scored, key=lambda f: f[0])[1]

    def _by_words(self, query: Text, msgid: str, vocabulary: Vocabulary, exclude: str
                  ) -> tuple[float, _Item] | None:
        elements = element_keys(msgid)
        counts = self.rows.counts(elements)
        elements.sort(key=lambda e: (counts.get(e, 0), e))
        need = max(1, math.ceil(len(elements) * WORD_CUTOFF / 100))
        size, factor = len(query.words), 100 / WORD_CUTOFF
        texts, words = [], []
        for text in _texts(self.rows.containing(elements[: len(elements) - need + 1])):
            encoded = prepare(text.msgid, vocabulary).words
            if size <= len(encoded) * factor and len(encoded) <= size * factor:
                texts.append(text)
                words.append(encoded)
        found = _pick(query.words, texts, words, exclude, LCSseq.normalized_similarity,
                      WORD_CUTOFF / 100)
        return None if found is None else (100 * found[0], found[1])

    def _by_chars(self, query: Text, exclude: str, *, short_only: bool
                  ) -> tuple[float, _Item] | None:
        size = len(query.lower)
        rows = self.rows.widths(size * 3 // 5, size * 5 // 3 + 1, short_only=short_only)
        texts = sorted(_texts(rows), key=lambda t: (len(t.msgid.lower()), t.order))
        return _pick(query.lower, texts, [t.msgid.lower() for t in texts], exclude,
                     fuzz.ratio, CHAR_CUTOFF)
