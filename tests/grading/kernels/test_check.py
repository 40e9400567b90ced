"""``constructeur check``: full marks for the solutions, nothing for the untouched
exercises, the same verdict as ``nbgrader autograde``, and a French message (never a
traceback) for notebooks that cannot be graded. The learner's file is never touched."""

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

from constructeur.cli import main
from constructeur.grading.course import Course
from constructeur.grading.check import grade_notebook
from constructeur.grading.results import Finding, Kind
from helpers import ROOT, copy_course


RELEASED = sorted(ROOT.glob("exercises/*/*.ipynb"))  # collected without reading the course


def _check(capsys, *args):
    """Run ``constructeur check *args`` in this process: (exit code, printed text)."""
    code = main(["check", *map(str, args)])
    return code, capsys.readouterr().out


def test_solutions_get_full_marks(capsys):
    course = Course(ROOT)
    solutions = [course.source_notebook(a) for a in course.assignments()]
    before = [path.read_bytes() for path in solutions]
    code, out = _check(capsys, *solutions)
    assert code == 0, out
    assert "⚠" not in out and "À examiner" not in out and "échoué" not in out and "partiel" not in out, out
    assert [path.read_bytes() for path in solutions] == before


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: p.stem)
def test_untouched_exercises_get_nothing(path):
    before = path.read_bytes()
    grading = grade_notebook(path)
    assert grading.cells and grading.max_score > 0
    assert [c.grade_id for c in grading.cells if c.score != 0] == []
    assert all(c.failure for c in grading.cells if c.max_score)  # the intact-environment cell (no points) passes
    assert path.read_bytes() == before


# A submission of `blocks`: three exercises solved, a test cell deleted, another one
# edited so that it would pass (it does not: the original test is run).
SOLVED = ("MySequential", "ParallelModule", "replicate")
DELETED, EDITED = "test_replicate", "test_HalfFourier"


def _submission(path):
    source = nbformat.read(Course(ROOT).source_notebook("blocks"), as_version=4)
    solution = {c.metadata.nbgrader["grade_id"]: c.source for c in source.cells if "nbgrader" in c.metadata}
    nb = nbformat.read(ROOT / "exercises" / "blocks" / "blocks.ipynb", as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in SOLVED:
            cell.source = solution[grade_id]
        elif grade_id == EDITED:
            cell.source = "pass"
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != DELETED]
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def tampered(tmp_path_factory):
    """The submission in a learner's folder of a copy of the course, and its grading."""
    root = tmp_path_factory.mktemp("course")
    copy_course(root, ["blocks"])
    path = _submission(root / "mine" / "blocks.ipynb")
    before = path.read_bytes()
    return path, grade_notebook(path), before


def test_tampered_tests_are_restored_and_reported(tampered):
    path, grading, before = tampered
    assert path.read_bytes() == before and sorted(os.listdir(path.parent)) == ["blocks.ipynb"]
    assert Finding(Kind.CELL_RESTORED, cell=DELETED) in grading.repairs
    assert Finding(Kind.LOCKED_CELL_EDITED, cell=EDITED, test=True) in grading.to_review
    cells = {c.grade_id: c for c in grading.cells}
    assert cells[DELETED].score == cells[DELETED].max_score  # put back, and passing
    assert cells[EDITED].score == 0  # the original test ran
    solved = {c.exercise for c in grading.cells if c.max_score and c.score == c.max_score}
    assert solved == set(SOLVED)


def test_nbgrader_autograde_agrees_with_check(tampered, tmp_path, monkeypatch):
    path, grading, _ = tampered
    copy_course(tmp_path, ["blocks"])
    config = Course(tmp_path).config  # what `nbgrader autograde` reads in the course folder
    coursedir = CourseDirectory(config=config, root=str(tmp_path))
    api = NbGraderAPI(coursedir=coursedir, config=config)
    assert api.generate_assignment("blocks")["success"]
    submitted = tmp_path / "submitted" / "learner" / "blocks"
    submitted.mkdir(parents=True)
    shutil.copy(path, submitted)
    result = api.autograde("blocks", "learner")
    assert result["success"], result["log"]
    with Gradebook(coursedir.db_url) as gradebook:
        notebook = gradebook.find_submission_notebook("blocks", "blocks", "learner")
        autograded = {grade.name: grade.score for grade in notebook.grades}
    assert autograded == {c.grade_id: c.score for c in grading.cells}
    assert 0 < grading.score < grading.max_score


# Notebooks that cannot be graded, in a tiny course (a kernel without torch is quick).


@pytest.fixture
def learner(tiny_course, tmp_path):
    """A copy of the learner notebook of `tiny`, in a learner's folder of the course."""
    folder = Path(tiny_course) / "learner" / tmp_path.name
    folder.mkdir(parents=True)
    shutil.copy(Path(tiny_course) / "exercises" / "tiny" / "tiny.ipynb", folder)
    return folder / "tiny.ipynb"


