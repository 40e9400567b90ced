"""Saving and loading tensors, parameters and checkpoints, safely.

Every write is atomic: the data goes to a temporary file in the same folder,
which then replaces the target, so a crash never leaves a half-written file
where a good one was. Every read is safe: ``torch.load`` runs with
``weights_only=True`` and parameters use safetensors, so loading a file never
executes code from it.
"""

import contextlib
import os
import pickle
import tempfile
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_model, save_model


class CheckpointError(ValueError):
    """A file that cannot be loaded: truncated, corrupted or unsafe."""


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path that replaces ``path`` once the block succeeds.

    Example:
        >>> import tempfile, pathlib
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "x.pt"
        >>> with atomic_path(target) as tmp:
        ...     torch.save(torch.ones(1), tmp)
        >>> target.exists()
        True
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb") as written:
            os.fsync(written.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _unsafe_globals(path):
    """The Python objects a ``torch.save`` file refers to beyond plain tensors."""
    try:
        return torch.serialization.get_unsafe_globals_in_checkpoint(path)
    except (RuntimeError, ValueError, OSError):
        return []


@contextlib.contextmanager
def _explained_load_errors(path):
    """Turn the errors of a bad file into one French ``CheckpointError``."""
    try:
        yield
    except FileNotFoundError:
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


def save_tensors(path, tensors):
    """Save a tensor, or a list or dict of tensors, atomically.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.pt"
        >>> save_tensors(path, {"x": torch.arange(3)})
        >>> load_tensors(path)
        {'x': tensor([0, 1, 2])}
    """
    with atomic_path(path) as tmp:
        torch.save(tensors, tmp)


def load_tensors(path, map_location="cpu"):
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


def save_parameters(model, path):
    """Save a model's parameters and buffers to a safetensors file, atomically.

    Tied parameters are stored once.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "mlp.safetensors"
        >>> save_parameters(nn.Linear(2, 1), path)
        >>> load_parameters(nn.Linear(2, 1), path)
        Linear(in_features=2, out_features=1, bias=True)
    """
    with atomic_path(path) as tmp:
        save_model(model, tmp)


def load_parameters(model, path, device="cpu"):
    """Load parameters saved by ``save_parameters`` into ``model``, in place.

    Args:
        model: a module of the same architecture (materialized if lazy).
        path: the safetensors file.
        device: where the loaded tensors are put first.

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


def save_checkpoint(path, model, optimizer=None, step=0, architecture=None):
    """Save a training checkpoint atomically.

    It holds the model's ``state_dict``, the optimizer's (if any) and a
    metadata record: torch version, step and architecture name.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "ckpt.pt"
        >>> model = nn.Linear(2, 1)
        >>> save_checkpoint(path, model, torch.optim.SGD(model.parameters(), lr=0.1), step=7)
        >>> load_checkpoint(path, model)["step"]
        7
    """
    checkpoint = {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "metadata": {
            "torch_version": str(torch.__version__),
            "step": step,
            "architecture": architecture or type(model).__name__,
        },
    }
    save_tensors(path, checkpoint)


def load_checkpoint(path, model, optimizer=None, map_location="cpu"):
    """Restore ``model`` (and ``optimizer``) in place from a checkpoint.

    Args:
        map_location: where the tensors go; the default lets a checkpoint
            saved on a GPU load on a machine without one.

    Returns:
        The metadata record (``torch_version``, ``step``, ``architecture``).

    Raises:
        CheckpointError: the file is truncated, corrupted, unsafe or not a checkpoint.
    """
    checkpoint = load_tensors(path, map_location=map_location)
    if not isinstance(checkpoint, dict) or not {"model", "metadata"} <= checkpoint.keys():
        raise CheckpointError(
            f"{path} n'est pas un point de contrôle : il contient un {type(checkpoint).__name__}, "
            "et non un dictionnaire avec les clés 'model' et 'metadata'."
        )
    model.load_state_dict(checkpoint["model"])
    if optimizer is not None and checkpoint.get("optimizer") is not None:
        optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["metadata"]
