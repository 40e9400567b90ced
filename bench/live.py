"""Time the « Exécuter » mode: from the click to the kernel ready, and to the first output.

Serves the built book with a local Jupyter server as ``make serve`` does (the book must be
built), opens the first section in headless Chromium, clicks « Exécuter », then, once the
kernel is ready, runs the first cell (the imports, torch among them) and the second, whose
output is the first one shown. Prints the median of ``--repeat`` fresh pages (a new kernel
each), beside ``python -c "import torch"`` for scale. Target: first output under 5 s on two
cores. Timings are only meaningful on an otherwise idle machine.

    .venv/bin/python bench/live.py [--repeat 3]
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from constructeur import serve

ROOT = Path(__file__).resolve().parents[1]
SECTION = "book/model-construction.html"
CHROMIUM = "/usr/bin/chromium"
TIMEOUT = 180_000  # ms


def one_run(browser, url):
    page = browser.new_page()
    page.goto(url + SECTION, wait_until="load")
    start = time.perf_counter()
    page.get_by_role("button", name="Exécuter", exact=True).click()
    page.get_by_role("status").filter(has_text="Noyau prêt").wait_for(timeout=TIMEOUT)
    ready = time.perf_counter() - start
    for index in (0, 1):
        page.locator(".thebe-run-button").nth(index).click()
    page.wait_for_function("thebe.notebook.cells[1].executionCount !== null", timeout=TIMEOUT)
    first_output = time.perf_counter() - start
    page.close()
    return ready, first_output


def import_torch():
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch"], check=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if serve.needs_build(ROOT):
        sys.exit("Le livre n'est pas à jour\u00a0: lancez d'abord «\u00a0make book\u00a0».")
    with serve.live_book(ROOT) as book, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        runs = [one_run(browser, book.url) for _ in range(args.repeat)]
        browser.close()
    torch_time = statistics.median(import_torch() for _ in range(args.repeat))
    ready, first = (statistics.median(times) for times in zip(*runs))
    print(f"clic → «\u00a0Noyau prêt\u00a0»          {ready:6.2f} s (médiane de {args.repeat})")
    print(f"clic → première sortie           {first:6.2f} s (objectif\u00a0: < 5 s)")
    print(f'python -c "import torch"         {torch_time:6.2f} s')


if __name__ == "__main__":
    main()
