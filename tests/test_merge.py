"""Merging a template into a catalogue never loses a translator's work."""

from __future__ import annotations

import datetime as dt
import doctest
import itertools
from pathlib import Path

import polib
import pytest
from conftest import REPO

from locpipe import catalog, memory, segment, similarity
from locpipe.config import PruneKind, PrunePolicy
from locpipe.merge import MergeStats, merge, obsolete_since, prune

TODAY = dt.date(2026, 3, 1)


def catalogue(*entries: polib.POEntry) -> polib.POFile:
    po = polib.POFile()
    for entry in entries:
        po.append(entry)
    return po


def E(msgid: str, msgstr: str = "", **kw: object) -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgstr=msgstr, **kw)


def run(template: polib.POFile, old: polib.POFile) -> tuple[polib.POFile, MergeStats]:
    new = polib.POFile()
    stats = merge(template, old, new, today=TODAY)
    return new, stats


def active(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete]


def gone(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if e.obsolete]


PARAGRAPH = "Mentoring jest jednym z najcenniejszych narzędzi w moim osobistym zestawie."
OTHER = "Zupełnie inny tekst o pogodzie i kolarstwie górskim w Tatrach zimą."
FIRST = "Jedną z największych korzyści płynących z posiadania mentora jest nowa perspektywa."
SECOND = "Na przykład jeden z moich mentorów jest dyrektorem operacyjnym w dużej firmie."


def test_module_examples() -> None:
    for module in (catalog, memory, similarity):
        assert doctest.testmod(module).failed == 0


def test_exact_match_keeps_translation_comments_and_flags() -> None:
    old = catalogue(E("Kot", "Cat", tcomment="checked", flags=["no-wrap"]))
    new, stats = run(catalogue(E("Kot", occurrences=[("a.md", "3")])), old)
    assert stats.kept == 1
    (entry,) = new
    assert (entry.msgstr, entry.tcomment, entry.flags, entry.occurrences) == (
        "Cat", "checked", ["no-wrap"], [("a.md", "3")]
    )


def test_extracted_comments_and_references_follow_the_source() -> None:
    old = catalogue(E("Kot", "Cat", comment="paragraph", occurrences=[("a.md", "3")]))
    new, _ = run(catalogue(E("Kot", comment="heading (h2)", occurrences=[("a.md", "9")])), old)
    (entry,) = new
    assert (entry.comment, entry.occurrences) == ("heading (h2)", [("a.md", "9")])


def test_small_edit_becomes_fuzzy_with_previous_msgid() -> None:
    edited = PARAGRAPH.replace("najcenniejszych", "najcenniejszych,")
    new, stats = run(catalogue(E(edited)), catalogue(E(PARAGRAPH, "Mentoring is valuable.")))
    assert (stats.fuzzy, stats.obsolete) == (1, 0)
    (entry,) = new
    assert entry.fuzzy and entry.previous_msgid == PARAGRAPH
    assert entry.msgstr == "Mentoring is valuable."


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (PARAGRAPH, PARAGRAPH.replace("narzędzi", "narzędzie")),  # typo
        (PARAGRAPH, PARAGRAPH.replace("narzędzi", "narzedzi")),  # lost diacritic
        (PARAGRAPH, PARAGRAPH[:-1]),  # full stop dropped
        (PARAGRAPH, PARAGRAPH.replace("jest", "jest,")),  # comma added
        (PARAGRAPH, PARAGRAPH.replace("Mentoring", "mentoring")),  # case
        (PARAGRAPH, PARAGRAPH.replace("moim osobistym", "osobistym moim")),  # word order
        (PARAGRAPH, PARAGRAPH + " Naprawdę tak uważam."),  # a sentence added
        ("Podsumowanie", "Podsumowanie:"),  # short heading, punctuation
        ("Krok pierwszy", "Krok pierwszy!"),
        ("Nazwa", "Nazwy"),
        ("Wzmacnia Twoją wartość", "Wzmacnia twoją wartość"),
    ],
)
def test_a_small_edit_finds_its_entry(before: str, after: str) -> None:
    old = catalogue(E(before, "translated"), E(OTHER, "other"))
    new, stats = run(catalogue(E(after), E(OTHER)), old)
    assert (stats.fuzzy, stats.kept, stats.obsolete) == (1, 1, 0)
    entry = new.find(after)
    assert entry is not None and entry.fuzzy
    assert (entry.msgstr, entry.previous_msgid) == ("translated", before)


