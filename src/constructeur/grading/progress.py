"""The progress of a class grading, on the instructor's terminal: a tqdm bar with the copies
done, the copies not graded so far and the time left; plain lines when the output is not a
terminal (a log, a CI job)."""

import sys

from tqdm import tqdm

from .french import STATUS, points
from .results import Outcome, Status

BAR = "{desc}\u00a0: {bar} {n_fmt}/{total_fmt} copies{postfix} — reste ≈ {remaining}"


class Progress:
    """A context manager whose ``update(outcome)`` reports one more copy graded."""

    def __init__(self, assignment: str, total: int, stream=None):
        self.assignment, self.total, self.stream = assignment, total, stream or sys.stderr
        self.not_graded = 0
        self.bar = None

    def __enter__(self) -> "Progress":
        if self.stream.isatty():
            self.bar = tqdm(total=self.total, desc=f"Devoir «\u00a0{self.assignment}\u00a0»", bar_format=BAR,
                            file=self.stream, postfix="", dynamic_ncols=True)
        return self

    def update(self, outcome: Outcome) -> None:
        self.not_graded += outcome.status == Status.NOT_GRADED
        if self.bar is None:
            done = f"{points(outcome.score, outcome.max_score)}" if outcome.status == Status.GRADED else STATUS[outcome.status]
            print(f"  {self.assignment} · {outcome.student}\u00a0: {done}", file=self.stream, flush=True)
            return
        self.bar.set_postfix_str(f"{self.not_graded} non notée(s)", refresh=False)
        self.bar.update()

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()
