"""Time locpipe against mdpo on generated corpora and print a table.

    python benchmarks/run.py --articles 100 1000 [--mdpo /path/to/python-with-mdpo]

For each size it generates a corpus (benchmarks/generate.py), then times, each as its own
process: cold extract, cold update, render, check, a full cold build, a no-op rerun of
build, and build after a one-article edit; peak memory (max RSS) of each process. With
``--mdpo``, mdpo's md2po + po2md run on the same articles in one process (no per-file
start-up cost, to be fair to it) and the ratio is printed. Results go to stdout and to
``benchmarks/out/results-<size>.md``. See benchmarks/README.md for recorded results.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

LOCPIPE = [sys.executable, "-m", "locpipe"]


@dataclass
class Timing:
    step: str
    seconds: float
    max_rss_mb: float


def timed(step: str, argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> Timing:
    """Run a command, return its wall time and its own peak memory."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode not in (0, 1):
        raise SystemExit(f"{step} failed ({process.returncode}): {stderr}")
    return Timing(step, seconds, usage.ru_maxrss / 1024)


FILL = """
import sys, polib, pathlib
from locpipe.pseudo import pseudo_text
for path in sorted(pathlib.Path('locales').rglob('*.po')):
    po = polib.pofile(str(path))
    for e in po:
        if e.msgid and not e.msgstr:
            e.msgstr = pseudo_text(e.msgid)
    po.save()
"""

MDPO = """
import pathlib, sys, time
from mdpo.md2po import markdown_to_pofile
from mdpo.po2md import pofile_to_markdown
root = pathlib.Path(sys.argv[1]); out = pathlib.Path(sys.argv[2])
files = sorted(root.rglob('*.md'))
failed = set()
t0 = time.perf_counter()
for f in files:
    po = out / (f.relative_to(root).as_posix().replace('/', '__') + '.po')
    try:
        markdown_to_pofile(str(f), po_filepath=str(po), save=True)
    except Exception:
        failed.add(f)
t1 = time.perf_counter()
for f in files:
    if f in failed:
        continue
    po = out / (f.relative_to(root).as_posix().replace('/', '__') + '.po')
    try:
        pofile_to_markdown(str(f), str(po), save=str(po.with_suffix('.md')))
    except Exception:
        failed.add(f)
t2 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {len(failed)}")
"""


def bench_locpipe(project: Path) -> list[Timing]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "PYTHONPATH": str(HERE.parent)}
    rows = [
        timed("extract (cold)", [*LOCPIPE, "extract"], project, env),
        timed("update (cold)", [*LOCPIPE, "update"], project, env),
    ]
    subprocess.run([sys.executable, "-c", FILL], cwd=project, check=True)
    rows.append(timed("render (cold)", [*LOCPIPE, "render"], project, env))
    rows.append(timed("check", [*LOCPIPE, "check"], project, env))
    # A full cold build: translated catalogues, but no templates, no output, no caches.
    shutil.rmtree(project / "locales" / "templates")
    shutil.rmtree(project / "build", ignore_errors=True)
    shutil.rmtree(project / ".locpipe-cache", ignore_errors=True)
    rows.append(timed("build (cold)", [*LOCPIPE, "build"], project, env))
    rows.append(timed("build (no-op rerun)", [*LOCPIPE, "build"], project, env))
    article = sorted((project / "content").rglob("*.md"))[0]
    text = article.read_text(encoding="utf-8")
    paragraphs = text.split("\n\n")
    paragraphs[2] = paragraphs[2] + " Dodane zdanie."
    article.write_text("\n\n".join(paragraphs), encoding="utf-8")
    rows.append(timed("build (one-article edit)", [*LOCPIPE, "build"], project, env))
    return rows


def bench_mdpo(python: str, content: Path, out: Path) -> tuple[float, float, int]:
    out.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([python, "-c", MDPO, str(content), str(out)], check=True,
                            capture_output=True, text=True)
    extract, render, failed = result.stdout.split()
    return float(extract), float(render), int(failed)


def report(size: int, corpus_mb: float, rows: list[Timing],
           mdpo: tuple[float, float, int] | None) -> str:
    lines = [
        f"### {size} articles, {corpus_mb:.1f} MB of Markdown",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "",
        "| step | seconds | MB/s | peak RSS (MB) |",
        "|---|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(f"| {row.step} | {row.seconds:.2f} | {corpus_mb / row.seconds:.1f} | "
                     f"{row.max_rss_mb:.0f} |")
    if mdpo is not None:
        extract, render, failed = mdpo
        cold = next(r.seconds for r in rows if r.step == "build (cold)")
        lines += [
            f"| mdpo md2po | {extract:.2f} | {corpus_mb / extract:.1f} | |",
            f"| mdpo po2md | {render:.2f} | {corpus_mb / render:.1f} | |",
            "",
            f"mdpo crashed on {failed} of {size} articles (counted in its time up to the crash).",
            f"Full cold pipeline: locpipe build {cold:.2f} s vs mdpo md2po + po2md "
            f"{extract + render:.2f} s: **{(extract + render) / cold:.1f}x**.",
        ]
    noop = next(r.seconds for r in rows if r.step == "build (no-op rerun)")
    cold = next(r.seconds for r in rows if r.step == "build (cold)")
    lines.append(f"No-op rerun: {cold / noop:.1f}x faster than the cold build.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--mdpo", help="a Python interpreter that has mdpo installed")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    for size in args.articles:
        base = args.out / f"corpus-{size}"
        shutil.rmtree(base, ignore_errors=True)
        project = base / "project"
        generate(project, size)
        corpus_mb = sum(p.stat().st_size for p in (project / "content").rglob("*.md")) / 1e6
        rows = bench_locpipe(project)
        mdpo = bench_mdpo(args.mdpo, project / "content", base / "mdpo") if args.mdpo else None
        text = report(size, corpus_mb, rows, mdpo)
        print(text)
        (args.out / f"results-{size}.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
