"""Fetch and read the fidelity corpora: CommonMark's spec examples and real-world Markdown.

Both come from the npm registry with ``npm pack`` at pinned versions and are cached, so a
test run downloads them once (CI reaches the registry; the cache folder is
``$LOCPIPE_TEST_CACHE`` or pytest's cache).
"""

from __future__ import annotations

import re
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

SPEC_PACKAGE = "commonmark-spec@0.31.2"
_EXAMPLE = re.compile(r"^`{32} example\n([\s\S]*?)^\.\n([\s\S]*?)^`{32}$", re.MULTILINE)


@dataclass(frozen=True)
class Document:
    name: str
    data: bytes


def npm_pack(spec: str, cache: Path) -> Path:
    """Download one package tarball into the cache (once) and return its path."""
    name, version = spec.rsplit("@", 1)
    tarball = cache / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not tarball.exists():
        subprocess.run(
            ["npm", "pack", spec, "--pack-destination", str(cache), "--silent"],
            check=True, capture_output=True, text=True, timeout=300,
        )
    return tarball


def spec_examples(cache: Path) -> list[Document]:
    """The 652 examples of the CommonMark spec 0.31.2, tabs restored (the spec shows →)."""
    with tarfile.open(npm_pack(SPEC_PACKAGE, cache)) as tar:
        member = tar.extractfile("package/spec.txt")
        assert member is not None
        text = member.read().decode("utf-8")
    text = re.sub(r"^<!-- END TESTS -->(.|\n)*", "", text, flags=re.MULTILINE)
    return [
        Document(f"example {n}", m.group(1).replace("→", "\t").encode())
        for n, m in enumerate(_EXAMPLE.finditer(text), 1)
    ]


def corpus(cache: Path, listing: Path) -> list[Document]:
    """Every Markdown file under 1 MB in the packages the listing names."""
    documents = []
    for line in listing.read_text(encoding="utf-8").splitlines():
        spec = line.split("#", 1)[0].strip()
        if not spec:
            continue
        with tarfile.open(npm_pack(spec, cache)) as tar:
            for member in sorted(tar.getmembers(), key=lambda m: m.name):
                if member.isfile() and member.name.lower().endswith(".md") and member.size < 2**20:
                    handle = tar.extractfile(member)
                    assert handle is not None
                    documents.append(Document(f"{spec}/{member.name}", handle.read()))
    return documents