def test_a_different_paragraph_is_not_matched() -> None:
    new, stats = run(catalogue(E(OTHER)), catalogue(E(PARAGRAPH, "Mentoring is valuable.")))
    assert (stats.new, stats.fuzzy, stats.obsolete) == (1, 0, 1)
    assert active(new)[0].msgstr == "" and not active(new)[0].fuzzy
    assert gone(new)[0].msgid == PARAGRAPH and gone(new)[0].msgstr == "Mentoring is valuable."


def _shipped_units() -> list[str]:
    texts: set[str] = set()
    for path in sorted((REPO / "content").glob("*.md")):
        article = segment.parse_article(
            path.read_text(encoding="utf-8"), name=path.stem, path=path.name,
            default_lang="pl", front_matter_keys=("title", "description", "summary"),
        )
        texts.update(u.msgid for u in article.units)
    return sorted(texts)


def test_no_two_texts_of_the_shipped_articles_are_taken_for_one_another() -> None:
    vocabulary = similarity.Vocabulary()
    texts = [similarity.prepare(t, vocabulary) for t in _shipped_units()]
    assert len(texts) > 50
    for a, b in itertools.combinations(texts, 2):
        assert similarity.similarity(a, b) == 0, (a.text, b.text)
        assert similarity.part_of(a, b)[0] == 0 and similarity.part_of(b, a)[0] == 0


def test_a_short_title_does_not_match_a_longer_sentence_with_its_words() -> None:
    old = catalogue(E("Cztery korzyści z mentoringu", "Four benefits of mentoring"))
    _, stats = run(catalogue(E("Oto cztery z wielu korzyści płynących z mentoringu:")), old)
    assert (stats.new, stats.fuzzy, stats.obsolete) == (1, 0, 1)


def test_moved_paragraph_keeps_its_translation_and_source_order() -> None:
    old = catalogue(E(FIRST, "First."), E(SECOND, "Second."), E(OTHER, "Other."))
    new, stats = run(catalogue(E(OTHER), E(FIRST), E(SECOND)), old)
    assert stats == MergeStats(kept=3)
    assert [(e.msgid, e.msgstr, e.fuzzy) for e in new] == [
        (OTHER, "Other.", False), (FIRST, "First.", False), (SECOND, "Second.", False)
    ]


def test_each_edited_paragraph_finds_its_own_old_entry() -> None:
    old = catalogue(E(FIRST, "First."), E(SECOND, "Second."))
    first = FIRST.replace("nowa", "całkiem nowa")
    second = SECOND.replace("dużej", "wielkiej")
    new, stats = run(catalogue(E(second), E(first)), old)
    assert stats.fuzzy == 2
    assert {e.msgid: (e.msgstr, e.previous_msgid) for e in new} == {
        first: ("First.", FIRST), second: ("Second.", SECOND)
    }


def test_split_paragraph_gives_each_part_the_old_translation() -> None:
    whole = f"{FIRST} {SECOND}"
    old = catalogue(E(whole, "First. Second.", tcomment="checked"))
    new, stats = run(catalogue(E(FIRST), E(SECOND)), old)
    assert (stats.fuzzy, stats.obsolete, stats.new) == (2, 0, 0)
    for entry in new:
        assert entry.fuzzy and entry.msgstr == "First. Second."
        assert entry.previous_msgid == whole and entry.tcomment == "checked"


