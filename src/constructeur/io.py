"""Saving and loading tensors, parameters and checkpoints, safely.

Every write is atomic: the data goes to a temporary file in the same folder,
which then replaces the target, so a crash never leaves a half-written file
where a good one was. Every read is safe: ``torch.load`` runs with
``weights_only=True`` and parameters use safetensors, so loading a file never
executes code from it. Files get the permissions that ``open()`` (and so
``torch.save``) would give them: readable by others under the usual umask, as peers and
instructors on a shared hub need.
"""

import contextlib
import os
import pickle
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_model, save_model
from torch import nn

PathLike = str | os.PathLike


class CheckpointError(ValueError):
    """A file that cannot be loaded: truncated, corrupted or unsafe."""


def _umask() -> int:
    umask = os.umask(0)  # reading it means setting it: put it back at once
    os.umask(umask)
    return umask


@contextlib.contextmanager
def atomic_path(path: PathLike) -> Iterator[str]:
    """Yield a temporary path that replaces ``path`` once the block succeeds.

    The temporary file is in the same folder (so the replacement is atomic); the file
    that replaces ``path`` has the mode ``open()`` gives a new file (``0o666`` less the
    umask), not the private ``0o600`` of ``mkstemp`` or of safetensors' writer.

    Example:
        >>> with atomic_path("x.pt") as tmp:
        ...     torch.save(torch.ones(1), tmp)
        >>> Path("x.pt").exists(), oct(Path("x.pt").stat().st_mode & 0o777) == oct(0o666 & ~_umask())
        (True, True)
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # whatever mode the writer gave it
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _unsafe_globals(path: PathLike) -> list[str]:
    """The Python objects a ``torch.save`` file refers to beyond plain tensors."""
    try:
        return torch.serialization.get_unsafe_globals_in_checkpoint(path)
    except (RuntimeError, ValueError, OSError):
        return []


@contextlib.contextmanager
def _explained_load_errors(path: PathLike) -> Iterator[None]:
    """Turn the errors of a bad file into one French ``CheckpointError``; a file that
    cannot be opened (absent, not readable, a folder) keeps Python's own error."""
    try:
        yield
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    except (pickle.UnpicklingError, RuntimeError, EOFError, KeyError, ValueError,
            SafetensorError, OSError) as error:
        unsafe = _unsafe_globals(path)
        if unsafe:
            raise CheckpointError(
                f"{path} fait référence à des objets Python non autorisés ({', '.join(unsafe)}) : "
                "seuls les tenseurs et les conteneurs simples sont acceptés. Chargement refusé, rien n'a été exécuté."
            ) from error
        raise CheckpointError(
            f"{path} est tronqué ou corrompu : ce n'est pas un fichier complet écrit par torch.save "
            f"ou safetensors. Détail : {error}"
        ) from error


def save_tensors(path: PathLike, tensors: Any) -> None:
    """Save a tensor, or a list or dict of tensors, atomically.

    Args:
        path: the file, replaced only once the whole of it is written.
        tensors: a tensor, or lists, tuples and dicts of them.

    Example:
        >>> save_tensors("x.pt", {"x": torch.arange(3)})
        >>> load_tensors("x.pt")
        {'x': tensor([0, 1, 2])}
    """
    with atomic_path(path) as tmp:
        torch.save(tensors, tmp)


def load_tensors(path: PathLike, map_location: torch.device | str = "cpu") -> Any:
    """Load what ``save_tensors`` saved, without running any code from the file.

    Args:
        path: the file.
        map_location: where to put the tensors; the CPU by default, so a
            file saved on a GPU loads on any machine.

    Raises:
        CheckpointError: the file is truncated, corrupted or unsafe.
    """
    with _explained_load_errors(path):
        return torch.load(path, map_location=map_location, weights_only=True)


def save_parameters(model: nn.Module, path: PathLike) -> None:
    """Save a model's parameters and buffers to a safetensors file, atomically.

    Tied parameters are stored once.

    Args:
        model: the module whose ``state_dict`` is saved.
        path: the safetensors file.

    Example:
        >>> save_parameters(nn.Linear(2, 1), "linear.safetensors")
        >>> load_parameters(nn.Linear(2, 1), "linear.safetensors")
        Linear(in_features=2, out_features=1, bias=True)
    """
    with atomic_path(path) as tmp:
        save_model(model, tmp)


