"""The grading helpers are pure functions over nbformat nodes: tested here on synthetic
cells, in milliseconds, with no kernel (the whole pipeline is tested in test_check.py)."""

import copy
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbgrader import utils
from nbgrader.preprocessors import Execute

from constructeur.grading import verdicts
from constructeur.grading.errors import NotGradable
from constructeur.grading.notebooks import exercise_of, read_notebook
from constructeur.grading.french import describe
from constructeur.grading.results import CellGrade, Finding, Grading, Kind
from constructeur.grading.review import tampering
from constructeur.grading.report import exercise_rows, render
from helpers import nbgrader_cell


def error(ename, evalue=""):
    return new_output("error", ename=ename, evalue=evalue, traceback=[])


def timeout():
    """The output nbclient gives a cell interrupted at the time limit."""
    return new_output("error", **Execute.class_traits()["error_on_timeout"].make_dynamic_default())


def grade_cell(grade_id, outputs=(), points=1):
    cell = nbgrader_cell(new_code_cell("assert True"), grade_id, grade=True, locked=True, points=points)
    cell.outputs = list(outputs)
    return cell


def code(source="x = 1", outputs=(), grade_id=None, **flags):
    cell = new_code_cell(source)
    cell.outputs = list(outputs)
    return nbgrader_cell(cell, grade_id, **flags) if grade_id else cell


# exercise_of: the test-cell naming contract (solutions/README.md).


@pytest.mark.parametrize(
    "grade_id, exercise",
    [
        ("test_double", "double"),
        ("test_double_hidden", "double"),
        ("test_double_pair", "double_pair"),  # the longest name wins
        ("test_double_pair_2", "double_pair"),
        ("test_doublex", "test_doublex"),  # no name: the grade_id itself
        ("double_test", "double_test"),
    ],
)
def test_exercise_of(grade_id, exercise):
    assert exercise_of(grade_id, ["double", "double_pair"]) == exercise


# Why a test cell lost points, in one French line.


@pytest.mark.parametrize(
    "outputs, failure",
    [
        ([timeout(), error("KeyboardInterrupt")], "délai dépassé, cellule interrompue"),
        ([error("NotImplementedError")], "pas encore fait (NotImplementedError)"),
        ([error("AssertionError", "attendu 4, trouvé 5\nsuite")], "AssertionError\u00a0: attendu 4, trouvé 5"),
        ([error("AssertionError")], "AssertionError"),
        ([new_output("stream", name="stdout", text="bavard"), new_output("stream", name="stderr", text="oups\n")],
         "sortie d'erreur\u00a0: oups"),
        ([new_output("execute_result", data={"text/plain": "0.5"})], "points partiels"),
    ],
    ids=["timeout", "stub", "assertion", "bare-error", "stderr", "partial"],
)
def test_failure(outputs, failure):
    assert verdicts.failure_of(grade_cell("test_x", outputs)) == failure


def test_first_line_is_cut_at_the_width():
    assert verdicts.first_line("  a\nb") == "a"
    assert verdicts.first_line("") == ""
    assert verdicts.first_line("x" * 200, width=10) == "x" * 9 + "…"


# French notes on interrupted cells, syntax errors and errors outside test cells.


def test_error_notes():
    nb = new_notebook(cells=[
        new_markdown_cell("énoncé"),
        code("while True: pass", [timeout(), error("KeyboardInterrupt")], grade_id="loop", solution=True),
        code("def f(x) return x", [error("SyntaxError", "invalid syntax (1, 9)")]),
        code("1 / 0", [error("ZeroDivisionError", "division by zero")], grade_id="calc", solution=True),
        code("raise NotImplementedError()", [error("NotImplementedError")], grade_id="stub", solution=True),
        grade_cell("test_calc", [error("AssertionError", "faux")]),  # reported in the table, not here
        grade_cell("test_syntax", [error("IndentationError", "unexpected indent")]),
    ])
    assert verdicts.error_notes(nb, 60) == [
        "La cellule «\u00a0loop\u00a0» a dépassé le délai de 60\u00a0s et a été interrompue (boucle sans fin\u00a0?).",
        "Erreur de syntaxe dans la cellule n°\u00a03\u00a0: invalid syntax (1, 9).",
        "La cellule «\u00a0calc\u00a0» a levé ZeroDivisionError\u00a0: division by zero",
        "Erreur de syntaxe dans la cellule «\u00a0test_syntax\u00a0»\u00a0: unexpected indent.",
    ]


