"""The report of a class's grading, in French: ``grades.csv`` and a self-contained HTML page.

The page shows the distribution of totals, the success rate of each exercise and test
cell (where the class struggles), the submissions not graded or to look at, and the
time grading took. Its charts are drawn by matplotlib and embedded; it loads nothing.
"""

import base64
import csv
import html
import io
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .class_grading import GRADED, NOT_GRADED
from .learner_text import one_line, spreadsheet_cell
from .report import points

TO_LOOK_AT = "à examiner"


def _number(value):
    """``1,5``: a number the French way, without useless decimals."""
    return f"{value:g}".replace(".", ",")


def _status(outcome):
    return TO_LOOK_AT if outcome.status == GRADED and outcome.flags else outcome.status


def _graded(result):
    return [outcome for outcome in result.outcomes if outcome.status == GRADED]


def success_rates(result):
    """For each test cell, in notebook order: (exercise, test cell, share of graded
    submissions with every point of it)."""
    graded = _graded(result)
    rates = []
    for test, exercise in result.tests.items():
        full = sum(1 for outcome in graded if outcome.cells.get(test, (0, 1))[0] == outcome.cells.get(test, (0, 1))[1])
        rates.append((exercise, test, full / len(graded) if graded else 0.0))
    return rates


def summary(result):
    """The text the command prints: a line per submission, then the totals."""
    lines = [f"Devoir «\u00a0{result.assignment}\u00a0» — {len(result.outcomes)} copie(s)"]
    for outcome in result.outcomes:
        if outcome.status == NOT_GRADED:
            lines.append(f"  {outcome.student}\u00a0: non noté — {outcome.reason}")
        else:
            line = f"  {outcome.student}\u00a0: {points(outcome.score, outcome.max_score)}"
            if outcome.flags:
                line += f" — {TO_LOOK_AT}\u00a0: " + " ".join(outcome.flags)
            lines.append(line)
    counts = {status: sum(1 for o in result.outcomes if _status(o) == status) for status in (GRADED, TO_LOOK_AT, NOT_GRADED)}
    lines.append(
        f"Notées\u00a0: {counts[GRADED] + counts[TO_LOOK_AT]} (dont {counts[TO_LOOK_AT]} à examiner), "
        f"non notées\u00a0: {counts[NOT_GRADED]}\u202f; durée\u00a0: {_number(round(result.seconds, 1))}\u00a0s "
        f"avec {result.workers} processus."
    )
    return "\n".join(one_line(line) for line in lines)  # learner text stays on its line


def _png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _histogram(result):
    graded = _graded(result)
    figure = Figure(figsize=(6, 3))
    axes = figure.add_subplot()
    maximum = max((o.max_score for o in graded), default=1) or 1
    axes.hist([o.score for o in graded], bins=[x - 0.5 for x in range(int(maximum) + 2)], color="#2a6f97", rwidth=0.85)
    axes.set_xlabel(f"Note (sur {_number(maximum)})")
    axes.set_ylabel("Copies")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: _number(value)))
    return _png(figure)


def _rates_chart(rates):
    figure = Figure(figsize=(7, 0.35 * len(rates) + 1))
    axes = figure.add_subplot()
    labels = [f"{exercise} · {test}" for exercise, test, _ in rates]
    axes.barh(labels, [100 * rate for *_, rate in rates], color="#c1666b")
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("Copies notées qui ont tous les points de la cellule (%)")
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{_number(value)}\u00a0%"))
    return _png(figure)


def _row(*cells, header=False):
    tag = "th" if header else "td"
    return "<tr>" + "".join(f"<{tag}>{html.escape(one_line(cell))}</{tag}>" for cell in cells) + "</tr>"


def render_html(result):
    """The report page (a string)."""
    rates = success_rates(result)
    graded = _graded(result)
    exercises = {}
    for exercise, _, rate in rates:
        exercises.setdefault(exercise, []).append(rate)
    attention = [o for o in result.outcomes if _status(o) != GRADED]
    total = sum(o.score for o in graded)
    mean = _number(round(total / len(graded), 2)) if graded else "—"
    rows_exercises = "".join(_row(name, f"{_number(round(100 * sum(r) / len(r)))}\u00a0%") for name, r in exercises.items())
    rows_attention = "".join(
        _row(o.student, _status(o), o.reason or " ".join(o.flags)) for o in attention
    ) or _row("—", "aucune", "")
    rows_students = "".join(
        _row(o.student, f"{_number(o.score)}/{_number(o.max_score)}" if o.status == GRADED else "—", _status(o), " ".join(o.notes))
        for o in result.outcomes
    )
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Correction du devoir {html.escape(result.assignment)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border: 1px solid #999; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }}
caption {{ text-align: left; font-weight: bold; padding: 0.3rem 0; }}
img {{ max-width: 100%; }}
</style>
</head>
<body>
<header><h1>Correction du devoir «\u00a0{html.escape(result.assignment)}\u00a0»</h1></header>
<main>
<p>{len(result.outcomes)} copie(s)\u00a0: {len(graded)} notée(s), {len(result.outcomes) - len(graded)} non notée(s)\u202f;
moyenne des copies notées\u00a0: {mean}\u202f; durée de la correction\u00a0: {_number(round(result.seconds, 1))}\u00a0s
avec {result.workers} processus.</p>
<h2>Répartition des notes</h2>
<img src="data:image/png;base64,{_histogram(result)}" alt="Histogramme des notes des copies notées.">
<h2>Où la classe bute</h2>
<table><caption>Réussite par exercice (part des cellules de test réussies)</caption>
{_row("Exercice", "Réussite", header=True)}{rows_exercises}</table>
<img src="data:image/png;base64,{_rates_chart(rates)}" alt="Part des copies notées qui réussissent chaque cellule de test, exercice par exercice.">
<h2>Copies non notées ou à examiner</h2>
<table><caption>Chacune avec sa raison</caption>
{_row("Élève", "Statut", "Raison", header=True)}{rows_attention}</table>
<h2>Toutes les copies</h2>
<table><caption>Note, statut et réparations faites avant la correction</caption>
{_row("Élève", "Note", "Statut", "Réparations", header=True)}{rows_students}</table>
</main>
</body>
</html>
"""


def write_report(result, folder):
    """Write ``grades.csv`` and ``index.html`` into ``folder``; the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "grades.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["eleve", "note", "sur", "statut", "raison", "a_examiner", "reparations"])
        for o in result.outcomes:
            graded = o.status == GRADED
            row = [o.student, f"{o.score:g}" if graded else "", f"{o.max_score:g}" if graded else "",
                   _status(o), o.reason or "", " ".join(o.flags), " ".join(o.notes)]
            writer.writerow([spreadsheet_cell(cell) for cell in row])
    (folder / "index.html").write_text(render_html(result), encoding="utf-8")
    return folder
