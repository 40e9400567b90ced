"""Custom layers: one without parameters, one with."""

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
