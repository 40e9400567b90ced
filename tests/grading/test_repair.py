"""The repair of a submitted notebook's accidents, on synthetic notebooks (no kernel), and
what cannot be repaired: rejected with a French reason."""

import copy
import shutil

import nbformat
import pytest

from constructeur.cli import main
from constructeur.grading.errors import NotGradable
from constructeur.grading.notebooks import read_notebook
from constructeur.grading.french import describe
from constructeur.grading.repair import Rejected, repair
from constructeur.grading.results import Finding, Kind
from helpers import nbgrader_cell
from helpers import strip_nbgrader as _pasted_into_a_new_notebook


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


def test_a_file_that_cannot_be_read_says_so(tmp_path, monkeypatch):
    path = tmp_path / "tiny.ipynb"
    path.write_text("{}")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(nbformat, "read", refuse)
    with pytest.raises(NotGradable, match=f"impossible de lire {path}\u00a0: Permission denied"):
        read_notebook(path)
