"""Every test in this folder starts Jupyter kernels: it is marked ``slow`` by its place
(``make unit`` leaves this folder out)."""

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.slow)
