"""Every sentence of every statement is a tested rule (no kernel).

A sentence that states a rule (tests/variants/statements.py says which) carries an
identifier; every identifier has its rows in tests/variants/rules.py; every row names a test
cell of its exercise and a wrong variant of tests/variants/<assignment>.py. That the variant
really loses points in that cell is what tests/grading/kernels/test_graders.py checks, in a kernel.
"""

import importlib

import nbformat
import pytest
from nbgrader import utils

from constructeur.grading.notebooks import exercise_of
from helpers import ROOT
from variants.rules import RULES
from variants.statements import sentences

ASSIGNMENTS = sorted(p.parent.name for p in ROOT.glob("solutions/*/*.ipynb") if p.stem == p.parent.name)


def _notebook(assignment):
    return ROOT / "solutions" / assignment / f"{assignment}.ipynb"


def _wrong(assignment):
    """{name: {description: source}} of the WRONG variants and RULE_BREAKERS of ``assignment``."""
    if not (ROOT / "tests" / "variants" / f"{assignment}.py").is_file():
        return {}
    module = importlib.import_module(f"variants.{assignment}")
    wrong = {name: dict(sources) for name, sources in module.WRONG.items()}
    for name, sources in getattr(module, "RULE_BREAKERS", {}).items():
        wrong.setdefault(name, {}).update(sources)
    return wrong


def _identified(assignment):
    """{identifier: names of the exercise whose statement holds its sentence}."""
    found = {}
    for sentence in sentences(_notebook(assignment)):
        for identifier in sentence.identifiers:
            assert identifier not in found, f"{assignment} : l'identifiant « {identifier} » marque deux phrases"
            found[identifier] = sentence.names
    return found


def coverage(assignment):
    """The counts of the rule coverage of ``assignment``: sentences, rule-stating sentences,
    identifiers, rows of the rule table, wrong variants those rows name."""
    found = sentences(_notebook(assignment))
    rows = [(name, *row) for name, entries in RULES.get(assignment, {}).items() for row in entries]
    return {
        "phrases": len(found),
        "phrases porteuses de règles": sum(s.states_rule for s in found),
        "identifiants": sum(len(s.identifiers) for s in found),
        "règles": len(rows),
        "variantes fausses citées": len({(row[0], row[-1]) for row in rows}),
    }


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_sentence_that_states_a_rule_has_an_identifier(assignment, record_property):
    record_property("couverture", coverage(assignment))
    missing = [s.text for s in sentences(_notebook(assignment)) if s.states_rule and not s.identifiers]
    assert not missing, (
        f"{assignment} : ces phrases énoncent une règle mais ne portent pas d'identifiant "
        "(<!-- règle nom.regle --> après la phrase) : " + " | ".join(missing)
    )
    doubled = [s.text for s in sentences(_notebook(assignment)) if len(s.identifiers) > 1]
    assert not doubled, f"{assignment} : une phrase porte un seul identifiant, or celles-ci en ont plusieurs : {doubled}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_identifier_has_rules(assignment):
    rules = RULES.get(assignment, {})
    for identifier, names in _identified(assignment).items():
        cited = [name for name in names if any(row[0] == identifier for row in rules.get(name, []))]
        assert cited, (
            f"{assignment} : la phrase « {identifier} » n'a aucune règle dans tests/variants/rules.py "
            f"(parmi celles de {', '.join(names)})"
        )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_rule_has_a_sentence_a_test_cell_and_a_wrong_variant(assignment):
    cells = nbformat.read(_notebook(assignment), as_version=4).cells
    names = {c.metadata.nbgrader["grade_id"] for c in cells if utils.is_solution(c)}
    tests = {c.metadata.nbgrader["grade_id"] for c in cells if utils.is_grade(c)}
    identified, wrong = _identified(assignment), _wrong(assignment)
    rules = RULES.get(assignment, {})
    assert set(rules) == names, f"{assignment} : noms sans règles ou inconnus : {sorted(set(rules) ^ names)}"
    for name, entries in rules.items():
        for identifier, rule, cell, variant in entries:
            where = f"{assignment}, {name}, « {rule} »"
            assert name in identified.get(identifier, ()), (
                f"{where} : aucune phrase de l'énoncé de {name} ne porte l'identifiant « {identifier} »"
            )
            assert cell in tests and exercise_of(cell, names) == name, f"{where} : {cell} n'est pas une cellule de test de {name}"
            assert variant in wrong.get(name, {}), f"{where} : la variante fausse « {variant} » n'existe pas"
