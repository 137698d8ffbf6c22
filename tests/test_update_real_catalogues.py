"""Real catalogues of other projects survive locpipe's reading, merging and writing.

The Polish catalogues shipped in the Django, Sphinx and Wagtail wheels (plural entries,
format flags, obsolete entries, translator comments, 3- and 4-form Plural-Forms) are put
into a project with templates of their own entries; ``update`` must find nothing to change
in them, and where it must write, change nothing but what msgcat would.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import polib
from support import Cli
from test_poformat import polish_catalogues  # noqa: F401  (the fixture)

from locpipe import catalog
from locpipe.catalog import GENERATOR


def _name(key: str) -> str:
    """``django-5.2.19-py3-none-any.whl:django/conf/locale/pl/LC_MESSAGES/django.po`` ->
    ``django-conf-django``."""
    wheel, member = key.split(":")
    parts = member.split("/locale/")[0].split("/")
    return "-".join([*parts, Path(member).stem]) if parts[0] == wheel.split("-")[0] \
        else "-".join([wheel.split("-")[0], *parts, Path(member).stem])


def _template(po: polib.POFile) -> polib.POFile:
    """The template these catalogues were made from, as far as they tell."""
    pot = polib.POFile()
    pot.metadata = {
        "Project-Id-Version": po.metadata.get("Project-Id-Version", ""),
        "POT-Creation-Date": po.metadata.get("POT-Creation-Date", ""),
        "Content-Type": "text/plain; charset=UTF-8",
        "X-Source-Language": "en",
    }
    for entry in po:
        if not entry.obsolete:
            pot.append(polib.POEntry(
                msgid=entry.msgid, msgctxt=entry.msgctxt, msgid_plural=entry.msgid_plural,
                comment=entry.comment, occurrences=entry.occurrences,
                flags=[f for f in entry.flags if f != "fuzzy"],
            ))
    return pot


def test_update_keeps_real_catalogues_as_they_are(
    tmp_path: Path, cli: Cli, polish_catalogues: dict[str, str]  # noqa: F811
) -> None:
    root = tmp_path / "project"
    (root / "locales/templates").mkdir(parents=True)
    (root / "locales/pl/LC_MESSAGES").mkdir(parents=True)
    (root / "locpipe.toml").write_text('source_locale = "en"\nlocales = ["en", "pl"]\n')
    originals = {}
    for key, text in sorted(polish_catalogues.items()):
        name = _name(key)
        po = catalog.parse_catalog(text, key)  # locpipe's checks accept real catalogues
        plural = po.metadata.get("Plural-Forms")
        assert plural is None or catalog.plural_disagreement(plural, "pl") is None, key
        (root / f"locales/templates/{name}.pot").write_text(catalog.dumps(_template(po)))
        path = root / f"locales/pl/LC_MESSAGES/{name}.po"
        path.write_text(text, encoding="utf-8")
        originals[name] = text
        # The article exists (update reads templates only); else the files are orphans.
        (root / f"content/{name}.md").parent.mkdir(parents=True, exist_ok=True)
        (root / f"content/{name}.md").write_text("(not read by update)\n")
    assert len(originals) == len(polish_catalogues) >= 30

    result = cli(root, "update", "--no-memory")
    assert result.exit_code == 0, result.output
    changed = re.findall(r"^updated locales/pl/LC_MESSAGES/(.+)\.po \(kept \d+\)$",
                         result.output, re.MULTILINE)
    # One Wagtail catalogue lacks header fields gettext tools expect; nothing else changes.
    assert changed == ["wagtail-admin-djangojs"], result.output
    for name, text in originals.items():
        path = root / f"locales/pl/LC_MESSAGES/{name}.po"
        if name not in changed:
            assert path.read_text(encoding="utf-8") == text, name
            continue
        written = path.read_text(encoding="utf-8")
        msgcat = subprocess.run(["msgcat", "-"], input=text, capture_output=True, text=True,
                                check=True).stdout
        added = set(written.splitlines()) - set(msgcat.splitlines())
        assert added == {'"Project-Id-Version: \\n"', '"MIME-Version: 1.0\\n"',
                         '"Content-Transfer-Encoding: 8bit\\n"', f'"X-Generator: {GENERATOR}\\n"'}
        assert set(msgcat.splitlines()) <= set(written.splitlines())
