"""The grading sandbox holds against hostile notebooks, through ``constructeur check`` and
through a real ``nbgrader autograde`` (both use the course's sandboxed kernelspec).

Each hostile notebook is the tiny course's learner notebook, correctly solved, plus an
attack. Attacks that could change the grade run before the solution cell, which reads
``breached``: the notebook gets full marks only if the attack failed. The others run at
the end, after the tests: the tests they follow keep their points, and the attack's cell
gets a French verdict. After each grading the course is byte-identical and no process
the notebook started is left.
"""

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

from constructeur import sandbox
from constructeur.cgroups import KernelCgroup
from constructeur.cli import main
from constructeur.course import Course
from constructeur.execution import GuardedExecute
from constructeur.grading import grade_notebook
from helpers import ROOT, generate_exercises, tiny_source

MARKER = f"constructeur-hostile-{os.getpid()}"
SECRET = "grader-secret-4f1d"
SOLUTION = "def double(x):\n    return 0 if breached else 2 * x"

# The course's settings, tightened so that each limit is met in a few seconds.
LIMITS = """
c.ExecutePreprocessor.timeout = 5
c.GuardedExecute.notebook_timeout = 12
c.SandboxProvisioner.memory_limit = 2**30
c.SandboxProvisioner.max_processes = 64
c.SandboxProvisioner.max_message_bytes = 64 * 2**20
"""

# Attacks run before the solution: each sets `breached` to whether it got through.
BEFORE = {
    "course_files": """
import os, pathlib, shutil, sqlite3
course = pathlib.Path({course!r})
places = [pathlib.Path.cwd(), *pathlib.Path.cwd().parents, course]
for pid in filter(str.isdigit, os.listdir('/proc')):
    try:
        places.append(pathlib.Path(os.readlink(f'/proc/{{pid}}/cwd')))
    except OSError:
        pass
breached = False
for place in places:  # inside the sandbox, these are its own folders
    for name in ('solutions', 'source', 'submitted', 'autograded', 'exercises', 'learner'):
        shutil.rmtree(place / name, ignore_errors=True)
for name in ('nbgrader_config.py', 'gradebook.db', 'learner/tiny.ipynb', 'submitted/other/tiny/tiny.ipynb'):
    try:
        (course / name).write_text('pwned')
        breached = True
    except OSError:
        pass
try:
    with sqlite3.connect(course / 'gradebook.db') as db:
        db.execute('UPDATE grade SET extra_credit = 100')
    breached = True
except sqlite3.Error:
    pass
""",
    "read_solutions": """
breached = False
for path in ({course!r} + '/solutions/tiny/tiny.ipynb', {course!r} + '/source/tiny/tiny.ipynb'):
    try:
        breached = breached or 'BEGIN HIDDEN' in open(path).read()
    except OSError:
        pass
""",
    "environment": """
import os
found = [SECRET in str(os.environ)]
for pid in filter(str.isdigit, os.listdir('/proc')):
    try:
        found.append(SECRET in open(f'/proc/{{pid}}/environ').read())
    except OSError:
        pass
breached = any(found)
""".replace("SECRET", repr(SECRET)),
    "network": """
import socket
breached = False
for address in (('127.0.0.1', {port}), ('1.1.1.1', 53)):
    try:
        socket.create_connection(address, timeout=2).close()
        breached = True
    except OSError:
        pass
""",
    "detached_child": """
import subprocess, sys
code = "import time; time.sleep(4); open({course!r} + '/pwned', 'w').write('late')  # {marker}"
subprocess.Popen([sys.executable, '-c', code], start_new_session=True)
breached = False
""",
}

