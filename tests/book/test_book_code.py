"""Code the book defines and the package holds exists once in substance.

When a notebook cell defines a top-level class or function whose name is a
public name of ``constructeur``, its code must be the package's, docstrings
aside, so the text never drifts from the tested reference.
"""

import ast
import importlib
import inspect
import json
import pkgutil
import re
import textwrap
from pathlib import Path

import pytest

import constructeur

BOOK = Path(__file__).resolve().parents[2] / "book"


def package_definitions():
    """Map each public class or function name of the package to its source."""
    definitions = {}
    for _, name, _ in pkgutil.iter_modules(constructeur.__path__, "constructeur."):
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("_") or getattr(value, "__module__", None) != name:
                continue
            if inspect.isclass(value) or inspect.isfunction(value):
                definitions[attr] = textwrap.dedent(inspect.getsource(value))
    return definitions


def without_docstrings(source):
    """The AST dump of a definition, with every docstring removed."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def notebook_definitions():
    """Yield (notebook, name, source) for each top-level class or def in the book."""
    for path in sorted(BOOK.glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
            for node in ast.parse("\n".join(lines)).body:
                if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                    yield path.name, node.name, ast.get_source_segment("\n".join(lines), node)


PACKAGE = package_definitions()
SHARED = [(nb, name, src) for nb, name, src in notebook_definitions() if name in PACKAGE]


def test_the_comparison_ignores_docstrings_only():
    assert without_docstrings('def f(x):\n    "doc"\n    return x') == without_docstrings("def f(x):\n    return x")
    assert without_docstrings("def f(x):\n    return x") != without_docstrings("def f(x):\n    return x + 1")


@pytest.mark.parametrize("notebook, name, source", SHARED, ids=[f"{nb}:{name}" for nb, name, _ in SHARED])
def test_book_definition_is_the_package_one(notebook, name, source):
    assert without_docstrings(source) == without_docstrings(PACKAGE[name]), (
        f"{notebook} defines {name} differently from constructeur: copy the package's code "
        f"into the cell, or give the teaching variant another name. The package's code:\n{PACKAGE[name]}"
    )


def test_the_book_shows_the_code_of_the_chapter_s_key_pieces():
    shown = {name for _, name, _ in SHARED}
    key_pieces = {"MLP", "MySequential", "FixedHiddenMLP", "NestMLP", "ParallelModule", "CenteredLayer",
                  "MyLinear", "MyDropout", "my_init", "try_gpu", "try_all_gpus"}
    assert key_pieces <= shown, f"missing from the book: {sorted(key_pieces - shown)}"


INSTALL_CELL = "installer-constructeur"
IMPORTS_PACKAGE = re.compile(r"^\s*(from|import) constructeur\b", re.MULTILINE)


@pytest.mark.parametrize("path", sorted(BOOK.glob("*.ipynb")), ids=lambda path: path.name)
def test_colab_install_cell_pins_this_release_where_the_package_is_imported(path):
    cells = json.loads(path.read_text())["cells"]
    install = [cell for cell in cells if cell.get("id") == INSTALL_CELL]
    imports = any(IMPORTS_PACKAGE.search("".join(cell["source"])) for cell in cells
                  if cell["cell_type"] == "code" and cell.get("id") != INSTALL_CELL)
    assert bool(install) == imports, (
        f"{path.name}: an install cell is needed exactly when the notebook imports constructeur"
    )
    if install:
        source = "".join(install[0]["source"])
        assert "remove-cell" in install[0]["metadata"].get("tags", [])
        assert f'RELEASE = "v{constructeur.__version__}"' in source, (
            f"{path.name}: the install cell must pin the tag of this version, v{constructeur.__version__}"
        )
        assert "guide-constructeur@{RELEASE}" in source
