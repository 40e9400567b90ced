"""Repair a submitted notebook's common accidents before nbgrader sanitizes it, or reject it.

Learners lose or damage nbgrader's metadata in ordinary ways: answers pasted into a new
notebook, a cell duplicated in Jupyter, metadata edited by hand (wrong types, a
``schema_version`` nbgrader does not know, a test cell marked ``solution``). nbgrader
crashes on these, or grades the copy 0. ``repair`` gives each cell of the released
notebook back its metadata, matching the learner's cells to it by ``grade_id``, by content
(locked and test cells) and by position and defined name (answer cells), and puts back,
from the released notebook, the cells it cannot find. Nothing is guessed beyond that: a
notebook in which no cell of the released one can be found is rejected (``Rejected``) with
a French reason. Each repair is a ``Finding`` (data, rendered by ``french``).

``RepairSubmission`` runs it as the first of nbgrader's sanitize preprocessors, with the
released notebook rebuilt from the gradebook, then reviews the repaired copy (``review``)
and keeps every finding in the notebook's metadata, so ``nbgrader autograde``, ``constructeur
grade`` and ``constructeur check`` repair and review alike, once. A copy it rejects is
recorded in ``REJECTED`` for the grader running nbgrader in this process.
"""

import ast
import copy

import nbformat
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import Dict

from .errors import NotGradable
from .results import Finding, Kind, store_findings
from .review import review

FLAGS = ("grade_id", "grade", "solution", "locked", "task", "points", "schema_version")


class Rejected(NotGradable):
    """A submission that cannot be graded; the message (French) says why."""


def _grade_id(cell):
    meta = cell.metadata.get("nbgrader")
    if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str):
        return meta["grade_id"]
    return None


def _defines(source, name):
    """Whether code ``source`` defines ``name`` at its top level (def, class, assignment)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return any(line.lstrip().startswith((f"def {name}", f"class {name}", f"{name} =")) for line in source.splitlines())
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(isinstance(target, ast.Name) and target.id == name for target in targets):
            return True
    return False


def _keep_known_metadata(learner, known, notes):
    """Strip nbgrader metadata that is unreadable, unknown or duplicated; the cell index
    of each known grade_id."""
    found = {}
    for index, cell in enumerate(learner.cells):
        if "nbgrader" not in cell.metadata:
            continue
        grade_id = _grade_id(cell)
        if grade_id in found:
            notes.append(Finding(Kind.DUPLICATE_CELL, cell=grade_id, index=index))
        elif grade_id not in known:
            notes.append(Finding(Kind.UNKNOWN_METADATA, index=index))
        else:
            found[grade_id] = index
            continue
        del cell.metadata["nbgrader"]
    return found


def _find_lost(learner, reference, found):
    """Match cells that lost their metadata to the released cells not found yet."""
    order = [_grade_id(cell) for cell in reference.cells]

    def free(index):
        return "nbgrader" not in learner.cells[index].metadata

    for position, ref in enumerate(reference.cells):
        grade_id = order[position]
        if grade_id in found:
            continue
        if utils.is_locked(ref):  # unchanged content: the same source
            same = [
                i for i, cell in enumerate(learner.cells)
                if free(i) and cell.cell_type == ref.cell_type and cell.source.strip() == ref.source.strip()
            ]
        else:  # an answer: between its matched neighbours, and defining its name if code
            before = [found[g] for g in order[:position] if g in found]
            after = [found[g] for g in order[position + 1:] if g in found]
            low, high = (max(before) if before else -1), (min(after) if after else len(learner.cells))
            between = [i for i in range(low + 1, high) if free(i) and learner.cells[i].cell_type == ref.cell_type]
            same = [i for i in between if ref.cell_type != "code" or _defines(learner.cells[i].source, grade_id)]
            if not same and len(between) == 1 and before and after:  # the one cell of its slot
                same = between
        if same:
            found[grade_id] = same[0]
            learner.cells[same[0]].metadata["nbgrader"] = {}


def grade_ids(nb):
    """The grade_ids a notebook's cells carry."""
    return {grade_id for grade_id in map(_grade_id, nb.cells) if grade_id}


def _owner(learner, others):
    """The other assignment whose cells ``learner`` carries, if it carries none of its own."""
    carried = grade_ids(learner)
    owner = max(others, key=lambda name: len(carried & others[name]), default=None)
    return owner if owner is not None and carried & others[owner] else None


