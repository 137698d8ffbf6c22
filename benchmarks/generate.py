"""Generate a corpus of realistic articles (and, optionally, their translations) for benchmarks.

    python benchmarks/generate.py OUT --articles 1000 [--translated]

Articles are Markdown with YAML front matter, about 6 KB each (the size of the real-world
corpus the targets were set on): headings, paragraphs with inline markup and links, lists,
tables, images, code blocks and blockquotes, in Polish-like prose drawn from the shipped
articles' vocabulary. The same seed gives the same corpus, byte for byte.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_WORD = re.compile(r"[^\W\d_]{2,}")


def vocabulary() -> list[str]:
    words: set[str] = set()
    for path in sorted((ROOT / "content").glob("*.md")):
        words.update(w.lower() for w in _WORD.findall(path.read_text(encoding="utf-8")))
    return sorted(words)


class Writer:
    def __init__(self, rng: random.Random, words: list[str]) -> None:
        self.rng = rng
        self.words = words

    def sentence(self, low: int = 6, high: int = 18) -> str:
        words = self.rng.choices(self.words, k=self.rng.randint(low, high))
        if self.rng.random() < 0.25:
            i = self.rng.randrange(len(words))
            words[i] = self.rng.choice(
                [f"*{words[i]}*", f"**{words[i]}**", f"`{words[i]}()`",
                 f"[{words[i]}](https://example.org/{words[i]})"]
            )
        text = " ".join(words)
        return text[0].upper() + text[1:] + self.rng.choice(".....?!")

    def paragraph(self) -> str:
        text = " ".join(self.sentence() for _ in range(self.rng.randint(2, 5)))
        return self.wrap(text) if self.rng.random() < 0.3 else text

    def wrap(self, text: str, width: int = 72) -> str:
        lines, line = [], ""
        for word in text.split(" "):
            if line and len(line) + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        return "\n".join([*lines, line])

    def block(self) -> str:
        kind = self.rng.choices(
            ["p", "list", "olist", "table", "image", "code", "quote"],
            weights=[60, 10, 6, 5, 5, 7, 7],
        )[0]
        if kind == "list":
            return "\n".join(f"- {self.sentence(3, 10)}" for _ in range(self.rng.randint(2, 6)))
        if kind == "olist":
            return "\n".join(f"{i}. {self.sentence(3, 10)}"
                             for i in range(1, self.rng.randint(3, 6)))
        if kind == "table":
            rows = ["| " + " | ".join(self.sentence(1, 3) for _ in range(3)) + " |"
                    for _ in range(self.rng.randint(2, 5))]
            return "\n".join([rows[0], "|---|---|---|", *rows[1:]])
        if kind == "image":
            return f"![{self.sentence(3, 8)}](images/{self.rng.randrange(10**6)}.png)"
        if kind == "code":
            body = "\n".join(f"value_{i} = {self.rng.randrange(1000)}"
                             for i in range(self.rng.randint(2, 8)))
            return f"```python\n{body}\n```"
        if kind == "quote":
            return "> " + self.sentence() + "\n>\n> — " + self.sentence(2, 3)
        return self.paragraph()

    def article(self, number: int) -> str:
        title = self.sentence(3, 7).rstrip(".?!")
        tags = ", ".join(self.rng.sample(self.words, 3))
        parts = [
            f"---\ntitle: \"{title}\"\ndescription: \"{self.sentence(10, 20)}\"\n"
            f"date: 2026-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}\n"
            f"tags: [{tags}]\n---",
        ]
        size = 0
        while size < self.rng.randint(4500, 7500):
            if self.rng.random() < 0.15:
                parts.append(f"## {self.sentence(2, 6).rstrip('.?!')}")
            parts.append(self.block())
            size = sum(len(p.encode()) for p in parts)
        return "\n\n".join(parts) + "\n"


def generate(out: Path, articles: int, *, seed: int = 2026) -> None:
    """Write ``articles`` articles into ``out/content`` (in 10 sections) and a config."""
    rng = random.Random(seed)
    writer = Writer(rng, vocabulary())
    (out / "content").mkdir(parents=True, exist_ok=True)
    (out / "locpipe.toml").write_text('source_locale = "pl"\nlocales = ["pl", "en"]\n')
    for n in range(articles):
        path = out / "content" / f"section-{n % 10}" / f"article-{n:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(writer.article(n), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    generate(args.out, args.articles, seed=args.seed)


if __name__ == "__main__":
    main()
