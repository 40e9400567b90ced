"""What the grading tests share: the repository's root, a tiny course of our own (a
notebook with no heavy import) and nbgrader's generation, run in this process.

Importing this module reads no file: every function works on the paths it is given."""

import shutil
from pathlib import Path

import pytest

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from constructeur.grading.course import Course
from constructeur.grading.sandbox import sandbox_problem

ROOT = Path(__file__).resolve().parents[1]


def nbgrader_cell(cell, grade_id, **flags):
    """``cell`` with nbgrader's metadata: ``grade_id`` and the flags given (grade,
    solution, locked, points...), the others false."""
    cell.metadata["nbgrader"] = {
        "grade_id": grade_id,
        "grade": False,
        "solution": False,
        "locked": False,
        "schema_version": 3,
        **flags,
    }
    return cell


def tiny_source():
    """The source notebook of the tiny course: ``double(x)``, a visible test, a test with
    hidden asserts and a test with partial credit."""
    return new_notebook(
        cells=[
            new_markdown_cell("Écrivez `double(x)`, qui renvoie le double de `x`."),
            nbgrader_cell(new_code_cell("import math"), "setup", locked=True),
            nbgrader_cell(
                new_code_cell(
                    'def double(x):\n    """Renvoie le double de x."""\n'
                    "    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"
                ),
                "double",
                solution=True,
            ),
            nbgrader_cell(
                new_code_cell('assert double(2) == 4, f"double(2) vaut {double(2)} au lieu de 4"'),
                "test_double",
                grade=True,
                locked=True,
                points=1,
            ),
            nbgrader_cell(
                new_code_cell(
                    "assert double(0) == 0\n### BEGIN HIDDEN TESTS\n"
                    'assert double(-1.5) == -3, f"double(-1.5) vaut {double(-1.5)} au lieu de -3"\n'
                    "### END HIDDEN TESTS"
                ),
                "test_double_hidden",
                grade=True,
                locked=True,
                points=2,
            ),
            nbgrader_cell(  # partial credit: nbgrader reads the score from the cell's value
                new_code_cell("sum(double(v) == 2 * v for v in (1, 2)) / 2"),
                "test_double_partial",
                grade=True,
                locked=True,
                points=1,
            ),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


def generate_exercises(root):
    """``nbgrader generate_assignment <a> --force --no-db`` for every assignment of the
    course at ``root``, run in this process."""
    course = Course(root)
    config = Config(course.config)
    config.SaveCells.enabled = False  # what --no-db sets
    config.GenerateAssignment.no_database = True
    config.BaseConverter.force = True
    for assignment in course.assignments():
        coursedir = CourseDirectory(config=config, root=str(course.root), assignment_id=assignment)
        GenerateAssignment(coursedir=coursedir, config=config).start()


def copy_course(root, assignments, repository=ROOT):
    """A course in ``root`` with the config and the sources of ``assignments`` of the
    ``repository`` (this one by default)."""
    shutil.copy(Path(repository) / "nbgrader_config.py", root)
    for assignment in assignments:
        shutil.copytree(Path(repository) / "solutions" / assignment, Path(root) / "solutions" / assignment)


def require_sandbox():
    """Fail at once, with the install message, where bubblewrap cannot make a sandbox: a
    test that runs hostile code must never run it unsandboxed (the check's fallback)."""
    problem = sandbox_problem()
    if problem:
        pytest.fail(f"test refusé sans bac à sable (du code hostile y serait exécuté)\u00a0: {problem}", pytrace=False)


def cell(nb, grade_id):
    """The cell of ``nb`` whose nbgrader grade_id is ``grade_id``."""
    return next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def strip_nbgrader(nb):
    """``nb`` as if its answers were pasted into a new notebook: no nbgrader metadata left."""
    for each in nb.cells:
        each.metadata.pop("nbgrader", None)
