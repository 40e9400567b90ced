"""exercises/ is exactly what ``nbgrader generate_assignment`` makes from solutions/."""

from pathlib import Path

import nbformat

from constructeur.grading.course import Course
from helpers import ROOT, copy_course, generate_exercises


def _cells(path):
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in nb.cells]


def test_exercises_are_generated_from_solutions(tmp_path):
    assignments = Course(ROOT).assignments()
    copy_course(tmp_path, assignments)
    generate_exercises(tmp_path)
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.glob("exercises/*/*.ipynb"))
    committed = sorted(p.relative_to(ROOT) for p in ROOT.glob("exercises/*/*.ipynb"))
    assert generated == committed == [Path("exercises", a, f"{a}.ipynb") for a in assignments]
    for path in committed:
        assert _cells(tmp_path / path) == _cells(ROOT / path), (
            f"{path} ne correspond plus à solutions/ : relancez "
            f"« nbgrader generate_assignment {path.parent.name} --force --no-db »"
        )
