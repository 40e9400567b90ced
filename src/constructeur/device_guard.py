"""A guard that makes a CPU refuse what a GPU refuses: one operation on two devices.

On a GPU, ``X + torch.randn(X.shape)`` fails: the noise is created on the default device,
the CPU, while ``X`` is on the GPU. On a machine without a GPU it runs, and a test cannot see
the mistake. With the meta device in the GPU's place and this guard around the call, it
fails on any machine, for every operation (torch itself lets ``@`` and ``einsum`` mix meta
and CPU tensors).

Example:
    >>> import torch
    >>> X = torch.empty(2, 3, device="meta")
    >>> with SameDevice():
    ...     (X + torch.ones(())).device  # a CPU scalar is accepted, as on a GPU
    device(type='meta')
    >>> with SameDevice():
    ...     X @ torch.ones(3, 4)
    Traceback (most recent call last):
        ...
    RuntimeError: Expected all tensors to be on the same device, but found at least two devices, cpu and meta!
"""

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_leaves

# What moves or copies data from one device to another, as a GPU allows, and what only
# compares two tensors' kinds (nn.Module.to asks it).
ALLOWED = frozenset({
    torch.Tensor.to, torch.Tensor.copy_, torch.Tensor.cpu, torch.Tensor.__setitem__,
    torch._has_compatible_shallow_copy_type,
})


class SameDevice(TorchFunctionMode):
    """Inside this context, a torch operation whose tensors are on two devices raises
    ``RuntimeError``, as CUDA does. A CPU tensor of zero dimensions goes with any device,
    and transfers (``to``, ``cpu``, ``copy_``, item assignment) are allowed, so a module
    can be moved inside the guard."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func not in ALLOWED:
            devices = {
                leaf.device
                for leaf in tree_leaves((args, kwargs))
                if isinstance(leaf, torch.Tensor) and not (leaf.dim() == 0 and leaf.device.type == "cpu")
            }
            if len(devices) > 1:
                found = " and ".join(sorted(str(device) for device in devices))
                raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, {found}!")
        return func(*args, **kwargs)
