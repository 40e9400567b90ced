"""The learners' JupyterLab speaks French: the environment holds the French language
pack, and the course's default settings (jupyter/, installed by `make`) select it."""

from jupyter_server.services.config import ConfigManager
from jupyterlab_server.translation_utils import get_language_packs


def test_jupyterlab_defaults_to_french():
    defaults = ConfigManager(config_dir_name="labconfig").get("default_setting_overrides")
    locale = defaults["@jupyterlab/translation-extension:plugin"]["locale"]
    packs, _ = get_language_packs()
    assert locale == "fr_FR" and locale in packs, f"{locale} absent de {sorted(packs)}"
