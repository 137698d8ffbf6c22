"""Rendering a paragraph full of inline tags whose translation uses other tags.

    python benchmarks/tags.py [--tags 250 500 1000 2000 4000] [--checkout DIR] [--repeat 3]

Issue #22 (6): every tag a translation adds is compared with the tags of its source, and
each comparison parsed every source tag again, so a paragraph of N tags took N² parses
(9.9 s at 500 tags, 155 s at 2,000). For each N this makes a project with one article (a
paragraph of N ``<b>`` tags with text between them, and N ``<abbr title>`` tags), a
catalogue whose translation uses ``<i>`` instead (each escaped as text) and the same
``<abbr>`` tags with translated titles (each rewritten as the source has it), and times:

- ``locpipe render``, the whole command as its own process (start-up included, no cache);
- ``neutralise`` alone, the function that makes a translation safe, in one process.

``--checkout DIR`` runs the same against another locpipe source tree (for instance
``git worktree add /tmp/old <commit>``), to compare before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CONFIG = 'source_locale = "pl"\nlocales = ["pl", "en"]\n'


def paragraph(tags: int, *, translated: bool) -> str:
    """N/2 bold words and N/2 abbreviations, as the source or the translation writes them."""
    pieces = []
    for n in range(tags // 2):
        if translated:
            pieces.append(f'word <i>w{n}</i> and <abbr title="Title {n}">A{n}</abbr>')
        else:
            pieces.append(f'słowo <b>w{n}</b> i <abbr title="Tytuł {n}">A{n}</abbr>')
    return " ".join(pieces) + "."


TIMING = r"""
import sys, time
from locpipe.site import neutralise
source, translation = sys.stdin.read().split("\0")
start = time.perf_counter()
out = neutralise(source, translation)
print(time.perf_counter() - start)
assert "<i>" not in out and out.count("<abbr") == translation.count("<abbr")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tags", type=int, nargs="+", default=[250, 500, 1000, 2000, 4000])
    parser.add_argument("--checkout", type=Path, default=HERE.parent,
                        help="the locpipe source tree to time (default: this one)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(args.checkout.resolve())}
    print(f"locpipe from {args.checkout.resolve()}")
    print("| tags | translation (KB) | neutralise (s) | locpipe render (s) |")
    print("|---:|---:|---:|---:|")
    for tags in args.tags:
        source, translation = paragraph(tags, translated=False), paragraph(tags, translated=True)
        alone = statistics.median(
            float(subprocess.run([sys.executable, "-c", TIMING], input=f"{source}\0{translation}",
                                 capture_output=True, text=True, env=env, check=True).stdout)
            for _ in range(args.repeat))
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder) / "project"
            (root / "content").mkdir(parents=True)
            (root / "locpipe.toml").write_text(CONFIG, encoding="utf-8")
            (root / "content" / "tags.md").write_text(f"# Tagi\n\n{source}\n", encoding="utf-8")
            locpipe = [sys.executable, "-m", "locpipe", "-C", str(root)]
            subprocess.run([*locpipe, "extract"], env=env, check=True, capture_output=True)
            import polib

            po = polib.pofile(str(root / "locales/templates/tags.pot"))
            po.metadata["Language"] = "en"
            for entry in po:
                entry.msgstr = translation if entry.msgid == source else entry.msgid
            target = root / "locales/en/LC_MESSAGES/tags.po"
            target.parent.mkdir(parents=True)
            po.save(str(target))
            runs = []
            for _ in range(args.repeat):
                shutil.rmtree(root / "build", ignore_errors=True)
                shutil.rmtree(root / ".locpipe-cache", ignore_errors=True)
                start = time.perf_counter()
                subprocess.run([*locpipe, "render"], env=env, check=True, capture_output=True)
                runs.append(time.perf_counter() - start)
            page = (root / "build/en/tags.html").read_text(encoding="utf-8")
            assert "<i>" not in page and "&lt;i&gt;w0" in page
        print(f"| {tags:,} | {len(translation.encode()) / 1000:.0f} | {alone:.3f} "
              f"| {statistics.median(runs):.2f} |", flush=True)


if __name__ == "__main__":
    main()