# Attacks run after the tests: (code, the check's French verdict, what autograde's
# graded notebook says in that cell).
AFTER = {
    "memory": ("x = 'x' * (3 * 2**30)", "limite de mémoire (1\u00a0Gio)", "limite de mémoire"),
    "output_flood": ("for _ in range(300):\n    print('x' * 2**20, flush=True)", "trop de sortie", "sortie tronquée"),
    "huge_message": ("print('x' * 80 * 2**20)", "ne s'est pas terminée proprement", "ne s'est pas terminée proprement"),
    "fork_bomb": (
        "import os, time\nfor _ in range(200):\n    if os.fork() == 0:\n        time.sleep(60)\n        os._exit(0)",
        "limite de 64 processus",
        "limite de 64 processus",
    ),
    "kernel_exit": ("import os\nos._exit(3)", "le noyau Python s'est arrêté", "le noyau Python s'est arrêté"),
    "ignores_interrupt": (
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
        "ne s'est pas terminée proprement",
        "ne s'est pas terminée proprement",
    ),
}


def _hostile(case, course, port):
    """The learner notebook of ``tiny`` with the attack ``case`` (a NotebookNode)."""
    nb = nbformat.read(Path(course) / "exercises" / "tiny" / "tiny.ipynb", as_version=4)
    solution = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "double")
    solution.source = SOLUTION
    index = nb.cells.index(solution)
    if case in BEFORE:
        code = BEFORE[case].format(course=str(course), port=port, marker=MARKER)
        nb.cells.insert(index, nbformat.v4.new_code_cell(code))
    else:
        nb.cells.insert(index, nbformat.v4.new_code_cell("breached = False"))
        nb.cells.append(nbformat.v4.new_code_cell(AFTER[case][0]))
    return nb


def _snapshot(root, skip=()):
    """The SHA-256 of every file under ``root`` (paths relative), but those under ``skip``."""
    root = Path(root)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not any(path.relative_to(root).parts[0] == s for s in skip)
    }


def _parent(pid):
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError):
        return 0


def _survivors():
    """Processes left running that a hostile notebook started (wherever they are), or
    sandboxed kernels started by this test process."""
    found = []
    for pid in map(int, filter(str.isdigit, os.listdir("/proc"))):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ancestor = pid
        while ancestor not in (0, 1, os.getpid()):
            ancestor = _parent(ancestor)
        kernel = "bwrap" in cmdline and "ipykernel_launcher" in cmdline and ancestor == os.getpid()
        if MARKER in cmdline or kernel:
            found.append(cmdline)
    return found


@pytest.fixture(scope="module")
def hostile_course(tmp_path_factory):
    """A course with the tiny assignment, tightened limits, and a listening TCP port."""
    root = tmp_path_factory.mktemp("hostile-course")
    shutil.copy(ROOT / "nbgrader_config.py", root)
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(LIMITS)
    (root / "solutions" / "tiny").mkdir(parents=True)
    nbformat.write(tiny_source(), root / "solutions" / "tiny" / "tiny.ipynb")
    generate_exercises(root)
    listener = socket.create_server(("127.0.0.1", 0))
    yield root, listener.getsockname()[1]
    listener.close()


CASES = [*BEFORE, *AFTER]


@pytest.mark.slow  # Jupyter kernels
@pytest.mark.parametrize("case", CASES)
def test_check_contains(case, hostile_course, monkeypatch, capsys):
    root, port = hostile_course
    monkeypatch.setenv("CONSTRUCTEUR_TEST_SECRET", SECRET)
    learner = root / "learner" / "tiny.ipynb"
    learner.parent.mkdir(exist_ok=True)
    nbformat.write(_hostile(case, root, port), learner)
    before = _snapshot(root)
    if case == "output_flood":
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM: from now on
        resident = _memory("VmRSS")
    code = main(["check", str(learner)])
    out = capsys.readouterr().out
    assert code == 0 and "Total\u00a0: 4/4" in out, out
    assert "sans bac à sable" not in out
    if case in AFTER:
        assert AFTER[case][1] in out, out
    if case == "output_flood":
        assert _memory("VmHWM") - resident < 200 * 2**20, "le correcteur a gardé la sortie en mémoire"
    if case == "detached_child":
        time.sleep(5)  # the child would have written by now
    assert _snapshot(root) == before
    assert _survivors() == []