def _with_solution(path, source, extra=()):
    """Write ``source`` into the solution cell of ``path``, and append cells of ``extra``."""
    nb = nbformat.read(path, as_version=4)
    next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "double").source = source
    nb.cells += [nbformat.v4.new_code_cell(code) for code in extra]
    nbformat.write(nb, path)
    return path.read_bytes()


def _unchanged(path, before):
    return path.read_bytes() == before and os.listdir(path.parent) == [path.name]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{ ceci n'est pas du JSON", "n'est pas du JSON valide"),
        (b'{"cells": 3}', "n'est pas un carnet Jupyter valide"),
    ],
)
def test_unreadable_notebook(learner, capsys, content, message):
    learner.write_bytes(content)
    code, out = _check(capsys, learner)
    assert code == 1 and message in out and "impossible de le noter" in out, out
    assert _unchanged(learner, content)


def test_missing_notebook(learner, capsys):
    code, out = _check(capsys, learner.with_name("absent.ipynb"))
    assert code == 1 and "fichier introuvable" in out, out


def test_unknown_assignment(learner, capsys):
    renamed = learner.rename(learner.with_name("tiny (copie).ipynb"))
    code, out = _check(capsys, renamed)
    assert code == 1 and "n'appartient à aucun exercice" in out and "«\u00a0tiny\u00a0»" in out, out


def test_no_course(learner, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    stray = Path(shutil.copy(learner, tmp_path))
    code, out = _check(capsys, stray)
    assert code == 1 and "devoirs connus\u00a0: aucun" in out, out


def test_course_found_from_the_current_folder(learner, capsys, monkeypatch, tmp_path):
    outside = tmp_path / "ailleurs" / "tiny.ipynb"
    outside.parent.mkdir()
    shutil.copy(learner, outside)
    monkeypatch.chdir(learner.parents[2])
    code, out = _check(capsys, outside)
    assert code == 1 and "Total\u00a0: 0/4" in out, out


def test_syntax_error(learner, capsys):
    before = _with_solution(learner, "def double(x) return 2 * x", extra=["1 / 0"])
    code, out = _check(capsys, learner)
    assert code == 1 and "Erreur de syntaxe dans la cellule «\u00a0double\u00a0»" in out, out
    assert "La cellule n°\u00a07 a levé ZeroDivisionError\u00a0: division by zero" in out
    assert "NameError\u00a0: name 'double' is not defined" in out
    assert _unchanged(learner, before)


def test_endless_loop_is_interrupted(learner, capsys):
    before = _with_solution(learner, "def double(x):\n    while True:\n        pass")
    code, out = _check(capsys, "--timeout", 1, learner)
    assert code == 1 and "La cellule «\u00a0test_double\u00a0» a dépassé le délai de 1\u00a0s" in out, out
    assert "délai dépassé, cellule interrompue" in out
    assert _unchanged(learner, before)


def test_partial_credit_and_stderr(learner, capsys):
    noisy = "import sys\ndef double(x):\n    print('oups', file=sys.stderr)\n    return x + 2"
    before = _with_solution(learner, noisy)
    grading = grade_notebook(learner)
    assert (grading.cells[0].score, grading.cells[0].failure) == (0, "sortie d'erreur\u00a0: oups")
    assert _unchanged(learner, before)
    before = _with_solution(learner, "def double(x):\n    return x + 2")
    code, out = _check(capsys, learner)
    assert code == 1 and "double    1,5/4   partiel  AssertionError" in out, out
    assert "Total\u00a0: 1,5/4" in out
    assert _unchanged(learner, before)


def test_deleted_answer_and_its_test(learner, capsys):
    nb = nbformat.read(learner, as_version=4)
    deleted = ("double", "test_double")
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in deleted]
    nbformat.write(nb, learner)
    before = learner.read_bytes()
    code, out = _check(capsys, learner)
    assert code == 1 and "Total\u00a0: 0/4" in out, out
    for grade_id in deleted:
        assert f"la cellule «\u00a0{grade_id}\u00a0» manquait\u202f; elle a été remise" in out, out
    assert _unchanged(learner, before)


def test_dead_kernel(learner, capsys):
    before = _with_solution(learner, "import os\nos._exit(1)")
    code, out = _check(capsys, learner)
    assert code == 1 and "le noyau Python s'est arrêté" in out, out
    assert _unchanged(learner, before)


def test_check_all(tiny_course, capsys, monkeypatch):
    monkeypatch.chdir(tiny_course)
    code, out = _check(capsys, "--all")
    assert code == 1 and "devoir «\u00a0tiny\u00a0»" in out and "Total\u00a0: 0/4" in out, out
    assert "Total général" not in out


@pytest.mark.parametrize("args", [[], ["--timeout", "0", "x.ipynb"]])
def test_usage_errors(args, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["check", *args])
    assert exit.value.code == 2
