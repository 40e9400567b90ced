"""Ordinary accidents to a submitted notebook are repaired before grading, so a correct
notebook keeps full marks (graded by ``constructeur check``, whose sanitize steps start with
``RepairSubmission`` as in ``nbgrader autograde``)."""

import copy
from pathlib import Path

import nbformat
import pytest

from constructeur.cli import main
from helpers import cell as _cell
from helpers import strip_nbgrader as _pasted_into_a_new_notebook

SOLVED = "def double(x):\n    return 2 * x"


def _solved(tiny_course):
    nb = nbformat.read(Path(tiny_course) / "exercises" / "tiny" / "tiny.ipynb", as_version=4)
    _cell(nb, "double").source = SOLVED
    return nb


def _test_cell_duplicated(nb):
    nb.cells.insert(4, copy.deepcopy(_cell(nb, "test_double")))


def _metadata_not_a_dict(nb):
    _cell(nb, "double").metadata["nbgrader"] = "oops"


def _points_not_a_number(nb):
    _cell(nb, "test_double").metadata["nbgrader"]["points"] = "beaucoup"


def _unknown_schema_version(nb):
    _cell(nb, "double").metadata["nbgrader"]["schema_version"] = 99


def _test_cell_not_graded(nb):
    _cell(nb, "test_double").metadata["nbgrader"]["grade"] = False


def _test_cell_made_a_solution(nb):
    _cell(nb, "test_double_hidden").metadata["nbgrader"]["solution"] = True


def _answer_rewritten_and_test_deleted(nb):
    """The answer cell deleted and written anew in its place, its test cell deleted."""
    _cell(nb, "double").metadata.pop("nbgrader")
    test = _cell(nb, "test_double")
    nb.cells = [c for c in nb.cells if c is not test]


ACCIDENTS = {
    "pasted_into_a_new_notebook": (_pasted_into_a_new_notebook, "avaient perdu leurs métadonnées"),
    "test_cell_duplicated": (_test_cell_duplicated, "est une copie de la cellule «\u00a0test_double\u00a0»"),
    "metadata_not_a_dict": (_metadata_not_a_dict, "métadonnées nbgrader illisibles"),
    "points_not_a_number": (_points_not_a_number, "«\u00a0test_double\u00a0» ont été rétablies"),
    "unknown_schema_version": (_unknown_schema_version, "«\u00a0double\u00a0» ont été rétablies"),
    "test_cell_not_graded": (_test_cell_not_graded, "«\u00a0test_double\u00a0» ont été rétablies"),
    "test_cell_made_a_solution": (_test_cell_made_a_solution, "«\u00a0test_double_hidden\u00a0» ont été rétablies"),
    "answer_rewritten_and_test_deleted": (_answer_rewritten_and_test_deleted, "«\u00a0test_double\u00a0» manquait"),
}


@pytest.mark.parametrize("accident", ACCIDENTS)
def test_accidents_are_repaired_and_graded_in_full(accident, tiny_course, learner, capsys):
    damage, note = ACCIDENTS[accident]
    nb = _solved(tiny_course)
    damage(nb)
    nbformat.write(nb, learner)
    before = learner.read_bytes()
    code = main(["check", str(learner)])
    out = capsys.readouterr().out
    assert code == 0 and "Total\u00a0: 4/4" in out, out
    assert "⚠ Copie réparée\u00a0: " in out and note in out, out
    assert learner.read_bytes() == before


def test_several_files_each_graded_or_explained(tiny_course, learner, capsys, tmp_path):
    """A file that is not a notebook and a damaged one among good ones: each is graded or
    explained, no traceback, and the grand total is printed."""
    nb = _solved(tiny_course)
    nbformat.write(nb, learner)
    broken = learner.parent.parent / f"{tmp_path.name}-broken" / "tiny.ipynb"
    broken.parent.mkdir()
    broken.write_bytes(b"{ tronqu")
    damaged = learner.parent.parent / f"{tmp_path.name}-damaged" / "tiny.ipynb"
    damaged.parent.mkdir()
    _metadata_not_a_dict(nb)
    nbformat.write(nb, damaged)
    code = main(["check", str(learner), str(broken), str(damaged)])
    out = capsys.readouterr().out
    assert code == 1 and "Traceback" not in out, out
    assert f"Carnet {broken} — impossible de le noter" in out and out.count("Total\u00a0: 4/4") == 2, out
    assert "Total général\u00a0: 8/8" in out, out
