"""The built book in a real browser: Debian's Chromium, headless, driven by Playwright.

Build the book first (`make book`); run with `pytest tests/book/browser`.
Every request is checked: the book must read offline, from 127.0.0.1 alone. Chromium is
``$CHROMIUM_PATH`` (it must then exist: CI sets it), else ``/usr/bin/chromium`` if present.
"""

import functools
import http.server
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml


ROOT = Path(__file__).resolve().parents[3]
HTML = ROOT / "_build" / "html"
CAPTURES = ROOT / "_build" / "captures"  # for a human to look at; not part of the published site
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
HOST = "127.0.0.1"

# The French title of each page, as the design fixes it.
TITLES = {
    "book/index": "Guide du constructeur",
    "book/model-construction": "Couches et modules",
    "book/parameters": "Gestion des paramètres",
    "book/init-param": "Initialisation des paramètres",
    "book/lazy-init": "Initialisation paresseuse",
    "book/custom-layer": "Couches personnalisées",
    "book/read-write": "Lecture et écriture de fichiers",
    "book/use-gpu": "GPU",
    "book/atelier": "Atelier\u00a0: un modèle de bout en bout",
    "book/glossaire": "Glossaire",
    "book/messages-erreur": "Messages d’erreur",  # Sphinx's smart quotes: ’
    "search": "Recherche",
}

# Console messages the theme itself logs, allowed by their exact text.
ALLOWED_CONSOLE = {
    # pydata-sphinx-theme 0.17, on a first visit (no light/dark mode stored yet):
    # it then falls back to the "auto" mode, which is what we want.
    "Got invalid theme mode: . Resetting to auto.": "premier passage, mode auto",
}


def reading_order():
    """The pages in reading order, as `_toc.yml` lists them (in its parts, if any)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    chapters = [c for part in toc.get("parts", [toc]) for c in part["chapters"]]
    return [toc["root"]] + [chapter["file"] for chapter in chapters]


PAGES = list(TITLES)
# The executed sections (notebooks), as opposed to the opening page and the glossary.
SECTIONS = [name for name in reading_order()[1:] if (ROOT / f"{name}.ipynb").is_file()]
SECTION_NUMBER = re.compile(r"^\d+\.\s*")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site():
    """Base URL of `_build/html`, served on a free local port."""
    if not (HTML / "index.html").is_file():
        pytest.fail(f"{HTML / 'index.html'} est absent : construisez le livre (make book).")
    handler = functools.partial(QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{HOST}:{server.server_port}/"
    server.shutdown()
    server.server_close()


def chromium():
    """The Chromium to drive: ``$CHROMIUM_PATH``, which must exist, else Debian's if present."""
    chosen = os.environ.get("CHROMIUM_PATH")
    if chosen:
        assert Path(chosen).is_file(), f"CHROMIUM_PATH={chosen} n'existe pas."
        return Path(chosen)
    default = Path("/usr/bin/chromium")
    if not default.exists():
        pytest.skip(f"{default} est absent\u00a0: installez-le (apt-get install chromium) ou indiquez CHROMIUM_PATH.")
    return default


@pytest.fixture(scope="module")
def browser():
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Recorder:
    """Everything that went wrong while a page loaded."""

    def __init__(self, page):
        self.problems = []
        page.on("requestfailed", lambda r: self.problems.append(f"échec : {r.url} ({r.failure})"))
        page.on("response", self.on_response)
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.problems.append(f"exception : {error}"))

    def on_response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status} : {response.url}")

    def on_console(self, message):
        if message.type == "error" and message.text not in ALLOWED_CONSOLE:
            self.problems.append(f"console : {message.text}")


def route_local_only(route, problems):
    """Serve local requests; refuse, and record, any request that leaves 127.0.0.1."""
    url = urlsplit(route.request.url)
    if url.scheme in ("http", "https") and url.hostname != HOST:
        problems.append(f"requête externe : {route.request.url}")
        route.abort()
    else:
        route.continue_()


@pytest.fixture
def page(site, browser):
    context = browser.new_context(base_url=site, locale="fr-FR")
    page = context.new_page()
    page.recorder = Recorder(page)
    context.route("**/*", lambda route: route_local_only(route, page.recorder.problems))
    yield page
    context.close()


def visit(page, path):
    page.goto(path, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page


def assert_clean(page):
    problems = page.recorder.problems
    assert not problems, "\n".join(problems)


def title(page):
    """The page's visible h1 (the theme keeps a second one for printing), without the
    section number the table of contents adds (« 3. »)."""
    return SECTION_NUMBER.sub("", page.locator("main h1:visible").first.inner_text().strip())


@pytest.mark.parametrize("name", PAGES)
def test_page_reads_offline_in_french(page, name):
    visit(page, f"{name}.html")
    assert title(page) == TITLES[name]
    if name in SECTIONS:
        assert page.locator("main .cell_output").count() >= 1, "aucune sortie de code"
    maths = page.locator("main .math").count()
    if maths:
        page.wait_for_selector("main mjx-container", timeout=15_000)
        assert page.locator("main mjx-container").count() >= maths
    assert_clean(page)


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violation(page, name):
    from axe_playwright_python.sync_playwright import Axe

    visit(page, f"{name}.html")
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}) : {v['help']} ; {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)


