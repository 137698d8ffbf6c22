"""Publish rules: what readers see per unit, and the per-article gate, as pure decisions."""

from __future__ import annotations

from fractions import Fraction

import pytest

from locpipe.config import Outdated, Publish, PublishPolicy
from locpipe.model import EntryState, Translation
from locpipe.publish import Shown, decide, percent, settings_for, show
from locpipe.segment import parse_article

TEXT = """\
---
title: Tytuł artykułu
---

Pierwszy akapit ma pięć słów.

Drugi akapit ma też pięć.

## Nagłówek
"""


def article():  # type: ignore[no-untyped-def]
    return parse_article(TEXT, name="a", path="content/a.md", default_lang="pl")


def done(text: str) -> Translation:
    return Translation(text, EntryState.TRANSLATED)


TITLE = ("title", "Tytuł artykułu")
FIRST = (None, "Pierwszy akapit ma pięć słów.")
SECOND = (None, "Drugi akapit ma też pięć.")
HEADING = (None, "Nagłówek")


def test_reviewed_translations_are_shown_and_the_rest_falls_back_to_the_source() -> None:
    decision = decide(article(), {TITLE: done("Title"), FIRST: done("First.")}, locale="en",
                      settings=Publish())
    assert decision.shown[TITLE] is Shown.TRANSLATION
    assert decision.shown[SECOND] is Shown.SOURCE and SECOND not in decision.texts
    assert decision.texts == {TITLE: "Title", FIRST: "First."}
    assert decision.fallback == 2
    # Words: title 2, first 5, second 5, heading 1 -> 7 of 13 translated.
    assert decision.coverage == Fraction(7, 13)
    # The default gate: half the words and the title; met, so published with the gaps filled.
    assert decision.publish and decision.reasons == ()
    # Below it, not published by default: a page mostly in the source language serves no one.
    less = decide(article(), {TITLE: done("Title")}, locale="en", settings=Publish())
    assert less.skipped and less.reasons == ("15.3% of the words are translated, 50% required",)
    fallback = Publish(policy=PublishPolicy.FALLBACK, min_coverage=100)
    assert decide(article(), {TITLE: done("Title")}, locale="en", settings=fallback).publish


def test_skip_policy_leaves_an_article_out_and_says_why() -> None:
    settings = Publish(policy=PublishPolicy.SKIP, min_coverage=80)
    decision = decide(article(), {FIRST: done("First.")}, locale="en", settings=settings)
    assert decision.skipped
    assert decision.reasons == ("38.4% of the words are translated, 80% required",
                                "not translated: title")


def test_gate_passes_at_the_threshold_with_the_required_units() -> None:
    settings = Publish(policy=PublishPolicy.SKIP, min_coverage=50, required=("title", "heading"))
    found = {TITLE: done("Title"), FIRST: done("First."), HEADING: done("Heading")}
    decision = decide(article(), found, locale="en", settings=settings)
    assert decision.coverage == Fraction(8, 13) and decision.publish and not decision.reasons
    missing_heading = decide(article(), {TITLE: done("T"), FIRST: done("F"), SECOND: done("S")},
                             locale="en", settings=settings)
    assert missing_heading.skipped and missing_heading.reasons == ("not translated: heading",)


def test_source_locale_is_always_published_whole() -> None:
    decision = decide(article(), {}, locale="pl", settings=Publish(policy=PublishPolicy.SKIP))
    assert decision.publish and decision.fallback == 0 and decision.coverage == 1


OUTDATED = Translation("Old first.", EntryState.FUZZY, previous_msgid="Pierwszy akapit.")
MACHINE = Translation("FIRST.", EntryState.FUZZY, machine="deepl")
PLAIN_FUZZY = Translation("Maybe first.", EntryState.FUZZY)


@pytest.mark.parametrize(
    ("translation", "settings", "expected"),
    [
        (OUTDATED, Publish(), Shown.SOURCE),
        (OUTDATED, Publish(outdated=Outdated.SHOW), Shown.OUTDATED),
        (MACHINE, Publish(), Shown.SOURCE),
        (MACHINE, Publish(outdated=Outdated.SHOW), Shown.SOURCE),
        (MACHINE, Publish(show_machine=True), Shown.MACHINE),
        (PLAIN_FUZZY, Publish(outdated=Outdated.SHOW, show_machine=True), Shown.SOURCE),
        (Translation("", EntryState.UNTRANSLATED), Publish(), Shown.SOURCE),
        (None, Publish(), Shown.SOURCE),
        (done("First."), Publish(), Shown.TRANSLATION),
    ],
)
def test_what_readers_see_for_one_unit(
    translation: Translation | None, settings: Publish, expected: Shown
) -> None:
    assert show(translation, settings) is expected


def test_a_near_identical_source_keeps_its_translation_shown_a_rewrite_does_not() -> None:
    old = Translation("The first paragraph has five words.", EntryState.FUZZY,
                      previous_msgid="Pierwszy akapit ma pięć słów.")
    assert show(old, Publish(), "Pierwszy akapit ma pięć słów!") is Shown.OUTDATED
    assert show(old, Publish(), "Pierwszy akapit ma piec słów.") is Shown.OUTDATED  # a typo
    assert show(old, Publish(), "Zupełnie inny akapit o czymś innym.") is Shown.SOURCE
    assert show(old, Publish(outdated=Outdated.SOURCE), "Pierwszy akapit ma pięć słów!"
                ) is Shown.SOURCE
    assert show(old, Publish(outdated=Outdated.SHOW), "Zupełnie inny akapit o czymś innym."
                ) is Shown.OUTDATED


def test_shown_fuzzy_text_never_counts_as_translated() -> None:
    settings = Publish(outdated=Outdated.SHOW, show_machine=True, policy=PublishPolicy.SKIP,
                       min_coverage=50, required=())
    decision = decide(article(), {FIRST: OUTDATED, SECOND: MACHINE}, locale="en",
                      settings=settings)
    assert decision.texts == {FIRST: "Old first.", SECOND: "FIRST."}
    assert decision.count(Shown.OUTDATED) == 1 and decision.count(Shown.MACHINE) == 1
    assert decision.coverage == 0 and decision.skipped


def test_command_line_options_win_over_settings() -> None:
    base = Publish(policy=PublishPolicy.SKIP, min_coverage=80, show_machine=True)
    changed = settings_for(base, policy=PublishPolicy.FALLBACK, min_coverage=0)
    assert changed == Publish(policy=PublishPolicy.FALLBACK, min_coverage=0, show_machine=True)
    assert settings_for(base) == base


def test_percent_never_rounds_to_a_misleading_whole() -> None:
    assert percent(Fraction(1999, 2000)) == "99.9%"
    assert percent(Fraction(1, 5000)) == "0.1%"


def test_examples_in_docstrings() -> None:
    import doctest

    from locpipe import publish, site

    for module in (publish, site):
        result = doctest.testmod(module)
        assert result.attempted and not result.failed, module.__name__
