"""Where in the book to reread when an exercise lost points.

One table, ``TO_REREAD``, ties each graded exercise (the grade_id of its answer cell) to
the section of the book that teaches it and, where one does, to the heading of the
paragraph; ``tests/grading/test_reading.py`` keeps it in step with the assignments and the book.
A second table, ``ERRORS``, ties the PyTorch errors the chapter's subjects raise to their
entry in the appendix « Messages d'erreur » (``book/messages-erreur.ipynb``), so that a
failure that shows one is explained there. A link goes to the page built in the course
folder (``_build/html``, by ``make book``) when there is one, else to the online book.
"""

import re
import unicodedata
from pathlib import Path

# The online book: GitHub Pages of the repository named in _config.yml.
BOOK_URL = "https://guide-constructeur.github.io/guide-constructeur/"
BUILT = Path("_build", "html")  # where `jupyter-book build .` writes, in the course folder
PAGE = "book/{stem}.html"  # a section's page, from its file in _toc.yml

# The sections of the book: file stem -> title.
SECTIONS = {
    "model-construction": "Couches et modules",
    "parameters": "Gestion des paramètres",
    "init-param": "Initialisation des paramètres",
    "lazy-init": "Initialisation paresseuse",
    "custom-layer": "Couches personnalisées",
    "read-write": "Lecture et écriture de fichiers",
    "use-gpu": "GPU",
    "atelier": "Atelier\u00a0: un modèle de bout en bout",
}

# Graded exercise -> (section's file stem, heading as written in the book, or None for
# the whole section).
TO_REREAD = {
    # blocks
    "MySequential": ("model-construction", "Réécrire `nn.Sequential`"),
    "ParallelModule": ("model-construction", "Emboîter des modules"),
    "replicate": ("parameters", "Paramètres partagés"),
    "TensorReduction": ("custom-layer", "Une couche avec paramètres"),
    "HalfFourier": ("custom-layer", "Une couche sans paramètre"),
    "GaussianNoise": ("custom-layer", "Une couche qui dépend du mode\u00a0: `train()` et `eval()`"),
    # init
    "parameter_shapes": ("parameters", "Tous les paramètres à la fois"),
    "make_tied_mlp": ("parameters", "Paramètres partagés"),
    "init_strange": ("init-param", "Un initialiseur sur mesure"),
    "init_per_layer": ("init-param", "Un initialiseur différent pour chaque couche"),
    "build_and_init": ("lazy-init", "Initialiser après l'exécution à blanc"),
    # io
    "save_tensors": ("read-write", "Tenseurs"),
    "load_tensors": ("read-write", "Tenseurs"),
    "transfer_first_layers": ("read-write", "Paramètres d'un modèle"),
    "save_checkpoint": ("read-write", "Points de contrôle\u00a0: reprendre un entraînement"),
    "load_checkpoint": ("read-write", "Points de contrôle\u00a0: reprendre un entraînement"),
    "load_untrusted": ("read-write", "Charger sans danger"),
    # devices
    "try_gpu": ("use-gpu", "Choisir sans rien supposer"),
    "try_all_gpus": ("use-gpu", "Choisir sans rien supposer"),
    "to_device": ("use-gpu", "Tenseurs et périphériques"),
    "module_device": ("use-gpu", "Modèles et périphériques"),
    "frobenius_norms": ("use-gpu", "Garder le travail sur le périphérique"),
    # atelier
    "Standardize": ("atelier", "Le modèle\u00a0: un module écrit à la main"),
    "save_resumable": ("atelier", "Le point de contrôle, la panne, la reprise"),
    "load_resumable": ("atelier", "La reprise"),
    "export_model": ("atelier", "Exporter le modèle entraîné"),
}


