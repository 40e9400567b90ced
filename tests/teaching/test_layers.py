import pytest
import torch
from torch import nn

from constructeur.layers import CenteredLayer, MyDropout, MyLinear


def test_centered_layer_has_zero_mean_and_no_parameters():
    layer = CenteredLayer()
    out = layer(torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert torch.equal(out, torch.tensor([-2.0, -1.0, 0.0, 1.0, 2.0]))
    assert list(layer.parameters()) == []


def test_my_linear_is_affine_and_matches_nn_functional():
    torch.manual_seed(0)
    layer = MyLinear(5, 3)
    assert layer.weight.shape == (5, 3) and layer.bias.shape == (3,)
    X = torch.rand(2, 5)
    expected = torch.nn.functional.linear(X, layer.weight.T, layer.bias)
    torch.testing.assert_close(layer(X), expected)


def test_my_linear_gradients_reach_weight_and_bias():
    layer = MyLinear(4, 2)
    layer(torch.rand(3, 4)).sum().backward()
    assert layer.weight.grad is not None and layer.weight.grad.abs().sum() > 0
    assert torch.equal(layer.bias.grad, torch.full((2,), 3.0))


def test_my_linear_trains_with_sgd():
    torch.manual_seed(0)
    X = torch.randn(64, 3)
    y = X @ torch.tensor([[2.0], [-1.0], [0.5]]) + 0.3
    layer = MyLinear(3, 1)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    losses = []
    for _ in range(20):
        loss = ((layer(X) - y) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.1 * losses[0]


def test_printing_a_layer_tells_its_sizes():
    assert repr(MyLinear(5, 3)) == "MyLinear(in_features=5, out_features=3)"
    assert repr(torch.nn.Sequential(MyLinear(64, 8))) == (
        "Sequential(\n  (0): MyLinear(in_features=64, out_features=8)\n)"
    )
    assert repr(CenteredLayer()) == "CenteredLayer()"


def test_my_dropout_zeroes_a_share_p_and_keeps_the_mean_in_training_mode():
    torch.manual_seed(0)
    X = torch.ones(100_000)
    Y = MyDropout(0.3)(X)
    assert abs((Y == 0).float().mean().item() - 0.3) < 0.01
    assert torch.allclose(Y[Y != 0], torch.full_like(Y[Y != 0], 1 / 0.7))
    assert abs(Y.mean().item() - 1) < 0.02


def test_my_dropout_is_the_identity_in_evaluation_mode_even_inside_a_network():
    net = nn.Sequential(nn.Linear(4, 4), MyDropout(0.9))
    X = torch.rand(8, 4)
    net.eval()
    assert not net[1].training
    assert torch.equal(net(X), net[0](X))
    net.train()
    assert not torch.equal(net(X), net[0](X))


def test_my_dropout_lets_the_gradient_through_the_kept_elements():
    torch.manual_seed(0)
    X = torch.ones(1000, requires_grad=True)
    Y = MyDropout(0.5)(X)
    Y.sum().backward()
    assert torch.equal(X.grad, (Y != 0).float() * 2)


@pytest.mark.parametrize("p", [-0.1, 1.0])
def test_my_dropout_refuses_a_probability_outside_zero_one(p):
    with pytest.raises(ValueError, match="0 ≤ p < 1"):
        MyDropout(p)
