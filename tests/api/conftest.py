from __future__ import annotations

import warnings

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning, module="fastapi.testclient")
from fastapi.testclient import TestClient  # noqa: E402

from yibao.api.auth import KeyStore  # noqa: E402
from yibao.asgi import create_app  # noqa: E402


@pytest.fixture
def keys(tmp_path):
    return KeyStore(tmp_path / "keys.json")


@pytest.fixture
def client(keys):
    return TestClient(create_app(keys=keys))
