"""What a graded notebook says: each test cell's grade (``cell_grades``, the one reading
that the check and the class grading share), why it lost points, in French, and what the
execution met elsewhere (the grading's events, read as data from the cells' metadata;
interrupted cells, syntax errors and errors outside test cells, from the kernel's outputs)."""

import logging

from nbgrader import utils
from nbgrader.preprocessors import Execute

from .french import event_text
from .notebooks import exercise_of
from .outputs import STOPPED, Event, events, stops
from .results import CellGrade

_LOG = logging.getLogger(__name__)  # determine_grade's warnings (an unreadable partial grade)

SYNTAX_ERRORS = {"SyntaxError", "IndentationError", "TabError"}
TIMEOUT_ERROR = Execute.class_traits()["error_on_timeout"].make_dynamic_default()["ename"]


def _label(cell, index):
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    return f"«\u00a0{grade_id}\u00a0»" if grade_id else f"n°\u00a0{index + 1}"


def errors(cell):
    return [output for output in cell.get("outputs", []) if output.output_type == "error"]


def _timed_out(cell):
    return any(output.ename == TIMEOUT_ERROR for output in errors(cell))


def error_notes(nb, timeout: int) -> list[str]:
    """French notes on interrupted cells, syntax errors, and errors outside test cells."""
    notes = []
    for index, cell in enumerate(nb.cells):
        met = events(cell)
        for event in met:
            if event["event"] == Event.TRUNCATED:
                notes.append(f"La cellule {_label(cell, index)} a produit trop de sortie\u00a0: la fin en a été ignorée.")
            elif not stops(event):
                notes.append(f"Cellule {_label(cell, index)}\u00a0: {event_text(event)}")
        stopped = [event for event in met if stops(event)]
        if stopped:
            notes.append(f"Cellule {_label(cell, index)}\u00a0: {event_text(stopped[0])}")
            continue
        if _timed_out(cell):  # its other error is the KeyboardInterrupt that stopped it
            notes.append(
                f"La cellule {_label(cell, index)} a dépassé le délai de {timeout}\u00a0s et a été "
                "interrompue (boucle sans fin\u00a0?)."
            )
            continue
        for output in errors(cell):
            if output.ename in SYNTAX_ERRORS:
                label = _label(cell, index)
                notes.append(f"Erreur de syntaxe dans la cellule {label}\u00a0: {output.evalue}.")
            elif not utils.is_grade(cell) and output.ename != "NotImplementedError":  # a stub left as is
                message = first_line(output.evalue)
                notes.append(f"La cellule {_label(cell, index)} a levé {output.ename}\u00a0: {message}")
    return notes


def first_line(text: str, width: int = 160) -> str:
    line = (text.strip().splitlines() or [""])[0]
    return line if len(line) <= width else line[: width - 1] + "…"


def failure_of(cell) -> str:
    """Why a test cell lost points, in one French line."""
    if _timed_out(cell):
        return "délai dépassé, cellule interrompue"
    stopped = [event for event in events(cell) if stops(event)]
    if stopped:
        return first_line(event_text(stopped[0]))
    for output in cell.outputs:
        if output.output_type == "error":
            if output.ename == STOPPED:  # a cell put back by a grading that kept no event
                return first_line(output.evalue)
            if output.ename == "NotImplementedError":
                return "pas encore fait (NotImplementedError)"
            message = first_line(output.evalue)
            return f"{output.ename}\u00a0: {message}" if message else output.ename
        if output.output_type == "stream" and output.name == "stderr":
            return f"sortie d'erreur\u00a0: {first_line(output.text)}"
    return "points partiels"



def cell_grades(nb) -> list[CellGrade]:
    """The grade of each test cell of a graded notebook, as ``determine_grade`` reads its
    outputs, with the exercise it checks and why it lost points."""
    names = [cell.metadata.nbgrader["grade_id"] for cell in nb.cells if utils.is_solution(cell)]
    grades = []
    for cell in nb.cells:
        if utils.is_grade(cell):
            score, max_score = utils.determine_grade(cell, _LOG)
            score = score or 0.0  # None: a manually graded answer, worth nothing here
            grade_id = cell.metadata.nbgrader["grade_id"]
            failure = None if score == max_score and not errors(cell) else failure_of(cell)
            grades.append(CellGrade(grade_id, exercise_of(grade_id, names), score, max_score, failure))
    return grades
