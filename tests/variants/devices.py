"""Wrong and alternative answers for the `devices` assignment, to prove its tests right.

Each WRONG entry must fail at least one test cell of its name; each RIGHT entry must pass them
all (see the exercises' grading harness in tests/).
"""

WRONG = {
    "try_gpu": {
        "any index accepted as soon as CUDA is available": '''
def try_gpu(i=0):
    if torch.cuda.is_available():
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")
''',
        "off by one: i GPUs are enough for GPU number i": '''
def try_gpu(i=0):
    if torch.cuda.device_count() >= i and torch.cuda.is_available():
        return torch.device("cuda", i)
    return torch.device("cpu")
''',
        "device names returned as strings": '''
def try_gpu(i=0):
    return f"cuda:{i}" if i < torch.cuda.device_count() else "cpu"
''',
        "the GPU's index is dropped": '''
def try_gpu(i=0):
    return torch.device("cuda") if i < torch.cuda.device_count() else torch.device("cpu")
''',
    },
    "try_all_gpus": {
        "an empty list without a GPU": '''
def try_all_gpus():
    return [torch.device("cuda", i) for i in range(torch.cuda.device_count())]
''',
        "one index too many: try_gpu's CPU fallback is appended": '''
def try_all_gpus():
    return [try_gpu(i) for i in range(torch.cuda.device_count() + 1)]
''',
        "the CPU is always listed first": '''
def try_all_gpus():
    return [torch.device("cpu")] + [torch.device("cuda", i) for i in range(torch.cuda.device_count())]
''',
        "only the first device": '''
def try_all_gpus():
    return [try_gpu()]
''',
    },
    "to_device": {
        "tuples come back as lists": '''
def to_device(obj, device):
    if isinstance(obj, torch.Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {key: to_device(value, device) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_device(item, device) for item in obj]
    return obj
''',
        "only the first level is moved": '''
def to_device(obj, device):
    if isinstance(obj, dict):
        return {key: value.to(device) if isinstance(value, torch.Tensor) else value for key, value in obj.items()}
    return obj.to(device) if isinstance(obj, torch.Tensor) else obj
''',
        "the structure is changed in place": '''
def to_device(obj, device):
    if isinstance(obj, torch.Tensor):
        return obj.to(device)
    if isinstance(obj, (dict, list)):
        keys = obj.keys() if isinstance(obj, dict) else range(len(obj))
        for key in keys:
            obj[key] = to_device(obj[key], device)
        return obj
    if isinstance(obj, tuple):
        return tuple(to_device(item, device) for item in obj)
    return obj
''',
        "leaves that are not tensors are dropped": '''
def to_device(obj, device):
    if isinstance(obj, torch.Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {k: to_device(v, device) for k, v in obj.items() if isinstance(v, (torch.Tensor, dict, list, tuple))}
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_device(x, device) for x in obj if isinstance(x, (torch.Tensor, dict, list, tuple)))
    return obj
''',
        "strings walked like sequences": '''
from collections.abc import Mapping, Sequence


def to_device(obj, device):
    if isinstance(obj, torch.Tensor):
        return obj.to(device)
    if isinstance(obj, Mapping):
        return {key: to_device(value, device) for key, value in obj.items()}
    if isinstance(obj, Sequence) and len(obj) > 1:
        return type(obj)(to_device(item, device) for item in obj)
    return obj
''',
    },
    "module_device": {
        "the first parameter's device": '''
def module_device(module):
    return next(module.parameters()).device
''',
        "parameters only, buffers ignored": '''
def module_device(module):
    devices = {param.device for param in module.parameters()}
    if len(devices) != 1:
        raise ValueError(f"Périphériques trouvés : {devices}")
    return devices.pop()
''',
        "an assert instead of a ValueError": '''
def module_device(module):
    devices = {t.device for t in list(module.parameters()) + list(module.buffers())}
    assert len(devices) == 1, f"Plusieurs périphériques : {devices}"
    return devices.pop()
''',
        "state_dict: non-persistent buffers are missed": '''
def module_device(module):
    devices = {value.device for value in module.state_dict().values()}
    if len(devices) != 1:
        raise ValueError(f"Périphériques trouvés : {sorted(map(str, devices))}")
    return devices.pop()
''',
    },
    "frobenius_norms": {
        "one .item() per norm whatever the flag, rebuilt as float32": '''
def frobenius_norms(A, B, keep_on_device):
    return torch.tensor([torch.linalg.matrix_norm(A[i] @ B[i]).item() for i in range(len(A))])
''',
        "kept on the device but never brought back to the CPU": '''
def frobenius_norms(A, B, keep_on_device):
    if keep_on_device:
        return torch.stack([torch.linalg.matrix_norm(a @ b) for a, b in zip(A, B)])
    return torch.stack([torch.linalg.matrix_norm(a @ b).cpu() for a, b in zip(A, B)])
''',
        "the flag ignored: always one transfer per norm": '''
def frobenius_norms(A, B, keep_on_device):
    return torch.stack([torch.linalg.matrix_norm(a @ b).cpu() for a, b in zip(A, B)])
''',
        "element-wise product instead of the matrix product": '''
def frobenius_norms(A, B, keep_on_device):
    norms = torch.stack([torch.linalg.matrix_norm(a * b) for a, b in zip(A, B)])
    return norms.cpu()
''',
        "square root forgotten": '''
def frobenius_norms(A, B, keep_on_device):
    norms = [(a @ b).pow(2).sum() for a, b in zip(A, B)]
    if keep_on_device:
        return torch.stack(norms).cpu()
    return torch.stack([norm.cpu() for norm in norms])
''',
        "the flag ignored: always a single transfer": '''
def frobenius_norms(A, B, keep_on_device):
    return torch.linalg.matrix_norm(A @ B).cpu()
''',
    },
}

