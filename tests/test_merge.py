"""Merging a template into a catalogue never loses a translator's work."""

from __future__ import annotations

import polib

from locpipe.merge import merge


def catalogue(*entries: polib.POEntry) -> polib.POFile:
    po = polib.POFile()
    for entry in entries:
        po.append(entry)
    return po


def E(msgid: str, msgstr: str = "", **kw: object) -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgstr=msgstr, **kw)


PARAGRAPH = "Mentoring jest jednym z najcenniejszych narzędzi w moim osobistym zestawie."


def test_exact_match_keeps_translation_comments_and_flags() -> None:
    old = catalogue(E("Kot", "Cat", tcomment="checked", flags=["no-wrap"]))
    new = polib.POFile()
    stats = merge(catalogue(E("Kot", occurrences=[("a.md", "3")])), old, new)
    assert stats.kept == 1
    (entry,) = new
    assert (entry.msgstr, entry.tcomment, entry.flags, entry.occurrences) == (
        "Cat", "checked", ["no-wrap"], [("a.md", "3")]
    )


def test_small_edit_becomes_fuzzy_with_previous_msgid() -> None:
    edited = PARAGRAPH.replace("najcenniejszych", "najcenniejszych,")
    new = polib.POFile()
    stats = merge(catalogue(E(edited)), catalogue(E(PARAGRAPH, "Mentoring is valuable.")), new)
    assert (stats.fuzzy, stats.obsolete) == (1, 0)
    (entry,) = new
    assert entry.fuzzy and entry.previous_msgid == PARAGRAPH
    assert entry.msgstr == "Mentoring is valuable."


def test_a_different_paragraph_is_not_matched() -> None:
    other = "Zupełnie inny tekst o pogodzie i kolarstwie górskim w Tatrach zimą."
    new = polib.POFile()
    stats = merge(catalogue(E(other)), catalogue(E(PARAGRAPH, "Mentoring is valuable.")), new)
    assert (stats.new, stats.fuzzy, stats.obsolete) == (1, 0, 1)
    active = [e for e in new if not e.obsolete]
    assert active[0].msgstr == "" and not active[0].fuzzy
    gone = [e for e in new if e.obsolete]
    assert gone[0].msgid == PARAGRAPH and gone[0].msgstr == "Mentoring is valuable."


def test_obsolete_text_is_revived_when_it_returns() -> None:
    old = catalogue(E(PARAGRAPH, "Mentoring is valuable.", obsolete=True))
    new = polib.POFile()
    stats = merge(catalogue(E(PARAGRAPH)), old, new)
    assert stats.revived == 1
    (entry,) = new
    assert not entry.obsolete and not entry.fuzzy and entry.msgstr == "Mentoring is valuable."


def test_untranslated_entries_are_dropped_not_made_obsolete() -> None:
    new = polib.POFile()
    stats = merge(catalogue(), catalogue(E("Stary tekst")), new)
    assert stats.obsolete == 0 and len(new) == 0


def test_fuzzy_translation_moves_with_its_previous_source() -> None:
    older = PARAGRAPH.replace("moim", "naszym")
    old = catalogue(E(PARAGRAPH, "Mentoring is valuable.", flags=["fuzzy"], previous_msgid=older))
    newest = PARAGRAPH + " Naprawdę."
    new = polib.POFile()
    merge(catalogue(E(newest)), old, new)
    (entry,) = new
    assert entry.fuzzy and entry.previous_msgid == older