def _memory(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


@pytest.mark.slow  # Jupyter kernels
def test_autograde_contains(hostile_course, monkeypatch, tmp_path):
    """The same notebooks, submitted by one student each, graded by nbgrader autograde."""
    root, port = hostile_course
    course = tmp_path / "course"
    shutil.copytree(root, course, ignore=shutil.ignore_patterns("learner"))
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")  # alembic
    monkeypatch.setenv("CONSTRUCTEUR_TEST_SECRET", SECRET)
    config = Course(course).config
    coursedir = CourseDirectory(config=config, root=str(course))
    api = NbGraderAPI(coursedir=coursedir, config=config)
    assert api.generate_assignment("tiny")["success"]
    for case in CASES:
        submitted = course / "submitted" / case / "tiny"
        submitted.mkdir(parents=True)
        nbformat.write(_hostile(case, course, port), submitted / "tiny.ipynb")
    kept = ("gradebook.db", "autograded")  # what autograde itself writes
    before = _snapshot(course, skip=kept)
    for case in CASES:
        result = api.autograde("tiny", case)
        assert result["success"], (case, result["log"])
    time.sleep(5)  # the detached child would have written by now
    assert _snapshot(course, skip=kept) == before
    assert _survivors() == []
    with Gradebook(coursedir.db_url) as gradebook:
        for case in CASES:
            submission = gradebook.find_submission("tiny", case)
            assert (submission.score, submission.max_score) == (4, 4), case
            assert not any(grade.extra_credit for nb in submission.notebooks for grade in nb.grades), case
    for case, (_, _, words) in AFTER.items():
        graded = nbformat.read(course / "autograded" / case / "tiny" / "tiny.ipynb", as_version=4)
        assert words in str(graded.cells[-1].outputs), (case, graded.cells[-1].outputs)


@pytest.mark.slow  # Jupyter kernels
def test_a_loop_in_every_cell_is_stopped_by_the_notebook_budget(hostile_course, capsys):
    root, _ = hostile_course
    learner = root / "learner" / "loops.ipynb"
    learner.parent.mkdir(exist_ok=True)
    nb = _hostile("kernel_exit", root, 0)
    nb.cells[-1].source = "while True:\n    pass"
    nb.cells += [nbformat.v4.new_code_cell("while True:\n    pass") for _ in range(4)]
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "double":
            cell.source = "def double(x):\n    while True:\n        pass"
    target = learner.with_name("tiny.ipynb")
    nbformat.write(nb, target)
    grading = grade_notebook(target)
    notes = "\n".join(grading.notes)
    assert "temps total d'exécution (12\u00a0s)" in notes, notes
    assert notes.count("cellule non exécutée") >= 3, notes
    assert grading.score == 0


@pytest.mark.slow  # Jupyter kernels
def test_unsandboxed_check_still_grades_and_says_so(hostile_course, capsys, monkeypatch):
    root, port = hostile_course
    learner = root / "learner" / "tiny.ipynb"
    learner.parent.mkdir(exist_ok=True)
    nbformat.write(_hostile("kernel_exit", root, port), learner)
    monkeypatch.setattr(sandbox, "sandbox_problem", lambda bwrap="bwrap": "bwrap manque (test).")
    monkeypatch.setattr("constructeur.grading.sandbox_problem", sandbox.sandbox_problem)
    code = main(["check", str(learner)])
    out = capsys.readouterr().out
    assert code == 0 and "sans bac à sable" in out and "bwrap manque (test)." in out, out
    assert "Total\u00a0: 4/4" in out, out


@pytest.mark.slow  # Jupyter kernels
def test_autograde_refuses_without_a_sandbox(hostile_course, tmp_path, monkeypatch):
    root, port = hostile_course
    course = tmp_path / "course"
    shutil.copytree(root, course, ignore=shutil.ignore_patterns("learner"))
    with open(course / "nbgrader_config.py", "a") as config:
        config.write('c.SandboxProvisioner.bwrap = "bwrap-absent"\n')
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    config = Course(course).config
    api = NbGraderAPI(coursedir=CourseDirectory(config=config, root=str(course)), config=config)
    assert api.generate_assignment("tiny")["success"]
    submitted = course / "submitted" / "someone" / "tiny"
    submitted.mkdir(parents=True)
    nbformat.write(_hostile("kernel_exit", course, port), submitted / "tiny.ipynb")
    result = api.autograde("tiny", "someone")
    assert not result["success"]
    assert "correction refusée sans bac à sable" in result["log"], result["log"]
    assert "bubblewrap (bwrap) n'est pas installé" in result["log"]


# The command line, on a CPU machine: what a GPU machine would get.


def test_gpu_devices_are_passed_through():
    command = sandbox.bwrap_command(
        ["python"], bwrap="/usr/bin/bwrap", run_dir="/tmp/r", devices=["/dev/nvidia0", "/dev/nvidiactl"]
    )
    joined = " ".join(command)
    assert "--dev-bind /dev/nvidia0 /dev/nvidia0" in joined and "--dev-bind /dev/nvidiactl" in joined
    assert "--ro-bind /sys /sys" in joined
    assert "/sys" not in " ".join(sandbox.bwrap_command(["python"], bwrap="b", run_dir="/tmp/r"))


def test_accelerator_devices_are_found(tmp_path):
    (tmp_path / "nvidia0").touch()
    (tmp_path / "nvidiactl").touch()
    (tmp_path / "dri").mkdir()
    found = sandbox.accelerator_devices([str(tmp_path / "nvidia*"), str(tmp_path / "dri"), "/nonexistent"])
    assert found == [str(tmp_path / name) for name in ("dri", "nvidia0", "nvidiactl")]


def test_data_files_but_no_notebook_reach_the_working_folder(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "weights.pt").touch()
    (tmp_path / "tiny.ipynb").touch()
    command = sandbox.bwrap_command(["python"], bwrap="b", run_dir="/tmp/r", data_dir=tmp_path)
    assert f"--ro-bind {tmp_path}/data/weights.pt /sandbox/work/data/weights.pt" in " ".join(command)
    assert "tiny.ipynb" not in " ".join(command)


@pytest.mark.parametrize("version", [1, 2])
def test_cgroup_limits_are_written(tmp_path, version):
    if version == 2:
        (tmp_path / "cgroup.controllers").write_text("memory pids")
        (tmp_path / "grader").mkdir()
        proc = "0::/grader\n"
    else:
        for controller in ("memory", "pids"):
            (tmp_path / controller / "grader").mkdir(parents=True)
        proc = "4:memory:/grader\n8:pids:/grader\n0::/\n"
    cgroup = KernelCgroup.create(2**30, 64, root=tmp_path, proc_cgroup=proc)
    limits = {path.name: path.read_text() for path in tmp_path.rglob("*.max")}
    limits.update({path.name: path.read_text() for path in tmp_path.rglob("*limit_in_bytes")})
    memory = "memory.max" if version == 2 else "memory.limit_in_bytes"
    assert limits[memory] == str(2**30) and limits["pids.max"] == "64"
    assert cgroup.join_command(["bwrap"])[-2:] == ["--", "bwrap"]
    events = "memory.events" if version == 2 else "memory.oom_control"
    (cgroup.memory_dir / events).write_text("oom_kill_disable 0\noom_kill 1\n")
    assert cgroup.events() == {"oom_kill": 1, "pids_max": 0}
    for path in (cgroup.memory_dir, cgroup.pids_dir):
        for file in path.iterdir():
            file.unlink()
    cgroup.remove()
    assert not cgroup.memory_dir.exists() and not cgroup.pids_dir.exists()


def test_no_cgroup_where_none_can_be_made(tmp_path):
    assert KernelCgroup.create(2**30, 64, root=tmp_path, proc_cgroup="0::/\n") is None
    (tmp_path / "memory").write_text("not a folder")
    assert KernelCgroup.create(2**30, 64, root=tmp_path, proc_cgroup="4:memory:/\n8:pids:/\n") is None


def test_sandbox_problem_explains_a_missing_bwrap():
    problem = sandbox.sandbox_problem("bwrap-absent")
    assert "bubblewrap (bwrap) n'est pas installé" in problem and "apt install bubblewrap" in problem
    assert sandbox.sandbox_problem() is None  # this machine (and CI) has it


@pytest.mark.parametrize(
    "script, words",
    [
        ("#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n", "uid map: Permission denied"),
        ("#!/nonexistent/interpreter\n", "ne démarre pas"),
    ],
    ids=["no-namespaces", "broken"],
)
def test_sandbox_problem_explains_a_bwrap_that_fails(tmp_path, script, words):
    fake = tmp_path / "bwrap"
    fake.write_text(script)
    fake.chmod(0o755)
    problem = sandbox.sandbox_problem(str(fake))
    assert words in problem, problem


def test_sizes_are_written_in_french():
    assert [sandbox.size(n) for n in (4 * 2**30, 1536 * 2**20, 6000, 12)] == [
        "4\u00a0Gio", "1,5\u00a0Gio", "5,86\u00a0Kio", "12\u00a0o"
    ]


def test_a_cgroup_kills_what_is_left_in_it():
    cgroup = KernelCgroup.create(2**30, 64)
    assert cgroup is not None, "this machine (and CI) offers writable cgroups"
    process = subprocess.Popen(cgroup.join_command(["sleep", "60"]))
    deadline = time.monotonic() + 10
    while not (cgroup.memory_dir / "cgroup.procs").read_text().split() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (cgroup.memory_dir / "cgroup.procs").read_text().split() == [str(process.pid)]
    cgroup.remove()
    assert process.wait(timeout=10) == -9
    assert not cgroup.memory_dir.exists() and not cgroup.pids_dir.exists()


@pytest.mark.slow  # Jupyter kernels
def test_output_cap_keeps_errors(tmp_path):
    """A cell that floods its output and then fails still fails; the cap counts displays."""
    cells = [
        "print('x' * 5000)\nprint('y' * 5000)\ndisplay(HTML('<b>dropped</b>'))\n1 / 0",
        "display(HTML('z' * 7000))\nprint('dropped')\n6 * 7",
    ]
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("from IPython.display import display, HTML")]
        + [nbformat.v4.new_code_cell(source) for source in cells],
    )
    executor = GuardedExecute(max_output_bytes=6000, kernel_name=sandbox.KERNEL_NAME)
    executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    first, second = nb.cells[1].outputs, nb.cells[2].outputs
    assert [o.output_type for o in first] == ["stream", "stream", "error"]  # no display
    text = "".join(o.get("text", "") for o in first)
    assert "x" * 5000 in text and "y" * 5000 not in text and "sortie tronquée\u00a0: " in text
    assert [o.output_type for o in second] == ["stream", "execute_result"]
    assert "plus de 5,86\u00a0Kio" in second[0].text and "dropped" not in str(second)