RIGHT = {
    "try_gpu": {
        "through torch.accelerator, so MPS and others count too": '''
def try_gpu(i=0):
    if torch.accelerator.is_available() and i < torch.accelerator.device_count():
        return torch.device(torch.accelerator.current_accelerator().type, i)
    return torch.device("cpu")
''',
    },
    "try_all_gpus": {
        "built from try_gpu, with an explicit fallback": '''
def try_all_gpus():
    devices = []
    i = 0
    while try_gpu(i).type != "cpu":
        devices.append(try_gpu(i))
        i += 1
    if not devices:
        devices.append(torch.device("cpu"))
    return devices
''',
    },
    "to_device": {
        "structural pattern matching": '''
def to_device(obj, device):
    match obj:
        case torch.Tensor():
            return obj.to(device)
        case dict():
            return dict((key, to_device(value, device)) for key, value in obj.items())
        case tuple():
            return tuple(to_device(item, device) for item in obj)
        case list():
            return [to_device(item, device) for item in obj]
        case _:
            return obj
''',
    },
    "module_device": {
        "first device compared with the rest, one pass": '''
import itertools


def module_device(module):
    found = None
    for tensor in itertools.chain(module.parameters(), module.buffers()):
        if found is None:
            found = tensor.device
        elif tensor.device != found:
            raise ValueError(f"Le module est réparti sur plusieurs périphériques : {found} et {tensor.device}.")
    if found is None:
        raise ValueError("Le module n'a ni paramètre ni tampon : il n'a pas de périphérique.")
    return found
''',
    },
    "frobenius_norms": {
        "preallocated results: on the device, or on the CPU filled one by one": '''
def frobenius_norms(A, B, keep_on_device):
    if keep_on_device:
        norms = torch.empty(len(A), dtype=A.dtype, device=A.device)
        for i in range(len(A)):
            norms[i] = torch.linalg.matrix_norm(A[i] @ B[i])
        return norms.to("cpu")
    norms = torch.empty(len(A), dtype=A.dtype)
    for i in range(len(A)):
        norms[i] = torch.linalg.matrix_norm(A[i] @ B[i])
    return norms
''',
        "float() per norm, or one batched product moved once": '''
def frobenius_norms(A, B, keep_on_device):
    if keep_on_device:
        return torch.linalg.norm(torch.bmm(A, B), dim=(1, 2)).to(torch.device("cpu"))
    return torch.tensor([float(torch.linalg.matrix_norm(a @ b)) for a, b in zip(A, B)], dtype=A.dtype)
''',
    },
}

# ---------------------------------------------------------------------------------------
# Near misses: each breaks exactly one rule of the statement (tests/variants/rules.py);
# tests/grading/kernels/test_graders.py adds them to WRONG.
RULE_BREAKERS = {
    "try_gpu": {
        "i = 1 by default": '''
def try_gpu(i=1):
    if i < torch.cuda.device_count():
        return torch.device("cuda", i)
    return torch.device("cpu")
''',
    },
    "try_all_gpus": {
        "a tuple instead of a list": '''
def try_all_gpus():
    return tuple(torch.device("cuda", i) for i in range(torch.cuda.device_count())) or (torch.device("cpu"),)
''',
        "the GPUs in reverse order": '''
def try_all_gpus():
    return [torch.device("cuda", i) for i in reversed(range(torch.cuda.device_count()))] or [torch.device("cpu")]
''',
    },
    "to_device": {
        "dictionary keys sorted": '''
def to_device(obj, device):
    if isinstance(obj, torch.Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {key: to_device(obj[key], device) for key in sorted(obj)}
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_device(item, device) for item in obj)
    return obj
''',
        "other objects deep-copied": '''
import copy


def to_device(obj, device):
    if isinstance(obj, torch.Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {key: to_device(value, device) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_device(item, device) for item in obj)
    return copy.deepcopy(obj)
''',
    },
    "module_device": {
        "the error message does not give the devices": '''
def module_device(module):
    devices = {tensor.device for tensor in [*module.parameters(), *module.buffers()]}
    if len(devices) != 1:
        raise ValueError("Le module n'est pas sur un seul périphérique.")
    return devices.pop()
''',
        "the CPU for a module without parameters or buffers": '''
def module_device(module):
    devices = {tensor.device for tensor in [*module.parameters(), *module.buffers()]}
    if not devices:
        return torch.device("cpu")
    if len(devices) > 1:
        raise ValueError(f"Plusieurs périphériques : {sorted(map(str, devices))}")
    return devices.pop()
''',
        "submodules left out": '''
def module_device(module):
    tensors = [*module.parameters(recurse=False), *module.buffers(recurse=False)]
    devices = {tensor.device for tensor in tensors}
    if len(devices) != 1:
        raise ValueError(f"Périphériques trouvés : {sorted(map(str, devices))}")
    return devices.pop()
''',
    },
    "frobenius_norms": {
        "result cast to float32": '''
def frobenius_norms(A, B, keep_on_device):
    if keep_on_device:
        return torch.stack([torch.linalg.matrix_norm(a @ b) for a, b in zip(A, B)]).cpu().float()
    return torch.stack([torch.linalg.matrix_norm(a @ b).cpu() for a, b in zip(A, B)]).float()
''',
        "a list of norms": '''
def frobenius_norms(A, B, keep_on_device):
    if keep_on_device:
        return list(torch.stack([torch.linalg.matrix_norm(a @ b) for a, b in zip(A, B)]).cpu())
    return [torch.linalg.matrix_norm(a @ b).cpu() for a, b in zip(A, B)]
''',
    },
}

