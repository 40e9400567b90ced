"""Reading the notebooks a grading works on: a learner's file (or a French reason why it
cannot be read), the exercise a test cell checks, test cells whose tests were all hidden."""

import ast
from pathlib import Path

import nbformat

from .errors import NotGradable


def read_notebook(path: Path | str) -> nbformat.NotebookNode:
    """Read a notebook, or raise NotGradable with a French explanation."""
    path = Path(path)
    if not path.is_file():
        raise NotGradable(f"fichier introuvable\u00a0: {path}")
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except OSError as error:  # the file is there, but cannot be read
        raise NotGradable(f"impossible de lire {path}\u00a0: {error.strerror or error} (droits du fichier\u00a0?).") from None
    except nbformat.reader.NotJSONError:
        raise NotGradable(
            f"{path} n'est pas un carnet Jupyter lisible\u00a0: son contenu n'est pas du JSON "
            "valide (fichier tronqué ou modifié hors de Jupyter\u00a0?). Récupérez le carnet "
            "distribué et recopiez-y vos réponses."
        ) from None
    except Exception as error:  # nbformat raises many kinds of errors for malformed files
        raise NotGradable(
            f"{path} n'est pas un carnet Jupyter valide ({type(error).__name__})."
        ) from None
    return nb


def tests_nothing(cell) -> bool:
    """Whether a test cell holds no code: its tests were all hidden, and removed."""
    try:
        return not ast.parse(cell.source).body
    except SyntaxError:
        return False


def exercise_of(grade_id: str, names) -> str:
    """The fixed name a test cell ``test_<name>[_<suffix>]`` checks (longest match)."""
    matches = [n for n in names if grade_id == f"test_{n}" or grade_id.startswith(f"test_{n}_")]
    return max(matches, key=len, default=grade_id)

