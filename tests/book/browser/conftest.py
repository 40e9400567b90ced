"""Every test in this folder drives a headless Chromium: it is marked ``browser`` by its
place (``make unit`` leaves this folder out)."""

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
