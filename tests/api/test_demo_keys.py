"""The demo's keys survive a restart (a clerk's login keeps working after ``make run`` again)."""

from __future__ import annotations

from yibao.api.auth import KeyStore
from yibao.api.demo import demo_keys


def test_the_same_demo_keys_after_a_restart(tmp_path):
    first = demo_keys(KeyStore(tmp_path / "keys.json", demo=True))
    again = KeyStore(tmp_path / "keys.json", demo=True)  # a new process opens the same store
    assert demo_keys(again) == first
    assert again.lookup(first[0]).role == "staff"
    assert (tmp_path / "demo-keys.json").stat().st_mode & 0o077 == 0  # owner-only
    # outside demo mode the demo keys are not valid
    assert KeyStore(tmp_path / "keys.json").lookup(first[0]) is None