@pytest.mark.slow  # Jupyter kernels
@pytest.mark.parametrize("devices", [[], ["/dev/null"]], ids=["cpu", "gpu"])
def test_without_a_cgroup(devices, hostile_course, monkeypatch, capsys):
    """Where no cgroup can be made: an address-space limit on a CPU (the allocation fails
    in the cell), none with a GPU (CUDA needs the address space); grading goes on."""
    root, port = hostile_course
    monkeypatch.setattr(sandbox.KernelCgroup, "create", lambda *args, **kwargs: None)
    monkeypatch.setattr(sandbox, "accelerator_devices", lambda: devices)
    learner = root / "learner" / "tiny.ipynb"
    learner.parent.mkdir(exist_ok=True)
    nb = _hostile("memory" if not devices else "kernel_exit", root, port)
    nbformat.write(nb, learner)
    code = main(["check", str(learner)])
    out = capsys.readouterr().out
    assert code == 0 and "Total\u00a0: 4/4" in out, out
    assert ("a levé MemoryError" if not devices else "le noyau Python s'est arrêté") in out, out


def test_private_tmp_is_mounted_before_what_may_lie_in_it():
    """bwrap mounts in order: a Python environment or run folder under /tmp stays visible."""
    command = sandbox.bwrap_command(
        ["python"], bwrap="bwrap", run_dir="/tmp/constructeur-x", readable=["/tmp/clone/.venv"]
    )
    tmp = command.index("--tmpfs")
    assert command[tmp + 1] == "/tmp"
    assert tmp < command.index("/tmp/clone/.venv") and tmp < command.index("/tmp/constructeur-x/sockets")
