"""``locpipe check`` on catalogues it did not make: the Polish ones shipped with Django, Sphinx
and Wagtail. Its counts must agree with GNU ``msgfmt --statistics``.

The wheels are downloaded once with pip and cached in ``$LOCPIPE_WHEEL_CACHE`` (or pytest's
cache folder), so later runs need no network.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import Cli

PROJECTS = ("django", "sphinx", "wagtail")
POLISH = re.compile(r"/locale/pl/LC_MESSAGES/[^/]+\.po$")


def _wheels(folder: Path) -> list[Path]:
    found = []
    for project in PROJECTS:
        matches = sorted(folder.glob(f"{project}-*.whl"))
        if matches:
            found.append(matches[-1])
    return found


@pytest.fixture(scope="session")
def polish_catalogues(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
                      ) -> list[Path]:
    """Every Polish ``.po`` file of the three projects' wheels, unpacked into a temp folder."""
    cache = os.environ.get("LOCPIPE_WHEEL_CACHE")
    folder = Path(cache) if cache else pytestconfig.cache.mkdir("locpipe-wheels")
    folder.mkdir(parents=True, exist_ok=True)
    if len(_wheels(folder)) < len(PROJECTS):
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--quiet", *PROJECTS, "-d", str(folder)],
            capture_output=True, text=True, check=False, timeout=600,
        )
        assert done.returncode == 0, f"pip download failed:\n{done.stderr}"
    out = tmp_path_factory.mktemp("polish")
    paths = []
    for wheel in _wheels(folder):
        with zipfile.ZipFile(wheel) as archive:
            for name in sorted(n for n in archive.namelist() if POLISH.search(n)):
                target = out / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
                paths.append(target)
    return paths


def _msgfmt_statistics(path: Path) -> dict[str, int]:
    done = subprocess.run(
        ["msgfmt", "--statistics", "-o", os.devnull, str(path)],
        capture_output=True, text=True, check=True, env={**os.environ, "LC_ALL": "C"},
    )
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", done.stderr):
        counts[kind] = int(number)
    return counts


def test_counts_agree_with_msgfmt_on_django_sphinx_and_wagtail(
    polish_catalogues: list[Path], project: Path, cli: Cli
) -> None:
    by_project = {p: [c for c in polish_catalogues if f"/{p}/" in c.as_posix()]
                  for p in PROJECTS}
    assert all(by_project.values()), {k: len(v) for k, v in by_project.items()}
    result = cli(project, "check", "--format", "json", *map(str, polish_catalogues))
    assert result.exit_code in (0, 1), result.output  # problems, but every file was read
    report = json.loads(result.stdout)
    assert report["errors"] == []
    ours = {c["path"]: c for c in report["catalogues"]}
    assert len(ours) == len(polish_catalogues)
    untranslated_somewhere = 0
    for path in polish_catalogues:
        cat = ours[path.as_posix()]
        assert cat["locale"] == "pl"
        entries = cat["entries"]
        mine = {k: entries[k] for k in ("translated", "fuzzy", "untranslated")}
        assert mine == _msgfmt_statistics(path), path
        untranslated_somewhere += entries["untranslated"]
    assert untranslated_somewhere > 0  # Sphinx's Polish catalogue is far from complete


def test_polish_plural_forms_of_django_are_accepted(polish_catalogues: list[Path],
                                                    project: Path, cli: Cli) -> None:
    django = next(p for p in polish_catalogues if p.as_posix().endswith(
        "django/conf/locale/pl/LC_MESSAGES/django.po"))
    assert "nplurals=4;" in django.read_text(encoding="utf-8")
    report = json.loads(cli(project, "check", "--format", "json", str(django)).stdout)
    assert [i for i in report["issues"] if i["check"] == "plural-forms"] == []


EDGE_CASES = """\
msgid ""
msgstr ""
"Language: pl\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) \
? 1 : 2);\\n"

#, fuzzy
msgid "fuzzy but empty"
msgstr ""

msgid "%d plik"
msgid_plural "%d plików"
msgstr[0] ""
msgstr[1] "%d files"
msgstr[2] "%d files"

#, fuzzy
msgctxt "title"
msgid "fuzzy"
msgstr "rozmyty"

msgid "done"
msgstr "gotowe"

msgid "not yet"
msgstr ""

#~ msgid "gone"
#~ msgstr "nie ma"
"""


def test_edge_cases_agree_with_msgfmt(tmp_path: Path, project: Path, cli: Cli) -> None:
    path = tmp_path / "edge.po"
    path.write_text(EDGE_CASES, encoding="utf-8")
    report = json.loads(cli(project, "check", "--format", "json", str(path)).stdout)
    (cat,) = report["catalogues"]
    assert _msgfmt_statistics(path) == {"translated": 1, "fuzzy": 1, "untranslated": 3}
    assert cat["entries"] == {"translated": 1, "fuzzy": 1, "untranslated": 3, "obsolete": 1,
                              "total": 5}


def test_half_translated_plural_is_not_translated(tmp_path: Path, project: Path,
                                                  cli: Cli) -> None:
    """The one documented difference: msgfmt looks at msgstr[0] alone; locpipe wants every
    form, because gettext would show an empty string for the missing ones."""
    path = tmp_path / "half.po"
    path.write_text(EDGE_CASES.split("\n\n")[0] + '\n\nmsgid "%d plik"\nmsgid_plural "%d plików"\n'
                    'msgstr[0] "%d file"\nmsgstr[1] ""\nmsgstr[2] ""\n', encoding="utf-8")
    assert _msgfmt_statistics(path)["translated"] == 1
    report = json.loads(cli(project, "check", "--format", "json", str(path)).stdout)
    assert report["catalogues"][0]["entries"]["untranslated"] == 1
