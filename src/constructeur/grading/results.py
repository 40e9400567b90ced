"""What grading finds, as data: the result types that the check and the class grading both
return, and that every report (terminal table, ``grades.csv``, HTML page) renders.

A ``Finding`` is one thing a human may want to know about a copy (a repair made before
grading, a locked cell the learner edited, code flagged for review): a ``Kind`` and its
fields, never a sentence. Findings cross nbgrader in the graded notebook's metadata
(``FINDINGS_KEY``), so the class grading reads back exactly what the check computed. French
words come only from ``constructeur.grading.french``.
"""

from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path

FINDINGS_KEY = "constructeur"  # the notebook metadata key under which findings travel


class Kind(str, Enum):
    """What a finding is about."""

    DUPLICATE_CELL = "duplicate_cell"  # a copy of a graded cell: run, not graded
    UNKNOWN_METADATA = "unknown_metadata"  # unreadable nbgrader metadata, removed
    LOST_METADATA = "lost_metadata"  # ``count`` cells found again by their content
    METADATA_RESTORED = "metadata_restored"  # a cell's nbgrader metadata put back
    CELL_RESTORED = "cell_restored"  # a missing cell put back from the released notebook
    LOCKED_CELL_EDITED = "locked_cell_edited"  # graded with its original source
    EDITED_WITHOUT_SOURCE = "edited_without_source"  # edited, and no source to restore it
    FLAG = "flag"  # code that reaches into the grading (``reason``, from the static look)

    @property
    def is_repair(self) -> bool:
        return self in REPAIRS


REPAIRS = {Kind.DUPLICATE_CELL, Kind.UNKNOWN_METADATA, Kind.LOST_METADATA, Kind.METADATA_RESTORED, Kind.CELL_RESTORED}


@dataclass(frozen=True)
class Finding:
    """One finding: its kind, the cell it is about (``cell``: grade_id, or ``index`` for a
    cell without one), and the fields its kind needs."""

    kind: Kind
    cell: str | None = None
    index: int | None = None
    count: int | None = None
    test: bool = False  # about a test cell (else another locked cell)
    reason: str | None = None  # FLAG: what the code does (the static look's words)

    def to_json(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value not in (None, False)} | {"kind": self.kind.value}

    @classmethod
    def from_json(cls, data: dict) -> "Finding":
        return cls(**{**data, "kind": Kind(data["kind"])})


def store_findings(nb, findings: list[Finding]) -> None:
    """Keep ``findings`` in the notebook's metadata, where they cross nbgrader's steps."""
    nb.metadata[FINDINGS_KEY] = {"findings": [finding.to_json() for finding in findings]}


def stored_findings(nb) -> list[Finding]:
    """The findings a graded notebook carries (none if it was not repaired by us)."""
    return [Finding.from_json(item) for item in nb.metadata.get(FINDINGS_KEY, {}).get("findings", [])]


class Status(str, Enum):
    """What became of a copy."""

    GRADED = "graded"
    TO_REVIEW = "to_review"  # graded, with findings a human should look at (a verdict, not a status)
    NOT_GRADED = "not_graded"


class _Reviewed:
    """What a result with ``findings`` tells apart: the repairs, and what a human should see."""

    findings: list[Finding]

    @property
    def repairs(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.kind.is_repair]

    @property
    def to_review(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.kind.is_repair]


@dataclass
class CellGrade:
    """The score of one test cell; ``failure`` is None when it has every point."""

    grade_id: str
    exercise: str
    score: float
    max_score: float
    failure: str | None = None


@dataclass
class Grading(_Reviewed):
    """The grades of one notebook and what was found on the way."""

    notebook: Path
    assignment: str
    cells: list[CellGrade] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the execution met (limits, errors), French
    unsandboxed: str | None = None  # why no sandbox protected this grading (French), if none did
    visible_only: bool = False  # graded without the hidden tests (a course without its sources)
    hidden_points: float = 0.0  # with visible_only: the points of test cells that are all hidden
    course_root: Path | None = None  # the course's folder, where the built book may be

    @property
    def score(self) -> float:
        return sum(cell.score for cell in self.cells)

    @property
    def max_score(self) -> float:
        return sum(cell.max_score for cell in self.cells)


@dataclass
class Outcome(_Reviewed):
    """What became of one student's submission."""

    student: str
    status: Status
    score: float | None = None
    max_score: float | None = None
    reason: str | None = None  # why it was not graded (French)
    findings: list[Finding] = field(default_factory=list)
    cells: list[CellGrade] = field(default_factory=list)  # as the check reads them
    seconds: float = 0.0

    @property
    def verdict(self) -> Status:
        """The status a report shows: TO_REVIEW for a graded copy with findings to look at."""
        return Status.TO_REVIEW if self.status == Status.GRADED and self.to_review else self.status


@dataclass
class ClassGrading:
    """The outcomes of one assignment's submissions, and the time grading took."""

    assignment: str
    tests: dict[str, str]  # test cell -> the exercise it checks, in notebook order
    outcomes: list[Outcome]
    seconds: float
    workers: int
