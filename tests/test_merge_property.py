"""Property: whatever an author does to an article, update loses no translation.

Random articles are edited at random (paragraphs deleted, inserted, moved, split, merged,
duplicated; words changed, added, dropped; punctuation touched), re-extracted and merged
into a catalogue with random translation states. Every non-empty msgstr of the old
catalogue must still be in the new one, on an entry that is kept, fuzzy or obsolete; an
unchanged text keeps its translation as it was; and a second update changes nothing.
"""

from __future__ import annotations

import datetime as dt

import polib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locpipe import catalog, segment
from locpipe.memory import Memory
from locpipe.merge import merge

WORDS = ["mentor", "zespół", "lider", "kariera", "wartość", "perspektywa", "pomysł", "rozmowa",
    "firma", "klient", "praca", "nowy", "stary", "dobry", "ważny", "ma", "jest", "daje", "może",
    "chce", "i", "w", "z", "na", "do", "że", "się", "nie", "to", "jak"]
TODAY = dt.date(2026, 3, 1)

sentence = st.lists(st.sampled_from(WORDS), min_size=3, max_size=9).map(
    lambda words: " ".join(words).capitalize() + ".")
paragraph = st.lists(sentence, min_size=2, max_size=4).map(" ".join)
article = st.lists(paragraph, min_size=1, max_size=8)


def _edit(paragraphs: list[str], data: st.DataObject) -> list[str]:
    """One random edit an author could make."""
    out = list(paragraphs)
    at = data.draw(st.integers(0, len(out) - 1)) if out else 0
    kind = data.draw(st.sampled_from(
        ["delete", "insert", "move", "split", "merge", "duplicate", "word", "punctuation"]))
    if kind == "insert" or not out:
        out.insert(at, data.draw(paragraph))
    elif kind == "delete":
        del out[at]
    elif kind == "move":
        out.insert(data.draw(st.integers(0, len(out) - 1)), out.pop(at))
    elif kind == "split":
        cut = out[at].find(". ")
        if cut > 0:
            out[at: at + 1] = [out[at][: cut + 1], out[at][cut + 2:]]
    elif kind == "merge" and at + 1 < len(out):
        out[at: at + 2] = [f"{out[at]} {out[at + 1]}"]
    elif kind == "duplicate":
        out.insert(at, out[at])
    elif kind == "word":
        words = out[at].split(" ")
        spot = data.draw(st.integers(0, len(words) - 1))
        change = data.draw(st.sampled_from(["replace", "add", "drop"]))
        if change == "replace":
            words[spot] = data.draw(st.sampled_from(WORDS))
        elif change == "add":
            words.insert(spot, data.draw(st.sampled_from(WORDS)))
        elif len(words) > 1:
            del words[spot]
        out[at] = " ".join(words)
    else:
        out[at] = out[at].rstrip(".") + data.draw(st.sampled_from(["!", "?", ",", ""]))
    return [p for p in out if p.strip(" .,!?")]


def _template(paragraphs: list[str]) -> polib.POFile:
    text = "---\ntitle: Artykuł\n---\n\n" + "\n\n".join(paragraphs) + "\n"
    parsed = segment.parse_article(text, name="a", path="content/a.md", default_lang="pl",
                                   front_matter_keys=("title",))
    return catalog.build_template(parsed, creation_date="2026-01-01 00:00+0000")


def _catalogue(template: polib.POFile, data: st.DataObject) -> polib.POFile:
    """The template as a translator left it: some entries done, some fuzzy, some not."""
    po = catalog.new_catalog(template, "en", revision_date="2026-01-01 00:00+0000")
    for number, source in enumerate(template):
        state = data.draw(st.sampled_from(["translated", "translated", "fuzzy", "empty"]))
        entry = polib.POEntry(msgid=source.msgid, msgctxt=source.msgctxt,
                              comment=source.comment, occurrences=source.occurrences)
        if state != "empty":
            entry.msgstr = f"T{number} {source.msgid[:12].upper()}"
            entry.tcomment = data.draw(st.sampled_from(["", "checked", "ask the author"]))
        if state == "fuzzy":
            entry.flags = ["fuzzy"]
        po.append(entry)
    for number, text in enumerate(data.draw(st.lists(paragraph, max_size=3))):
        if po.find(text) is None:
            po.append(polib.POEntry(msgid=text, msgstr=f"OLD{number}", obsolete=True))
    return po


def _update(template: polib.POFile, old: polib.POFile, memory: Memory | None) -> polib.POFile:
    new = catalog.new_catalog(template, "en", revision_date="2026-01-01 00:00+0000")
    merge(template, old, new, today=TODAY, memory=memory, origin="a")
    return new


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article, st.data())
def test_update_never_drops_a_translation(paragraphs: list[str], data: st.DataObject) -> None:
    old = _catalogue(_template(paragraphs), data)
    edited = paragraphs
    for _ in range(data.draw(st.integers(1, 5))):
        edited = _edit(edited, data)
    template = _template(edited)
    memory = Memory([("b", _catalogue(_template(data.draw(article)), data))]) \
        if data.draw(st.booleans()) else None
    new = _update(template, old, memory)

    carried = {e.msgstr for e in new if e.msgstr}
    for entry in old:
        if entry.msgstr:
            assert entry.msgstr in carried, f"lost {entry.msgstr!r}"
    by_key = {catalog.entry_key(e): e for e in new if not e.obsolete}
    assert len(by_key) == len([e for e in new if not e.obsolete]) == len(template)
    for entry in old:
        if not entry.obsolete and entry.msgstr and catalog.entry_key(entry) in by_key:
            kept = by_key[catalog.entry_key(entry)]
            assert (kept.msgstr, kept.fuzzy) == (entry.msgstr, entry.fuzzy)

    # Written, read back and updated again with the same template: nothing changes.
    text = catalog.dumps(new)
    again = _update(template, catalog.parse_catalog(text, "a.po"), memory)
    assert catalog.dumps(again) == text
