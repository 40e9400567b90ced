import pytest
import torch
from torch import nn

from constructeur.device_guard import SameDevice

META = torch.device("meta")


@pytest.mark.parametrize(
    "operation",
    [
        lambda X: X + torch.ones(2, 3),
        lambda X: X @ torch.ones(3, 4),  # torch alone lets meta and CPU mix here
        lambda X: torch.einsum("ij,jk->ik", X, torch.ones(3, 4)),
        lambda X: nn.functional.linear(X, torch.ones(5, 3)),
    ],
)
def test_two_devices_in_one_operation_raise(operation):
    X = torch.empty(2, 3, device=META)
    with SameDevice(), pytest.raises(RuntimeError, match="cpu and meta"):
        operation(X)


def test_one_device_cpu_scalars_and_transfers_pass():
    X = torch.empty(2, 3, device=META)
    layer = nn.Linear(3, 4, device=META)
    with SameDevice():
        assert layer(X).device == META
        assert (X * torch.tensor(2.0)).device == META  # a CPU scalar goes with any device
        assert torch.randn_like(X).device == META
        Y = torch.empty(2, 3, device=META).copy_(torch.ones(2, 3))
        Y[0] = torch.zeros(3)
        assert Y.device == META
        assert torch.ones(2).to(META).device == META
        assert nn.Linear(2, 2).to(META).weight.device == META
        assert (torch.ones(2) + torch.ones(2)).tolist() == [2.0, 2.0]


def test_outside_the_guard_torch_decides():
    assert (torch.empty(2, 3, device=META) @ torch.ones(3, 4)).device == META
