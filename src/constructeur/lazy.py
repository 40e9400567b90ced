"""Lazy initialization: shapes inferred by a dry run, then initialization."""

import torch
from torch.nn.parameter import is_lazy


def is_materialized(net):
    """Tell whether every parameter and buffer of ``net`` has a known shape."""
    return not any(is_lazy(t) for t in (*net.parameters(), *net.buffers()))


def materialize(net, *example_inputs, init=None):
    """Infer the shapes of a lazy network with a forward pass, then initialize it.

    Args:
        net: a module, possibly with lazy layers such as ``nn.LazyLinear``.
        *example_inputs: inputs of the right shape (a batch of one is enough).
        init: optional function applied with ``net.apply`` after the dry run.

    Returns:
        ``net`` itself, materialized.

    Raises:
        ValueError: the example inputs do not fit the network (French message).

    Example:
        >>> net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
        >>> net = materialize(net, torch.rand(2, 4))
        >>> net[0].weight.shape
        torch.Size([8, 4])
    """
    try:
        with torch.no_grad():
            net(*example_inputs)
    except RuntimeError as error:
        shapes = ", ".join(str(tuple(x.shape)) for x in example_inputs)
        raise ValueError(
            "Le passage à vide a échoué : les entrées d'exemple ne conviennent pas au réseau "
            f"(formes trouvées : {shapes}). Détail de PyTorch : {error}"
        ) from error
    if init is not None:
        net.apply(init)
    return net
