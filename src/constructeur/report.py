"""The French score table that ``constructeur check`` prints for one graded notebook."""

HEADERS = ("Exercice", "Points", "Statut", "Premier échec")


def points(score, max_score):
    """``3/4``, ``1.5/2``: a score out of its maximum, without useless decimals.

    Example:
        >>> points(3.0, 4.0), points(1.5, 2)
        ('3/4', '1.5/2')
    """
    return f"{score:g}/{max_score:g}"


def status(score, max_score):
    """The status word: réussi with every point, échoué with none, partiel in between.

    Example:
        >>> status(2, 2), status(0, 2), status(0.5, 2)
        ('réussi', 'échoué', 'partiel')
    """
    if score == max_score:
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
        (name, points(score, max_score), status(score, max_score), failure or "")
        for name, (score, max_score, failure) in totals.items()
    ]


def render(grading):
    """The report of one notebook: its notes, the table, the total."""
    lines = [f"Carnet {grading.notebook} (devoir «\u00a0{grading.assignment}\u00a0»)"]
    if grading.unsandboxed:
        lines[0] += " — sans bac à sable"
        lines.append(f"⚠ Noté sans bac à sable\u00a0: {grading.unsandboxed}")
    lines += [f"⚠ {note}" for note in grading.notes]
    rows = [HEADERS, *exercise_rows(grading)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS) - 1)]
    for row in rows:
        cells = [text.ljust(width) for text, width in zip(row, widths)] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    lines.append(f"Total\u00a0: {points(grading.score, grading.max_score)}")
    return "\n".join(lines)
