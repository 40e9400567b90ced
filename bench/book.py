"""Time the book: a clean build, a rebuild with nothing changed, nbval over the chapter.

Run with the project's interpreter, from anywhere: `.venv/bin/python bench/book.py`.
Exits non-zero if one of the three commands fails.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BUILD = ["jupyter-book", "build", ".", "--warningiserror", "--nitpick", "--keep-going"]
NBVAL = [
    sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
    "--nbval-sanitize-with", "tests/sanitize.cfg", "book",
]


def timed(label, command):
    """Run `command` from the repository root; print its wall time and verdict."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    verdict = "ok" if result.returncode == 0 else f"ÉCHEC (code {result.returncode})"
    print(f"{label:<34}{seconds:8.1f} s   {verdict}", flush=True)
    if result.returncode != 0:
        print((result.stdout + result.stderr)[-3000:], file=sys.stderr)
    return result.returncode


def main():
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    codes = [
        timed("construction à neuf", BUILD),
        timed("reconstruction sans changement", BUILD),
        timed("nbval sur tout le chapitre", NBVAL),
    ]
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