# The appendix: file stem, title, and PyTorch error (a regular expression searched in a
# failure message) -> the label of its entry, as written before the entry's heading.
APPENDIX = "messages-erreur"
APPENDIX_TITLE = "Messages d'erreur"
ERRORS = {
    r"optimizer got an empty parameter list": "erreur-liste-vide",
    r"leaf Variable that requires grad is being used in an in-place operation": "erreur-feuille-en-place",
    r"modified by an inplace operation": "erreur-modifie-en-place",
    r"Can't call numpy\(\) on Tensor that requires grad": "erreur-numpy-gradient",
    r"uninitialized parameter": "erreur-parametre-non-initialise",
    r"Expected more than 1 value per channel": "erreur-une-valeur-par-canal",
    r"mat1 and mat2 shapes cannot be multiplied": "erreur-mat1-mat2",
    r"expected input\[.*\] to have \d+ channels": "erreur-canaux",
    r"does not require grad and does not have a grad_fn": "erreur-sans-grad-fn",
    r"Error\(s\) in loading state_dict|size mismatch for|(Missing|Unexpected) key\(s\) in state_dict": "erreur-chargement-state-dict",
    r"Weights only load failed|WeightsUnpickler error": "erreur-weights-only",
    r"PytorchStreamReader failed reading zip archive": "erreur-archive-zip",
    r"Attempting to deserialize object on a CUDA device": "erreur-deserialiser-cuda",
    r"expected dtype \w+ for `end` but got dtype": "erreur-etat-optimiseur",
    r"Guard failed: .*\.size\(\)": "erreur-garde-export",
    r"Expected all tensors to be on the same device|is not on the expected device": "erreur-meme-peripherique",
    r"can't convert .* to numpy": "erreur-numpy-peripherique",
}


def plain(heading):
    """A heading as the reader sees it: without the backticks of its code."""
    return heading.replace("`", "")


def anchor(title):
    """The HTML id that Sphinx gives a section titled ``title`` (docutils' ``make_id``):
    lower case, accents dropped, every run of other characters a hyphen.

    Example:
        >>> anchor("Points de contrôle\u00a0: reprendre un entraînement")
        'points-de-controle-reprendre-un-entrainement'
    """
    text = title.lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "sz")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"^[-0-9]+|-+$", "", re.sub(r"[^a-z0-9]+", "-", " ".join(text.split())))


def link(stem, heading=None, root=None):
    """The address of a section (and paragraph): the page built in the course folder
    ``root`` if there is one (relative to the current folder when inside it), else the
    online book's page."""
    page = PAGE.format(stem=stem)
    target = f"#{anchor(plain(heading))}" if heading else ""
    built = Path(root, BUILT, page) if root else None
    if built is None or not built.is_file():
        return f"{BOOK_URL}{page}{target}"
    try:
        built = built.relative_to(Path.cwd())
    except ValueError:
        pass
    return f"{built}{target}"


def reread(exercise, root=None):
    """« À relire : section, « paragraphe » — link » for a graded exercise, or None when
    the table does not know it."""
    if exercise not in TO_REREAD:
        return None
    stem, heading = TO_REREAD[exercise]
    where = SECTIONS[stem] + (f", «\u00a0{plain(heading)}\u00a0»" if heading else "")
    return f"À relire\u00a0: {where} — {link(stem, heading, root)}"


def explain(failure, root=None):
    """« À relire : Messages d'erreur — link » to the appendix's entry on the PyTorch error
    that ``failure`` shows, or None when it shows none of them.

    Example:
        >>> explain("RuntimeError : mat1 and mat2 shapes cannot be multiplied (2x30 and 20x256)")
        "À relire\xa0: Messages d'erreur — https://guide-constructeur.github.io/guide-constructeur/book/messages-erreur.html#erreur-mat1-mat2"
    """
    label = next((label for pattern, label in ERRORS.items() if re.search(pattern, failure or "")), None)
    if label is None:
        return None
    return f"À relire\u00a0: {APPENDIX_TITLE} — {link(APPENDIX, None, root)}#{label}"
