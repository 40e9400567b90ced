"""Initializers for ``nn.Linear`` layers, to be used with ``net.apply``.

Each function changes the parameters of an ``nn.Linear`` (a materialized
``nn.LazyLinear`` is one) and leaves every other module untouched. Called on
a lazy layer before its dry run, it raises a French ``RuntimeError`` instead
of silently doing nothing.
"""

import torch
from torch import nn
from torch.nn.parameter import is_lazy


def is_linear(module):
    """Tell whether ``module`` is an ``nn.Linear`` whose parameters exist.

    Raises:
        RuntimeError: ``module`` is a lazy layer not yet materialized.
    """
    if not isinstance(module, nn.Linear):
        return False
    if is_lazy(module.weight):
        raise RuntimeError(
            "Impossible d'initialiser une couche paresseuse avant son exécution à blanc : "
            f"{module!r} n'a pas encore de paramètres de forme connue. "
            "Faites d'abord passer un exemple d'entrée dans le réseau (voir constructeur.lazy.materialize)."
        )
    return True


def _zero_bias(module):
    if module.bias is not None:
        nn.init.zeros_(module.bias)


def init_normal(module, std=0.01):
    """Weights from N(0, std²), biases zero.

    Example:
        >>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
        >>> _ = net.apply(init_normal)
    """
    if is_linear(module):
        nn.init.normal_(module.weight, mean=0.0, std=std)
        _zero_bias(module)


def init_constant(module, value=1.0):
    """Weights all equal to ``value``, biases zero.

    Example:
        >>> layer = nn.Linear(2, 1)
        >>> init_constant(layer)
        >>> layer.weight
        Parameter containing:
        tensor([[1., 1.]], requires_grad=True)
    """
    if is_linear(module):
        nn.init.constant_(module.weight, value)
        _zero_bias(module)


def init_xavier(module):
    """Weights from Xavier's uniform distribution, biases zero.

    Example:
        >>> _ = nn.Sequential(nn.Linear(4, 8)).apply(init_xavier)
    """
    if is_linear(module):
        nn.init.xavier_uniform_(module.weight)
        _zero_bias(module)


def init_42(module):
    """Weights all equal to 42, biases zero.

    Example:
        >>> layer = nn.Linear(3, 1)
        >>> init_42(layer)
        >>> layer.weight.unique()
        tensor([42.], grad_fn=<Unique2Backward0>)
    """
    init_constant(module, 42.0)


def my_init(module):
    """The chapter's « strange » distribution for the weights; biases untouched.

    Each weight is drawn from U(5, 10) with probability 1/4, is 0 with
    probability 1/2 and is drawn from U(-10, -5) with probability 1/4.

    Example:
        >>> layer = nn.Linear(100, 100)
        >>> my_init(layer)
        >>> bool(((layer.weight == 0) | (layer.weight.abs() >= 5)).all())
        True
    """
    if is_linear(module):
        weight = module.weight
        magnitude = torch.empty_like(weight).uniform_(5.0, 10.0)
        signs = torch.tensor([1.0, -1.0, 0.0, 0.0], dtype=weight.dtype, device=weight.device)
        sign = signs[torch.randint(0, 4, weight.shape, device=weight.device)]
        with torch.no_grad():
            weight.copy_(sign * magnitude)
