"""Grade a copy of a learner's notebook the way ``nbgrader autograde`` grades it.

Everything runs in this process, in a throw-away course: a fresh SQLite gradebook in
memory is filled from the source notebook (solutions and hidden tests) by the
preprocessors of ``nbgrader generate_assignment``; the learner's copy then goes through
the preprocessors of ``nbgrader autograde`` (sanitizing, which restores locked cells and
tests from the gradebook, then execution), and ``nbgrader.utils.determine_grade`` scores
each test cell. Only autograde's writes to the instructor's gradebook are left out, so
the check and the instructor reach the same verdict. The learner's file is only read.
"""

import ast
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
from .errors import NotGradable
from .execution import LIMIT_HIT, STOPPED, TRUNCATED_START
from .repair import grade_ids
from .results import CellGrade, Grading, stored_findings
from .review import edited_released
from .sandbox import sandbox_problem

STUDENT = "learner"
SYNTAX_ERRORS = {"SyntaxError", "IndentationError", "TabError"}
TIMEOUT_ERROR = Execute.class_traits()["error_on_timeout"].make_dynamic_default()["ename"]

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


def read_notebook(path):
    """Read a notebook, or raise NotGradable with a French explanation."""
    path = Path(path)
    if not path.is_file():
        raise NotGradable(f"fichier introuvable\u00a0: {path}")
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except OSError as error:  # the file is there, but cannot be read
        raise NotGradable(f"impossible de lire {path}\u00a0: {error.strerror or error} (droits du fichier\u00a0?).") from None
    except nbformat.reader.NotJSONError:
        raise NotGradable(
            f"{path} n'est pas un carnet Jupyter lisible\u00a0: son contenu n'est pas du JSON "
            "valide (fichier tronqué ou modifié hors de Jupyter\u00a0?). Récupérez le carnet "
            "distribué et recopiez-y vos réponses."
        ) from None
    except Exception as error:  # nbformat raises many kinds of errors for malformed files
        raise NotGradable(
            f"{path} n'est pas un carnet Jupyter valide ({type(error).__name__})."
        ) from None
    return nb


def _run(preprocessors, nb, resources, config):
    for preprocessor in preprocessors:
        nb, resources = preprocessor(config=config, log=_LOG)(nb, resources)
    return nb


def _label(cell, index):
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    return f"«\u00a0{grade_id}\u00a0»" if grade_id else f"n°\u00a0{index + 1}"


def _errors(cell):
    return [output for output in cell.get("outputs", []) if output.output_type == "error"]


def _timed_out(cell):
    return any(output.ename == TIMEOUT_ERROR for output in _errors(cell))


def _error_notes(nb, timeout):
    """French notes on interrupted cells, syntax errors, and errors outside test cells."""
    notes = []
    for index, cell in enumerate(nb.cells):
        for text in (output.get("text", "") for output in cell.get("outputs", [])):
            if text.startswith(TRUNCATED_START):
                notes.append(f"La cellule {_label(cell, index)} a produit trop de sortie\u00a0: la fin en a été ignorée.")
            elif text.startswith(LIMIT_HIT):
                notes.append(f"Cellule {_label(cell, index)}\u00a0: {text.removeprefix(LIMIT_HIT).strip()}")
        stopped = [output.evalue for output in _errors(cell) if output.ename == STOPPED]
        if stopped:
            notes.append(f"Cellule {_label(cell, index)} : {stopped[0]}")
            continue
        if _timed_out(cell):  # its other error is the KeyboardInterrupt that stopped it
            notes.append(
                f"La cellule {_label(cell, index)} a dépassé le délai de {timeout}\u00a0s et a été "
                "interrompue (boucle sans fin\u00a0?)."
            )
            continue
        for output in _errors(cell):
            if output.ename in SYNTAX_ERRORS:
                label = _label(cell, index)
                notes.append(f"Erreur de syntaxe dans la cellule {label}\u00a0: {output.evalue}.")
            elif not utils.is_grade(cell) and output.ename != "NotImplementedError":  # a stub left as is
                message = _first_line(output.evalue)
                notes.append(f"La cellule {_label(cell, index)} a levé {output.ename}\u00a0: {message}")
    return notes


def _first_line(text, width=160):
    line = (text.strip().splitlines() or [""])[0]
    return line if len(line) <= width else line[: width - 1] + "…"


def _failure(cell):
    """Why a test cell lost points, in one French line."""
    if _timed_out(cell):
        return "délai dépassé, cellule interrompue"
    for output in cell.outputs:
        if output.output_type == "error":
            if output.ename == STOPPED:
                return _first_line(output.evalue)
            if output.ename == "NotImplementedError":
                return "pas encore fait (NotImplementedError)"
            message = _first_line(output.evalue)
            return f"{output.ename}\u00a0: {message}" if message else output.ename
        if output.output_type == "stream" and output.name == "stderr":
            return f"sortie d'erreur\u00a0: {_first_line(output.text)}"
    return "points partiels"


def _tests_nothing(cell):
    """Whether a test cell holds no code: its tests were all hidden, and removed."""
    try:
        return not ast.parse(cell.source).body
    except SyntaxError:
        return False


def exercise_of(grade_id, names):
    """The fixed name a test cell ``test_<name>[_<suffix>]`` checks (longest match)."""
    matches = [n for n in names if grade_id == f"test_{n}" or grade_id.startswith(f"test_{n}_")]
    return max(matches, key=len, default=grade_id)


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


def grade_notebook(path, timeout=None):
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
    names = [cell.metadata.nbgrader["grade_id"] for cell in source.cells if utils.is_solution(cell)]
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
    grading = Grading(path, assignment, notes=_error_notes(graded, timeout), unsandboxed=unsandboxed)
    grading.findings = edited + stored_findings(graded)
    grading.visible_only, grading.course_root = not course.hidden_tests, course.root
    for cell in graded.cells:
        if utils.is_grade(cell):
            score, max_score = utils.determine_grade(cell, _LOG)
            score = score or 0.0  # None: a manually graded answer, worth nothing here
            grade_id = cell.metadata.nbgrader["grade_id"]
            failure = None if score == max_score and not _errors(cell) else _failure(cell)
            grading.cells.append(CellGrade(grade_id, exercise_of(grade_id, names), score, max_score, failure))
    if grading.visible_only:  # a test cell whose tests were all hidden tests nothing here
        tests = [cell for cell in graded.cells if utils.is_grade(cell)]
        empty = {cell.metadata.nbgrader["grade_id"] for cell in tests if _tests_nothing(cell)}
        grading.hidden_points = sum(cell.max_score for cell in grading.cells if cell.grade_id in empty)
        grading.cells = [cell for cell in grading.cells if cell.grade_id not in empty]
    return grading
