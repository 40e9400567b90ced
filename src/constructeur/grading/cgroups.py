"""Memory and process limits for one grading kernel, through a control group of its own.

A ``KernelCgroup`` creates, under the grader's own cgroup, a child cgroup with a memory
and a process limit (cgroup v2, or the ``memory`` and ``pids`` controllers of cgroup v1);
the kernel's launcher joins it before it starts the sandbox (``join_command``). When the
kernel goes over the memory limit, the kernel alone is killed by the OOM killer, and
``events()`` tells so afterwards. Where the machine offers no writable cgroup (a laptop
without delegation), ``KernelCgroup.create`` returns None and the caller falls back to a
resource limit.
"""

import os
import signal
import time
import uuid
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")

# The shell snippet that moves itself into each cgroup given before ``--``, then runs the
# rest of its arguments: everything the kernel starts is then counted in them.
_JOIN = 'while [ "$1" != -- ]; do echo $$ > "$1/cgroup.procs" || exit 125; shift; done; shift; exec "$@"'


def _own_path(controller, proc_cgroup):
    """The grader's cgroup path for ``controller`` ("" for the v2 unified hierarchy)."""
    for line in proc_cgroup.splitlines():
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return path
    return None


def _pids(folder):
    """The processes in a cgroup folder (none if it does not exist)."""
    try:
        return [int(line) for line in (folder / "cgroup.procs").read_text().split()]
    except OSError:
        return []


def _read_counts(path):
    """``key value`` lines of a cgroup file, as a dict of ints ({} if unreadable)."""
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return {}
    return {key: int(value) for key, _, value in (line.partition(" ") for line in lines) if value.isdigit()}


class KernelCgroup:
    """The cgroup(s) of one kernel: their folders, and where their limits and events live."""

    def __init__(self, memory_dir, pids_dir, version):
        self.memory_dir, self.pids_dir, self.version = Path(memory_dir), Path(pids_dir), version

    @classmethod
    def create(cls, memory_bytes, max_processes, root=CGROUP_ROOT, proc_cgroup=None):
        """A new cgroup with these limits, or None where none can be created here."""
        if proc_cgroup is None:
            proc_cgroup = Path("/proc/self/cgroup").read_text()
        name = f"constructeur-{uuid.uuid4().hex[:12]}"
        unified = _own_path("", proc_cgroup)
        if (root / "cgroup.controllers").is_file() and unified is not None:
            folder = root / unified.lstrip("/") / name
            cgroup, limits = cls(folder, folder, 2), {
                folder / "memory.max": memory_bytes,
                folder / "memory.swap.max": 0,
                folder / "pids.max": max_processes,
            }
        else:
            memory, pids = (_own_path(c, proc_cgroup) for c in ("memory", "pids"))
            if memory is None or pids is None:
                return None
            memory = root / "memory" / memory.lstrip("/") / name
            pids = root / "pids" / pids.lstrip("/") / name
            cgroup, limits = cls(memory, pids, 1), {
                memory / "memory.limit_in_bytes": memory_bytes,
                pids / "pids.max": max_processes,
            }
        try:
            for folder in (cgroup.memory_dir, cgroup.pids_dir):
                folder.mkdir(exist_ok=True)
            for path, value in limits.items():
                path.write_text(str(value))
            swap = cgroup.memory_dir / "memory.memsw.limit_in_bytes"  # v1, where swap is accounted
            if cgroup.version == 1 and swap.exists():
                swap.write_text(str(memory_bytes))
        except OSError:  # no such hierarchy, read-only, no delegation, controller off
            cgroup.remove()
            return None
        return cgroup

    def join_command(self, command):
        """``command``, run by a shell that first joins the cgroup(s)."""
        folders = sorted({str(self.memory_dir), str(self.pids_dir)})
        return ["/bin/sh", "-c", _JOIN, "sh", *folders, "--", *command]

    def events(self):
        """How often the memory limit killed a process, and the process limit refused one."""
        if self.version == 2:
            oom = _read_counts(self.memory_dir / "memory.events").get("oom_kill", 0)
            refused = _read_counts(self.pids_dir / "pids.events").get("max", 0)
        else:
            oom = _read_counts(self.memory_dir / "memory.oom_control").get("oom_kill", 0)
            refused = _read_counts(self.pids_dir / "pids.events").get("max", 0)
        return {"oom_kill": oom, "pids_max": refused}

    def remove(self):
        """Kill what is left in the cgroup(s) and delete them."""
        for folder in {self.memory_dir, self.pids_dir}:
            for _ in range(100):
                pids = _pids(folder)
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                time.sleep(0.01)
            try:
                folder.rmdir()
            except OSError:  # never created, or a process still exiting
                pass
