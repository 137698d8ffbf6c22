"""A project's everyday lifecycle through the real CLI: every kind of unit through every
command, the project found from any folder, articles added, renamed and deleted."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from support import Cli

from locpipe import segment
from locpipe.config import REQUIRED_KINDS
from locpipe.model import UnitKind

# One article with a unit of every kind; the test below proves it stays so.
EVERY_KIND = """\
---
title: Każdy rodzaj
---

# Nagłówek

Akapit z przypisem[^1] i [odnośnikiem][foo].

- Punkt listy

> Cytat w bloku.

| Nazwa | Opis |
|-------|------|
| Kot   | Zwierzę |

![Kot na klawiaturze](kot.png)

[^1]: Treść przypisu.

[foo]: https://example.org/ "Tytuł odnośnika"
"""


def test_the_every_kind_article_has_a_unit_of_every_kind() -> None:
    article = segment.parse_article(EVERY_KIND, name="every", path="content/every.md",
                                    default_lang="pl", front_matter_keys=("title",))
    assert {unit.kind for unit in article.units} == set(UnitKind)


def test_every_kind_has_a_name_that_required_accepts() -> None:
    named = [kind for kind in UnitKind if kind is not UnitKind.FRONT_MATTER]
    assert sorted(REQUIRED_KINDS) == sorted(kind.selector for kind in named)
    assert len({kind.comment for kind in UnitKind}) == len(UnitKind)


@pytest.mark.parametrize("translated", [False, True], ids=["untranslated", "translated"])
def test_every_kind_goes_through_build_check_and_report(
    tmp_path: Path, cli: Cli, translated: bool
) -> None:
    root = tmp_path / "p"
    (root / "content").mkdir(parents=True)
    required = ", ".join(f'"{name}"' for name in ("title", *REQUIRED_KINDS))
    (root / "locpipe.toml").write_text(
        f'source_locale = "pl"\nlocales = ["pl", "en"]\nrequired = [{required}]\n'
        f'[publish]\nrequired = [{required}]\npolicy = "skip"\n', encoding="utf-8")
    (root / "content/every.md").write_text(EVERY_KIND, encoding="utf-8")
    first = cli(root, "build")
    assert first.exit_code == 0, first.output
    po_path = root / "locales/en/LC_MESSAGES/every.po"
    if translated:
        po = polib.pofile(str(po_path))
        for entry in po:
            entry.msgstr = f"EN {entry.msgid}" if entry.msgid != "Kot" else "Cat"
        po.save()
        assert cli(root, "build").exit_code == 0
        page = (root / "build/en/every.html").read_text(encoding="utf-8")
        assert 'title="EN Tytuł odnośnika"' in page
        assert "EN Treść przypisu." in page
    else:
        assert "skipped every [en]" in first.output
        assert "link-title" in first.output
    check = cli(root, "check")
    assert check.exit_code == (0 if translated else 1), check.output
    if not translated:
        assert "required link-title is untranslated" in check.output
    report = cli(root, "report")
    assert report.exit_code == 0, report.output
    assert (root / "build/report/index.html").is_file()