# ---------------------------------------------------------------------------------------
# Mistakes that pass the common cases and break a sentence (issues 15 and 18): a type or a
# one-element case, a device told apart by its type only, buffers of sub-modules, the inputs
# moved instead of the results.
RULE_BREAKERS["to_device"].update({
    "tensors rebuilt with torch.tensor(t.tolist()): float64 and bfloat16 become float32": '''
def to_device(obj, device):
    if isinstance(obj, torch.Tensor):
        return torch.tensor(obj.tolist(), device=device)
    if isinstance(obj, dict):
        return {key: to_device(value, device) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_device(item, device) for item in obj)
    return obj
''',
})
RULE_BREAKERS["module_device"].update({
    "devices compared by type only: cuda:0 and cuda:1 taken for one": '''
def module_device(module):
    devices = {torch.device(t.device.type) for t in [*module.parameters(), *module.buffers()]}
    if len(devices) != 1:
        raise ValueError(f"Périphériques trouvés : {sorted(map(str, devices))}")
    return devices.pop()
''',
    "buffers of the module itself only (recurse=False)": '''
def module_device(module):
    devices = {t.device for t in [*module.parameters(), *module.buffers(recurse=False)]}
    if len(devices) != 1:
        raise ValueError(f"Périphériques trouvés : {sorted(map(str, devices))}")
    return devices.pop()
''',
})
RULE_BREAKERS["frobenius_norms"].update({
    "norms stacked then squeezed: n = 1 gives a scalar": '''
def frobenius_norms(A, B, keep_on_device):
    if keep_on_device:
        return torch.stack([torch.linalg.matrix_norm(a @ b) for a, b in zip(A, B)]).cpu().squeeze()
    return torch.stack([torch.linalg.matrix_norm(a @ b).cpu() for a, b in zip(A, B)]).squeeze()
''',
    "half precision computed and returned in float32": '''
def frobenius_norms(A, B, keep_on_device):
    if A.dtype in (torch.float16, torch.bfloat16):
        A, B = A.float(), B.float()
    if keep_on_device:
        return torch.stack([torch.linalg.matrix_norm(a @ b) for a, b in zip(A, B)]).cpu()
    return torch.stack([torch.linalg.matrix_norm(a @ b).cpu() for a, b in zip(A, B)])
''',
    "the inputs moved to the CPU instead of each result": '''
def frobenius_norms(A, B, keep_on_device):
    if keep_on_device:
        return torch.stack([torch.linalg.matrix_norm(a @ b) for a, b in zip(A, B)]).cpu()
    A, B = A.cpu(), B.cpu()
    return torch.stack([torch.linalg.matrix_norm(a @ b) for a, b in zip(A, B)])
''',
    "keep_on_device=True returns the squared norms": '''
def frobenius_norms(A, B, keep_on_device):
    if keep_on_device:
        return torch.stack([torch.linalg.matrix_norm(a @ b) ** 2 for a, b in zip(A, B)]).cpu()
    return torch.stack([torch.linalg.matrix_norm(a @ b).cpu() for a, b in zip(A, B)])
''',
})
RIGHT["to_device"].update({
    "torch.utils._pytree.tree_map over the tensors": '''
from torch.utils import _pytree


def to_device(obj, device):
    return _pytree.tree_map(lambda leaf: leaf.to(device) if isinstance(leaf, torch.Tensor) else leaf, obj)
''',
})
RIGHT["module_device"].update({
    "a walk over named_modules, each module's own tensors": '''
def module_device(module):
    devices = set()
    for _, sub in module.named_modules():
        devices |= {t.device for t in sub.parameters(recurse=False)}
        devices |= {t.device for t in sub.buffers(recurse=False)}
    if len(devices) != 1:
        raise ValueError(f"Périphériques trouvés : {', '.join(sorted(map(str, devices))) or 'aucun'}")
    (device,) = devices
    return device
''',
})