def load_parameters(model: nn.Module, path: PathLike, device: torch.device | str = "cpu") -> nn.Module:
    """Load parameters saved by ``save_parameters`` into ``model``, in place.

    Args:
        model: a module of the same architecture (materialized if lazy).
        path: the safetensors file.
        device: where the file's tensors are read, before they are copied into the
            parameters of ``model``, which stay where they are (move ``model`` first).

    Returns:
        ``model``.

    Raises:
        CheckpointError: the file is truncated or corrupted.
        RuntimeError: the file does not match the architecture of ``model``.
    """
    with _explained_load_errors(path), safe_open(path, framework="pt"):
        pass  # opening checks the header and the file's length
    load_model(model, path, device=str(device))
    return model


def save_checkpoint(
    path: PathLike,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    step: int = 0,
    architecture: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Save a training checkpoint atomically.

    It holds the model's ``state_dict``, the optimizer's (if any), a metadata
    record (torch version, step and architecture name) and the ``extra`` entries.

    Args:
        path: the file.
        model: the model being trained.
        optimizer: its optimizer, whose state (momentum...) is needed to resume.
        step: the training step reached.
        architecture: a name for the model's class (default: its class name).
        extra: more entries, beside ``model``, ``optimizer`` and ``metadata``
            (tensors and plain values, e.g. the random generators' states).

    Raises:
        ValueError: an ``extra`` entry bears one of the three reserved names.

    Example:
        >>> model = nn.Linear(2, 1)
        >>> save_checkpoint("ckpt.pt", model, torch.optim.SGD(model.parameters(), lr=0.1), step=7)
        >>> load_checkpoint("ckpt.pt", model)["step"]
        7
    """
    reserved = sorted((extra or {}).keys() & {"model", "optimizer", "metadata"})
    if reserved:
        raise ValueError(
            f"Entrées supplémentaires aux noms réservés : {', '.join(reserved)}. "
            "Les noms model, optimizer et metadata sont pris par le point de contrôle lui-même."
        )
    checkpoint = {
        **(extra or {}),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "metadata": {
            "torch_version": str(torch.__version__),
            "step": step,
            "architecture": architecture or type(model).__name__,
        },
    }
    save_tensors(path, checkpoint)


def read_checkpoint(path: PathLike, map_location: torch.device | str = "cpu") -> dict[str, Any]:
    """Read a checkpoint written by ``save_checkpoint``, without restoring anything.

    Args:
        path: the file.
        map_location: where the tensors go (the CPU by default).

    Returns:
        The whole checkpoint: ``model``, ``optimizer``, ``metadata`` and any extra entry.

    Raises:
        CheckpointError: the file is truncated, corrupted, unsafe or not a checkpoint.

    Example:
        >>> save_checkpoint("ckpt.pt", nn.Linear(2, 1), step=3, extra={"note": "essai"})
        >>> sorted(read_checkpoint("ckpt.pt"))
        ['metadata', 'model', 'note', 'optimizer']
    """
    checkpoint = load_tensors(path, map_location=map_location)
    if not isinstance(checkpoint, dict) or not {"model", "metadata"} <= checkpoint.keys():
        raise CheckpointError(
            f"{path} n'est pas un point de contrôle : il contient un {type(checkpoint).__name__}, "
            "et non un dictionnaire avec les clés 'model' et 'metadata'."
        )
    return checkpoint


def restore_checkpoint(
    checkpoint: dict[str, Any], model: nn.Module, optimizer: torch.optim.Optimizer | None = None
) -> dict[str, Any]:
    """Restore ``model`` (and ``optimizer``) in place from a checkpoint already read.

    Args:
        checkpoint: what ``read_checkpoint`` returned.
        model: a model of the same architecture, restored in place.
        optimizer: its optimizer, restored in place if the checkpoint holds one.

    Returns:
        The metadata record (``torch_version``, ``step``, ``architecture``).
    """
    model.load_state_dict(checkpoint["model"])
    if optimizer is not None and checkpoint.get("optimizer") is not None:
        optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["metadata"]


def load_checkpoint(
    path: PathLike,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    map_location: torch.device | str = "cpu",
) -> dict[str, Any]:
    """Restore ``model`` (and ``optimizer``) in place from a checkpoint file.

    Args:
        path: the file written by ``save_checkpoint``.
        model: a model of the same architecture, restored in place.
        optimizer: its optimizer, restored in place if the checkpoint holds one.
        map_location: where the tensors go; the default lets a checkpoint
            saved on a GPU load on a machine without one.

    Returns:
        The metadata record (``torch_version``, ``step``, ``architecture``).

    Raises:
        CheckpointError: the file is truncated, corrupted, unsafe or not a checkpoint.
    """
    return restore_checkpoint(read_checkpoint(path, map_location), model, optimizer)
