"""The report of a class's grading, in French: ``grades.csv`` and a self-contained HTML page.

The page shows the distribution of totals, the success rate of each exercise and test
cell (where the class struggles), the submissions not graded or to look at, and the
time grading took. Its charts are drawn by matplotlib and embedded; it loads nothing.
"""

import base64
import csv
import io
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .french import STATUS, describe, points
from .french import number as _number
from .learner_text import one_line, spreadsheet_cell
from .results import ClassGrading, Status


def _status(outcome):
    return STATUS[outcome.verdict]


def _review(outcome):
    return " ".join(describe(finding) for finding in outcome.to_review)


def _repairs(outcome):
    return " ".join(describe(finding) for finding in outcome.repairs)


def _graded(result):
    return [outcome for outcome in result.outcomes if outcome.status == Status.GRADED]


def success_rates(result: ClassGrading) -> list[tuple[str, str, float]]:
    """For each test cell, in notebook order: (exercise, test cell, share of graded
    submissions with every point of it)."""
    graded = _graded(result)
    rates = []
    for test, exercise in result.tests.items():
        full = sum(1 for outcome in graded if any(c.grade_id == test and c.failure is None for c in outcome.cells))
        rates.append((exercise, test, full / len(graded) if graded else 0.0))
    return rates


def summary(result: ClassGrading) -> str:
    """The text the command prints: a line per submission, then the totals."""
    lines = [f"Devoir «\u00a0{result.assignment}\u00a0» — {len(result.outcomes)} copie(s)"]
    for outcome in result.outcomes:
        if outcome.status == Status.NOT_GRADED:
            lines.append(f"  {outcome.student}\u00a0: {_status(outcome)} — {outcome.reason}")
        else:
            line = f"  {outcome.student}\u00a0: {points(outcome.score, outcome.max_score)}"
            if outcome.to_review:
                line += f" — {_status(outcome)}\u00a0: " + _review(outcome)
            lines.append(line)
    counts = {status: sum(1 for o in result.outcomes if o.verdict == status) for status in Status}
    lines.append(
        f"Notées\u00a0: {counts[Status.GRADED] + counts[Status.TO_REVIEW]} (dont {counts[Status.TO_REVIEW]} à examiner), "
        f"non notées\u00a0: {counts[Status.NOT_GRADED]}\u202f; durée\u00a0: {_number(round(result.seconds, 1))}\u00a0s "
        f"avec {result.workers} processus."
    )
    return "\n".join(one_line(line) for line in lines)  # learner text stays on its line


def all_graded(result: ClassGrading) -> bool:
    """Whether every submission was graded (the command's exit code says so)."""
    return all(outcome.status == Status.GRADED for outcome in result.outcomes)


def overall(results: list[ClassGrading]) -> str:
    """The one summary line of several assignments graded in one run."""
    outcomes = [outcome for result in results for outcome in result.outcomes]
    not_graded = sum(outcome.status == Status.NOT_GRADED for outcome in outcomes)
    seconds = sum(result.seconds for result in results)
    return (
        f"En tout\u00a0: {len(results)} devoirs, {len(outcomes)} copie(s), {len(outcomes) - not_graded} notée(s), "
        f"{not_graded} non notée(s)\u202f; durée\u00a0: {_number(round(seconds, 1))}\u00a0s."
    )


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


_PAGES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates" / "class_report"),
    autoescape=True,
    finalize=one_line,  # every value the page shows stays on its line, without control characters
    keep_trailing_newline=True,
)
_PAGES.filters["number"] = _number


def render_html(result: ClassGrading) -> str:
    """The report page (a string), from the ``class_report`` template."""
    rates = success_rates(result)
    graded = _graded(result)
    exercises = {}
    for exercise, _, rate in rates:
        exercises.setdefault(exercise, []).append(rate)
    return _PAGES.get_template("index.html.j2").render(
        result=result,
        graded=graded,
        mean=_number(round(sum(o.score for o in graded) / len(graded), 2)) if graded else "—",
        exercises=[(name, round(100 * sum(r) / len(r))) for name, r in exercises.items()],
        histogram=_histogram(result),
        rates_chart=_rates_chart(rates),
        attention=[
            {"student": o.student, "status": _status(o), "reason": o.reason or _review(o)}
            for o in result.outcomes
            if o.verdict != Status.GRADED
        ],
        students=[
            {
                "student": o.student,
                "score": points(o.score, o.max_score) if o.status == Status.GRADED else "—",
                "status": _status(o),
                "repairs": _repairs(o),
            }
            for o in result.outcomes
        ],
    )


def write_report(result: ClassGrading, folder: Path) -> Path:
    """Write ``grades.csv`` and ``index.html`` into ``folder``; the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "grades.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["eleve", "note", "sur", "statut", "raison", "a_examiner", "reparations"])
        for o in result.outcomes:
            graded = o.status == Status.GRADED
            row = [o.student, _number(o.score) if graded else "", _number(o.max_score) if graded else "",
                   _status(o), o.reason or "", _review(o), _repairs(o)]
            writer.writerow([spreadsheet_cell(cell) for cell in row])
    (folder / "index.html").write_text(render_html(result), encoding="utf-8")
    return folder
