"""Custom layers: one without parameters, one with, and one that depends on the mode."""

import math

import torch
from torch import Tensor, nn


class CenteredLayer(nn.Module):
    """Subtract the mean of the input from it; holds no parameter.

    Shape:
        Input ``(*)``, any shape; output of the same shape, with mean zero.

    Example:
        >>> CenteredLayer()(torch.tensor([1.0, 2.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """

    def forward(self, X: Tensor) -> Tensor:
        return X - X.mean()


class MyLinear(nn.Module):
    """A fully connected layer ``X @ weight + bias`` with trainable parameters.

    ``forward`` uses the parameters themselves (never ``.data``), so
    gradients reach ``weight`` and ``bias``.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.

    Shape:
        Input ``(*, in_features)``, output ``(*, out_features)``;
        ``weight`` is ``(in_features, out_features)``, ``bias`` ``(out_features,)``.

    Example:
        >>> layer = MyLinear(5, 3)
        >>> layer
        MyLinear(in_features=5, out_features=3)
        >>> layer(torch.rand(2, 5)).shape
        torch.Size([2, 3])
    """

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))
        self.bias = nn.Parameter(torch.zeros(out_features))

    def forward(self, X: Tensor) -> Tensor:
        return X @ self.weight + self.bias

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}"


class MyDropout(nn.Module):
    """Dropout written by hand: random in training mode, the identity in evaluation mode.

    In training mode (``module.train()``, the default), each element is zeroed
    with probability ``p`` and the others are divided by ``1 - p``, so the
    expected output is the input. In evaluation mode (``module.eval()``), the
    input is returned unchanged. The mode is the ``training`` attribute that
    ``train()`` and ``eval()`` set on a module and all its submodules.

    Args:
        p: probability of zeroing an element, in ``[0, 1)``.

    Shape:
        Input any shape, output the same shape.

    Example:
        >>> layer = MyDropout(0.5).eval()
        >>> layer(torch.ones(3))
        tensor([1., 1., 1.])
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        if not 0 <= p < 1:
            raise ValueError(f"La probabilité d'effacement p doit vérifier 0 ≤ p < 1 ; elle vaut ici {p}.")
        self.p = p

    def forward(self, X: Tensor) -> Tensor:
        if not self.training:
            return X
        keep = (torch.rand_like(X) >= self.p).to(X.dtype)
        return X * keep / (1 - self.p)

    def extra_repr(self) -> str:
        return f"p={self.p}"
