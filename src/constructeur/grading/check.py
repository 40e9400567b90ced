"""Grade a copy of a learner's notebook the way ``nbgrader autograde`` grades it.

Everything runs in this process, in a throw-away course: a fresh SQLite gradebook in
memory is filled from the source notebook (solutions and hidden tests) by the
preprocessors of ``nbgrader generate_assignment``; the learner's copy then goes through
the preprocessors of ``nbgrader autograde`` as the course configures them (sanitizing,
which starts with ``RepairSubmission``: repair and review, once; then the sandboxed
execution), and ``nbgrader.utils.determine_grade`` scores each test cell. Only autograde's
writes to the instructor's gradebook are left out, so the check computes what the class
grading computes: the same steps on the same objects, the same findings (from the graded
notebook's metadata). The learner's file is only read.
"""

import logging
import shutil
import tempfile
import uuid
import warnings
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.api import Base, Gradebook
from nbgrader.converters import Autograde, GenerateAssignment
from nbgrader.preprocessors import AssignLatePenalties, Execute, SaveAutoGrades
from sqlalchemy import StaticPool, create_engine
from traitlets.config import Config
from traitlets.utils.importstring import import_item

from .course import Course
from .notebooks import read_notebook, tests_nothing
from .repair import grade_ids
from .results import Grading, stored_findings
from .review import edited_released
from .sandbox import sandbox_problem
from .verdicts import cell_grades, error_notes

STUDENT = "learner"

# nbgrader's warnings (changed checksums...) are turned into French notes instead.
_LOG = logging.getLogger(__name__)
_LOG.addHandler(logging.NullHandler())
_LOG.propagate = False


def _preprocessors(config, converter, trait):
    """The preprocessor classes of a converter's step, as the course's config sets them."""
    configured = config[converter.__name__].get(trait)
    listed = configured if configured is not None else converter.class_traits()[trait].make_dynamic_default()
    return [import_item(pp) if isinstance(pp, str) else pp for pp in listed]


def _steps(config):
    """generate, sanitize and autograde preprocessors, without autograde's two that write
    to the instructor's gradebook."""
    autograde = [
        pp
        for pp in _preprocessors(config, Autograde, "autograde_preprocessors")
        if pp not in (SaveAutoGrades, AssignLatePenalties)
    ]
    return (
        _preprocessors(config, GenerateAssignment, "preprocessors"),
        _preprocessors(config, Autograde, "sanitize_preprocessors"),
        autograde,
    )


def _run(preprocessors, nb, resources, config):
    for preprocessor in preprocessors:
        nb, resources = preprocessor(config=config, log=_LOG)(nb, resources)
    return nb


@contextmanager
def _throwaway_gradebook():
    """The URL of an empty nbgrader gradebook in memory, alive until the block ends."""
    url = f"sqlite:///file:constructeur-{uuid.uuid4().hex}?mode=memory&cache=shared&uri=true"
    engine = create_engine(url, poolclass=StaticPool)
    with engine.connect() as anchor:  # an in-memory database lives as long as one connection
        # With its tables there, a gradebook does not run the `alembic` program to stamp
        # a schema version, which a throw-away gradebook does not need.
        Base.metadata.create_all(anchor)
        anchor.commit()
        with warnings.catch_warnings():  # nbgrader's engines let SQLAlchemy pick their pool
            warnings.filterwarnings("ignore", message="Selection of the SingletonThreadPool")
            yield url
    engine.dispose()


def grade_notebook(path: Path | str, timeout: int | None = None) -> Grading:
    """Grade a copy of the learner's notebook at ``path`` against the course's tests.

    Args:
        path: the learner's notebook; its name (without ``.ipynb``) is the assignment.
        timeout: time limit per cell in seconds (default: the course's setting).

    Returns:
        a Grading. Raises NotGradable (French message) when the notebook cannot be graded.
    """
    path = Path(path)
    course = Course.around(path)
    assignment = path.stem
    learner = read_notebook(path)
    source_path = course.source_notebook(assignment)
    source = nbformat.read(source_path, as_version=4)
    edited = [] if course.hidden_tests else edited_released(source)  # before nbgrader's new checksums
    config = Config(course.config)
    others = {a: grade_ids(read_notebook(course.source_notebook(a))) for a in course.assignments() if a != assignment}
    config.RepairSubmission.other_assignments = others
    if timeout is not None:
        config.Execute.timeout = timeout
    unsandboxed = sandbox_problem()
    if unsandboxed:  # a learner is never stuck: grade anyway, and say so
        config.SandboxProvisioner.allow_unsandboxed = True
    generate, sanitize, autograde = _steps(config)

    with _throwaway_gradebook() as db_url, tempfile.TemporaryDirectory(prefix="constructeur-") as tmp:
        workdir = Path(tmp) / assignment
        ignore = shutil.ignore_patterns("*.ipynb", *course.directories.ignore)
        shutil.copytree(source_path.parent, workdir, ignore=ignore)  # data files, as autograde does
        with Gradebook(db_url) as gradebook:
            gradebook.update_or_create_assignment(assignment)
        resources = {
            "nbgrader": {
                "assignment": assignment,
                "notebook": assignment,
                "student": STUDENT,
                "db_url": db_url,
            },
            "metadata": {"path": str(workdir)},
        }
        _run(generate, source, resources, config)
        graded = _run(sanitize, learner, resources, config)  # repair and review come first
        with utils.setenv(NBGRADER_EXECUTION="autograde"):
            graded = _run(autograde, graded, resources, config)
    graded = nbformat.from_dict(graded)  # cells put back by nbgrader hold plain dicts

    timeout = Execute(config=config).timeout
    grading = Grading(path, assignment, notes=error_notes(graded, timeout), unsandboxed=unsandboxed)
    grading.findings = edited + stored_findings(graded)
    grading.visible_only, grading.course_root = not course.hidden_tests, course.root
    grading.cells = cell_grades(graded)
    if grading.visible_only:  # a test cell whose tests were all hidden tests nothing here
        tests = [cell for cell in graded.cells if utils.is_grade(cell)]
        empty = {cell.metadata.nbgrader["grade_id"] for cell in tests if tests_nothing(cell)}
        grading.hidden_points = sum(cell.max_score for cell in grading.cells if cell.grade_id in empty)
        grading.cells = [cell for cell in grading.cells if cell.grade_id not in empty]
    return grading
