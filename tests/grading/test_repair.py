"""Ordinary accidents to a submitted notebook are repaired before grading, so a correct
notebook keeps full marks; what cannot be repaired is rejected with a French reason.

The accidents are made to the tiny course's learner notebook, solved; each is graded by
``constructeur check`` (which repairs, then runs nbgrader's sanitize steps, where
``RepairSubmission`` comes first as in ``nbgrader autograde``)."""

import copy
import shutil
from pathlib import Path

import nbformat
import pytest

from constructeur.cli import main
from constructeur.grading.errors import NotGradable
from constructeur.grading.check import read_notebook
from constructeur.grading.french import describe
from constructeur.grading.repair import Rejected, repair
from constructeur.grading.results import Finding, Kind
from helpers import nbgrader_cell

SOLVED = "def double(x):\n    return 2 * x"


def _solved(tiny_course):
    nb = nbformat.read(Path(tiny_course) / "exercises" / "tiny" / "tiny.ipynb", as_version=4)
    _cell(nb, "double").source = SOLVED
    return nb


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _pasted_into_a_new_notebook(nb):
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)


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


@pytest.fixture
def learner(tiny_course, tmp_path):
    folder = Path(tiny_course) / "learner" / tmp_path.name
    folder.mkdir(parents=True)
    return folder / "tiny.ipynb"


@pytest.mark.slow  # a Jupyter kernel
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


def test_another_assignments_notebook_is_rejected(tiny_course, learner, capsys, tmp_path):
    """A notebook of `other` handed in under the name `tiny`."""
    course = tmp_path / "course"
    shutil.copytree(tiny_course, course, ignore=shutil.ignore_patterns("learner"))
    source = nbformat.read(course / "solutions" / "tiny" / "tiny.ipynb", as_version=4)
    for cell in source.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata.nbgrader["grade_id"] = "other_" + cell.metadata.nbgrader["grade_id"]
            cell.source = cell.source.replace("double", "triple")
    (course / "solutions" / "other").mkdir()
    nbformat.write(source, course / "solutions" / "other" / "other.ipynb")
    renamed = course / "mine" / "tiny.ipynb"
    renamed.parent.mkdir()
    nbformat.write(source, renamed)
    code = main(["check", str(renamed)])
    out = capsys.readouterr().out
    assert code == 1 and "ce carnet est celui du devoir «\u00a0other\u00a0»" in out, out


# The repair itself, on synthetic notebooks (no kernel).


def _released():
    code = nbformat.v4.new_code_cell
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("Énoncé"),
            nbgrader_cell(code("import torch"), "setup", locked=True),
            nbgrader_cell(code("def f(x):\n    raise NotImplementedError()"), "f", solution=True),
            nbgrader_cell(code("assert f(1) == 2"), "test_f", grade=True, locked=True, points=1),
            nbgrader_cell(code("class G:\n    pass"), "G", solution=True),
            nbgrader_cell(code("assert G"), "test_G", grade=True, locked=True, points=2),
        ]
    )


def test_answers_are_found_by_position_and_defined_name():
    learner = copy.deepcopy(_released())
    _pasted_into_a_new_notebook(learner)
    learner.cells[2].source = "def helper():\n    return 1"  # an extra cell before the answer
    learner.cells.insert(3, nbformat.v4.new_code_cell("def f(x):\n    return 2 * x"))
    learner.cells[5].source = "G = type('G', (), {})"
    repaired, notes = repair(learner, _released())
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in repaired.cells]
    assert ids == [None, "setup", None, "f", "test_f", "G", "test_G"]
    assert repaired.cells[6].metadata.nbgrader["points"] == 2
    assert notes == [Finding(Kind.LOST_METADATA, count=5)]
    assert describe(notes[0]) == (
        "5 cellule(s) avaient perdu leurs métadonnées nbgrader\u202f; elles ont été retrouvées d'après le carnet distribué."
    )
    assert "nbgrader" not in learner.cells[1].metadata  # the learner's notebook is left as it was


def test_an_answer_that_cannot_be_told_apart_is_put_back_as_released():
    learner = copy.deepcopy(_released())
    _pasted_into_a_new_notebook(learner)
    learner.cells.insert(2, nbformat.v4.new_code_cell("x = 1"))  # two candidates, neither defines f
    learner.cells[3].source = "y = 2"
    repaired, notes = repair(learner, _released())
    assert Finding(Kind.CELL_RESTORED, cell="f") in notes
    assert [c.source for c in repaired.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "f"] == [
        "def f(x):\n    raise NotImplementedError()"
    ]


def test_a_notebook_with_nothing_of_the_released_one_is_rejected():
    stranger = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('bonjour')")])
    with pytest.raises(Rejected, match="aucune cellule du carnet distribué ne s'y trouve"):
        repair(stranger, _released())


@pytest.mark.slow  # Jupyter kernels
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


def test_a_file_that_cannot_be_read_says_so(tmp_path, monkeypatch):
    path = tmp_path / "tiny.ipynb"
    path.write_text("{}")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(nbformat, "read", refuse)
    with pytest.raises(NotGradable, match=f"impossible de lire {path}\u00a0: Permission denied"):
        read_notebook(path)
