"""Time locpipe against mdpo on generated corpora and print a table.

    python benchmarks/run.py --articles 100 1000 10000 [--mdpo /path/to/python-with-mdpo]
                             [--jobs N]

For each size it generates a corpus (benchmarks/generate.py), then times, each as its own
process: cold extract, cold update, render, check, a full cold build (translated
catalogues, but no templates, no pages and no cache), a no-op rerun of build, check after
it and once more, and build after a one-article edit (a sentence added to a paragraph; then
a new paragraph, which the translation memory is asked about). Peak memory is the largest
sum of the proportional set sizes (PSS: shared pages counted once) of the command and its
worker processes, sampled every 20 ms. With ``--mdpo``, mdpo's md2po + po2md run on the
same articles in one process (no per-file start-up cost, to be fair to it) and the ratio
is printed, against the full build and against a build that writes Markdown only (what
mdpo writes). Results go to stdout and to ``benchmarks/out/results-<size>.md``; several
sizes also give a summary of how the cost grows. See benchmarks/README.md for recorded results.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import threading
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
    peak_mb: float


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as handle:
                todo.extend(int(c) for c in handle.read().split())
        except OSError:
            pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """The peak total PSS of a process and its descendants."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, sum(_pss_kb(p) for p in _tree(self.pid)))
            time.sleep(0.02)


def timed(step: str, argv: list[str], cwd: Path, env: dict[str, str]) -> Timing:
    """Run a command; return its wall time and its peak memory, workers included."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    sampler = Sampler(process.pid)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - start
    sampler.running = False
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{step} failed ({process.returncode}): {stderr.decode()}")
    return Timing(step, seconds, sampler.peak / 1024)


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


def _edit_paragraph(project: Path) -> None:
    article = sorted((project / "content").rglob("*.md"))[0]
    paragraphs = article.read_text(encoding="utf-8").split("\n\n")
    paragraphs[2] = paragraphs[2] + " Dodane zdanie."
    article.write_text("\n\n".join(paragraphs), encoding="utf-8")


def _add_paragraph(project: Path) -> None:
    article = sorted((project / "content").rglob("*.md"))[1]
    article.write_text(article.read_text(encoding="utf-8")
                       + "\nZupełnie nowy akapit, którego nie ma w żadnym artykule.\n",
                       encoding="utf-8")


def _copy(project: Path, name: str) -> Path:
    """The translated project without templates, output or caches: ready for a cold build.

    Copied rather than cleaned: ext4 allocates inodes slowly for about 30 s after many files
    were deleted (``recently_deleted``), which would charge the benchmark's own clean-up to
    the timed command.
    """
    target = project.parent / name
    shutil.copytree(project, target, ignore=lambda folder, names: [
        n for n in names if Path(folder, n) in
        (project / "build", project / ".locpipe-cache", project / "locales" / "templates")])
    return target


def bench_locpipe(project: Path, jobs: list[str]) -> list[Timing]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "PYTHONPATH": str(HERE.parent)}

    def run(step: str, where: Path, *command: str) -> Timing:
        return timed(step, [*LOCPIPE, *command, *jobs], where, env)

    rows = [run("extract (cold)", project, "extract"), run("update (cold)", project, "update")]
    subprocess.run([sys.executable, "-c", FILL], cwd=project, check=True, env=env)
    cold = _copy(project, "cold")
    markdown = _copy(project, "markdown-only")
    # What mdpo does: Markdown out, no HTML pages.
    config = markdown / "locpipe.toml"
    config.write_text(config.read_text() + 'output_formats = ["markdown"]\n')
    rows.append(run("render (cold)", project, "render"))
    rows.append(run("check (cold)", project, "check"))
    # A full cold build: translated catalogues, but no templates, no output, no caches.
    rows.append(run("build (cold)", cold, "build"))
    rows.append(run("build (no-op rerun)", cold, "build"))
    rows.append(run("check (after build)", cold, "check"))
    rows.append(run("check (no-op rerun)", cold, "check"))
    _edit_paragraph(cold)
    rows.append(run("build (one article: sentence added)", cold, "build"))
    _add_paragraph(cold)
    rows.append(run("build (one article: new paragraph)", cold, "build"))
    rows.append(run("build (cold, Markdown only)", markdown, "build"))
    return rows


def bench_mdpo(python: str, content: Path, out: Path) -> tuple[float, float, int]:
    out.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([python, "-c", MDPO, str(content), str(out)], check=True,
                            capture_output=True, text=True)
    extract, render, failed = result.stdout.split()
    return float(extract), float(render), int(failed)


def compile_bytecode() -> None:
    """Compile locpipe's modules once, as ``pip install`` does: run from a checkout with
    PYTHONDONTWRITEBYTECODE set, every command would compile them again (about 60 ms)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "locpipe")],
                   check=True)


def machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle
                          if line.startswith("model name")), "")
    except OSError:
        pass
    return (f"{model or platform.processor()} ({platform.machine()}), {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def _seconds(rows: list[Timing], step: str) -> float:
    return next(r.seconds for r in rows if r.step == step)


def report(size: int, corpus_mb: float, rows: list[Timing],
           mdpo: tuple[float, float, int] | None) -> str:
    lines = [
        f"### {size} articles, {corpus_mb:.1f} MB of Markdown",
        "",
        f"Machine: {machine()}",
        "",
        "| step | seconds | MB/s | peak memory (MB) |",
        "|---|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(f"| {row.step} | {row.seconds:.2f} | {corpus_mb / row.seconds:.1f} | "
                     f"{row.peak_mb:.0f} |")
    cold = _seconds(rows, "build (cold)")
    markdown = _seconds(rows, "build (cold, Markdown only)")
    if mdpo is not None:
        extract, render, failed = mdpo
        both = extract + render
        lines += [
            f"| mdpo md2po | {extract:.2f} | {corpus_mb / extract:.1f} | |",
            f"| mdpo po2md | {render:.2f} | {corpus_mb / render:.1f} | |",
            "",
            f"mdpo crashed on {failed} of {size} articles (counted in its time up to the "
            "crash).",
            f"Full cold pipeline: mdpo md2po + po2md {both:.2f} s; locpipe build "
            f"{cold:.2f} s (**{both / cold:.2f}x** mdpo's speed), Markdown only "
            f"{markdown:.2f} s (**{both / markdown:.2f}x**).",
        ]
    noop = _seconds(rows, "build (no-op rerun)")
    lines.append(f"No-op rerun: {cold / noop:.1f}x faster than the cold build.")
    return "\n".join(lines) + "\n"


def curve(results: dict[int, tuple[float, list[Timing]]]) -> str:
    """How the cost grows with the corpus: seconds per 1,000 articles at each size."""
    steps = ["build (cold)", "build (no-op rerun)", "build (one article: sentence added)",
             "check (cold)"]
    lines = ["| articles | MB | " + " | ".join(steps) + " | peak memory, cold build (MB) |",
             "|---:|---:|" + "---:|" * (len(steps) + 1)]
    for size, (corpus_mb, rows) in sorted(results.items()):
        cells = [f"{_seconds(rows, s):.2f} s ({1000 * _seconds(rows, s) / size:.2f})"
                 for s in steps]
        peak = next(r.peak_mb for r in rows if r.step == "build (cold)")
        lines.append(f"| {size} | {corpus_mb:.1f} | " + " | ".join(cells) + f" | {peak:.0f} |")
    return ("Seconds (and seconds per 1,000 articles):\n\n" + "\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--mdpo", help="a Python interpreter that has mdpo installed")
    parser.add_argument("--jobs", help="passed to every locpipe command (default: all cores)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    jobs = ["--jobs", args.jobs] if args.jobs else []
    compile_bytecode()
    results = {}
    for size in args.articles:
        base = args.out / f"corpus-{size}"
        if base.exists():
            shutil.rmtree(base)
            time.sleep(31)  # see _copy: let ext4 forget the deleted inodes
        project = base / "project"
        generate(project, size)
        corpus_mb = sum(p.stat().st_size for p in (project / "content").rglob("*.md")) / 1e6
        rows = bench_locpipe(project, jobs)
        mdpo = bench_mdpo(args.mdpo, project / "content", base / "mdpo") if args.mdpo else None
        text = report(size, corpus_mb, rows, mdpo)
        print(text)
        (args.out / f"results-{size}.md").write_text(text, encoding="utf-8")
        results[size] = (corpus_mb, rows)
    if len(results) > 1:
        text = curve(results)
        print(text)
        (args.out / "curve.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
