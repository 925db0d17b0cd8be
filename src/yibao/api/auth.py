"""API keys and roles: public (no key), hospital (its own claims), staff (agency writes).

Keys are random tokens shown once; only their SHA-256 is stored (``keys.json`` beside the
database, or ``YIBAO_API_KEYS``). A request names its key in ``X-API-Key`` (or
``Authorization: Bearer …``); the web UI keeps it in a cookie after staff log in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from yibao.present import mask_id  # noqa: F401  (re-exported; defined once in present)

Role = Literal["public", "hospital", "staff"]
ROLES: tuple[Role, ...] = ("public", "hospital", "staff")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's name, its role, and for hospitals the institution code."""

    name: str
    role: Role
    hospital: str | None = None

    @property
    def label(self) -> str:
        return f"{self.role}:{self.name}"


PUBLIC = Principal("anonymous", "public")


def default_keys_path() -> Path:
    if env := os.environ.get("YIBAO_API_KEYS"):
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("yibao")) / "keys.json"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


HOSPITAL_CODE = re.compile(r"^[A-Za-z0-9_-]{1,26}$")  # namespaces idempotency keys


class KeyStore:
    """Hashed API keys in a small JSON file, readable by its owner only (0600).

    Keys made for the demo (``demo=True``) are marked so; they are valid only in a store opened
    with ``demo=True`` (``yibao serve --demo``), never in a plain ``yibao serve``."""

    def __init__(self, path: Path | None = None, *, demo: bool = False) -> None:
        self.path = path or default_keys_path()
        self.demo = demo
        self._keys: dict[str, Principal] = {}
        self.reload()

    def reload(self) -> None:
        self._keys = {}
        if self.path.exists():
            for row in json.loads(self.path.read_text(encoding="utf-8")):
                if row.get("demo") and not self.demo:
                    continue
                self._keys[row["sha256"]] = Principal(row["name"], row["role"], row.get("hospital"))

    def add(
        self,
        name: str,
        role: Role,
        hospital: str | None = None,
        *,
        replace: bool = False,
        demo: bool = False,
    ) -> str:
        """Create a key; return the plain token (never stored). ``replace`` drops earlier keys
        of the same name first (the demo rotates its keys on every start)."""
        if role not in ("hospital", "staff"):
            raise ValueError(f"role must be hospital or staff, not {role!r}")
        if role == "hospital" and not (hospital and HOSPITAL_CODE.match(hospital)):
            raise ValueError(
                "a hospital key needs the institution code (hospital): 1–26 letters, digits, _ or -"
            )
        token = "yb_" + secrets.token_urlsafe(24)
        rows = []
        if self.path.exists():
            rows = json.loads(self.path.read_text(encoding="utf-8"))
        if replace:
            rows = [r for r in rows if r["name"] != name]
        row = {"name": name, "role": role, "hospital": hospital, "sha256": _digest(token)}
        rows.append({**row, "demo": True} if demo else row)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(rows, ensure_ascii=False, indent=1))
        tmp.chmod(0o600)  # an old .tmp left with another mode
        tmp.replace(self.path)
        self.reload()
        return token

    def lookup(self, token: str | None) -> Principal | None:
        if not token:
            return None
        digest = _digest(token)
        for known, who in self._keys.items():
            if hmac.compare_digest(known, digest):
                return who
        return None
