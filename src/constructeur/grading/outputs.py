"""What the grading itself meets and writes while it runs a notebook's cells.

Each such event is data, kept in the cell's metadata (``EVENTS_KEY``) where it crosses
nbgrader: an ``Event`` and its fields (``record``, ``events``). The cell also gets the
output that says it in French, for nbgrader's ``determine_grade`` and the learner's
feedback: an error output ``STOPPED`` when the cell could not run or finish (it then
scores nothing), a stderr line for a limit or dropped output. ``verdicts`` reads the
events back, never those texts.
"""

from enum import Enum

from nbformat.v4 import new_output

STOPPED = "GradingStopped"  # the error given to a cell that the grading could not (fully) run
SHORT = 4096  # characters of each text of an error or result kept past the cap
EVENTS_KEY = "constructeur"  # the cell metadata key under which events travel


class Event(str, Enum):
    """What the grading met in a cell."""

    KERNEL_DIED = "kernel_died"  # the kernel stopped during the cell
    MEMORY = "memory"  # the kernel hit the memory limit (``limit``: bytes) and was stopped
    PROCESSES = "processes"  # the notebook hit the process limit (``limit``: count)
    BUDGET = "budget"  # the notebook's time budget ran out during the cell (``limit``: s)
    NOT_RUN = "not_run"  # not run, since ``cause`` stopped the grading earlier
    UNFINISHED = "unfinished"  # the kernel never said the cell was done
    TRUNCATED = "truncated"  # output past ``limit`` bytes was dropped
    NO_ANSWER = "no_answer"  # a test's request got no answer, or more than one
    UNREADABLE_ANSWER = "unreadable_answer"  # the answer was not data within the limits
    INCONCLUSIVE_ANSWER = "inconclusive_answer"  # the judge could not read it (``error``: type)


def record(cell, event: Event, **fields) -> dict:
    """Note ``event`` in ``cell``'s metadata; the event, as data."""
    data = {"event": event.value, **fields}
    cell.metadata.setdefault(EVENTS_KEY, {}).setdefault("events", []).append(data)
    return data


def stops(event: dict) -> bool:
    """Whether ``event`` kept its cell from running or finishing (an error output, no
    point); a limit met while the cell went on (``stopped=False``) did not."""
    return event.get("stopped", event["event"] not in (Event.PROCESSES, Event.TRUNCATED))


def events(cell) -> list[dict]:
    """The events the grading recorded in ``cell``."""
    return [
        {**data, "event": Event(data["event"])}
        for data in cell.get("metadata", {}).get(EVENTS_KEY, {}).get("events", [])
    ]


def error_output(ename, evalue):
    """An error output named ``ename`` with the message ``evalue`` and no traceback lines."""
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def stopped_output(reason):
    """The error output of a cell that could not run (or finish) for ``reason`` (French)."""
    return error_output(STOPPED, reason)


def stream_note(text):
    """A stderr line of the grading in a cell (it costs a test cell its points)."""
    return new_output("stream", name="stderr", text=f"{text}\n")
