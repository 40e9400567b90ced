"""Choosing a device: the one place that decides where tensors and models live.

The order is: the ``CONSTRUCTEUR_DEVICE`` environment variable if set (e.g.
``cpu``, ``cuda:1``), then the accelerator that ``torch.accelerator`` reports
(CUDA, Apple MPS, XPU…), then the CPU.
"""

import copy
import os
from typing import Any

import torch

OVERRIDE_VARIABLE = "CONSTRUCTEUR_DEVICE"


def cpu() -> torch.device:
    """The CPU device.

    Example:
        >>> cpu()
        device(type='cpu')
    """
    return torch.device("cpu")


def accelerator_type() -> str | None:
    """The type of the machine's accelerator (``'cuda'``, ``'mps'``…), or ``None``.

    Example:
        >>> accelerator_type() in (None, "cuda", "mps", "xpu")
        True
    """
    if not torch.accelerator.is_available():
        return None
    return torch.accelerator.current_accelerator().type


def num_gpus() -> int:
    """The number of accelerator devices on this machine (0 without one).

    Example:
        >>> num_gpus() >= 0
        True
    """
    return torch.accelerator.device_count() if accelerator_type() else 0


def gpu(i: int = 0) -> torch.device:
    """The ``i``-th accelerator device.

    Args:
        i: its number, from 0 to ``num_gpus() - 1``.

    Raises:
        RuntimeError: the machine has no accelerator number ``i`` (French message).

    Example:
        >>> gpu(num_gpus())
        Traceback (most recent call last):
        RuntimeError: Accélérateur n° ... demandé, mais cette machine en a ...
    """
    count = num_gpus()
    if not 0 <= i < count:
        raise RuntimeError(
            f"Accélérateur n° {i} demandé, mais cette machine en a {count}. "
            "Utilisez try_gpu(), qui se rabat sur le CPU."
        )
    return torch.device(accelerator_type(), i)


def device_override() -> torch.device | None:
    """The device named by ``CONSTRUCTEUR_DEVICE``, checked, or ``None`` when it is unset.

    Raises:
        ValueError: the variable names no device, or one this machine lacks (French message).

    Example:
        >>> from unittest import mock
        >>> with mock.patch.dict(os.environ, {OVERRIDE_VARIABLE: "cpu"}):
        ...     device_override()
        device(type='cpu')
    """
    name = os.environ.get(OVERRIDE_VARIABLE, "").strip()
    if not name:
        return None
    try:
        device = torch.device(name)
    except RuntimeError as error:
        raise ValueError(
            f"{OVERRIDE_VARIABLE}={name!r} ne désigne aucun périphérique : écrivez par exemple "
            "'cpu', 'cuda', 'cuda:1' ou 'mps'."
        ) from error
    if device.type == "cpu":
        return device
    if device.type != accelerator_type() or (device.index or 0) >= num_gpus():
        raise ValueError(
            f"{OVERRIDE_VARIABLE}={name!r} désigne un périphérique absent : {_machine()}."
        )
    return device


def _machine() -> str:
    """What this machine has, in French, e.g. « cette machine a 2 accélérateurs de type 'cuda' »."""
    count = num_gpus()
    if count == 0:
        return "cette machine n'a aucun accélérateur"
    plural = "s" if count > 1 else ""
    return f"cette machine a {count} accélérateur{plural} de type {accelerator_type()!r}"


def try_gpu(i: int = 0) -> torch.device:
    """The ``i``-th accelerator if it exists, else the CPU.

    ``CONSTRUCTEUR_DEVICE``, when set, wins over both.

    Example:
        >>> try_gpu(99)  # no machine has a hundred GPUs
        device(type='cpu')
    """
    override = device_override()
    if override is not None:
        return override
    return gpu(i) if i < num_gpus() else cpu()


def try_all_gpus() -> list[torch.device]:
    """All accelerator devices, or ``[cpu]`` when there are none.

    ``CONSTRUCTEUR_DEVICE``, when set, gives a list of that one device.

    Example:
        >>> len(try_all_gpus()) >= 1
        True
    """
    override = device_override()
    if override is not None:
        return [override]
    return [gpu(i) for i in range(num_gpus())] or [cpu()]


def to_device(obj: Any, device: torch.device | str) -> Any:
    """Move every tensor in nested dicts, lists and tuples to ``device``.

    Containers keep their type (a ``defaultdict`` its default factory, a named tuple its
    fields); leaves that are not tensors are kept as they are. ``obj`` is left unchanged.

    Args:
        obj: a tensor, or a container of them, nested as deep as need be.
        device: where the tensors go.

    Example:
        >>> batch = {"x": torch.ones(2), "ids": [1, 2], "pair": (torch.zeros(1), "a")}
        >>> to_device(batch, cpu())["pair"]
        (tensor([0.]), 'a')
    """
    if isinstance(obj, torch.Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        moved = copy.copy(obj)  # same type and attributes (a defaultdict's factory)
        moved.update((key, to_device(value, device)) for key, value in obj.items())
        return moved
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*(to_device(item, device) for item in obj))
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_device(item, device) for item in obj)
    return obj
