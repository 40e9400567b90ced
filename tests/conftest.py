"""Fixtures shared by the grading tests; what they are made of is in helpers.py."""

import shutil
from pathlib import Path

import nbformat
import pytest

from constructeur.cli import nbgrader_programs_on_path
from helpers import ROOT, generate_exercises, tiny_source


@pytest.fixture(scope="session", autouse=True)
def _nbgrader_programs():
    """nbgrader's programs (``alembic``) on PATH for the whole session, as ``constructeur``
    sets them when it starts."""
    nbgrader_programs_on_path()


@pytest.fixture(scope="session")
def tiny_course(tmp_path_factory):
    """A course with one quick assignment, ``tiny``, and its generated learner notebook."""
    root = tmp_path_factory.mktemp("tiny-course")
    shutil.copy(ROOT / "nbgrader_config.py", root)
    (root / "solutions" / "tiny").mkdir(parents=True)
    nbformat.write(tiny_source(), root / "solutions" / "tiny" / "tiny.ipynb")
    generate_exercises(root)
    return root


@pytest.fixture
def learner(tiny_course, tmp_path):
    """Where a learner's copy of the tiny notebook goes (a folder of its own, in the course)."""
    folder = Path(tiny_course) / "learner" / tmp_path.name
    folder.mkdir(parents=True)
    return folder / "tiny.ipynb"


def pytest_terminal_summary(terminalreporter):
    """How many variants of the graders ran (tests/grading/kernels/test_graders.py)."""
    runs = [
        dict(report.user_properties)["variant"]
        for key in ("passed", "failed")
        for report in terminalreporter.stats.get(key, [])
        if report.when == "call" and "variant" in dict(report.user_properties)
    ]
    if runs:
        kinds = [kind for kind, _ in runs]
        terminalreporter.write_line(
            f"graders: {len({a for _, a in runs})} assignments, "
            f"{kinds.count('wrong')} wrong and {kinds.count('right')} right variants run"
        )


def pytest_ignore_collect(collection_path):
    """conftest files hold fixtures and hooks, not doctests: ``--doctest-modules`` would
    import each one as a module named ``conftest``, which clashes between the wings' folders."""
    return collection_path.name == "conftest.py" or None
