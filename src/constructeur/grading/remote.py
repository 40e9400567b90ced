"""A test cell run from the grader: its verdict is reached here, never in the learner's kernel.

``run_test`` reads the test cell's source (the course's, from the gradebook: never the
copy's) for the three functions it hands to ``trial.check``; draws the inputs here with
fresh random seeds; has the kernel run only ``measure`` on them (``execute`` runs code
in the kernel and returns the outputs); reads the one answer the kernel displays, as
data; and runs ``judge`` here. The test cell's outputs are then what nbgrader's
``determine_grade`` reads: none when the test passed, one error output when it failed.
What went wrong with the answer itself is also recorded in the cell, as an ``Event``.
"""

import secrets
from collections.abc import Callable

import torch
from .french import event_text
from .outputs import SHORT, Event, error_output, record, stopped_output
from .learner_text import one_line
from .trial import MIME, collect, function_source
from .wire import NotData, decode, encode

REQUEST = "__import__('constructeur.grading.trial', fromlist=['answer']).answer({source!r}, {payload!r})"


def _answer(outputs):
    """The kernel's answer among the outputs of a request (None unless exactly one)."""
    answers = [output for output in outputs if MIME in output.get("data", {})]
    return answers[0]["data"][MIME] if len(answers) == 1 else None


def run_test(source: str, execute: Callable[[str], list], cell) -> list | None:
    """The outputs of the test ``cell`` whose trusted ``source`` is a trial, run from the
    grader with ``execute`` reaching the kernel; None when ``source`` is no trial."""
    trial = collect(source)
    if trial is None:
        return None
    given, measure, judge = trial
    payload = encode(given(torch.Generator().manual_seed(secrets.randbits(63))))
    outputs = execute(REQUEST.format(source=function_source(source, measure), payload=payload))
    answer = _answer(outputs)
    if answer is None:  # the kernel stopped, timed out, or something answered in its place
        problems = [output for output in outputs if output.output_type == "error"]
        return problems or [stopped_output(event_text(record(cell, Event.NO_ANSWER)))]
    raised = answer.get("raised") if isinstance(answer, dict) else None
    if isinstance(raised, dict):  # the learner's code raised this exception
        ename = one_line(raised.get("type", ""))[:100] or "Exception"
        return [error_output(ename, one_line(raised.get("message", ""))[:SHORT])]
    try:
        seen = decode(answer.get("seen") if isinstance(answer, dict) else None)
        judge(decode(payload), seen)
    except AssertionError as failure:
        return [error_output("AssertionError", one_line(failure)[:SHORT])]  # it may quote the kernel's text
    except NotData as problem:
        return [stopped_output(f"{event_text(record(cell, Event.UNREADABLE_ANSWER))} ({problem})")]
    except Exception as error:  # a forged answer the judge cannot read: no point either
        return [stopped_output(event_text(record(cell, Event.INCONCLUSIVE_ANSWER, error=type(error).__name__)))]
    return []