def test_uneven_split_still_suggests_for_the_short_part() -> None:
    long_part = f"{FIRST} {SECOND} {PARAGRAPH}"
    whole = f"{long_part} {OTHER}"
    new, stats = run(catalogue(E(long_part), E(OTHER)), catalogue(E(whole, "All of it.")))
    assert stats.fuzzy == 2
    assert all(e.msgstr == "All of it." and e.previous_msgid == whole for e in new)


def test_merged_paragraphs_get_their_translations_joined() -> None:
    old = catalogue(E(FIRST, "First.", tcomment="one"), E(SECOND, "Second.", tcomment="two"))
    new, stats = run(catalogue(E(f"{FIRST} {SECOND}")), old)
    assert stats.fuzzy == 1
    merged = active(new)[0]
    assert merged.fuzzy and merged.msgstr == "First. Second."
    assert merged.previous_msgid == f"{FIRST} {SECOND}"
    assert merged.tcomment == "one\ntwo"
    # The parts' own translations are not carried whole: they stay, obsolete.
    assert [e.msgstr for e in gone(new)] == ["First.", "Second."]
    assert stats.obsolete == 2


def test_merged_paragraphs_in_another_order_are_joined_in_the_new_order() -> None:
    old = catalogue(E(FIRST, "First."), E(SECOND, "Second."))
    new, _ = run(catalogue(E(f"{SECOND} {FIRST}")), old)
    assert active(new)[0].msgstr == "Second. First."


def test_changed_context_is_fuzzy_with_previous_msgctxt() -> None:
    old = catalogue(E("Krótki przewodnik", "A short guide", msgctxt="title"))
    new, stats = run(catalogue(E("Krótki przewodnik", msgctxt="description")), old)
    assert stats.fuzzy == 1
    (entry,) = new
    assert entry.fuzzy and entry.msgstr == "A short guide"
    assert (entry.previous_msgctxt, entry.previous_msgid) == ("title", "Krótki przewodnik")


def test_same_context_wins_a_tie() -> None:
    old = catalogue(E("Kot", "Cat (title)", msgctxt="title"), E("Kot", "Cat"))
    new, _ = run(catalogue(E("Koty")), old)
    assert active(new)[0].msgstr == "Cat"


def test_obsolete_text_is_revived_when_it_returns() -> None:
    old = catalogue(E(PARAGRAPH, "Mentoring is valuable.", obsolete=True,
                      tcomment="mine\nobsolete since 2026-01-02"))
    new, stats = run(catalogue(E(PARAGRAPH)), old)
    assert stats.revived == 1
    (entry,) = new
    assert not entry.obsolete and not entry.fuzzy and entry.msgstr == "Mentoring is valuable."
    assert entry.tcomment == "mine"


def test_removed_text_becomes_obsolete_dated_today() -> None:
    new, stats = run(catalogue(), catalogue(E(PARAGRAPH, "Valuable.", tcomment="mine")))
    assert stats.obsolete == 1
    (entry,) = new
    assert entry.obsolete and entry.tcomment == "mine\nobsolete since 2026-03-01"
    assert obsolete_since(entry) == TODAY


def test_old_obsolete_entries_keep_their_date() -> None:
    old = catalogue(E(PARAGRAPH, "Valuable.", obsolete=True,
                      tcomment="obsolete since 2025-05-05"))
    new, stats = run(catalogue(), old)
    assert stats.obsolete == 0
    assert obsolete_since(new[0]) == dt.date(2025, 5, 5)


def test_an_obsolete_entry_used_whole_as_a_suggestion_is_not_kept_twice() -> None:
    old = catalogue(E(PARAGRAPH, "Valuable.", obsolete=True))
    new, stats = run(catalogue(E(PARAGRAPH + " Tak.")), old)
    assert stats.fuzzy == 1 and len(new) == 1


def test_untranslated_entries_are_dropped_not_made_obsolete() -> None:
    new, stats = run(catalogue(), catalogue(E("Stary tekst")))
    assert stats.obsolete == 0 and len(new) == 0


