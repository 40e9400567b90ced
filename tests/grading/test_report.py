"""The check's terminal report, from result objects (no kernel): flags, reading hints,
visible-only gradings, failed 0-point cells; and test cells whose tests were all hidden."""

from pathlib import Path

import nbformat
import pytest

from constructeur.grading.notebooks import tests_nothing as _tests_nothing
from constructeur.grading.reading import BUILT
from constructeur.grading.report import render
from constructeur.grading.results import CellGrade, Finding, Grading, Kind

VISIBLE = "tests visibles seulement\u00a0: la note finale comprend aussi des tests cachés"


def test_render_flags_hints_and_visible_only(tmp_path):
    page = tmp_path / BUILT / "book" / "model-construction.html"
    page.parent.mkdir(parents=True)
    page.touch()
    grading = Grading(
        Path("blocks.ipynb"),
        "blocks",
        cells=[
            CellGrade("test_MySequential", "MySequential", 0, 2, "AssertionError\u00a0: non"),
            CellGrade("test_HalfFourier", "HalfFourier", 1, 1),
        ],
        findings=[Finding(Kind.FLAG, reason="cellule n°\u00a03 — modifie «\u00a0torch.allclose\u00a0»")],
        visible_only=True,
        hidden_points=9,
        course_root=tmp_path,
    )
    assert render(grading).splitlines() == [
        "Carnet blocks.ipynb (devoir «\u00a0blocks\u00a0») — tests visibles seulement — à examiner",
        "ⓘ Tests visibles seulement\u00a0: le cours n'a pas ses sources (solutions et tests cachés)\u202f; "
        "ce carnet est noté avec les tests qu'il contient. "
        "Les cellules de tests cachés (9\u00a0points) ne sont pas comptées ici.",
        "⚑ À examiner\u00a0: cellule n°\u00a03 — modifie «\u00a0torch.allclose\u00a0»",
        "Exercice      Points  Statut  Premier échec",
        "MySequential  0/2     échoué  AssertionError\u00a0: non",
        f"    À relire\u00a0: Couches et modules, «\u00a0Réécrire nn.Sequential\u00a0» — "
        f"{page}#reecrire-nn-sequential",
        "HalfFourier   1/1     réussi",
        f"Total\u00a0: 1/3 ({VISIBLE})",
    ]


@pytest.mark.parametrize(
    "source, empty",
    [("# Tests cachés : ils s'ajoutent lors de la notation.\n", True), ("", True), ("assert True", False),
     ("%time assert f(1)", False)],
)
def test_test_cells_whose_tests_were_all_hidden(source, empty):
    assert _tests_nothing(nbformat.v4.new_code_cell(source)) is empty


def test_a_failing_zero_point_cell_is_reported_failed():
    """The final environment cell is worth 0 points; when it fails, the report says so."""
    failure = "AssertionError\u00a0: l'environnement de correction a été modifié"
    grading = Grading(Path("x.ipynb"), "x", cells=[CellGrade("test_environment", "test_environment", 0, 0, failure)])
    assert f"test_environment  0/0     échoué  {failure}" in render(grading).splitlines()
