import pytest
import torch
from torch import nn

from constructeur.init import init_42
from constructeur.lazy import is_materialized, materialize


def test_materialize_infers_shapes_then_initializes():
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(2))
    assert not is_materialized(net)
    assert materialize(net, torch.rand(3, 5), init=init_42) is net
    assert is_materialized(net)
    assert net[0].weight.shape == (8, 5) and net[2].weight.shape == (2, 8)
    assert torch.all(net[2].weight == 42)
    assert isinstance(net[0], nn.Linear) and not isinstance(net[0], nn.LazyLinear)


def test_materialize_without_init_keeps_default_values():
    torch.manual_seed(0)
    net = materialize(nn.Sequential(nn.LazyLinear(4)), torch.rand(1, 3))
    assert net[0].weight.abs().max() <= 1 / 3**0.5


def test_materialize_explains_a_shape_mismatch_in_french():
    net = nn.Sequential(nn.Linear(4, 2), nn.LazyLinear(3))
    with pytest.raises(ValueError, match=r"exécution à blanc a échoué.*\(2, 5\)"):
        materialize(net, torch.rand(2, 5))


def test_materialize_does_not_record_gradients():
    net = nn.Sequential(nn.LazyLinear(2))
    materialize(net, torch.rand(1, 3))
    assert net[0].weight.grad is None


def test_materialize_runs_in_eval_mode_and_restores_every_mode():
    net = nn.Sequential(nn.LazyLinear(4), nn.BatchNorm1d(4), nn.Dropout(0.5), nn.LazyLinear(1))
    net[2].eval()  # a submodule whose mode differs from its parent's
    materialize(net, torch.rand(1, 3))  # a batch of one: BatchNorm1d refuses it in training mode
    assert net.training and net[1].training and not net[2].training
    assert int(net[1].num_batches_tracked) == 0
    assert torch.equal(net[1].running_mean, torch.zeros(4))


def test_materialize_restores_the_modes_when_the_dry_run_fails():
    net = nn.Sequential(nn.Linear(4, 2), nn.LazyLinear(3))
    with pytest.raises(ValueError):
        materialize(net, torch.rand(2, 5))
    assert net.training and all(module.training for module in net)
