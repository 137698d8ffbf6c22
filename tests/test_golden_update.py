"""Golden triplets for catalogue maintenance: template + before -> after, one folder a case.

Each folder of ``tests/golden/update/`` holds ``template.pot``, usually ``before.po`` (the
catalogue as a translator left it), sometimes ``memory/*.po`` (other catalogues of the
locale), ``args`` (the command, ``update`` when absent) or ``locpipe.toml``. The test lays
them out in a project, runs the command, and compares the catalogue with ``after.po`` and
the command's output with ``report.txt``. Both were reviewed by hand; after an intended
change, run ``LOCPIPE_UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden_update.py`` and
review ``git diff tests/golden/update`` before committing it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from conftest import GOLDEN
from support import Cli, msgfmt_check

CASES = sorted(p.name for p in (GOLDEN / "update").iterdir() if p.is_dir())


def _expect(path: Path, actual: str) -> None:
    if os.environ.get("LOCPIPE_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"differs from {path}"


def _project(case: str, root: Path) -> tuple[Path, list[str]]:
    """Lay the case out as a project; return the catalogue's path and the command."""
    folder = GOLDEN / "update" / case
    root.mkdir(parents=True)
    config = folder / "locpipe.toml"
    if config.exists():
        shutil.copy(config, root / "locpipe.toml")
    else:
        (root / "locpipe.toml").write_text('source_locale = "pl"\nlocales = ["pl", "en"]\n')
    template = folder / "template.pot"
    source = polib.pofile(str(template)).metadata["X-Source-Language"]
    locale = "pl" if source == "en" else "en"
    (root / "locales/templates").mkdir(parents=True)
    shutil.copy(template, root / f"locales/templates/{case}.pot")
    catalogues = root / "locales" / locale / "LC_MESSAGES"
    catalogues.mkdir(parents=True)
    if (folder / "before.po").exists():
        shutil.copy(folder / "before.po", catalogues / f"{case}.po")
    for other in sorted((folder / "memory").glob("*.po")):
        shutil.copy(other, catalogues / other.name)
    # Each catalogue's article exists (update reads templates, not articles); without it
    # the files would be orphans, which no command works on.
    (root / "content").mkdir()
    for name in (case, *(p.stem for p in (folder / "memory").glob("*.po"))):
        (root / "content" / f"{name}.md").write_text("(not read by update)\n")
    args = folder / "args"
    command = args.read_text().split() if args.exists() else ["update"]
    return catalogues / f"{case}.po", command


@pytest.mark.parametrize("case", CASES)
def test_golden_update(case: str, tmp_path: Path, cli: Cli) -> None:
    folder = GOLDEN / "update" / case
    path, command = _project(case, tmp_path / "project")
    result = cli(tmp_path / "project", *command, "-v")
    assert result.exit_code == 0, result.output
    _expect(folder / "after.po", path.read_text(encoding="utf-8"))
    _expect(folder / "report.txt", result.output)
    assert msgfmt_check(path).returncode == 0, msgfmt_check(path).stderr
    # Written as GNU msgcat writes it: gettext tools leave the file as it is.
    wrap = [] if "wrap = false" not in (tmp_path / "project/locpipe.toml").read_text() \
        else ["--no-wrap"]
    msgcat = subprocess.run(["msgcat", *wrap, str(path)], capture_output=True, check=True)
    assert msgcat.stdout == path.read_bytes()
    if case == "unchanged":
        assert path.read_bytes() == (folder / "before.po").read_bytes()
    # Running the command again changes nothing.
    again = cli(tmp_path / "project", *command)
    assert again.exit_code == 0
    assert "updated" not in again.output and "created" not in again.output
    assert path.read_text(encoding="utf-8") == (folder / "after.po").read_text(encoding="utf-8")
