"""Initializers for ``nn.Linear`` layers, to be used with ``net.apply``.

Each function changes the parameters of an ``nn.Linear`` (a materialized
``nn.LazyLinear`` is one) and leaves every other module untouched. Called on
a lazy layer before its dry run, it raises a French ``RuntimeError`` instead
of silently doing nothing.
"""

import torch
from torch import nn
from torch.nn.parameter import is_lazy


def is_linear(module: nn.Module) -> bool:
    """Tell whether ``module`` is an ``nn.Linear`` whose parameters exist.

    A lazy layer before its dry run is not one yet: its shapes are unknown.

    Example:
        >>> is_linear(nn.Linear(2, 1)), is_linear(nn.ReLU()), is_linear(nn.LazyLinear(1))
        (True, False, False)
    """
    return isinstance(module, nn.Linear) and not is_lazy(module.weight)


def linear_to_initialize(module: nn.Module) -> bool:
    """``is_linear(module)``, after refusing a lazy layer not yet materialized, which an
    initializer would otherwise silently skip: the test every initializer here starts with.

    Raises:
        RuntimeError: ``module`` is a lazy linear layer before its dry run (French message).

    Example:
        >>> linear_to_initialize(nn.Linear(2, 1)), linear_to_initialize(nn.ReLU())
        (True, False)
        >>> linear_to_initialize(nn.LazyLinear(1))
        Traceback (most recent call last):
        RuntimeError: Impossible d'initialiser une couche paresseuse avant son exécution à blanc...
    """
    if is_linear(module):
        return True
    if isinstance(module, nn.Linear):  # a lazy one, before its dry run
        raise RuntimeError(
            "Impossible d'initialiser une couche paresseuse avant son exécution à blanc : "
            f"{module!r} n'a pas encore de paramètres de forme connue. "
            "Faites d'abord passer un exemple d'entrée dans le réseau (voir constructeur.lazy.materialize)."
        )
    return False


def _zero_bias(module: nn.Linear) -> None:
    if module.bias is not None:
        nn.init.zeros_(module.bias)


def init_normal(module: nn.Module, std: float = 0.01) -> None:
    """Weights from N(0, std²), biases zero.

    Args:
        module: any module; only an ``nn.Linear`` is changed.
        std: the standard deviation of the weights.

    Example:
        >>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
        >>> _ = net.apply(init_normal)
    """
    if linear_to_initialize(module):
        nn.init.normal_(module.weight, mean=0.0, std=std)
        _zero_bias(module)


def init_constant(module: nn.Module, value: float = 1.0) -> None:
    """Weights all equal to ``value``, biases zero.

    Args:
        module: any module; only an ``nn.Linear`` is changed.
        value: the value of every weight.

    Example:
        >>> layer = nn.Linear(2, 1)
        >>> init_constant(layer)
        >>> layer.weight
        Parameter containing:
        tensor([[1., 1.]], requires_grad=True)
    """
    if linear_to_initialize(module):
        nn.init.constant_(module.weight, value)
        _zero_bias(module)


def init_xavier(module: nn.Module) -> None:
    """Weights from Xavier's uniform distribution, biases zero.

    Args:
        module: any module; only an ``nn.Linear`` is changed.

    Example:
        >>> _ = nn.Sequential(nn.Linear(4, 8)).apply(init_xavier)
    """
    if linear_to_initialize(module):
        nn.init.xavier_uniform_(module.weight)
        _zero_bias(module)


def init_42(module: nn.Module) -> None:
    """Weights all equal to 42, biases zero.

    Args:
        module: any module; only an ``nn.Linear`` is changed.

    Example:
        >>> layer = nn.Linear(3, 1)
        >>> init_42(layer)
        >>> layer.weight.unique()
        tensor([42.], grad_fn=<Unique2Backward0>)
    """
    init_constant(module, 42.0)


def my_init(module: nn.Module) -> None:
    """The chapter's « strange » distribution for the weights; biases untouched.

    Each weight is drawn from U(5, 10) with probability 1/4, is 0 with
    probability 1/2 and is drawn from U(-10, -5) with probability 1/4.

    Args:
        module: any module; only the weights of an ``nn.Linear`` are changed.

    Example:
        >>> layer = nn.Linear(100, 100)
        >>> my_init(layer)
        >>> bool(((layer.weight == 0) | (layer.weight.abs() >= 5)).all())
        True
    """
    if linear_to_initialize(module):
        weight = module.weight
        magnitude = torch.empty_like(weight).uniform_(5.0, 10.0)
        signs = torch.tensor([1.0, -1.0, 0.0, 0.0], dtype=weight.dtype, device=weight.device)
        sign = signs[torch.randint(0, 4, weight.shape, device=weight.device)]
        with torch.no_grad():
            weight.copy_(sign * magnitude)
