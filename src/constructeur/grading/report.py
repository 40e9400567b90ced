"""The French score table that ``constructeur check`` prints for one graded notebook."""

from .learner_text import one_line
from .french import describe, number, points, repair_note
from .reading import explain, reread
from .results import Grading

HEADERS = ("Exercice", "Points", "Statut", "Premier échec")
VISIBLE_ONLY = "tests visibles seulement\u00a0: la note finale comprend aussi des tests cachés"


def status(score, max_score, failure=None):
    """The status word: réussi with every point and no failure (a 0-point cell can fail),
    échoué with no point, partiel in between.

    Example:
        >>> status(2, 2), status(0, 2), status(0.5, 2), status(0, 0, "AssertionError")
        ('réussi', 'échoué', 'partiel', 'échoué')
    """
    if score == max_score and failure is None:
        return "réussi"
    return "échoué" if score == 0 else "partiel"


def exercise_rows(grading):
    """One row per exercise, in notebook order: its test cells' points added up and the
    failure message of its first test cell that lost points."""
    totals = {}
    for cell in grading.cells:
        score, max_score, failure = totals.get(cell.exercise, (0.0, 0.0, None))
        totals[cell.exercise] = (score + cell.score, max_score + cell.max_score, failure or cell.failure)
    return [
        (name, points(score, max_score), status(score, max_score, failure), failure or "")
        for name, (score, max_score, failure) in totals.items()
    ]


def render(grading: Grading) -> str:
    """The report of one notebook: its notes and flags, the table (with what to reread
    under each exercise that lost points), the total."""
    lines = [f"Carnet {grading.notebook} (devoir «\u00a0{grading.assignment}\u00a0»)"]
    if grading.unsandboxed:
        lines[0] += " — sans bac à sable"
        lines.append(f"⚠ Noté sans bac à sable\u00a0: {grading.unsandboxed}")
    if grading.visible_only:
        lines[0] += " — tests visibles seulement"
        note = (
            "ⓘ Tests visibles seulement\u00a0: le cours n'a pas ses sources (solutions et tests cachés)"
            "\u202f; ce carnet est noté avec les tests qu'il contient."
        )
        if grading.hidden_points:
            note += f" Les cellules de tests cachés ({number(grading.hidden_points)}\u00a0points) ne sont pas comptées ici."
        lines.append(note)
    if grading.to_review:
        lines[0] += " — à examiner"
    lines += [f"⚑ À examiner\u00a0: {describe(finding)}" for finding in grading.to_review]
    lines += [f"⚠ {repair_note(finding)}" for finding in grading.repairs]
    lines += [f"⚠ {note}" for note in grading.notes]
    rows = [HEADERS, *exercise_rows(grading)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS) - 1)]
    for row in rows:
        cells = [text.ljust(width) for text, width in zip(row, widths)] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
        if row is not HEADERS and row[2] != "réussi":
            hints = [reread(row[0], grading.course_root), explain(row[3], grading.course_root)]
            lines += [f"    {hint}" for hint in hints if hint]
    total = f"Total\u00a0: {points(grading.score, grading.max_score)}"
    lines.append(f"{total} ({VISIBLE_ONLY})" if grading.visible_only else total)
    return "\n".join(one_line(line) for line in lines)  # learner text stays on its line
