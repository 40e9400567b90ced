"""The review of a repaired copy, before nbgrader puts its locked cells back: which locked
cells the learner edited, and which code a human should look at (``flags``). Findings only;
a review never changes a grade."""

from nbgrader import utils

from .flags import grade_id, notebook_flags
from .results import Finding, Kind


def tampering(released, originals: dict[str, str], learner) -> list[Finding]:
    """The locked cells of the released notebook that the (repaired) learner's notebook
    changed. A locked cell is intact when its source is the released one, or the one of
    the source notebook (``originals``: grade_id -> source)."""
    found = {grade_id(cell): cell for cell in learner.cells if grade_id(cell)}
    edited = []
    for cell in released.cells:
        name = grade_id(cell)
        if not utils.is_locked(cell) or name not in found:
            continue
        if found[name].source.strip() not in (cell.source.strip(), originals[name].strip()):
            edited.append(Finding(Kind.LOCKED_CELL_EDITED, cell=name, test=utils.is_grade(cell)))
    return edited


def edited_released(released) -> list[Finding]:
    """The locked cells of a released notebook whose code no longer has the checksum
    nbgrader gave it: in a course without its sources, the only trace of an edited test."""
    return [
        Finding(Kind.EDITED_WITHOUT_SOURCE, cell=grade_id(cell), test=utils.is_grade(cell))
        for cell in released.cells
        if utils.is_locked(cell) and utils.compute_checksum(cell) != cell.metadata.nbgrader.get("checksum")
    ]


def review(learner, released, originals: dict[str, str], restored: set[str], graded: list[str]) -> list[Finding]:
    """The findings on a repaired copy: its edited locked cells, then its flags.

    Args:
        learner: the repaired copy, before nbgrader restores its locked cells.
        released: the released notebook it was repaired against.
        originals: grade_id -> source of the source notebook's cells.
        restored: grade_ids of the cells nbgrader puts back (locked and test cells).
        graded: the names of the graded answers.
    """
    flags = [Finding(Kind.FLAG, reason=str(flag)) for flag in notebook_flags(learner, restored, graded)]
    return tampering(released, originals, learner) + flags
