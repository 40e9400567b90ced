import pytest
import torch
from torch import nn

from constructeur.init import (
    init_42,
    init_constant,
    init_normal,
    init_xavier,
    is_linear,
    linear_to_initialize,
    my_init,
)


def make_net():
    return nn.Sequential(nn.Linear(50, 40), nn.ReLU(), nn.Linear(40, 30))


def test_init_normal_weights_have_the_requested_spread():
    torch.manual_seed(0)
    net = make_net().apply(init_normal)
    weights = torch.cat([net[0].weight.flatten(), net[2].weight.flatten()])
    assert abs(weights.mean().item()) < 0.001
    assert weights.std().item() == pytest.approx(0.01, rel=0.05)
    assert net[0].bias.abs().sum() == 0


def test_init_constant_and_init_42():
    net = make_net().apply(init_constant)
    assert torch.all(net[0].weight == 1) and torch.all(net[2].bias == 0)
    net.apply(init_42)
    assert torch.all(net[2].weight == 42)


def test_init_xavier_stays_within_its_bound():
    torch.manual_seed(0)
    net = make_net().apply(init_xavier)
    bound = (6 / (50 + 40)) ** 0.5
    assert net[0].weight.abs().max() <= bound
    assert net[0].weight.abs().max() > 0.9 * bound


@pytest.mark.parametrize("initializer", [init_normal, init_constant, init_xavier, init_42, my_init])
def test_initializers_leave_other_modules_alone(initializer):
    norm = nn.LayerNorm(4)
    before = norm.weight.clone()
    initializer(norm)
    assert torch.equal(norm.weight, before)


def test_initializers_accept_a_layer_without_bias():
    layer = nn.Linear(3, 2, bias=False)
    init_constant(layer, 2.0)
    assert torch.all(layer.weight == 2)


def test_my_init_follows_the_strange_distribution():
    torch.manual_seed(0)
    layer = nn.Linear(200, 200)
    bias = layer.bias.clone()
    my_init(layer)
    w = layer.weight.detach().flatten()
    n = w.numel()
    zero, positive, negative = (w == 0), (w >= 5) & (w <= 10), (w <= -5) & (w >= -10)
    assert torch.all(zero | positive | negative)
    tolerance = 4 * (0.25 / n) ** 0.5
    assert zero.float().mean().item() == pytest.approx(0.5, abs=tolerance)
    assert positive.float().mean().item() == pytest.approx(0.25, abs=tolerance)
    assert negative.float().mean().item() == pytest.approx(0.25, abs=tolerance)
    assert torch.equal(layer.bias, bias)


def test_initializers_work_on_a_materialized_lazy_linear():
    layer = nn.LazyLinear(3)
    layer(torch.rand(2, 5))
    init_42(layer)
    assert layer.weight.shape == (3, 5) and torch.all(layer.weight == 42)


def test_initializing_a_lazy_layer_before_the_dry_run_is_a_clear_error():
    with pytest.raises(RuntimeError, match="exécution à blanc"):
        nn.Sequential(nn.LazyLinear(3)).apply(init_normal)


def test_is_linear():
    assert is_linear(nn.Linear(2, 2))
    assert not is_linear(nn.ReLU())


def test_is_linear_only_tests_a_lazy_layer():
    layer = nn.LazyLinear(3)
    assert not is_linear(layer)  # no exception: shapes unknown, not a Linear yet
    layer(torch.rand(2, 5))
    assert is_linear(layer)


def test_linear_to_initialize_refuses_only_a_lazy_layer_before_its_dry_run():
    assert linear_to_initialize(nn.Linear(2, 2)) and not linear_to_initialize(nn.ReLU())
    layer = nn.LazyLinear(3)
    with pytest.raises(RuntimeError, match="exécution à blanc"):
        linear_to_initialize(layer)
    layer(torch.rand(2, 5))
    assert linear_to_initialize(layer)