def test_next_and_previous_follow_the_table_of_contents(page):
    order = reading_order()
    visit(page, "index.html")
    assert page.url.endswith(f"{order[0]}.html"), "la racine ne mène pas à l'ouverture"
    for name in order[1:]:
        page.locator("a.right-next", has_text="suivant").click()
        page.wait_for_url(f"**/{name}.html")
        assert title(page) == TITLES[name]
    for name in reversed(order[:-1]):
        page.locator("a.left-prev", has_text="précédent").click()
        page.wait_for_url(f"**/{name}.html")
        assert title(page) == TITLES[name]
    assert_clean(page)


def test_sections_are_numbered_and_so_are_their_exercises_and_solutions(page):
    visit(page, "book/init-param.html")
    assert page.locator("main h1:visible .section-number").first.inner_text().strip() == "3."
    assert page.locator("main .exercise .admonition-title", has_text="Exercice 3.2").count() == 1
    solution = page.locator("main .solution .admonition-title", has_text="exercice 3.2")
    assert solution.first.inner_text().strip() == "Solution de l'exercice 3.2"
    assert_clean(page)


def test_glossary_defines_each_term_once_in_french_and_english(page):
    visit(page, "book/glossaire.html")
    terms = [t.strip() for t in page.locator("main dl dt").all_inner_texts()]
    assert len(terms) >= 30 and len(set(terms)) == len(terms)
    assert "propagation avant (forward pass)" in terms and "tampon (buffer)" in terms
    assert_clean(page)


def test_search_finds_lazylinear(page):
    visit(page, "search.html?q=LazyLinear")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=15_000)
    assert results.count() >= 1
    assert_clean(page)


def test_capture_of_a_section(page):
    """A screenshot of the first section, kept beside the site for a human to look at: the
    whole viewport, with text and code drawn (many colours, not a blank page)."""
    from PIL import Image

    page.set_viewport_size({"width": 1280, "height": 900})
    visit(page, f"{SECTIONS[0]}.html")
    CAPTURES.mkdir(parents=True, exist_ok=True)
    capture = CAPTURES / f"{Path(SECTIONS[0]).name}.png"
    page.screenshot(path=str(capture))
    with Image.open(capture) as image:
        assert image.size == (1280, 900)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 50, f"{capture}\u00a0: {len(colours)} couleurs, page vide\u00a0?"


def test_class_report_page(browser, tmp_path):
    """The instructor's report of `constructeur grade`: self-contained, French, accessible."""
    from axe_playwright_python.sync_playwright import Axe

    from constructeur.grading.results import CellGrade, ClassGrading, Finding, Kind, Outcome, Status
    from constructeur.grading.class_report import write_report

    tests = {"test_MySequential": "MySequential", "test_MySequential_hidden": "MySequential", "test_replicate": "replicate"}
    scores = {"test_MySequential": (2, 2), "test_MySequential_hidden": (0, 2), "test_replicate": (3, 3)}
    cells = [CellGrade(test, tests[test], score, top, None if score == top else "AssertionError") for test, (score, top) in scores.items()]
    full = [CellGrade(test, tests[test], 2, 2) for test in scores]
    outcomes = [
        Outcome("dupont", Status.GRADED, 5, 7, cells=cells),
        Outcome("durand", Status.GRADED, 7, 7, findings=[Finding(Kind.LOCKED_CELL_EDITED, cell="setup")], cells=full),
        Outcome("martin", Status.NOT_GRADED, reason="n'est pas du JSON valide"),
    ]
    folder = write_report(ClassGrading("blocks", tests, outcomes, 12.5, 2), tmp_path)
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.recorder = Recorder(page)
    page.route("**/*", lambda route: route_local_only(route, page.recorder.problems))
    page.goto((folder / "index.html").as_uri(), wait_until="load")
    assert_clean(page)
    assert page.locator("h1").inner_text() == "Correction du devoir «\u00a0blocks\u00a0»"
    assert page.locator("html").get_attribute("lang") == "fr"
    widths = page.eval_on_selector_all("img", "images => images.map(image => image.naturalWidth)")
    assert len(widths) == 2 and min(widths) > 100  # both charts drawn
    assert "martin" in page.locator("main").inner_text() and "à examiner" in page.locator("main").inner_text()
    violations = Axe().run(page).response["violations"]
    assert not [v["id"] for v in violations if v["impact"] in ("serious", "critical")], violations
    context.close()
