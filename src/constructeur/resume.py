"""Resuming a training run bit for bit: the checkpoint also holds the random generators.

A checkpoint with the model and the optimizer (``constructeur.io.save_checkpoint``) resumes
a deterministic run exactly. As soon as training draws random numbers (shuffled
mini-batches, dropout), the resumed run also needs the generators where they were: the
CPU generator of torch, Python's ``random`` module and, when training on an accelerator,
that device's generator. NumPy's generator is not saved: the chapter draws nothing from it.
"""

import random
from typing import Any

import torch
from torch import nn

from constructeur.io import CheckpointError, PathLike, read_checkpoint, restore_checkpoint, save_checkpoint

RNG_ENTRY = "rng"  # the checkpoint's entry that holds the generators' states


def rng_states(device: torch.device | str = "cpu") -> dict[str, Any]:
    """The states of the random generators a training run on ``device`` draws from.

    Args:
        device: the device the model trains on; an accelerator adds its own generator.

    Returns:
        ``{"python": ..., "cpu": ...}``, plus ``{"cuda": ...}`` (or ``"mps"``...) for an
        accelerator: tensors and plain values, which ``torch.load(..., weights_only=True)``
        reads back.

    Example:
        >>> states = rng_states()
        >>> first = torch.rand(1)
        >>> set_rng_states(states)
        >>> torch.equal(torch.rand(1), first)
        True
    """
    states = {"python": random.getstate(), "cpu": torch.get_rng_state()}
    device = torch.device(device)
    if device.type != "cpu":
        states[device.type] = torch.get_device_module(device).get_rng_state(device)
    return states


def set_rng_states(states: dict[str, Any], device: torch.device | str = "cpu") -> None:
    """Put the random generators back in the states ``rng_states`` returned.

    Args:
        states: what ``rng_states`` returned (possibly read back from a file).
        device: the device the run resumes on; its generator is restored when ``states``
            holds one for its type.
    """
    random.setstate(states["python"])
    torch.set_rng_state(states["cpu"])
    device = torch.device(device)
    if device.type in states and device.type != "cpu":
        torch.get_device_module(device).set_rng_state(states[device.type], device)


def save_resumable(
    path: PathLike,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    step: int,
    device: torch.device | str = "cpu",
) -> None:
    """Save, atomically, everything a run needs to continue bit for bit after ``step``.

    The checkpoint of ``save_checkpoint`` (model, optimizer, metadata) plus the
    generators' states, under the entry ``"rng"``.

    Args:
        path: the file, replaced only once the whole of it is written.
        model: the model being trained.
        optimizer: its optimizer.
        step: the number of training steps done.
        device: the device the model trains on.

    Example:
        >>> model = nn.Linear(2, 1)
        >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> save_resumable("run.pt", model, optimizer, step=5)
        >>> noise = torch.rand(2)
        >>> load_resumable("run.pt", model, optimizer)["step"], torch.equal(torch.rand(2), noise)
        (5, True)
    """
    save_checkpoint(path, model, optimizer, step, extra={RNG_ENTRY: rng_states(device)})


def load_resumable(
    path: PathLike,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    device: torch.device | str = "cpu",
) -> dict[str, Any]:
    """Restore, in place, the model, the optimizer and the generators saved by ``save_resumable``.

    Build the model, move it to ``device`` and create its optimizer first: the optimizer's
    state then follows its parameters' device.

    Args:
        path: the file.
        model: a model of the same architecture (materialized if lazy).
        optimizer: its optimizer.
        device: the device the run resumes on.

    Returns:
        The metadata record; its ``step`` is where the run resumes.

    Raises:
        CheckpointError: the file is not a checkpoint, or holds no generators' states
            (French message).
    """
    checkpoint = read_checkpoint(path)
    if RNG_ENTRY not in checkpoint:
        raise CheckpointError(
            f"{path} ne contient pas l'état des générateurs aléatoires (entrée '{RNG_ENTRY}')\u202f: "
            "il a été écrit par save_checkpoint, pas par save_resumable. La reprise ne serait pas "
            "identique\u202f; chargez-le avec load_checkpoint si cela vous suffit."
        )
    metadata = restore_checkpoint(checkpoint, model, optimizer)
    set_rng_states(checkpoint[RNG_ENTRY], device)
    return metadata
