"""Flowchart files: Mermaid or DOT text, or SVG/PNG drawn by Graphviz's `dot` when installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from troubleshoot.errors import TroubleshootError

IMAGES = (".svg", ".png")
TEXTS = {".mmd": "mermaid", ".md": "mermaid", ".dot": "dot", ".gv": "dot"}


def output_format(path: Path) -> str:
    """`mermaid`, `dot` or an image suffix, from the file's name."""
    suffix = path.suffix.lower()
    if suffix in IMAGES:
        return suffix[1:]
    if suffix in TEXTS:
        return TEXTS[suffix]
    raise TroubleshootError(
        f"cannot tell what to write to {path.name}: name it .svg or .png (drawn by Graphviz), "
        ".dot (Graphviz text) or .mmd (Mermaid text)"
    )


def write_image(dot_text: str, path: Path) -> None:
    """Draw DOT text to an SVG or PNG file with Graphviz."""
    program = shutil.which("dot")
    if program is None:
        raise TroubleshootError(
            f"writing {path.name} needs Graphviz, which is not installed (no 'dot' program on "
            "PATH): install it (apt-get install graphviz, brew install graphviz, or "
            "https://graphviz.org/download/), or write the text with -o "
            f"{path.with_suffix('.dot').name} or -o {path.with_suffix('.mmd').name}"
        )
    done = subprocess.run(
        [program, f"-T{path.suffix.lower()[1:]}", "-o", str(path)],
        input=dot_text,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise TroubleshootError(f"Graphviz could not write {path}: {done.stderr.strip()}")