def repair(learner, reference, others=None):
    """The learner's notebook repaired against the released one, and its repairs (Findings).

    Args:
        learner: the submitted notebook (not modified).
        reference: the released notebook (its nbgrader cells give the metadata).
        others: the grade_ids of the course's other assignments, by name, to say whose
            notebook a rejected one is.

    Raises:
        Rejected: when no cell of the released notebook can be found in ``learner``.
    """
    nb, notes = copy.deepcopy(learner), []
    known = {_grade_id(cell): cell for cell in reference.cells if _grade_id(cell)}
    owner = None if grade_ids(learner) & known.keys() else _owner(learner, others or {})
    if owner is not None:
        raise Rejected(
            f"ce carnet est celui du devoir «\u00a0{owner}\u00a0», rendu sous le nom d'un autre devoir\u202f: "
            "rendez-le sous son propre nom."
        )
    reference = nbformat.from_dict({**reference, "cells": list(known.values())})
    found = _keep_known_metadata(nb, known, notes)
    by_metadata = len(found)
    _find_lost(nb, reference, found)
    if not found:
        raise Rejected(
            "aucune cellule du carnet distribué ne s'y trouve (ni par ses métadonnées, ni par son contenu)\u202f: "
            "est-ce bien le carnet de ce devoir\u00a0? Repartez du carnet distribué et recopiez-y vos réponses."
        )
    if len(found) > by_metadata:
        notes.append(Finding(Kind.LOST_METADATA, count=len(found) - by_metadata))
    for grade_id, ref in known.items():
        if grade_id in found:
            meta = nb.cells[found[grade_id]].metadata["nbgrader"]
            expected = {key: ref.metadata.nbgrader[key] for key in FLAGS if key in ref.metadata.nbgrader}
            if meta and any(meta.get(key) != value for key, value in expected.items()):
                notes.append(Finding(Kind.METADATA_RESTORED, cell=grade_id))
            for key in FLAGS:
                meta.pop(key, None)
            meta.update(expected)
    position = 0
    for grade_id, ref in known.items():
        if grade_id in found:
            position = found[grade_id] + 1
            continue
        nb.cells.insert(position, copy.deepcopy(ref))
        found = {g: i + (i >= position) for g, i in found.items()}
        found[grade_id], position = position, position + 1
        notes.append(Finding(Kind.CELL_RESTORED, cell=grade_id))
    return nb, notes


def released_from_gradebook(gradebook, notebook_id, assignment_id):
    """The nbgrader cells of the released notebook, rebuilt from the gradebook's source
    cells (in the notebook's order, as nbgrader keeps them) without the hidden tests."""
    notebook = gradebook.find_notebook(notebook_id, assignment_id)
    grades = {cell.name: cell.max_score for cell in notebook.grade_cells}
    solutions = {cell.name for cell in notebook.solution_cells}
    tasks = {cell.name for cell in notebook.task_cells}
    cells = []
    for source in notebook.source_cells:
        meta = {
            "grade_id": source.name,
            "grade": source.name in grades,
            "solution": source.name in solutions,
            "locked": source.locked,
            "schema_version": 3,
        }
        if source.name in grades:
            meta["points"] = grades[source.name]
        if source.name in tasks:
            meta["task"] = True
        new = nbformat.v4.new_code_cell if source.cell_type == "code" else nbformat.v4.new_markdown_cell
        cells.append(new(source.source, metadata={"nbgrader": meta}))
    nb = nbformat.v4.new_notebook(cells=cells)
    return ClearHiddenTests(enforce_metadata=False).preprocess(nb, {})[0]


# (assignment, student) -> why RepairSubmission rejected that copy, for a grader that runs
# nbgrader in this process (nbgrader reports a failed copy only in its log).
REJECTED: dict[tuple[str, str], Rejected] = {}


class RepairSubmission(NbGraderPreprocessor):
    """nbgrader preprocessor: ``repair`` against the released notebook from the gradebook,
    then ``review``; the findings go into the notebook's metadata."""

    other_assignments = Dict(
        config=True,
        help="The grade_ids of the course's other assignments, by name (default: those of the gradebook), "
        "to say whose notebook a rejected copy is.",
    )

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            reference = released_from_gradebook(gradebook, info["notebook"], info["assignment"])
            source = gradebook.find_notebook(info["notebook"], info["assignment"])
            originals = {cell.name: cell.source for cell in source.source_cells}
            restored = {cell.name for cell in source.source_cells if cell.locked}
            graded = [cell.name for cell in source.solution_cells]
            others = self.other_assignments or {
                assignment.name: {cell.name for notebook in assignment.notebooks for cell in notebook.source_cells}
                for assignment in gradebook.assignments
                if assignment.name != info["assignment"]
            }
        try:
            nb, repairs = repair(nb, reference, others)
        except Rejected as rejection:
            REJECTED[info["assignment"], info["student"]] = rejection
            raise
        store_findings(nb, repairs + review(nb, reference, originals, restored, graded))
        return nb, resources
