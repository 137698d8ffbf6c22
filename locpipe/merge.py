"""Merge a template into a catalogue so that no translator's work is lost.

Every entry of the template finds, in this order:

1. its old entry with the same ``(msgctxt, msgid)``: kept with its translation, translator
   comments and flags, wherever the paragraph moved in the article;
2. an obsolete entry with that key: revived, translated as it was;
3. the most similar old entry whose text changed (:mod:`locpipe.similarity`): its
   translation as a suggestion, marked ``fuzzy``, with the previous source as ``#| msgid``
   (and ``#| msgctxt``). Each old entry goes to at most one changed text, the most similar
   pairs first. A paragraph made of two or more old ones (merged paragraphs) gets their
   translations joined; a paragraph cut out of an old one (a split) gets the translation of
   the whole;
4. the translation memory (:mod:`locpipe.memory`): for entries still untranslated, the
   same text translated in another catalogue of the locale; for new texts, also a similar
   one (looking for similar texts on every run would make each update of a large,
   half-translated project slow, and a new text is when a suggestion helps most).

Old entries whose text left the article become obsolete (``#~``) with their translation, and
a line ``# obsolete since YYYY-MM-DD`` among their translator comments: the date survives
``msgcat``, ``msgmerge``, editors and git, and lets :func:`prune` drop entries that stayed
obsolete longer than the project wants. Old entries whose translation went whole into a fuzzy
entry are not kept twice; untranslated ones are dropped, as they carry nothing.

Extracted comments (``#.``) and references (``#:``) always follow the template.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polib

from .catalog import entry_key
from .config import PruneKind, PrunePolicy
from .memory import Lookup, Suggestion
from .model import Key
from .similarity import Text, Vocabulary, part_of, prepare, similarity

OBSOLETE_SINCE = "obsolete since "
_SINCE = re.compile(r"^obsolete since (\d{4}-\d{2}-\d{2})$", re.MULTILINE)


class Outcome(enum.Enum):
    """What the merge did for one entry of the template (or one old entry)."""

    KEPT = "kept"
    NEW = "new"
    FUZZY = "fuzzy"
    REVIVED = "revived"
    REUSED = "reused"
    OBSOLETE = "obsolete"


@dataclass(frozen=True)
class MergeStats:
    """What a merge did to one catalogue; every active entry is counted once.

    ``obsolete`` counts entries that became obsolete in this merge, not those that already
    were; ``reused`` counts entries filled from the translation memory.
    """

    new: int = 0
    fuzzy: int = 0
    reused: int = 0
    revived: int = 0
    obsolete: int = 0
    kept: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "new": self.new, "fuzzy": self.fuzzy, "reused": self.reused,
            "revived": self.revived, "obsolete": self.obsolete, "kept": self.kept,
        }

    @property
    def changed(self) -> bool:
        """Whether anything but keeping happened."""
        return any(v for k, v in self.as_dict().items() if k != "kept")


# -- entries ------------------------------------------------------------------------------


def _copy(entry: polib.POEntry) -> polib.POEntry:
    flags, tcomment = _ignore_flags_to_comments(entry.flags, entry.tcomment or "")
    return polib.POEntry(
        msgid=entry.msgid,
        msgctxt=entry.msgctxt,
        msgid_plural=entry.msgid_plural,
        msgstr=entry.msgstr,
        msgstr_plural=dict(entry.msgstr_plural),
        comment=entry.comment,
        tcomment=tcomment,
        occurrences=list(entry.occurrences),
        flags=flags,
        previous_msgid=entry.previous_msgid,
        previous_msgctxt=entry.previous_msgctxt,
        previous_msgid_plural=entry.previous_msgid_plural,
        obsolete=entry.obsolete,
    )


def _ignore_flags_to_comments(flags: list[str], tcomment: str) -> tuple[list[str], str]:
    """Turn ``#, locpipe-ignore: x`` flags into translator comments, which gettext keeps.

    msgcat and msgmerge (and so our writer) drop flags they do not know; the translator's
    decision to silence a check must not vanish with them.
    """
    moved = [f.strip() for f in flags if f.strip().startswith("locpipe-ignore")]
    if not moved:
        return list(flags), tcomment
    kept = [f for f in flags if not f.strip().startswith("locpipe-ignore")]
    lines = tcomment.splitlines() if tcomment else []
    lines += [line for line in moved if line not in lines]
    return kept, "\n".join(lines)


def translated(entry: polib.POEntry) -> bool:
    """Whether an entry carries any translation (fuzzy or not)."""
    return bool(entry.msgstr) or any(entry.msgstr_plural.values())


def _strip_since(comment: str) -> str:
    if OBSOLETE_SINCE not in comment:
        return comment  # nearly always: no line of it can be a stamp
    return "\n".join(line for line in comment.split("\n") if not _SINCE.fullmatch(line))


def obsolete_since(entry: polib.POEntry) -> dt.date | None:
    """The date an obsolete entry was stamped with, if any."""
    found = _SINCE.search(entry.tcomment or "")
    return dt.date.fromisoformat(found.group(1)) if found else None


def _stamp(entry: polib.POEntry, today: dt.date) -> None:
    rest = _strip_since(entry.tcomment or "")
    line = f"{OBSOLETE_SINCE}{today.isoformat()}"
    entry.tcomment = f"{rest}\n{line}" if rest else line


def _make_obsolete(entry: polib.POEntry, today: dt.date | None) -> polib.POEntry:
    """An obsolete copy, without a previous source (polib cannot read ``#~|`` back).

    An entry that becomes obsolete now (``today`` given) is dated and loses its extracted
    comments and references, which described a place in the article that is gone.
    """
    gone = _copy(entry)
    gone.obsolete = True
    gone.previous_msgid = gone.previous_msgctxt = gone.previous_msgid_plural = None
    if today is not None:
        _stamp(gone, today)
        gone.comment = ""
        gone.occurrences = []
    return gone


def _flags(*groups: Iterable[str], fuzzy: bool) -> list[str]:
    merged = dict.fromkeys(f for group in groups for f in group if f != "fuzzy")
    return ["fuzzy", *merged] if fuzzy else list(merged)


def _activate(old: polib.POEntry, source: polib.POEntry) -> polib.POEntry:
    """An old entry (active or obsolete) carried over for an unchanged source text."""
    entry = _copy(old)
    entry.obsolete = False
    entry.tcomment = _strip_since(entry.tcomment or "")
    if not entry.fuzzy:
        entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
    entry.flags = _flags(entry.flags, source.flags, fuzzy=entry.fuzzy)
    return entry


def _suggest(entry: polib.POEntry, match: polib.POEntry) -> None:
    """Give ``entry`` the translation of a changed ``match``, fuzzy, with its old source."""
    entry.msgstr = match.msgstr
    if entry.msgid_plural and match.msgid_plural:
        entry.msgstr_plural = dict(match.msgstr_plural)
    entry.tcomment = _strip_since(match.tcomment or "")
    entry.flags = _flags(match.flags, entry.flags, fuzzy=True)
    if match.fuzzy and match.previous_msgid:
        # The translation was made for an older text still: keep pointing at that one.
        entry.previous_msgid = match.previous_msgid
        entry.previous_msgctxt = match.previous_msgctxt
        entry.previous_msgid_plural = match.previous_msgid_plural
    else:
        entry.previous_msgid = match.msgid
        entry.previous_msgctxt = match.msgctxt
        entry.previous_msgid_plural = match.msgid_plural or None


def _from_memory(entry: polib.POEntry, found: Suggestion) -> None:
    entry.msgstr = found.msgstr
    if found.exact:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        entry.previous_msgid = entry.previous_msgctxt = None
        return
    entry.flags = _flags(entry.flags, fuzzy=True)
    entry.previous_msgid = found.msgid
    entry.previous_msgctxt = found.msgctxt


# -- matching changed texts ---------------------------------------------------------------


_NO_TEXT = Text("", "", "")


@dataclass
class _Pending:
    """A template entry with no old entry of the same key."""

    entry: polib.POEntry
    text: Text = _NO_TEXT
    match: int | None = None
    score: float = 0.0


def _pair_up(pending: Sequence[_Pending], old: Sequence[polib.POEntry],
             texts: Sequence[Text]) -> None:
    """Give each changed text its most similar old entry, best pairs first, one to one."""
    pairs = []
    for i, item in enumerate(pending):
        plural = bool(item.entry.msgid_plural)
        for j, (candidate, text) in enumerate(zip(old, texts, strict=True)):
            if bool(candidate.msgid_plural) != plural:
                continue
            score = similarity(item.text, text)
            if score:
                other_context = candidate.msgctxt != item.entry.msgctxt
                pairs.append((-score, other_context, i, j))
    pairs.sort()
    taken: set[int] = set()
    for negative, _, i, j in pairs:
        if pending[i].match is None and j not in taken:
            pending[i].match, pending[i].score = j, -negative
            taken.add(j)


def _parts(item: _Pending, old: Sequence[polib.POEntry],
           texts: Sequence[Text]) -> list[int] | None:
    """Old entries that together make up a merged paragraph, in their order in it."""
    found = []
    for j, text in enumerate(texts):
        if old[j].msgid_plural or item.entry.msgid_plural:
            continue
        score, start = part_of(text, item.text)
        if score:
            found.append((-score, start, len(text.words), j))
    chosen: list[tuple[int, int, int]] = []
    for _, start, length, j in sorted(found):
        if all(start + length <= s or e <= start for s, e, _ in chosen):
            chosen.append((start, start + length, j))
    if len(chosen) < 2:
        return None
    return [j for _, _, j in sorted(chosen)]


def _joined(parts: Sequence[polib.POEntry]) -> polib.POEntry:
    return polib.POEntry(
        msgid=" ".join(p.msgid for p in parts),
        msgstr=" ".join(p.msgstr for p in parts),
        tcomment="\n".join(dict.fromkeys(c for p in parts if (c := _strip_since(p.tcomment)))),
        flags=_flags(*(p.flags for p in parts), fuzzy=False),
    )


def _split_source(item: _Pending, old: Sequence[polib.POEntry],
                  texts: Sequence[Text]) -> int | None:
    """The old entry a new paragraph was cut out of, if it is one."""
    best: tuple[float, int] | None = None
    for j, text in enumerate(texts):
        if old[j].msgid_plural or item.entry.msgid_plural:
            continue
        score, _ = part_of(item.text, text)
        if score and (best is None or score > best[0]):
            best = (score, j)
    return None if best is None else best[1]


def _match_changed(pending: Sequence[_Pending], old: Sequence[polib.POEntry]) -> set[int]:
    """Fill changed texts with suggestions from ``old``; return the old entries used whole."""
    if not pending or not old:
        return set()
    vocabulary = Vocabulary()
    texts = [prepare(e.msgid, vocabulary) for e in old]
    for item in pending:
        item.text = prepare(item.entry.msgid, vocabulary)
    _pair_up(pending, old, texts)
    whole: set[int] = set()
    for item in pending:
        parts = _parts(item, old, texts)
        if parts is not None:
            joined = _joined([old[j] for j in parts])
            score = similarity(prepare(joined.msgid, vocabulary), item.text)
            if score > item.score:
                _suggest(item.entry, joined)
                item.match = None
                continue
        if item.match is None:
            source = _split_source(item, old, texts)
            if source is None:
                continue
            item.match = source
        _suggest(item.entry, old[item.match])
        whole.add(item.match)
    return whole


# -- merge --------------------------------------------------------------------------------


def merge(
    template: polib.POFile,
    old: polib.POFile,
    into: polib.POFile,
    *,
    today: dt.date | None = None,
    memory: Lookup | None = None,
    origin: str = "",
) -> MergeStats:
    """Fill ``into`` (a catalogue with its header set) from ``template`` and the ``old`` one.

    ``today`` dates entries that become obsolete (none when ``None``); ``memory`` offers
    translations from the other catalogues of the locale, leaving out those of ``origin``.
    """
    active: dict[Key, polib.POEntry] = {}
    obsolete: dict[Key, polib.POEntry] = {}
    for entry in old:
        if entry.msgid or entry.msgctxt:
            (obsolete if entry.obsolete else active).setdefault(entry_key(entry), entry)
    outcomes, pending = _carry_over(template, active, obsolete)
    used = {entry_key(e) for e, _ in outcomes}
    candidates = [e for k, e in active.items() if k not in used and translated(e)]
    candidates += [e for k, e in obsolete.items() if k not in used and translated(e)]
    whole = _match_changed(pending, candidates)
    used |= {entry_key(candidates[j]) for j in whole}
    stats = dict.fromkeys(Outcome, 0)
    for entry, outcome in outcomes:
        result = Outcome.FUZZY if outcome is Outcome.NEW and entry.fuzzy else outcome
        if memory is not None and not translated(entry) and not entry.msgid_plural:
            # Similar texts are looked for once, when the text is new; the same text on
            # every run, as someone may have translated it elsewhere meanwhile.
            found = memory.suggest(entry.msgid, entry.msgctxt, exclude=origin,
                                   near=outcome is Outcome.NEW)
            if found is not None:
                _from_memory(entry, found)
                result = Outcome.REUSED
        stats[result] += 1
        into.append(entry)
    for entry in old:
        key = entry_key(entry)
        if key not in used and translated(entry) and (entry.msgid or entry.msgctxt):
            into.append(_make_obsolete(entry, None if entry.obsolete else today))
            stats[Outcome.OBSOLETE] += not entry.obsolete
    return MergeStats(**{o.value: n for o, n in stats.items()})


def _carry_over(
    template: polib.POFile, active: dict[Key, polib.POEntry], obsolete: dict[Key, polib.POEntry]
) -> tuple[list[tuple[polib.POEntry, Outcome]], list[_Pending]]:
    """One entry per template entry, in its order, from the old entry of the same key."""
    outcomes: list[tuple[polib.POEntry, Outcome]] = []
    pending: list[_Pending] = []
    for source in template:
        key = entry_key(source)
        if key in active:
            entry, outcome = _activate(active[key], source), Outcome.KEPT
        elif key in obsolete:
            entry, outcome = _activate(obsolete[key], source), Outcome.REVIVED
        else:
            entry = polib.POEntry(msgid=source.msgid, msgctxt=source.msgctxt,
                                  flags=_flags(source.flags, fuzzy=False))
            outcome = Outcome.NEW
            pending.append(_Pending(entry))
        entry.msgid_plural = source.msgid_plural
        if source.msgid_plural and not entry.msgstr_plural:
            entry.msgstr_plural = {0: ""}
        entry.comment = source.comment
        entry.occurrences = list(source.occurrences)
        outcomes.append((entry, outcome))
    return outcomes, pending


# -- prune --------------------------------------------------------------------------------


def prune(po: polib.POFile, policy: PrunePolicy, *, today: dt.date) -> tuple[int, int]:
    """Apply a prune policy to a catalogue in place; return (entries dropped, dated).

    With a number of days, an obsolete entry is dropped once it has been obsolete longer
    than that; an obsolete entry with no date (older than locpipe, or made by another tool)
    is dated today, so it is dropped that many days from now.
    """
    if policy.kind is PruneKind.KEEP:
        return 0, 0
    dropped = dated = 0
    for entry in [e for e in po if e.obsolete]:
        if policy.kind is PruneKind.DROP:
            po.remove(entry)
            dropped += 1
            continue
        since = obsolete_since(entry)
        if since is None:
            _stamp(entry, today)
            dated += 1
        elif (today - since).days > policy.days:
            po.remove(entry)
            dropped += 1
    return dropped, dated
