"""The French words of grading results: numbers, sizes, statuses, findings and what the
grading met in a cell, each rendered one way, for the terminal table, ``grades.csv``, the
HTML report, the graded notebook and the feedback."""

from .outputs import Event
from .results import Finding, Kind, Status

STATUS = {Status.GRADED: "noté", Status.TO_REVIEW: "à examiner", Status.NOT_GRADED: "non noté"}


def number(value: float) -> str:
    """``1,5``: a number the French way, without useless decimals.

    Example:
        >>> number(1.5), number(3.0), number(0.25)
        ('1,5', '3', '0,25')
    """
    return f"{value:g}".replace(".", ",")


def points(score: float, max_score: float) -> str:
    """``3/4``, ``1,5/2``: a score out of its maximum.

    Example:
        >>> points(3.0, 4.0), points(1.5, 2)
        ('3/4', '1,5/2')
    """
    return f"{number(score)}/{number(max_score)}"


def size(nbytes: int) -> str:
    """``4 Gio``, ``2,3 Mio``: a size in French binary units.

    Example:
        >>> size(4 * 2**30), size(int(2.3 * 2**20)), size(12)
        ('4\\xa0Gio', '2,3\\xa0Mio', '12\\xa0o')
    """
    for unit, scale in (("Gio", 2**30), ("Mio", 2**20), ("Kio", 2**10)):
        if nbytes >= scale:
            return f"{number(float(f'{nbytes / scale:.3g}'))}\u00a0{unit}"
    return f"{nbytes}\u00a0o"


def cell_name(finding: Finding) -> str:
    """« grade_id » for a cell that has one, else its number (« n° 3 »)."""
    return f"«\u00a0{finding.cell}\u00a0»" if finding.cell else f"n°\u00a0{finding.index + 1}"


def describe(finding: Finding) -> str:
    """One French sentence for a finding."""
    cell = cell_name(finding) if finding.cell or finding.index is not None else ""
    kind = "de test" if finding.test else "verrouillée"
    sentences = {
        Kind.DUPLICATE_CELL: lambda: f"la cellule n°\u00a0{finding.index + 1} est une copie de la cellule «\u00a0{finding.cell}\u00a0»"
        "\u202f; elle est exécutée comme une cellule ordinaire et seule la première est notée.",
        Kind.UNKNOWN_METADATA: lambda: f"la cellule {cell} portait des métadonnées nbgrader illisibles ou inconnues, retirées.",
        Kind.LOST_METADATA: lambda: f"{finding.count} cellule(s) avaient perdu leurs métadonnées nbgrader\u202f; "
        "elles ont été retrouvées d'après le carnet distribué.",
        Kind.METADATA_RESTORED: lambda: f"les métadonnées nbgrader de la cellule {cell} ont été rétablies.",
        Kind.CELL_RESTORED: lambda: f"la cellule {cell} manquait\u202f; elle a été remise depuis le carnet distribué.",
        Kind.LOCKED_CELL_EDITED: lambda: f"La cellule {kind} {cell} a été modifiée\u00a0: "
        "c'est sa version d'origine qui a servi à la correction.",
        Kind.EDITED_WITHOUT_SOURCE: lambda: f"La cellule {kind} {cell} a été modifiée et le cours n'a pas ses sources "
        "pour la rétablir\u00a0: elle a servi telle quelle, la correction de l'enseignant utilisera l'originale.",
        Kind.FLAG: lambda: finding.reason,
    }
    return sentences[finding.kind]()


def repair_note(finding: Finding) -> str:
    """A repair, as the reports list it."""
    return f"Copie réparée\u00a0: {describe(finding)}"


def event_reason(event: dict) -> str:
    """Why a cell could not run or finish, or what limit it met, for an event (data)."""
    kind, limit = event["event"], event.get("limit")
    sentences = {
        Event.KERNEL_DIED: lambda: "le noyau Python s'est arrêté (le carnet quitte-t-il Python, avec exit() ou os._exit\u00a0?)",
        Event.MEMORY: lambda: f"le noyau a dépassé la limite de mémoire ({size(limit)}) et a été arrêté",
        Event.PROCESSES: lambda: f"le carnet a atteint la limite de {limit} processus et fils d'exécution",
        Event.BUDGET: lambda: f"le carnet a dépassé son temps total d'exécution ({limit}\u00a0s)",
        Event.NOT_RUN: lambda: f"cellule non exécutée\u00a0: {event_reason({**event, 'event': Event(event['cause'])})}",
        Event.UNFINISHED: lambda: "la cellule ne s'est pas terminée proprement\u00a0: elle a dépassé son délai sans "
        "s'arrêter quand elle a été interrompue, ou sa sortie était trop volumineuse pour être reçue",
        Event.TRUNCATED: lambda: f"sortie tronquée\u00a0: cette cellule a produit plus de {size(limit)}, le reste est ignoré",
        Event.NO_ANSWER: lambda: "le noyau n'a pas renvoyé une réponse, et une seule, au test",
        Event.UNREADABLE_ANSWER: lambda: "la réponse du noyau n'est pas faite de données lisibles",
        Event.INCONCLUSIVE_ANSWER: lambda: f"la réponse du noyau ne permet pas de conclure ({event.get('error')})",
    }
    return sentences[kind]()


def event_text(event: dict) -> str:
    """The sentence that tells an event, as the graded cell and the check's notes show it."""
    reason = event_reason(event)
    if event["event"] in (Event.KERNEL_DIED, Event.MEMORY, Event.BUDGET) and event.get("stopped", True):
        return f"{reason}, pendant cette cellule."
    return f"{reason}." if event["event"] not in (Event.TRUNCATED, Event.NO_ANSWER, Event.UNREADABLE_ANSWER, Event.INCONCLUSIVE_ANSWER) else reason
