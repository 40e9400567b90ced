"""What the package's docstring examples may take for granted, as PyTorch's own do:
``torch`` and ``nn`` imported, a seeded generator, and a folder of their own to write
files in (each example runs in an empty temporary working folder)."""

import pytest
import torch
from torch import nn

# This file holds fixtures, no examples; collected as a module for its doctests, it would
# clash with tests/conftest.py (two modules named conftest).
collect_ignore = ["conftest.py"]


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace.update(torch=torch, nn=nn)


@pytest.fixture(autouse=True)
def _fresh_folder_and_seed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    torch.manual_seed(0)
