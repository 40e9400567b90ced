"""The live_code Sphinx extension's settings (`_ext/live_code`), without building the book."""

import sys
from types import SimpleNamespace

import pytest
from sphinx.errors import ConfigError

from helpers import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import live_code  # noqa: E402


def config(**live):
    return SimpleNamespace(
        live_code=live,
        html_static_path=[],
        html_theme_options={"repository_url": "https://github.com/cours/livre", "repository_branch": "printemps"},
    )


def test_the_default_is_the_local_server_and_the_script_is_published():
    settings = config()
    live_code.check_config(None, settings)
    assert settings.html_static_path == [str(live_code.STATIC)]
    assert len(settings.live_code_assets) == 64
    page = live_code.page_config(SimpleNamespace(config=settings))
    assert page["kernel"] == "local" and page["kernel_name"] == "python3"


def test_binder_is_built_from_the_repository_the_book_names():
    settings = config(kernel="binder")
    live_code.check_config(None, settings)
    binder = live_code.page_config(SimpleNamespace(config=settings))["binder"]
    assert binder == {"binderUrl": "https://mybinder.org", "repo": "cours/livre", "ref": "printemps", "repoProvider": "github"}


@pytest.mark.parametrize(
    ("live", "message"),
    [
        ({"kernel": "colab"}, "live_code.kernel vaut 'colab'\u00a0; attendu\u00a0: local, jupyterhub, binder"),
        ({"kernel": "jupyterhub"}, "live_code.jupyterhub_url (l'adresse du hub) manque"),
    ],
)
def test_a_kernel_source_it_cannot_use_stops_the_build_in_french(live, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        live_code.check_config(None, config(**live))