def test_no_error_no_note():
    assert verdicts.error_notes(new_notebook(cells=[code(), grade_cell("test_x")]), 60) == []


# Tampering: changed locked cells (deleted cells are the repair's business: test_repair.py).


def released_notebook():
    """A released notebook as nbgrader makes it: locked cells carry their checksum."""
    cells = [
        code("import math", grade_id="setup", locked=True),
        code("# VOTRE CODE ICI", grade_id="double", solution=True),
        grade_cell("test_double"),
        new_markdown_cell("sans nbgrader"),
    ]
    for cell in cells:
        if utils.is_locked(cell):
            cell.metadata.nbgrader["checksum"] = utils.compute_checksum(cell)
    return new_notebook(cells=cells)


def originals(nb):
    """grade_id -> source of the source notebook's locked cells: here, the released ones."""
    return {c.metadata.nbgrader["grade_id"]: c.source for c in nb.cells if utils.is_locked(c)}


def test_an_intact_copy_has_no_note():
    released = released_notebook()
    learner = copy.deepcopy(released)
    learner.cells[1].source = "def double(x):\n    return 2 * x"  # answering is not tampering
    learner.cells[2].source += "\n"  # nor is a blank line
    assert tampering(released, originals(released), learner) == []


def test_deleted_cells_are_not_reported_as_changed():
    released = released_notebook()
    learner = new_notebook(cells=[released.cells[3]])
    assert tampering(released, originals(released), learner) == []


def test_changed_locked_cells_are_reported_unless_they_are_the_source_s():
    released = released_notebook()
    learner = copy.deepcopy(released)
    learner.cells[0].source = "import math, os"
    learner.cells[2].source = "pass"
    source = originals(released) | {"setup": "import math, os"}
    assert tampering(released, source, learner) == [Finding(Kind.LOCKED_CELL_EDITED, cell="test_double", test=True)]
    assert describe(Finding(Kind.LOCKED_CELL_EDITED, cell="test_double", test=True)) == (
        "La cellule de test «\u00a0test_double\u00a0» a été modifiée\u00a0: "
        "c'est sa version d'origine qui a servi à la correction."
    )


# Reading the learner's file.


def test_read_notebook(tmp_path):
    path = tmp_path / "a.ipynb"
    nbformat.write(released_notebook(), path)
    assert len(read_notebook(path).cells) == 4


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "fichier introuvable"),
        (b"{ pas du JSON", "n'est pas du JSON valide"),
        (b'{"cells": 3}', "n'est pas un carnet Jupyter valide ("),
    ],
)
def test_unreadable_notebook(tmp_path, content, message):
    path = tmp_path / "a.ipynb"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(NotGradable, match=re.escape(message)):
        read_notebook(path)


# The report.


def graded():
    return Grading(Path("mon.ipynb"), "blocks", cells=[
        CellGrade("test_double", "double", 1.0, 1.0),
        CellGrade("test_double_hidden", "double", 0.0, 2.0, "AssertionError\u00a0: attendu -3"),
        CellGrade("test_triple", "triple", 0.0, 1.0, "pas encore fait (NotImplementedError)"),
        CellGrade("test_half", "half", 2.0, 2.0),
    ], notes=["La cellule n°\u00a07 a levé ZeroDivisionError\u00a0: division by zero"])


def test_exercise_rows_add_up_test_cells_and_keep_the_first_failure():
    assert exercise_rows(graded()) == [
        ("double", "1/3", "partiel", "AssertionError\u00a0: attendu -3"),
        ("triple", "0/1", "échoué", "pas encore fait (NotImplementedError)"),
        ("half", "2/2", "réussi", ""),
    ]


def test_render():
    assert render(graded()) == "\n".join([
        "Carnet mon.ipynb (devoir «\u00a0blocks\u00a0»)",
        "⚠ La cellule n°\u00a07 a levé ZeroDivisionError\u00a0: division by zero",
        "Exercice  Points  Statut   Premier échec",
        "double    1/3     partiel  AssertionError\u00a0: attendu -3",
        "triple    0/1     échoué   pas encore fait (NotImplementedError)",
        "half      2/2     réussi",
        "Total\u00a0: 3/6",
    ])
