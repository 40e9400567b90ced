"""One verdict, three graders: for every variant of ``tests/variants/`` (wrong and right) and
every solution, ``constructeur check``, ``constructeur grade`` and a plain ``nbgrader
autograde`` configured by the course give each test cell the same score and find the same
things (repairs, edited locked cells, flags).

To keep the suite's time, variants are packed: a copy of an assignment is its solved
notebook with one variant of every graded name in that name's answer cell. Each grader then
grades the assignment's copies in one run (one class grading per assignment). ``make test``
packs a sample: the first wrong and the first right variant of every name, two copies (the
second is all right: it stands for the solution); ``make differential``
(``CONSTRUCTEUR_DIFFERENTIAL=all``) packs every variant, copy k holding the k-th variant of
every name, wrong ones first, beside the solution as a copy of its own.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

from constructeur.grading.check import grade_notebook
from constructeur.grading.course import Course
from constructeur.grading.grade import grade_class
from constructeur.grading.results import Status, stored_findings
from helpers import ROOT, cell, copy_course, require_sandbox

ASSIGNMENTS = Course(ROOT).assignments()


EVERY_VARIANT = os.environ.get("CONSTRUCTEUR_DIFFERENTIAL") == "all"


def _variants(assignment):
    """{graded name: [variant source, ...]}, wrong ones then right ones (none without a
    file): all of them with EVERY_VARIANT, else the first wrong and the first right one."""
    path = ROOT / "tests" / "variants" / f"{assignment}.py"
    if not path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location(f"differential_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    wrong, right = {}, {}
    for table, kind in ((module.WRONG, wrong), (getattr(module, "RULE_BREAKERS", {}), wrong), (module.RIGHT, right)):
        for name, variants in table.items():
            kind.setdefault(name, []).extend(variants.values())
    if not EVERY_VARIANT:
        wrong = {name: sources[:1] for name, sources in wrong.items()}
        right = {name: sources[:1] for name, sources in right.items()}
    return {name: wrong.get(name, []) + right.get(name, []) for name in {**wrong, **right}}


def _copies(root, assignment):
    """student id -> copy: the solution (with EVERY_VARIANT: the sample's last copy, its
    right variants, is already all right), then the variants packed as the module says."""
    source = nbformat.read(root / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = {c.metadata.nbgrader["grade_id"]: c.source for c in source.cells if utils.is_solution(c)}
    released = nbformat.read(root / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    solved = nbformat.from_dict(released)
    for name, answer in answers.items():
        cell(solved, name).source = answer
    copies = {"solution": solved} if EVERY_VARIANT else {}
    variants = _variants(assignment)
    for k in range(max(map(len, variants.values()), default=0)):
        nb = nbformat.from_dict(solved)
        for name, sources in variants.items():
            if k < len(sources) and name in answers:
                cell(nb, name).source = sources[k]
        copies[f"variant{k:02d}"] = nb
    return copies


def _course(root, assignment, copies):
    copy_course(root, [assignment])
    config = Course(root).config
    api = NbGraderAPI(coursedir=CourseDirectory(config=config, root=str(root)), config=config)
    assert api.generate_assignment(assignment)["success"]
    for student, nb in copies.items():
        folder = root / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{assignment}.ipynb")
    return api


def _verdicts(cells, findings):
    """What a grader says of one copy: each test cell's score, and its findings."""
    return {grade_id: score for grade_id, (score, _) in cells.items()}, sorted(map(repr, findings))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_check_grade_and_plain_autograde_agree(assignment, tmp_path, record_property):
    require_sandbox()
    ours, plain = tmp_path / "ours", tmp_path / "plain"
    ours.mkdir(), plain.mkdir()
    copies = _copies(ROOT, assignment)
    _course(ours, assignment, copies)
    api = _course(plain, assignment, copies)

    graded = {o.student: o for o in grade_class(ours, assignment, workers=2).outcomes}
    assert all(o.status == Status.GRADED for o in graded.values()), [o.reason for o in graded.values()]
    nbgrader = [str(Path(sys.executable).parent / "nbgrader"), "autograde", assignment]
    run = subprocess.run(nbgrader, cwd=plain, capture_output=True, text=True)  # one run, every copy
    assert run.returncode == 0, run.stderr[-3000:]
    coursedir = CourseDirectory(config=Course(plain).config, root=str(plain))
    record_property("copies", len(copies))

    for student in copies:
        check = grade_notebook(ours / "submitted" / student / assignment / f"{assignment}.ipynb")
        by_check = _verdicts({c.grade_id: (c.score, c.max_score) for c in check.cells}, check.findings)
        by_grade = _verdicts({c.grade_id: (c.score, c.max_score) for c in graded[student].cells}, graded[student].findings)
        with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
            notebook = gradebook.find_submission_notebook(assignment, assignment, student)
            cells = {grade.name: (grade.score, grade.max_score) for grade in notebook.grades}
        autograded = nbformat.read(plain / "autograded" / student / assignment / f"{assignment}.ipynb", as_version=4)
        by_plain = _verdicts(cells, stored_findings(autograded))
        assert by_check == by_grade == by_plain, student
    right = graded[list(copies)[-1]]  # the solution, or the right variants of every name
    assert right.score == right.max_score and not right.findings, right
