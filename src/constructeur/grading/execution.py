"""nbgrader's Execute preprocessor with the limits a class needs, and French verdicts.

``GuardedExecute`` takes the place of ``Execute`` in the course's autograde preprocessors
(``nbgrader_config.py``), so ``nbgrader autograde`` and ``constructeur check`` both get:

- a time budget for the whole notebook, on top of the per-cell ``timeout``: once it is
  spent, the cell running is interrupted and the cells after it are not run;
- a cap on the output kept per cell: a notebook that prints gigabytes, or floods errors,
  displays or their metadata, costs the grader at most ``max_output_bytes`` a cell,
  counted as the bytes the grader holds; past the cap, the cell's first error and first
  result are still kept, shortened, so its verdict stands. Display updates and widget
  messages, which decide no grade, are ignored;
- no crash when the kernel dies (memory limit, ``os._exit``...) or stops answering: the
  cell gets an error that says why, in French, and so does every cell left unrun. A test
  cell that could not run therefore scores nothing, as it would have failed;
- verdicts reached outside the kernel: a test cell written as a trial (``trial.check``)
  is run from the grader (``remote.run_test``), with its source taken from the gradebook.
"""

import math
import sys
import time

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_code_cell
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import Execute
from traitlets import Integer

from .french import event_text
from .outputs import SHORT, Event, record, stopped_output, stream_note
from .remote import run_test

KEPT = ("error", "execute_result")  # what decides a test cell's grade: kept, shortened, past the cap
IGNORED = ("update_display_data", "comm_open", "comm_msg", "comm_close")  # held for no verdict


def _held(content):
    """The bytes a message's content holds in the grader's memory: its strings, numbers,
    lists and dicts, however deeply nested."""
    total, stack = 0, [content]
    while stack:
        item = stack.pop()
        total += sys.getsizeof(item)
        if isinstance(item, dict):
            stack += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            stack += item
    return total


def _shortened(msg_type, content):
    """The content of an error or a result cut to what its verdict needs."""
    if msg_type == "error":
        traceback = content.get("traceback") or [""]
        return {
            "ename": str(content.get("ename", ""))[:SHORT],
            "evalue": str(content.get("evalue", ""))[:SHORT],
            "traceback": [str(traceback[-1])[:SHORT]],
        }
    text = (content.get("data") or {}).get("text/plain", "")
    return {"data": {"text/plain": str(text)[:SHORT]}, "metadata": {}, "execution_count": content.get("execution_count")}


def _course_tests(resources) -> dict[str, str]:
    """grade_id -> source of the notebook's test cells, as the gradebook holds them (the
    course's, hidden tests included); none outside nbgrader's autograde."""
    where = resources.get("nbgrader", {})
    if "db_url" not in where:
        return {}
    with Gradebook(where["db_url"]) as gradebook:
        notebook = gradebook.find_notebook(where["notebook"], where["assignment"])
        graded = {cell.name for cell in notebook.grade_cells}
        return {cell.name: cell.source for cell in notebook.source_cells if cell.name in graded}


class GuardedExecute(Execute):
    """Execute, with a notebook time budget, an output cap and French verdicts."""

    notebook_timeout = Integer(
        300, config=True, help="Seconds the whole notebook may run, on top of the per-cell timeout."
    )
    max_output_bytes = Integer(2**20, config=True, help="Bytes of output (any kind) the grader keeps per cell.")

    def preprocess(self, nb, resources=None, km=None):
        self._deadline = None  # set when the first cell runs: the kernel's start-up is not counted
        self._stopped = None  # the event that stopped grading: the cells left are not run
        self._limits_reported = set()
        self._tests = _course_tests(resources or {})
        self.timeout_func = self._cell_timeout
        return super().preprocess(nb, resources, km=km)

    def _cell_timeout(self, cell):
        if self._deadline is None:
            self._deadline = time.monotonic() + self.notebook_timeout
        remaining = max(1, math.ceil(self._deadline - time.monotonic()))
        return min(self.timeout, remaining) if self.timeout and self.timeout > 0 else remaining

    def _over_budget(self):
        return self._deadline is not None and time.monotonic() >= self._deadline

    def _limits_hit(self):
        """{Event.MEMORY or Event.PROCESSES: the limit} that the kernel ran into so far."""
        provisioner = getattr(self.km, "provisioner", None)
        return provisioner.limits_hit() if hasattr(provisioner, "limits_hit") else {}

    def _stop(self, cell, event, **fields):
        """Give ``cell`` the error output of ``event``, recorded in the graded cell."""
        cell.outputs.append(stopped_output(event_text(record(self._graded, event, **fields))))

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, self.resources
        self._graded = cell  # where events are recorded, also for the requests of a trial
        if self._stopped is not None:
            cell.outputs = []
            self._stop(cell, Event.NOT_RUN, cause=self._stopped["event"], limit=self._stopped.get("limit"))
            return cell, self.resources
        source = self._tests.get(cell.metadata.get("nbgrader", {}).get("grade_id")) if utils.is_grade(cell) else None
        outputs = None if source is None else run_test(source, lambda code: self._run(new_code_cell(code), resources, index), cell)
        if outputs is None:
            self._run(cell, resources, index)
        else:  # nbclient put the requests' cells in the test cell's place
            cell.outputs, self.nb.cells[index] = outputs, cell
        for event, limit in self._limits_hit().items():
            if event not in self._limits_reported and event != (self._stopped or {}).get("event"):
                self._limits_reported.add(event)
                cell.outputs.append(stream_note(f"Bac à sable\u00a0: {event_text(record(cell, event, limit=limit, stopped=False))}"))
        return cell, self.resources

    def _run(self, cell, resources, index):
        """Execute ``cell`` in the kernel, within the limits; its outputs."""
        self._output_size, self._truncated, self._shortened = 0, False, set()
        try:
            super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            memory = self._limits_hit().get(Event.MEMORY)
            self._stopped = {"event": Event.MEMORY, "limit": memory} if memory else {"event": Event.KERNEL_DIED}
            self._stop(cell, self._stopped["event"], limit=memory)
        except CellTimeoutError:  # the kernel never said the cell was done; the next cells still run
            self._stop(cell, Event.UNFINISHED)
        else:
            if self._over_budget():  # the cell interrupted when the budget ran out says why
                self._stopped = {"event": Event.BUDGET, "limit": self.notebook_timeout}
                timeouts = [o for o in cell.outputs if o.output_type == "error" and o.ename == self.error_on_timeout["ename"]]
                cell.outputs = [output for output in cell.outputs if output not in timeouts]
                if timeouts:
                    self._stop(cell, Event.BUDGET, limit=self.notebook_timeout)
        return cell.outputs

    def process_message(self, msg, cell, cell_index):
        """nbclient's handling of a kernel message, without display ids (an output is never
        replaced afterwards, uncounted), display updates or widget messages."""
        if msg["msg_type"] in IGNORED:
            return None
        if msg["content"].get("transient"):
            msg = {**msg, "content": {**msg["content"], "transient": {}}}
        return super().process_message(msg, cell, cell_index)

    def output(self, outs, msg, display_id, cell_index):
        """Keep a cell's outputs while they hold less than ``max_output_bytes``, then drop
        the rest, saying so once; past the cap, the cell's first error and first result are
        kept, shortened."""
        msg_type = msg["msg_type"]
        room = self.max_output_bytes - self._output_size
        self._output_size += _held(msg["content"])
        if self._output_size <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if msg_type in KEPT and msg_type not in self._shortened:
            self._shortened.add(msg_type)
            return super().output(outs, {**msg, "content": _shortened(msg_type, msg["content"])}, None, cell_index)
        if self._truncated:
            return None
        self._truncated = True
        if msg_type == "stream" and room > 0:  # keep the beginning of this stream
            msg = {**msg, "content": {**msg["content"], "text": str(msg["content"].get("text", ""))[:room]}}
            super().output(outs, msg, display_id, cell_index)
        outs.append(stream_note(f"[{event_text(record(self._graded, Event.TRUNCATED, limit=self.max_output_bytes))}]"))
        return None
