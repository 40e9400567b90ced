from collections import OrderedDict, defaultdict, namedtuple

import pytest
import torch

from constructeur import devices
from constructeur.devices import cpu, gpu, num_gpus, to_device, try_all_gpus, try_gpu


@pytest.fixture
def accelerators(monkeypatch):
    """Pretend the machine has ``count`` accelerators of type ``kind``."""

    def install(count, kind="cuda"):
        monkeypatch.setattr(torch.accelerator, "is_available", lambda: count > 0)
        monkeypatch.setattr(torch.accelerator, "device_count", lambda: count)
        monkeypatch.setattr(torch.accelerator, "current_accelerator", lambda: torch.device(kind))

    monkeypatch.delenv(devices.OVERRIDE_VARIABLE, raising=False)
    return install


def test_real_machine_without_accelerator(monkeypatch):
    monkeypatch.delenv(devices.OVERRIDE_VARIABLE, raising=False)
    if torch.accelerator.is_available():
        pytest.skip("this machine has an accelerator; the no-GPU path is tested with a monkeypatch")
    assert num_gpus() == 0
    assert try_gpu() == cpu()
    assert try_all_gpus() == [torch.device("cpu")]


def test_no_accelerator(accelerators):
    accelerators(0)
    assert devices.accelerator_type() is None
    assert num_gpus() == 0
    assert try_gpu() == try_gpu(1) == cpu()
    assert try_all_gpus() == [cpu()]
    with pytest.raises(RuntimeError, match="en a 0"):
        gpu(0)


def test_one_gpu(accelerators):
    accelerators(1)
    assert num_gpus() == 1
    assert try_gpu() == torch.device("cuda", 0)
    assert try_gpu(1) == cpu()
    assert try_all_gpus() == [torch.device("cuda", 0)]


def test_two_gpus(accelerators):
    accelerators(2)
    assert try_gpu(1) == torch.device("cuda", 1)
    assert try_all_gpus() == [torch.device("cuda", 0), torch.device("cuda", 1)]


def test_apple_mps(accelerators):
    accelerators(1, kind="mps")
    assert try_gpu() == torch.device("mps", 0)


@pytest.mark.parametrize("value, expected", [("cpu", "cpu"), ("cuda:1", "cuda:1"), (" cuda ", "cuda")])
def test_override_wins(accelerators, monkeypatch, value, expected):
    accelerators(2)
    monkeypatch.setenv(devices.OVERRIDE_VARIABLE, value)
    assert try_gpu() == torch.device(expected)
    assert try_all_gpus() == [torch.device(expected)]


def test_override_cpu_on_a_machine_without_accelerator(accelerators, monkeypatch):
    accelerators(0)
    monkeypatch.setenv(devices.OVERRIDE_VARIABLE, "cpu")
    assert try_gpu(3) == cpu()


@pytest.mark.parametrize(
    "count, value, message",
    [
        (2, "banane", "ne désigne aucun périphérique"),
        (1, "cuda:1", "désigne un périphérique absent.*a 1 accélérateur de type"),
        (0, "cuda", "désigne un périphérique absent.*aucun accélérateur"),
        (1, "mps", "désigne un périphérique absent"),
    ],
)
def test_invalid_override_is_a_clear_error(accelerators, monkeypatch, count, value, message):
    accelerators(count)
    monkeypatch.setenv(devices.OVERRIDE_VARIABLE, value)
    with pytest.raises(ValueError, match=message):
        try_gpu()


def test_device_override_is_none_unless_the_variable_is_set(accelerators, monkeypatch):
    accelerators(2)
    assert devices.device_override() is None
    monkeypatch.setenv(devices.OVERRIDE_VARIABLE, "cuda:1")
    assert devices.device_override() == torch.device("cuda", 1)


def test_two_accelerators_are_counted_in_the_plural(accelerators, monkeypatch):
    accelerators(2)
    monkeypatch.setenv(devices.OVERRIDE_VARIABLE, "cuda:2")
    with pytest.raises(ValueError, match="cette machine a 2 accélérateurs de type 'cuda'"):
        devices.device_override()


def test_empty_override_is_ignored(accelerators, monkeypatch):
    accelerators(1)
    monkeypatch.setenv(devices.OVERRIDE_VARIABLE, "")
    assert try_gpu() == torch.device("cuda", 0)


def test_to_device_moves_nested_tensors_and_keeps_containers():
    Pair = namedtuple("Pair", "left right")
    batch = {
        "x": torch.ones(2),
        "items": [torch.zeros(1), 3, "texte"],
        "pair": Pair(torch.ones(1), None),
        "ordered": OrderedDict(a=(torch.ones(1),)),
    }
    moved = to_device(batch, torch.device("meta"))
    assert moved["x"].device.type == "meta"
    assert moved["items"][0].device.type == "meta" and moved["items"][1:] == [3, "texte"]
    assert isinstance(moved["pair"], Pair) and moved["pair"].right is None
    assert moved["pair"].left.device.type == "meta"
    assert isinstance(moved["ordered"], OrderedDict)
    assert isinstance(moved["ordered"]["a"], tuple) and moved["ordered"]["a"][0].device.type == "meta"
    assert batch["x"].device.type == "cpu"


def test_to_device_keeps_a_defaultdict_and_its_factory():
    batch = defaultdict(list, x=torch.ones(1))
    moved = to_device(batch, torch.device("meta"))
    assert type(moved) is defaultdict and moved["x"].device.type == "meta"
    assert moved["absent"] == [] and "absent" not in batch


@pytest.mark.parametrize("count", [0, 2])
def test_a_negative_gpu_number_is_a_clear_error(accelerators, count):
    accelerators(count)
    with pytest.raises(RuntimeError, match=f"Accélérateur n° -1 demandé, mais cette machine en a {count}"):
        gpu(-1)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU; this machine has none")
def test_tensors_really_move_to_the_gpu():
    assert to_device([torch.ones(1)], try_gpu())[0].device.type == "cuda"
