"""Translation memory: other catalogues of the locale fill what a merge cannot."""

from __future__ import annotations

import datetime as dt

import polib
from hypothesis import given, settings
from hypothesis import strategies as st

from locpipe.memory import Memory
from locpipe.merge import merge
from locpipe.similarity import Vocabulary, prepare, similarity

PARAGRAPH = "Mentoring jest jednym z najcenniejszych narzędzi w moim osobistym zestawie."


def catalogue(*entries: polib.POEntry) -> polib.POFile:
    po = polib.POFile()
    for entry in entries:
        po.append(entry)
    return po


def E(msgid: str, msgstr: str = "", **kw: object) -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgstr=msgstr, **kw)


def update(template: polib.POFile, old: polib.POFile, memory: Memory) -> polib.POFile:
    new = polib.POFile()
    merge(template, old, new, today=dt.date(2026, 3, 1), memory=memory, origin="mine")
    return new


def test_identical_text_in_the_same_context_is_reused_as_is() -> None:
    memory = Memory([("other", catalogue(E(PARAGRAPH, "Valuable.")))])
    new = polib.POFile()
    stats = merge(catalogue(E(PARAGRAPH)), catalogue(), new, memory=memory, origin="mine")
    assert stats.reused == 1 and stats.new == 0
    (entry,) = new
    assert entry.msgstr == "Valuable." and not entry.fuzzy and entry.previous_msgid is None


def test_identical_text_in_another_context_is_fuzzy_with_previous_msgctxt() -> None:
    memory = Memory([("other", catalogue(E("Mentoring", "Mentoring", msgctxt="title")))])
    (entry,) = update(catalogue(E("Mentoring")), catalogue(), memory)
    assert entry.fuzzy and entry.msgstr == "Mentoring"
    assert (entry.previous_msgctxt, entry.previous_msgid) == ("title", "Mentoring")


def test_conflicting_translations_are_only_a_suggestion() -> None:
    memory = Memory([
        ("a", catalogue(E("Zespół", "Team"))),
        ("b", catalogue(E("Zespół", "Crew"))),
        ("c", catalogue(E("Zespół", "Team"))),
    ])
    (entry,) = update(catalogue(E("Zespół")), catalogue(), memory)
    assert entry.fuzzy and entry.msgstr == "Team"


def test_a_similar_text_is_a_fuzzy_suggestion_with_its_source() -> None:
    edited = PARAGRAPH.replace("moim", "naszym")
    memory = Memory([("other", catalogue(E(PARAGRAPH, "Valuable.", msgctxt="x")))])
    (entry,) = update(catalogue(E(edited)), catalogue(), memory)
    assert entry.fuzzy and entry.msgstr == "Valuable."
    assert (entry.previous_msgid, entry.previous_msgctxt) == (PARAGRAPH, "x")


def test_obsolete_entries_of_other_catalogues_are_remembered() -> None:
    memory = Memory([("other", catalogue(E(PARAGRAPH, "Valuable.", obsolete=True)))])
    (entry,) = update(catalogue(E(PARAGRAPH)), catalogue(), memory)
    assert entry.msgstr == "Valuable." and not entry.fuzzy


def test_active_translations_win_over_obsolete_ones() -> None:
    memory = Memory([
        ("a", catalogue(E("Zespół", "Old team", obsolete=True))),
        ("b", catalogue(E("Zespół", "Team"))),
    ])
    assert memory.suggest("Zespół", None) is not None
    assert memory.suggest("Zespół", None).msgstr == "Team"  # type: ignore[union-attr]


def test_fuzzy_and_untranslated_entries_are_not_remembered() -> None:
    memory = Memory([("other", catalogue(E(PARAGRAPH, "Guess.", flags=["fuzzy"]),
                                         E("Kot")))])
    assert len(memory) == 0
    (entry,) = update(catalogue(E(PARAGRAPH)), catalogue(), memory)
    assert entry.msgstr == "" and not entry.fuzzy


def test_the_catalogue_being_updated_is_not_its_own_memory() -> None:
    memory = Memory([("mine", catalogue(E(PARAGRAPH, "Valuable.", obsolete=True)))])
    assert memory.suggest(PARAGRAPH, None, exclude="mine") is None
    assert memory.suggest(PARAGRAPH.replace("moim", "twoim"), None, exclude="mine") is None


def test_own_history_comes_before_memory() -> None:
    edited = PARAGRAPH + " Tak."
    memory = Memory([("other", catalogue(E(edited, "From elsewhere.")))])
    new = update(catalogue(E(edited)), catalogue(E(PARAGRAPH, "Mine.")), memory)
    assert new[0].msgstr == "Mine." and new[0].fuzzy


def test_untranslated_existing_entries_are_filled_too() -> None:
    memory = Memory([("other", catalogue(E("Zespół", "Team")))])
    new = polib.POFile()
    stats = merge(catalogue(E("Zespół")), catalogue(E("Zespół")), new, memory=memory)
    assert stats.reused == 1 and stats.kept == 0 and new[0].msgstr == "Team"


def test_a_different_text_gets_nothing() -> None:
    memory = Memory([("other", catalogue(E(PARAGRAPH, "Valuable."), E("Kot", "Cat")))])
    assert memory.suggest("Zupełnie inny tekst o pogodzie i kolarstwie w górach.", None) is None
    assert memory.suggest("Pies", None) is None


# The near index must find exactly what comparing the query with every entry finds.

WORDS = ["kot", "pies", "ma", "ala", "i", "w", "domu", "dom", "z", "na", ",", ".", "mentor",
         "zespół", "lider", "jest", "nie", "to", "się", "bardzo"]
texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=14).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(texts, min_size=1, max_size=40), texts)
def test_near_search_finds_what_a_full_scan_finds(stored: list[str], query: str) -> None:
    entries = [E(t, f"t{i}") for i, t in enumerate(dict.fromkeys(stored)) if t != query]
    memory = Memory([("other", catalogue(*entries))])
    vocabulary = Vocabulary()
    q = prepare(query, vocabulary)
    scores = [similarity(q, prepare(e.msgid, vocabulary)) for e in entries]
    found = memory.suggest(query, None)
    if max(scores, default=0) == 0:
        assert found is None
    else:
        assert found is not None
        assert similarity(q, prepare(found.msgid, vocabulary)) == max(scores)
