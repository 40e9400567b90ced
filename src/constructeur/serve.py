"""Live code on a learner's machine: the built book and a Jupyter server, both on 127.0.0.1.

``make serve`` runs ``python -m constructeur.serve`` from the repository's root. It builds the
book if a source is newer than ``_build/html``, serves that folder on loopback, starts
``jupyter server`` from this environment with a fresh random token and only the book's
origin allowed, and writes the server's address and token to ``_build/live-server.json``:
beside the site, never inside it, so ``_build/html`` stays publishable as is. The site's
server hands that file to the page's « Exécuter » button at ``/live-server.json`` (where the
published book has a placeholder without a server) and prints the one address to open.
"""

import argparse
import functools
import http.server
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
SITE = Path("_build", "html")
SERVER_FILE = Path("_build", "live-server.json")
JUPYTER_LOG = Path("_build", "live-jupyter.log")
SERVER_URL_PATH = "/live-server.json"
# What the book is built from: a file here newer than the site means a rebuild (not what a
# live kernel may write in book/, its working folder).
BOOK_SOURCES = ("book/*.ipynb", "book/*.md", "_ext/**/*.py", "_ext/**/static/*", "_config.yml", "_toc.yml")
READY_TIMEOUT = 60.0


@dataclass(frozen=True)
class LiveBook:
    """Where a running live book answers: the site, and the Jupyter server behind it."""

    url: str
    jupyter_url: str
    token: str


def needs_build(root: Path) -> bool:
    """Whether ``_build/html`` is missing or older than one of the book's sources.

    The build's date is that of its ``live-server.json`` placeholder, which the live_code
    extension writes at the end of every build (Sphinx leaves unchanged pages alone).
    """
    placeholder = root / SITE / SERVER_URL_PATH.lstrip("/")
    if not placeholder.is_file():
        return True
    built = placeholder.stat().st_mtime
    return any(source.stat().st_mtime > built for pattern in BOOK_SOURCES for source in root.glob(pattern))


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built book, plus the live server's address at ``/live-server.json``.

    Only requests addressed to this loopback server by name are answered: a page of another
    site whose domain is re-pointed at 127.0.0.1 (DNS rebinding) gets a 403, not the token.
    """

    def __init__(self, *args, server_file: Path, **kwargs):
        self.server_file = server_file
        super().__init__(*args, **kwargs)

    def do_GET(self):
        port = self.server.server_address[1]
        if self.headers.get("Host") not in (f"{HOST}:{port}", f"localhost:{port}"):
            self.send_error(403, "Hôte refusé")
        elif self.path.split("?")[0] == SERVER_URL_PATH and self.server_file.is_file():
            body = self.server_file.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
        else:
            super().do_GET()

    def log_message(self, format, *args):
        pass


def start_jupyter(root: Path, port: int, origin: str, token: str, log) -> subprocess.Popen:
    """``jupyter server`` of this environment on loopback, for the book's origin only.

    The token travels in the environment (``JUPYTER_TOKEN``), not on the command line that
    other users of the machine can list. No Jupyter configuration is read: the environment's
    server extensions (JupyterLab, nbgrader…) would only slow the start of a server that
    runs kernels. Kernels start in ``book/``, as the notebooks do. In
    its own session, the server does not see the terminal's Ctrl+C (which would make it ask
    for a confirmation): `live_book` stops it.
    """
    command = [
        sys.executable, "-m", "jupyter_server",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={root / 'book'}",
        f"--ServerApp.allow_origin={origin}",
        "--ServerApp.terminals_enabled=False",
        # the reader's own server, as whatever user they are (containers often run as root)
        "--ServerApp.allow_root=True",
    ]  # fmt: skip
    env = dict(os.environ, JUPYTER_TOKEN=token, JUPYTER_NO_CONFIG="1")
    return subprocess.Popen(
        command, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_until_ready(jupyter_url: str, token: str, process: subprocess.Popen) -> None:
    """Return once the server answers its status API with our token."""
    request = urllib.request.Request(f"{jupyter_url}api/status", headers={"Authorization": f"token {token}"})
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"le serveur Jupyter s'est arrêté au démarrage (code {process.returncode})")
        try:
            with urllib.request.urlopen(request, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise RuntimeError(f"le serveur Jupyter ne répond pas après {READY_TIMEOUT:.0f} s")


@contextmanager
def live_book(root: Path, port: int = 0):
    """Serve ``root``'s built book and a Jupyter server for its pages; yield a `LiveBook`.

    Until the Jupyter server answers, the page gets the published placeholder. The server
    file is written with the owner's permissions only and removed on exit.
    """
    site = http.server.ThreadingHTTPServer((HOST, port), functools.partial(
        SiteHandler, directory=str(root / SITE), server_file=root / SERVER_FILE))  # fmt: skip
    url = f"http://{HOST}:{site.server_port}/"
    token = secrets.token_hex(24)
    jupyter_port = free_port()
    jupyter_url = f"http://{HOST}:{jupyter_port}/"
    server_file = root / SERVER_FILE
    threading.Thread(target=site.serve_forever, daemon=True).start()
    with open(root / JUPYTER_LOG, "wb") as log:
        jupyter = start_jupyter(root, jupyter_port, url.rstrip("/"), token, log)
        try:
            wait_until_ready(jupyter_url, token, jupyter)
            server_file.unlink(missing_ok=True)  # one left by a killed run keeps its mode
            server_file.touch(mode=0o600)
            server_file.write_text(json.dumps({"baseUrl": jupyter_url, "token": token}))
            yield LiveBook(url, jupyter_url, token)
        finally:
            site.shutdown()
            site.server_close()
            server_file.unlink(missing_ok=True)
            jupyter.terminate()
            try:
                jupyter.wait(timeout=10)
            except subprocess.TimeoutExpired:
                jupyter.kill()
                jupyter.wait()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="make serve",
        description="Sert le livre sur 127.0.0.1 avec un serveur Jupyter local pour son mode «\u00a0Exécuter\u00a0».",
    )
    parser.add_argument("--port", type=int, default=0, help="port du livre (défaut\u00a0: un port libre)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop as cleanly as on Ctrl+C
    root = Path.cwd()
    if not (root / "_config.yml").is_file():
        print(f"Lancez «\u00a0make serve\u00a0» depuis la racine du dépôt (pas de _config.yml dans {root}).", file=sys.stderr)
        return 2
    if needs_build(root):
        print("Construction du livre (make book)…", flush=True)
        if subprocess.run(["make", "book"], cwd=root).returncode != 0:
            print("La construction du livre a échoué\u00a0: voir les messages ci-dessus.", file=sys.stderr)
            return 1
    try:
        with live_book(root, args.port) as book:
            print(f"Le livre et son mode «\u00a0Exécuter\u00a0» sont servis à l'adresse\u00a0:\n  {book.url}", flush=True)
            print("Ctrl+C pour arrêter.", flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    except (OSError, RuntimeError) as error:
        print(f"Le mode «\u00a0Exécuter\u00a0» n'a pas pu démarrer\u00a0: {error} (journal\u00a0: {JUPYTER_LOG}).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
