"""The holes a determined learner found in the grading sandbox stay closed (issue 15).

One hostile notebook runs in the sandboxed kernel (it fails at once, before any cell, where
no sandbox can be made): it lists its descriptors, tries to fill its run folder, floods
errors, displays with huge metadata, updates of displays and widget messages (one of which
made nbclient's widget handler fail). What the grader sees and holds is measured on the
grader's side, in this process. The reports' rendering of learner-controlled text is
checked through ``constructeur check`` and on a class report's CSV and HTML.
"""

import csv
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from constructeur.grading import sandbox
from constructeur.grading.class_report import summary, write_report
from constructeur.grading.results import CellGrade, ClassGrading, Finding, Kind, Outcome, Status
from constructeur.cli import main
from constructeur.grading.execution import GuardedExecute
from constructeur.grading.learner_text import one_line
from helpers import ROOT, generate_exercises, tiny_source

FILL = 64 * 2**20  # what the notebook tries to write in each folder of its run folder
FLOOD = 100  # messages of 4 Mio in each flood: 400 Mio that the grader must not hold
PEAK = 200 * 2**20  # the grader's memory growth allowed during a flood (measured: 52-67 Mio; 412-427 unbounded)

LIST_FDS = """
import json, os
fds = {}
for fd in os.listdir('/proc/self/fd'):
    try:
        target, info = os.readlink(f'/proc/self/fd/{fd}'), os.stat(f'/proc/self/fd/{fd}')
    except OSError:  # the listing's own descriptor, closed by now
        continue
    fds[fd] = [target, info.st_dev, info.st_ino, os.isatty(int(fd))]
print(json.dumps(fds))
"""
FILL_RUN_FOLDER = f"""
import json, os
from ipykernel.kernelapp import IPKernelApp
run = os.path.dirname(IPKernelApp.instance().connection_file)
written = {{}}
for folder in [run] + [os.path.join(run, name) for name in sorted(os.listdir(run))]:
    if os.path.isdir(folder):
        written[folder] = 0
        try:
            fd = os.open(os.path.join(folder, 'fill'), os.O_WRONLY | os.O_CREAT)
            while written[folder] < {FILL}:
                written[folder] += os.write(fd, b'x' * 2**20)
        except OSError:  # full
            pass
print(json.dumps(written))
"""
ERROR_FLOOD = f"""
for _ in range({FLOOD}):
    get_ipython()._showtraceback(ValueError, ValueError('crue'), ['x' * 2**22])
"""
METADATA_FLOOD = f"""
from IPython.display import display
for _ in range({FLOOD}):
    display({{'text/plain': 'rien'}}, metadata={{'crue': ['x' * 2**22]}}, raw=True)
"""
UPDATE_FLOOD = f"""
from IPython.display import display
handles = [display({{'text/plain': 'rien'}}, raw=True, display_id=True) for _ in range({FLOOD})]
for handle in handles:  # each update replaces a small output with a huge one
    handle.update({{'text/plain': 'x' * 2**22}}, raw=True)
"""
WIDGET_FLOOD = f"""
from comm import create_comm
for _ in range({FLOOD}):
    create_comm(target_name='jupyter.widget', data={{'state': {{'_model_module': 'rien', 'crue': 'x' * 2**22}}}})
create_comm(target_name='jupyter.widget', data={{'state': {{}}}})  # nbclient's handler fails on it
"""
CELLS = {
    "fds": LIST_FDS,
    "fill": FILL_RUN_FOLDER,
    "errors": ERROR_FLOOD,
    "metadata": METADATA_FLOOD,
    "updates": UPDATE_FLOOD,
    "widgets": WIDGET_FLOOD,
    "after": "6 * 7",
}


