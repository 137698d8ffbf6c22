"""Publish rules: which text readers see for each unit, and whether a locale is published.

Pure functions over an article and what its catalogue holds; :func:`decide` returns a
frozen :class:`Decision` with the reasons, so the pipeline only applies it and the CLI
only reports it. Fuzzy text is never shown as a translation, except an outdated one
(source changed since, ``#| msgid``) when ``outdated = "show"``, and a machine one
(``# machine translation: <engine>``) when ``show_machine = true``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction

from . import similarity
from .catalog import word_count
from .config import Outdated, Publish, PublishPolicy
from .model import Article, EntryState, Key, Translation, Unit, UnitKind, Verdict


class Shown(enum.Enum):
    """What readers see for one unit of a localised article."""

    TRANSLATION = "translation"
    OUTDATED = "outdated"
    """A translation of an earlier version of the source text."""
    MACHINE = "machine"
    """An engine's translation nobody has reviewed."""
    SOURCE = "source"
    """The source text, in the article's language."""


def selector(unit: Unit) -> str:
    """The name ``required`` uses for a unit: its front-matter key, or its kind."""
    if unit.kind is UnitKind.FRONT_MATTER:
        return unit.msgctxt or ""
    return unit.kind.selector


@dataclass(frozen=True)
class Decision:
    """Whether one article is published in one locale, what each unit shows, and why."""

    article: str
    """The article's name."""
    path: str
    """The article's file, for messages."""
    locale: str
    publish: bool
    policy: PublishPolicy
    coverage: Fraction
    """Share of the article's source words with a reviewed translation."""
    shown: Mapping[Key, Shown]
    texts: Mapping[Key, str]
    """The text to show for every unit that is not shown in the source language."""
    reasons: tuple[str, ...] = ()
    """Why the gate failed: each unmet condition, in words."""

    @property
    def skipped(self) -> bool:
        return not self.publish

    @property
    def fallback(self) -> int:
        """How many distinct units are shown in the source language."""
        return sum(1 for s in self.shown.values() if s is Shown.SOURCE)

    def count(self, state: Shown) -> int:
        return sum(1 for s in self.shown.values() if s is state)

    @property
    def verdict(self) -> Verdict:
        return Verdict(self.article, self.path, self.locale, self.publish, self.reasons,
                       self.fallback)


NEAR_IDENTICAL = 80.0
"""How alike (percent, :func:`locpipe.similarity.similarity`) a changed source must be to
the text it was translated from for ``outdated = "near"`` to keep showing the translation:
four words (or punctuation marks) in five the same and in order, so a typo, a comma or one
changed word in a sentence of five or more words; texts under four words are compared
character by character, four in five alike."""


def near_identical(previous: str, current: str) -> bool:
    """Whether a source changed so little that its old translation still serves readers.

    >>> near_identical("Mentoring pomaga liderom rozwijać się szybciej i pewniej niż sami.",
    ...                "Mentoring pomaga liderom rozwijać się szybciej i pewniej, niż sami.")
    True
    >>> near_identical("Mentoring pomaga liderom.", "Coaching to zupełnie inna metoda pracy.")
    False
    """
    vocabulary = similarity.Vocabulary()
    score = similarity.similarity(similarity.prepare(previous, vocabulary),
                                  similarity.prepare(current, vocabulary))
    return score >= NEAR_IDENTICAL


def show(translation: Translation | None, settings: Publish, source: str = "") -> Shown:
    """Pick what readers see for one unit, from its catalogue entry and the settings.

    ``source`` is the unit's current source text, which ``outdated = "near"`` compares
    with the one the translation was made for.

    >>> from locpipe.model import EntryState, Translation
    >>> old = Translation("Old text", EntryState.FUZZY, previous_msgid="Stary tekst")
    >>> show(old, Publish(outdated=Outdated.SOURCE)).value
    'source'
    >>> show(old, Publish(outdated=Outdated.SHOW)).value
    'outdated'
    >>> show(old, Publish(), "Stary tekst!").value, show(old, Publish(), "Nowy wpis").value
    ('outdated', 'source')
    """
    if translation is None or not translation.msgstr:
        return Shown.SOURCE
    if translation.state is EntryState.TRANSLATED:
        return Shown.TRANSLATION
    if translation.state is not EntryState.FUZZY:
        return Shown.SOURCE
    if translation.machine is not None:
        return Shown.MACHINE if settings.show_machine else Shown.SOURCE
    if translation.previous_msgid is None or settings.outdated is Outdated.SOURCE:
        return Shown.SOURCE
    if settings.outdated is Outdated.SHOW or near_identical(translation.previous_msgid, source):
        return Shown.OUTDATED
    return Shown.SOURCE


def decide(
    article: Article,
    translations: Mapping[Key, Translation],
    *,
    locale: str,
    settings: Publish,
) -> Decision:
    """Apply the publish settings to one article in one locale."""
    units = {unit.key: unit for unit in article.units}
    if locale == article.lang:
        return Decision(article.name, article.path, locale, True, settings.policy, Fraction(1),
                        {key: Shown.TRANSLATION for key in units}, {})
    shown = {key: show(translations.get(key), settings, key[1]) for key in units}
    texts = {key: translations[key].msgstr for key, s in shown.items() if s is not Shown.SOURCE}
    # A reviewed translation of a near-identical source still serves readers: a typo fixed
    # in the source must not take a published article off the site until it is reviewed.
    served = {key for key, s in shown.items() if s is Shown.TRANSLATION or (
        s is Shown.OUTDATED and near_identical(translations[key].previous_msgid or "", key[1]))}
    total = sum(word_count(unit.msgid) for unit in units.values())
    done = sum(word_count(units[key].msgid) for key in served)
    coverage = Fraction(done, total) if total else Fraction(1)
    reasons = []
    if coverage * 100 < Fraction(str(settings.min_coverage)):
        reasons.append(f"{percent(coverage)} of the words are translated, "
                       f"{settings.min_coverage:g}% required")
    missing = sorted({found for key, unit in units.items()
                      if (found := selector(unit)) in settings.required
                      and key not in served}) if settings.required else []
    if missing:
        reasons.append(f"not translated: {', '.join(missing)}")
    publish = not reasons or settings.policy is PublishPolicy.FALLBACK
    return Decision(article.name, article.path, locale, publish, settings.policy, coverage,
                    shown, texts, tuple(reasons))


def percent(share: Fraction) -> str:
    """A percentage that never rounds up to 100 or down to 0.

    >>> percent(Fraction(999, 1000)), percent(Fraction(1, 3)), percent(Fraction(0))
    ('99.9%', '33.3%', '0%')
    """
    if share >= 1:
        return "100%"
    if share <= 0:
        return "0%"
    tenths = int(share * 1000)
    return f"{max(tenths, 1) / 10:.1f}%"


def settings_for(
    base: Publish,
    *,
    policy: PublishPolicy | None = None,
    min_coverage: float | None = None,
    outdated: Outdated | None = None,
    show_machine: bool | None = None,
) -> Publish:
    """The settings with the command line's options, where given, on top."""
    changes: dict[str, object] = {
        "policy": policy, "min_coverage": min_coverage, "outdated": outdated,
        "show_machine": show_machine,
    }
    return replace(base, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]
