"""« Exécuter »: a live-code mode on each page with code cells, on a real Jupyter kernel.

What sphinx-thebe lacks for this book (it loads thebe 0.8 from a CDN and only knows Binder):
this extension adds, to the pages that hold notebook cells, a script (``static/live-code.js``)
whose « Exécuter » button loads the thebe vendored by ``make book`` (``_static/thebe``) and
connects the cells to the kernel that ``live_code`` in ``_config.yml`` names:

- ``kernel: local``: the reader's own Jupyter server, started by ``make serve``, which hands
  its address and token to the page at ``live-server.json``. The site written here carries a
  placeholder of that file without any server, so a published book never holds a token;
- ``kernel: jupyterhub``: the reader's server on ``jupyterhub_url``;
- ``kernel: binder``: a Binder built from the repository of ``repository.url``.
"""

import hashlib
import json
from pathlib import Path

from docutils import nodes
from sphinx.errors import ConfigError

STATIC = Path(__file__).parent / "static"
KERNELS = ("local", "jupyterhub", "binder")
DEFAULTS = {"kernel": "local", "kernel_name": "python3", "jupyterhub_url": "", "binder_url": "https://mybinder.org"}
# What the site says when no local server hands it one (make serve serves the real file).
NO_SERVER = {"baseUrl": None, "token": None}


def check_config(app, config):
    """Refuse a ``live_code`` that names no known kernel, and publish the script's folder."""
    live = {**DEFAULTS, **config.live_code}
    if live["kernel"] not in KERNELS:
        raise ConfigError(f"live_code.kernel vaut {live['kernel']!r}\u00a0; attendu\u00a0: {', '.join(KERNELS)}")
    if live["kernel"] == "jupyterhub" and not live["jupyterhub_url"]:
        raise ConfigError("live_code.kernel vaut jupyterhub, mais live_code.jupyterhub_url (l'adresse du hub) manque")
    config.html_static_path.append(str(STATIC))
    # Sphinx copies static files only when it writes pages: a new script rewrites them all.
    config.live_code_assets = hashlib.sha256(b"".join(f.read_bytes() for f in sorted(STATIC.iterdir()))).hexdigest()


def page_config(app) -> dict:
    """The page's live-code settings, from ``live_code`` and the repository's address."""
    config = {**DEFAULTS, **app.config.live_code}
    theme = app.config.html_theme_options
    repository = theme.get("repository_url", "").removeprefix("https://github.com/")
    config["binder"] = {
        "binderUrl": config.pop("binder_url"),
        "repo": repository,
        "ref": theme.get("repository_branch", "main"),
        "repoProvider": "github",
    }
    return config


def add_live_code(app, pagename, templatename, context, doctree):
    """Load the live-code script on a page only if it holds a notebook cell."""
    if doctree is None or not any("cell" in node["classes"] for node in doctree.findall(nodes.container)):
        return
    app.add_css_file("live-code.css")
    app.add_js_file("live-code.js", **{"data-config": json.dumps(page_config(app))})


def write_placeholder(app, exception):
    if exception is None and app.builder.format == "html":
        Path(app.outdir, "live-server.json").write_text(json.dumps(NO_SERVER), encoding="utf-8")


def setup(app):
    app.add_config_value("live_code", {}, "html", types=[dict])
    app.add_config_value("live_code_assets", "", "html", types=[str])
    app.connect("config-inited", check_config)
    app.connect("html-page-context", add_live_code)
    app.connect("build-finished", write_placeholder)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
