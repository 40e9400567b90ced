"""Grade a whole class: ``constructeur grade ASSIGNMENT [--workers N] [--student PATTERN]``.

Every submission ``submitted/<student>/<assignment>/`` is graded by nbgrader's own
autograde (its converter, its preprocessors as the course configures them, sandboxed
kernel included, and its gradebook: SQLite in the course, or PostgreSQL through
``CourseDirectory.db_url``), one nbgrader run per submission, spread over N worker
processes. One bad copy never stops the others. Never a silent zero: a copy that cannot
be read is not handed to nbgrader, a copy nbgrader cannot grade loses any score it had in
the gradebook, and both are reported « non noté » with a French reason.
"""

import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

from .course import Course
from .errors import NotGradable
from .flags import notebook_flags
from .check import exercise_of, read_notebook, tampering
from .repair import NOTE, released_from_gradebook, repair

GRADED, NOT_GRADED = "noté", "non noté"
REASONS = ("Rejected: ", "SandboxUnavailable: ")  # our exceptions' French messages, in nbgrader's log


@dataclass
class Outcome:
    """What became of one student's submission."""

    student: str
    status: str
    score: float | None = None
    max_score: float | None = None
    reason: str | None = None  # why it was not graded (French)
    notes: list[str] = field(default_factory=list)  # repairs made before grading
    flags: list[str] = field(default_factory=list)  # for a human: changed locked cells, suspicious code
    cells: dict[str, tuple[float, float]] = field(default_factory=dict)  # test cell -> (score, max)
    seconds: float = 0.0


@dataclass
class ClassGrading:
    """The outcomes of one assignment's submissions, and the time grading took."""

    assignment: str
    tests: dict[str, str]  # test cell -> the exercise it checks, in notebook order
    outcomes: list[Outcome]
    seconds: float
    workers: int


def _why(result):
    """The French reason nbgrader's failed run gives, or its last error line."""
    text = f"{result.get('error') or ''}\n{result.get('log') or ''}"
    for line in text.splitlines():
        for marker in REASONS:
            if marker in line:
                return line.split(marker, 1)[1].strip()
    lines = [line.strip() for line in (result.get("error") or result.get("log") or "").splitlines() if line.strip()]
    return f"nbgrader n'a pas pu corriger cette copie ({lines[-1] if lines else 'erreur inconnue'})."


def _coursedir(root):
    course = Course(root)
    return course, CourseDirectory(config=course.config, root=str(course.root))


def grade_submission(root, assignment, student):
    """Autograde one student's submission with nbgrader; its Outcome."""
    start = time.perf_counter()
    course, coursedir = _coursedir(root)
    folder = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
    outcome = Outcome(student, NOT_GRADED)
    try:
        submitted = {path.stem: read_notebook(path) for path in sorted(folder.glob("*.ipynb"))}
        if not submitted:
            raise NotGradable(f"aucun carnet dans {folder}")
    except NotGradable as error:
        outcome.reason = str(error)
    else:
        result = NbGraderAPI(coursedir=coursedir, config=course.config).autograde(assignment, student)
        if result["success"]:
            _read_grades(coursedir, assignment, student, submitted, outcome)
            outcome.notes = [line.split(NOTE, 1)[1] for line in result["log"].splitlines() if NOTE in line]
        else:
            outcome.reason = _why(result)
    if outcome.status == NOT_GRADED:
        _forget(coursedir, assignment, student)
    outcome.seconds = time.perf_counter() - start
    return outcome


def _forget(coursedir, assignment, student):
    """Remove the student's submission from the gradebook: no stale score stays behind."""
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        try:
            gradebook.remove_submission(assignment, student)
        except MissingEntry:
            pass


def _read_grades(coursedir, assignment, student, submitted, outcome):
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        outcome.status, outcome.score, outcome.max_score = GRADED, submission.score, submission.max_score
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                outcome.cells[grade.name] = (grade.score, grade.max_score)
            source = notebook.notebook
            released = released_from_gradebook(gradebook, notebook.name, assignment)
            originals = {cell.name: cell.source for cell in source.source_cells}
            if notebook.name in submitted:
                repaired, _ = repair(submitted[notebook.name], released)
                outcome.flags += tampering(released, originals, repaired)
                restored = {cell.name for cell in source.source_cells if cell.locked}
                graded = [cell.name for cell in source.solution_cells]
                outcome.flags += [str(flag) for flag in notebook_flags(repaired, restored, graded)]


def students(root, assignment, pattern="*"):
    """The students with a submission of ``assignment``, sorted."""
    _, coursedir = _coursedir(root)
    submitted = Path(coursedir.root) / coursedir.submitted_directory
    return sorted(path.parent.name for path in submitted.glob(f"{pattern}/{assignment}") if path.is_dir())


def grade_class(root, assignment, workers=None, pattern="*"):
    """Grade every submission of ``assignment`` (students matching ``pattern``).

    Args:
        root: the course folder.
        assignment: an assignment that ``nbgrader generate_assignment`` put in the gradebook.
        workers: worker processes (default: the machine's cores).
        pattern: a glob on student ids.

    Returns:
        a ClassGrading. Raises NotGradable (French) when the assignment is not in the gradebook.
    """
    start = time.perf_counter()
    _, coursedir = _coursedir(root)
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # alembic
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        try:
            notebooks = gradebook.find_assignment(assignment).notebooks
        except MissingEntry:
            raise NotGradable(
                f"le devoir «\u00a0{assignment}\u00a0» n'est pas dans le carnet de notes\u00a0: lancez d'abord "
                f"«\u00a0nbgrader generate_assignment {assignment}\u00a0»."
            ) from None
        tests = {}
        for notebook in notebooks:
            names = [cell.name for cell in notebook.solution_cells]
            tests.update({cell.name: exercise_of(cell.name, names) for cell in notebook.grade_cells})
    names = students(root, assignment, pattern)
    workers = max(1, min(workers or os.cpu_count() or 1, len(names) or 1))
    if workers == 1:
        outcomes = [grade_submission(root, assignment, name) for name in names]
    else:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(grade_submission, root, assignment, name) for name in names]
            outcomes = [_outcome(future, name) for future, name in zip(futures, names)]
    return ClassGrading(assignment, tests, outcomes, time.perf_counter() - start, workers)


def _outcome(future, student):
    """A worker's Outcome, or a « non noté » one if the worker itself failed."""
    try:
        return future.result()
    except Exception as error:  # a crash of the worker, not of the copy: report it, go on
        return Outcome(student, NOT_GRADED, reason=f"erreur interne du correcteur ({type(error).__name__}\u00a0: {error}).")
