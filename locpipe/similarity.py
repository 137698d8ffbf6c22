"""How alike two source texts are, the way a translator would judge it.

Paragraphs are compared word by word: every word and punctuation mark is one symbol, so a
typo or a moved comma costs one symbol, not a share of the characters, and two different
paragraphs that happen to share many letters do not look alike. The score is the share of
the longer text's words that the other one has, in the same order (the longest common
subsequence over the longer length): a suggestion is only worth a translator's time when
the old translation covers at least half of the new text, and a short title does not match
a long sentence that happens to contain its four words. Texts of fewer than
:data:`MIN_WORDS` words are compared character by character (RapidFuzz's ``ratio``), where
one changed word would otherwise weigh a third or a half of the text.

Words are encoded as single characters of a private alphabet (:class:`Vocabulary`), so
RapidFuzz's fast string scorers compare word sequences as they would compare strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

WORD_CUTOFF = 50.0
"""Least share (percent) of the longer text's words, in order, that the other one has."""
CHAR_CUTOFF = 75.0
"""Least character-level similarity for short texts, where one word weighs too much."""
PART_CUTOFF = 90.0
"""Least similarity of a text to a passage of a longer one, to call it a part of it."""
MIN_WORDS = 4
"""Texts with fewer words than this are compared character by character."""
MIN_PART_WORDS = 5
"""A split or merged part must have at least this many words (shorter ones are too common)."""

_TOKENS = re.compile(r"\w+|[^\w\s]")
_FIRST_CODE = 0x100  # skip ASCII and Latin-1 so no code looks like punctuation to a scorer


def tokens(text: str) -> list[str]:
    """Split a text into lower-case words and punctuation marks.

    >>> tokens("Kot, pies i KOT.")
    ['kot', ',', 'pies', 'i', 'kot', '.']
    """
    return _TOKENS.findall(text.lower())


class Vocabulary:
    """Give every distinct word one character, so a word sequence becomes a short string."""

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}

    def encode(self, words: list[str]) -> str:
        codes = self._codes
        out = []
        for word in words:
            code = codes.get(word)
            if code is None:
                number = _FIRST_CODE + len(codes)
                if number >= 0xD800:  # leave out surrogates, which cannot stand alone
                    number += 0x800
                code = codes[word] = chr(number)
            out.append(code)
        return "".join(out)


@dataclass(frozen=True)
class Text:
    """A source text prepared for comparison."""

    text: str
    lower: str
    words: str
    """The encoded word sequence (one character per word or punctuation mark)."""

    @property
    def long(self) -> bool:
        return len(self.words) >= MIN_WORDS


def prepare(text: str, vocabulary: Vocabulary) -> Text:
    return Text(text, text.lower(), vocabulary.encode(tokens(text)))


def similarity(a: Text, b: Text) -> float:
    """Score 0-100; 0 when below the cutoff, so any positive score is a usable match."""
    if a.long and b.long:
        return word_score(a.words, b.words)
    return float(fuzz.ratio(a.lower, b.lower, score_cutoff=CHAR_CUTOFF))


def word_score(a: str, b: str, *, score_cutoff: float | None = WORD_CUTOFF) -> float:
    """Percent of the longer word sequence found, in order, in the other; 0 below the cutoff.

    >>> v = Vocabulary()
    >>> word_score(v.encode(tokens("Ala ma kota.")), v.encode(tokens("Ala ma psa.")))
    75.0
    """
    cutoff = None if score_cutoff is None else score_cutoff / 100
    return 100 * float(LCSseq.normalized_similarity(a, b, score_cutoff=cutoff))


def part_of(part: Text, whole: Text) -> tuple[float, int]:
    """How well ``part`` matches a passage of the longer ``whole``, and where it starts.

    Returns ``(0, -1)`` when ``part`` is too short to tell, not shorter than ``whole``, or
    not found in it.
    """
    if len(part.words) < MIN_PART_WORDS or len(part.words) >= len(whole.words):
        return 0.0, -1
    found = fuzz.partial_ratio_alignment(part.words, whole.words, score_cutoff=PART_CUTOFF)
    if found is None:
        return 0.0, -1
    return float(found.score), found.dest_start
