"""Grade a whole class: ``constructeur grade ASSIGNMENT [--workers N] [--student PATTERN]``.

Every submission ``submitted/<student>/<assignment>/`` is graded by nbgrader's own
autograde (its converter, its preprocessors as the course configures them, sandboxed
kernel included, and its gradebook: SQLite in the course, or PostgreSQL through
``CourseDirectory.db_url``), one nbgrader run per submission, spread over N worker
processes. One bad copy never stops the others. What the repair and review found comes
back in the autograded notebook's metadata, the scores from the gradebook. Never a silent
zero: a copy that cannot be read is not handed to nbgrader, a copy nbgrader cannot grade
loses any score it had in the gradebook, and both are reported not graded with a reason.
"""

import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from .notebooks import exercise_of, read_notebook
from .course import Course
from .errors import GradingError, NotGradable
from .repair import REJECTED
from .results import ClassGrading, Outcome, Status, stored_findings
from .sandbox import SandboxProvisioner, sandbox_problem
from .verdicts import cell_grades


def _failure(result: dict) -> str:
    """The last line nbgrader wrote about a copy it could not grade (an unforeseen error)."""
    lines = [line.strip() for line in (result.get("error") or result.get("log") or "").splitlines() if line.strip()]
    return f"nbgrader n'a pas pu corriger cette copie ({lines[-1] if lines else 'erreur inconnue'})."


def _coursedir(root):
    course = Course(root)
    return course, CourseDirectory(config=course.config, root=str(course.root))


def grade_submission(root: Path, assignment: str, student: str) -> Outcome:
    """Autograde one student's submission with nbgrader; its Outcome."""
    start = time.perf_counter()
    course, coursedir = _coursedir(root)
    folder = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
    outcome = Outcome(student, Status.NOT_GRADED)
    try:
        submitted = [read_notebook(path) for path in sorted(folder.glob("*.ipynb"))]
        if not submitted:
            raise NotGradable(f"aucun carnet dans {folder}")
    except NotGradable as error:
        outcome.reason = str(error)
    else:
        REJECTED.pop((assignment, student), None)
        result = NbGraderAPI(coursedir=coursedir, config=course.config).autograde(assignment, student)
        if result["success"]:
            _read_grades(coursedir, assignment, student, outcome)
        elif (assignment, student) in REJECTED:
            outcome.reason = str(REJECTED.pop((assignment, student)))
        else:
            outcome.reason = _failure(result)
    if outcome.status == Status.NOT_GRADED:
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


def _read_grades(coursedir, assignment, student, outcome):
    """The total from the gradebook; each test cell's grade and the findings from the
    autograded notebooks, read as the check reads them."""
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        outcome.status, outcome.score, outcome.max_score = Status.GRADED, submission.score, submission.max_score
        for notebook in submission.notebooks:
            graded = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment), f"{notebook.name}.ipynb")
            graded = nbformat.read(graded, as_version=4)
            outcome.cells += cell_grades(graded)
            outcome.findings += stored_findings(graded)


def students(root: Path, assignment: str, pattern: str = "*") -> list[str]:
    """The students with a submission of ``assignment``, sorted."""
    _, coursedir = _coursedir(root)
    submitted = Path(coursedir.root) / coursedir.submitted_directory
    return sorted(path.parent.name for path in submitted.glob(f"{pattern}/{assignment}") if path.is_dir())


def _sandbox_refused(config: Config) -> str | None:
    """Why every kernel would be refused (no sandbox here, and the course requires one)."""
    problem = sandbox_problem(SandboxProvisioner(config=config).bwrap)
    return None if problem is None or SandboxProvisioner(config=config).allow_unsandboxed else problem


def gradebook_assignments(root: Path) -> list[str]:
    """The assignments of the course's gradebook (``nbgrader generate_assignment`` put them there)."""
    _, coursedir = _coursedir(root)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        return [assignment.name for assignment in gradebook.assignments]


def grade_class(
    root: Path,
    assignment: str,
    workers: int | None = None,
    pattern: str = "*",
    on_outcome: Callable[[Outcome], None] | None = None,
) -> ClassGrading:
    """Grade every submission of ``assignment`` (students matching ``pattern``).

    Args:
        root: the course folder.
        assignment: an assignment that ``nbgrader generate_assignment`` put in the gradebook.
        workers: worker processes (default: the machine's cores).
        pattern: a glob on student ids.
        on_outcome: called with each Outcome as soon as its copy is graded (progress).

    Returns:
        a ClassGrading. Raises GradingError (French) when the assignment is not in the
        gradebook, or when no sandbox can be made and the course requires one.
    """
    start = time.perf_counter()
    course, coursedir = _coursedir(root)
    refused = _sandbox_refused(course.config)
    if refused:
        raise GradingError(f"correction refusée sans bac à sable\u00a0: {refused}")
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
    done = on_outcome or (lambda outcome: None)
    if workers == 1:
        outcomes = []
        for name in names:
            outcomes.append(grade_submission(root, assignment, name))
            done(outcomes[-1])
    else:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(grade_submission, root, assignment, name): name for name in names}
            finished = {}
            for future in as_completed(futures):
                finished[futures[future]] = _outcome(future, futures[future])
                done(finished[futures[future]])
            outcomes = [finished[name] for name in names]
    return ClassGrading(assignment, tests, outcomes, time.perf_counter() - start, workers)


def _outcome(future, student):
    """A worker's Outcome, or a not graded one if the worker itself failed."""
    try:
        return future.result()
    except Exception as error:  # a crash of the worker, not of the copy: report it, go on
        return Outcome(student, Status.NOT_GRADED, reason=f"erreur interne du correcteur ({type(error).__name__}\u00a0: {error}).")