def _memory(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


def _open_files():
    """This process's descriptors: what each refers to (a pipe's or socket's name, or a
    file's device and inode), but for /dev/null and anonymous inodes, which any process has."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target, info = os.readlink(f"/proc/self/fd/{fd}"), os.stat(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target != "/dev/null" and not target.startswith("anon_inode:"):
            found.add(target if target.startswith(("pipe:", "socket:")) else (info.st_dev, info.st_ino))
    return found


def _host_bytes(folder):
    """The bytes of the files under ``folder`` on this machine (links not followed)."""
    return sum(
        os.lstat(os.path.join(top, name)).st_size for top, _, names in os.walk(folder) for name in names
    )


def run_hostile(folder, executor=None):
    """Run the hostile notebook in the sandbox, ``folder`` as its data; what the grader saw, measured on its side:
    {"outputs": cell name -> outputs, "grader_files", "host_run_bytes", "peak": cell -> bytes}."""
    assert sandbox.sandbox_problem() is None, sandbox.sandbox_problem()  # before any hostile cell
    names = list(CELLS)
    nb = new_notebook(cells=[new_code_cell(source) for source in CELLS.values()])
    executor = executor or GuardedExecute(kernel_name=sandbox.KERNEL_NAME, timeout=120)
    seen = {"grader_files": set(), "host_run_bytes": {}, "peak": {}}

    def before(cell, cell_index):
        assert executor.km.provisioner.sandboxed
        Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) from now on
        seen["resident"] = _memory("VmRSS")
        seen["grader_files"] |= _open_files()

    def after(cell, cell_index, execute_reply):
        seen["peak"][names[cell_index]] = _memory("VmHWM") - seen["resident"]
        seen["host_run_bytes"][names[cell_index]] = _host_bytes(executor.km.provisioner.run_dir)

    executor.on_cell_execute, executor.on_cell_executed = before, after
    executor.preprocess(nb, {"metadata": {"path": str(folder)}})
    seen["outputs"] = {name: cell.outputs for name, cell in zip(names, nb.cells)}
    return seen


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return run_hostile(tmp_path_factory.mktemp("hostile"))


def _printed(outputs):
    return json.loads("".join(o.text for o in outputs if o.output_type == "stream"))


@pytest.mark.slow  # a Jupyter kernel
def test_the_kernel_holds_no_descriptor_of_the_grader(hostile):
    fds = _printed(hostile["outputs"]["fds"])
    assert fds["0"][0] == "/dev/null", fds
    assert not [fd for fd, (*_, tty) in fds.items() if tty], fds  # no terminal at all
    inside = {target if target.startswith(("pipe:", "socket:")) else (dev, ino) for target, dev, ino, _ in fds.values()}
    inside -= {(os.stat("/dev/null").st_dev, os.stat("/dev/null").st_ino)}
    shared = inside & hostile["grader_files"]
    assert not shared, f"descripteurs du correcteur dans le noyau : {shared}"


@pytest.mark.slow  # a Jupyter kernel
def test_the_run_folder_cannot_be_filled(hostile):
    written = _printed(hostile["outputs"]["fill"])
    sockets = [folder for folder in written if folder.endswith(f"/{sandbox.SOCKETS}")]
    assert sockets and all(written[folder] <= 2**20 for folder in sockets), written  # the 1 Mio tmpfs
    assert max(hostile["host_run_bytes"].values()) < 2**16, hostile["host_run_bytes"]  # nothing on the host
    assert [o.data["text/plain"] for o in hostile["outputs"]["after"]] == ["42"]  # the grader goes on


@pytest.mark.slow  # a Jupyter kernel
@pytest.mark.parametrize("flood", ["errors", "metadata", "updates", "widgets"])
def test_floods_of_any_output_are_capped(hostile, flood):
    outputs = hostile["outputs"][flood]
    assert hostile["peak"][flood] < PEAK, f"le correcteur a gardé {hostile['peak'][flood] / 2**20:.0f} Mio"
    kept = sum(len(json.dumps(output)) for output in outputs)
    assert kept < 2 * 2**20, kept
    if flood in ("errors", "metadata"):  # the displays' updates and the widgets are ignored
        assert any("sortie tronquée" in o.get("text", "") for o in outputs), outputs
    if flood == "errors":  # the cell still failed
        assert any(o.output_type == "error" and o.ename == "ValueError" for o in outputs)


FORGED = "\x1b[2J\x1b]0;titre\x07\a\rTotal\u00a0: 21/21\nTotal\u00a0: 21/21"
ESCAPES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # any control character but the line feed


@pytest.mark.slow  # a Jupyter kernel
def test_a_forged_total_reaches_no_terminal(tmp_path, capsys):
    course = tmp_path / "course"
    (course / "solutions" / "tiny").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    nbformat.write(tiny_source(), course / "solutions" / "tiny" / "tiny.ipynb")
    generate_exercises(course)
    learner = course / "learner" / "tiny.ipynb"
    learner.parent.mkdir()
    nb = nbformat.read(course / "exercises" / "tiny" / "tiny.ipynb", as_version=4)
    solution = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "double")
    error = f"type({FORGED!r}, (Exception,), {{}})({FORGED!r})"
    solution.source = f"def double(x):\n    raise {error}\n\nraise {error}"
    nbformat.write(nb, learner)
    assert main(["check", str(learner)]) == 1
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if line.lstrip().startswith("Total")] == ["Total\u00a0: 0/4"], out
    assert "21/21" in out and not ESCAPES.search(out), repr(out)  # the text is shown, flattened


def _class_result():
    findings = [  # a flag's reason quotes the learner's code; a repaired cell's id is the learner's metadata
        Finding(Kind.FLAG, cell="test_a", reason=f"<script>alert(1)</script>{FORGED}"),
        Finding(Kind.METADATA_RESTORED, cell=f"@SUM(A1){FORGED}"),
    ]
    outcome = Outcome(f"=HYPERLINK(\"http://x\"){FORGED}", Status.GRADED, 3, 4, findings=findings, cells=[CellGrade("test_a", "a", 3, 4, "AssertionError")])
    refused = Outcome("-dupont", Status.NOT_GRADED, reason=f"+{FORGED}")
    return ClassGrading("tiny", {"test_a": "a"}, [outcome, refused], 1.0, 1)


def test_learner_text_is_neutralised_in_the_class_report(tmp_path):
    result = _class_result()
    text = summary(result)
    assert not ESCAPES.search(text) and len(text.splitlines()) == 4, repr(text)
    folder = write_report(result, tmp_path)
    raw = (folder / "grades.csv").read_text(encoding="utf-8")
    assert not ESCAPES.search(raw.replace("\r\n", "")), repr(raw)
    rows = list(csv.reader(raw.splitlines()))
    assert len(rows) == 3, rows
    cells = [cell for row in rows[1:] for cell in row if cell]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))], cells
    assert "'=HYPERLINK" in raw and "'-dupont" in raw and f"'+{one_line(FORGED)}" in raw
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page and not ESCAPES.search(page.replace("\n", ""))


def test_a_sandbox_that_does_not_start_runs_no_cell(tmp_path):
    """A bwrap that passes the probe but starts no sandbox: the kernel is refused at once."""
    fake = tmp_path / "bwrap"
    fake.write_text('#!/bin/sh\ncase "$*" in *" / / true") exit 0;; esac\nexit 1\n')
    fake.chmod(0o755)
    config = Config()
    config.SandboxProvisioner.bwrap = str(fake)
    executor = GuardedExecute(config=config, kernel_name=sandbox.KERNEL_NAME)
    nb = new_notebook(cells=[new_code_cell("open('ran', 'w')")])
    with pytest.raises(sandbox.SandboxUnavailable, match="n'a pas démarré"):
        executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    assert not (tmp_path / "ran").exists() and nb.cells[0].outputs == []
