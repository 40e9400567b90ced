"""The feedback pages nbgrader's ``generate_feedback`` makes for students: in French, and
without the hidden tests.

nbgrader's own feedback shows every test cell as it ran, hidden tests included, and the
traceback through them (jupyter/nbgrader#917). ``HideHiddenTests`` removes the hidden
region from each test cell's source, as ``generate_assignment`` does, and reduces the
error of such a cell to its last line: whether it passed, and its French assertion
message. ``TEMPLATES`` holds the French page (template ``feedback``, the name nbgrader's API also asks for). Both are set in the
course's ``nbgrader_config.py``.
"""

from pathlib import Path

from nbgrader.preprocessors import ClearHiddenTests
from traitlets import Bool

TEMPLATES = Path(__file__).parent / "templates"


class HideHiddenTests(ClearHiddenTests):
    """Feedback preprocessor: no line of a hidden test, in the source or in a traceback."""

    enforce_metadata = Bool(False)

    def preprocess_cell(self, cell, resources, index):
        before = cell.source
        cell, resources = super().preprocess_cell(cell, resources, index)
        if cell.source != before:
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources
