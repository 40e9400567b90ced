"""« Exécuter »: the live-code mode of the built book, in Chromium, on a real local kernel.

The live server is started the way ``make serve`` starts it (``python -m constructeur.serve``
from the repository's root, the book already built by ``make book``). Every request the page
makes is recorded: none may leave 127.0.0.1. The unit tests of ``constructeur.serve`` (no
browser, no kernel) are in test_serve.py.
"""

import http.client
import json
import re
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest

# the browser and the plain site (no live server) are test_browser's fixtures
from test_browser import CAPTURES, HOST, HTML, ROOT, SECTIONS, Recorder, assert_clean, browser, route_local_only, site  # noqa: F401

from constructeur import serve

pytestmark = pytest.mark.browser

SECTION = f"{SECTIONS[0]}.html"  # « Couches et modules »
NO_SERVER = "Aucun serveur Jupyter local\u00a0: lancez `make serve`"
START_TIMEOUT = 120  # seconds: a Jupyter server and torch's first import, on a loaded machine
RUN_TIMEOUT = 120_000  # milliseconds, for one cell (the first one imports torch)


@pytest.fixture(scope="module")
def live():
    """The book served as `make serve` serves it: (site URL, Jupyter URL, token)."""
    if not (HTML / "index.html").is_file():
        pytest.fail(f"{HTML / 'index.html'} est absent\u00a0: construisez le livre (make book).")
    process = subprocess.Popen(
        [sys.executable, "-m", "constructeur.serve"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        lines = []
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and not any(re.search(r"http://127\.0\.0\.1:\d+/", line) for line in lines):
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
        url = re.search(r"http://127\.0\.0\.1:\d+/", "".join(lines))
        assert url, f"make serve n'a pas donné d'adresse\u00a0:\n{''.join(lines)}"
        server = json.loads((ROOT / serve.SERVER_FILE).read_text())
        yield url.group(0), server["baseUrl"], server["token"]
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert not (ROOT / serve.SERVER_FILE).exists(), "le fichier du jeton survit à l'arrêt"


def new_page(browser, base_url):  # noqa: F811
    """A French page that records every request and refuses those leaving 127.0.0.1."""
    context = browser.new_context(base_url=base_url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.recorder = Recorder(page)
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("websocket", lambda socket: page.requests.append(socket.url))
    context.route("**/*", lambda route: route_local_only(route, page.recorder.problems))
    return page


def cell(page, index):
    """The n-th live cell of the page (0: the first code cell)."""
    return page.locator(".thebe-cell").nth(index)


def output_of(page, index):
    return page.locator("[data-output]").nth(index)


def run(page, index):
    """Click the cell's « Exécuter » button and wait until the kernel has answered (thebe
    sets the cell's execution count from the kernel's reply: it is cleared first)."""
    page.evaluate(f"thebe.notebook.cells[{index}].executionCount = null")
    cell(page, index).get_by_role("button", name="▶ Exécuter").click()
    page.wait_for_function(
        f"thebe.notebook.cells[{index}].executionCount !== null && !thebe.notebook.cells[{index}].isBusy",
        timeout=RUN_TIMEOUT,
    )
    return output_of(page, index)


def edit(page, index, code):
    """Replace the cell's code as a reader does: click in it, select all, type."""
    cell(page, index).locator(".CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(code)


@pytest.fixture(scope="module")
def live_page(live, browser):  # noqa: F811
    """The first section in live mode, its first cells run; shared by the checks below."""
    page = new_page(browser, live[0])
    page.goto(SECTION, wait_until="load")
    stored = page.locator("main .cell_output").first.inner_text()
    page.get_by_role("button", name="Exécuter", exact=True).click()
    page.get_by_role("status").filter(has_text="Noyau prêt").wait_for(timeout=START_TIMEOUT * 1000)
    page.stored_output = stored
    yield page
    page.context.close()


def test_live_mode_runs_the_cells_of_a_section(live_page):
    page = live_page
    assert page.locator(".thebe-cell").count() == page.evaluate("thebe.notebook.cells.length") >= 16
    # the stored outputs stay until a cell is rerun
    assert "Sequential(" in output_of(page, 1).inner_text()
    run(page, 0)  # imports, X = torch.rand(2, 20)
    assert "Sequential(" in run(page, 1).inner_text() and "torch.Size([2, 10])" in output_of(page, 1).inner_text()
    for index in range(2, 9):
        run(page, index)
    tensor = run(page, 9).inner_text()  # FixedHiddenMLPWithPlainTensor
    assert re.search(r"tensor\(-?\d+\.\d+, grad_fn=<SumBackward0>\)", tensor), tensor
    assert_clean(page)


def test_an_edited_cell_reruns_with_the_new_value(live_page):
    page = live_page
    edit(page, 1, "net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 3))\nprint(net(X).shape)")
    shown = run(page, 1).inner_text()
    assert "torch.Size([2, 3])" in shown and "256" not in shown, shown
    edit(page, 1, "print(net(X).shape[1] * 7)")  # the kernel kept the state of the previous run
    assert run(page, 1).inner_text().strip() == "21"
    assert_clean(page)


def first_cell_inside(page, selector):
    return page.evaluate(f"[...document.querySelectorAll('.thebe-cell')].findIndex(c => c.closest('{selector}'))")


def test_a_solution_runs_and_an_exercise_has_a_trial_cell(live_page):
    page = live_page
    solution = first_cell_inside(page, ".solution")
    trial = first_cell_inside(page, ".live-code-trial")
    assert 0 < trial < solution, (trial, solution)  # in page order: the trial cell follows its exercise
    page.locator(".solution:has(.thebe-cell)").first.locator("button.toggle-button").click()
    run(page, solution)  # « repeat(make_block, n) », then « net = repeat(...) »
    edit(page, trial, "print(len(net), net[0].output.out_features)")
    assert run(page, trial).inner_text().strip() == "3 20"
    assert_clean(page)


def test_a_figure_and_a_raising_cell(live_page):
    page = live_page
    trial = first_cell_inside(page, ".live-code-trial")
    edit(page, trial, "plt.plot([0, 1, 2], [2, 0, 1])\nplt.show()")
    figure = run(page, trial).locator("img")
    assert figure.evaluate("image => image.naturalWidth") > 100
    CAPTURES.mkdir(parents=True, exist_ok=True)
    cell(page, trial).locator("xpath=ancestor::div[contains(@class, 'live-code-trial')]").screenshot(
        path=str(CAPTURES / "live-figure.png")
    )
    edit(page, trial, "1 / 0")
    error = run(page, trial).locator("[data-mime-type='application/vnd.jupyter.stderr']")
    assert "ZeroDivisionError" in error.inner_text()
    assert_clean(page)


def test_live_mode_reaches_nothing_but_127_0_0_1_and_has_no_serious_accessibility_violation(live_page):
    from axe_playwright_python.sync_playwright import Axe

    page = live_page
    hosts = {urlsplit(url).hostname for url in page.requests if urlsplit(url).scheme in ("http", "https", "ws", "wss")}
    assert hosts == {HOST}, page.requests
    assert any(url.startswith("ws://127.0.0.1") for url in page.requests), "aucune connexion au noyau"
    # no preload: axe would fetch the theme's stylesheets again, resolving their @import wrongly
    violations = Axe().run(page, options={"preload": False}).response["violations"]
    serious = [f"{v['id']}\u00a0: {[n['target'] for n in v['nodes']]}" for v in violations if v["impact"] in ("serious", "critical")]
    assert_clean(page)
    assert not serious, "\n".join(serious)
    # for a human to look at: the title, the bar (« Noyau prêt ») and the first cell
    CAPTURES.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(CAPTURES / "live.png"))


def test_restart_forgets_the_state(live_page):
    page = live_page
    page.get_by_role("button", name="Redémarrer").click()
    page.get_by_role("status").filter(has_text="Noyau prêt").wait_for(timeout=START_TIMEOUT * 1000)
    edit(page, 1, "print('net' in dir())")
    assert run(page, 1).inner_text().strip() == "False"
    assert_clean(page)


def test_without_a_server_the_page_says_so_and_keeps_its_outputs(site, browser):  # noqa: F811
    page = new_page(browser, site)
    page.goto(SECTION, wait_until="load")
    outputs = page.locator("main .cell_output").all_inner_texts()
    page.get_by_role("button", name="Exécuter", exact=True).click()
    page.get_by_role("status").filter(has_text=NO_SERVER).wait_for(timeout=10_000)
    assert page.locator("main .cell_output").all_inner_texts() == outputs
    assert page.locator(".thebe-cell").count() == 0
    assert not [url for url in page.requests if "/thebe/" in url], "thebe chargé sans serveur"
    assert_clean(page)
    page.context.close()


def test_the_token_is_never_in_the_built_site(live):
    token = live[2].encode()
    assert json.loads((HTML / "live-server.json").read_text()) == {"baseUrl": None, "token": None}
    leaks = [path for path in HTML.rglob("*") if path.is_file() and token in path.read_bytes()]
    assert not leaks, leaks
    served = request(urlsplit(live[0]).port, "GET", "/live-server.json")
    assert served.status == 200 and json.loads(served.read())["token"] == live[2]


def request(port, method, path, headers=None):
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.request(method, path, headers=headers or {})
    return connection.getresponse()


def test_the_jupyter_server_wants_the_token_and_the_book_s_origin(live, browser):  # noqa: F811
    book, jupyter, token = live
    port = urlsplit(jupyter).port
    assert request(port, "GET", "/api/kernels").status == 403
    assert request(port, "GET", "/api/kernels", {"Authorization": f"token {token}"}).status == 200
    # CORS: answers name the book's origin alone, whichever origin asks
    for origin in (book.rstrip("/"), "http://localhost:9"):
        answer = request(port, "GET", "/api/kernels", {"Authorization": f"token {token}", "Origin": origin})
        assert answer.getheader("Access-Control-Allow-Origin") == book.rstrip("/")
    # so a page of another origin (localhost, not 127.0.0.1) reads neither the API, even
    # with the token, nor the site's live-server.json
    page = browser.new_page()
    page.goto(book.replace(HOST, "localhost") + "book/glossaire.html")
    refused = page.evaluate(
        """async ([jupyter, token, book]) => {
            const refused = async (url, options) => {
                try { await fetch(url, options); return false; } catch (error) { return true; }
            };
            return [
                await refused(jupyter + "api/kernels", {headers: {Authorization: "token " + token}}),
                await refused(book + "live-server.json", {}),
            ];
        }""",
        [jupyter, token, book],
    )
    assert refused == [True, True], "une page d'une autre origine a lu le serveur Jupyter ou son jeton"
    page.close()
