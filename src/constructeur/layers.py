"""Custom layers: one without parameters, one with."""

import math

import torch
from torch import nn


class CenteredLayer(nn.Module):
    """Subtract the mean of the input from it; holds no parameter.

    Example:
        >>> CenteredLayer()(torch.tensor([1.0, 2.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """

    def forward(self, X):
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
        >>> MyLinear(5, 3)(torch.rand(2, 5)).shape
        torch.Size([2, 3])
    """

    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))
        self.bias = nn.Parameter(torch.zeros(out_features))

    def forward(self, X):
        return X @ self.weight + self.bias