def test_fuzzy_translation_moves_with_its_previous_source() -> None:
    older = PARAGRAPH.replace("moim", "naszym")
    old = catalogue(E(PARAGRAPH, "Mentoring is valuable.", flags=["fuzzy"],
                      previous_msgid=older, previous_msgctxt="ctx"))
    new, _ = run(catalogue(E(PARAGRAPH + " Naprawdę.")), old)
    (entry,) = new
    assert entry.fuzzy and (entry.previous_msgid, entry.previous_msgctxt) == (older, "ctx")


def test_kept_fuzzy_entry_keeps_its_previous_source() -> None:
    old = catalogue(E(PARAGRAPH, "x", flags=["fuzzy"], previous_msgid="Stare"))
    new, stats = run(catalogue(E(PARAGRAPH)), old)
    assert stats.kept == 1 and new[0].fuzzy and new[0].previous_msgid == "Stare"


def test_kept_entry_loses_a_stale_previous_source() -> None:
    old = catalogue(E(PARAGRAPH, "x", previous_msgid="Stare"))
    new, _ = run(catalogue(E(PARAGRAPH)), old)
    assert new[0].previous_msgid is None


def test_plural_entries_keep_their_forms() -> None:
    old = catalogue(E("%d kot", msgid_plural="%d koty",
                      msgstr_plural={0: "%d cat", 1: "%d cats"}, flags=["c-format"]))
    new, stats = run(catalogue(E("%d kot", msgid_plural="%d koty")), old)
    assert stats.kept == 1
    assert new[0].msgstr_plural == {0: "%d cat", 1: "%d cats"} and new[0].flags == ["c-format"]


# -- prune --------------------------------------------------------------------------------


def _aged() -> polib.POFile:
    return catalogue(
        E("Aktywny", "Active"),
        E("Stary", "Old", obsolete=True, tcomment="obsolete since 2026-01-01"),
        E("Nowszy", "Newer", obsolete=True, tcomment="note\nobsolete since 2026-02-20"),
        E("Bez daty", "Undated", obsolete=True),
    )


def test_prune_keep_changes_nothing() -> None:
    po = _aged()
    assert prune(po, PrunePolicy(), today=TODAY) == (0, 0)
    assert len(po) == 4


def test_prune_drop_drops_every_obsolete_entry() -> None:
    po = _aged()
    assert prune(po, PrunePolicy(PruneKind.DROP), today=TODAY) == (3, 0)
    assert [e.msgid for e in po] == ["Aktywny"]


def test_prune_by_age_drops_old_entries_and_dates_undated_ones() -> None:
    po = _aged()
    assert prune(po, PrunePolicy(PruneKind.AGE, 30), today=TODAY) == (1, 1)
    assert [e.msgid for e in po] == ["Aktywny", "Nowszy", "Bez daty"]
    assert obsolete_since(po[2]) == TODAY
    later = TODAY + dt.timedelta(days=31)
    assert prune(po, PrunePolicy(PruneKind.AGE, 30), today=later) == (2, 0)
    assert [e.msgid for e in po] == ["Aktywny"]


def test_prune_by_age_keeps_an_entry_exactly_that_old() -> None:
    po = catalogue(E("Stary", "Old", obsolete=True, tcomment="obsolete since 2026-01-30"))
    assert prune(po, PrunePolicy(PruneKind.AGE, 30), today=TODAY) == (0, 0)


def test_prune_date_survives_msgcat(tmp_path: Path) -> None:
    import subprocess

    po = _aged()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    path = tmp_path / "a.po"
    path.write_text(catalog.dumps(po), encoding="utf-8")
    out = subprocess.run(["msgcat", str(path)], capture_output=True, text=True, check=True)
    again = polib.pofile(out.stdout)
    assert [obsolete_since(e) for e in again if e.obsolete] == [
        dt.date(2026, 1, 1), dt.date(2026, 2, 20), None
    ]
