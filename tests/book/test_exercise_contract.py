"""The test-cell contracts of solutions/README.md: every test cell of a source notebook is
named ``test_<name>[_<suffix>]`` after one of its answer cells, and every graded one is a trial."""

import ast

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader import utils

from constructeur.grading.notebooks import exercise_of
from constructeur.grading.trial import collect
from constructeur.integrity import ENVIRONMENT
from helpers import ROOT, nbgrader_cell

SOURCES = sorted(ROOT.glob("solutions/*/*.ipynb"))


def misnamed_tests(nb):
    """The grade_ids of the test cells of ``nb`` that belong to none of its exercises."""
    names = [cell.metadata.nbgrader["grade_id"] for cell in nb.cells if utils.is_solution(cell)]
    grade_ids = [cell.metadata.nbgrader["grade_id"] for cell in nb.cells if utils.is_grade(cell)]
    return [
        grade_id for grade_id in grade_ids if exercise_of(grade_id, names) not in names and grade_id != ENVIRONMENT
    ]


def test_a_misnamed_test_cell_is_found():
    nb = new_notebook(cells=[
        nbgrader_cell(new_code_cell("def double(x): ..."), "double", solution=True),
        *(nbgrader_cell(new_code_cell("assert True"), grade_id, grade=True, points=1)
          for grade_id in ("test_double", "test_double_hidden", "test_doubel", "double_test")),
    ])
    assert misnamed_tests(nb) == ["test_doubel", "double_test"]


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.stem)
def test_every_test_cell_names_its_exercise(path):
    misnamed = misnamed_tests(nbformat.read(path, as_version=4))
    assert not misnamed, (
        f"{path.relative_to(ROOT)}\u00a0: cellules de test rattachées à aucun exercice {misnamed}, "
        "nommez-les test_<nom>[_<suffixe>] (voir solutions/README.md)"
    )


def untrusted_tests(nb):
    """The grade_ids of the graded test cells of ``nb`` that are not trials, or whose top
    level holds more than imports, functions and the ``check`` call (the grader runs it)."""
    found = []
    for cell in nb.cells:
        if utils.is_grade(cell) and not utils.is_solution(cell) and cell.metadata.nbgrader.get("points", 0) > 0:
            body = ast.parse(cell.source).body
            plain = all(isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.Expr)) for node in body)
            if not plain or collect(cell.source) is None:
                found.append(cell.metadata.nbgrader["grade_id"])
    return found


def test_a_test_cell_that_is_no_trial_is_found():
    nb = new_notebook(cells=[
        nbgrader_cell(new_code_cell("assert double(2) == 4"), "test_double", grade=True, points=1),
        nbgrader_cell(new_code_cell("X = 1\ncheck(lambda rng: {}, lambda g: {}, lambda g, s: None)"), "test_double_x", grade=True, points=1),
    ])
    assert untrusted_tests(nb) == ["test_double", "test_double_x"]


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.stem)
def test_every_graded_test_cell_is_a_trial(path):
    untrusted = untrusted_tests(nbformat.read(path, as_version=4))
    assert not untrusted, (
        f"{path.relative_to(ROOT)}\u00a0: ces cellules de test notées ne sont pas des essais "
        f"{untrusted} : leur verdict serait rendu dans le noyau de l'élève (voir solutions/README.md)"
    )
