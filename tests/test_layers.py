"""The layer rule, enforced: lower layers never import higher ones, and the faces (cli, api,
web) never import one another. Every ``import`` in the source counts, including the ones inside
functions. Only the composition root (``yibao.asgi``) puts faces together, and only ``yibao
serve`` (in the CLI) and the tests may import it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "yibao"

# Rank of each top-level part of the package; a module may import parts of lower or equal rank
# (equal only within the same part, see FACES). Shared utilities sit at the bottom.
RANK = {
    "__init__": 0,
    "money": 0,
    "jsonout": 0,
    "vocab": 0,
    "policy": 1,
    "rules": 2,
    "settlement": 3,
    "accounts": 4,
    "qa": 5,
    "present": 6,
    "cli": 7,
    "api": 7,
    "web": 7,
    "asgi": 8,
}
FACES = {"cli", "api", "web"}
# The one allowed upward edge: the CLI's ``serve`` command starts the composed app.
ALLOWED = {("cli", "asgi")}


def part_of(module: str) -> str:
    """``yibao.api.routes_public`` → ``api``; ``yibao`` → ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path, root: Path) -> list[tuple[int, str]]:
    here = "yibao." + ".".join(path.relative_to(root).with_suffix("").parts)
    package = (
        here.rsplit(".", 1)[0] if path.name != "__init__.py" else here.removesuffix(".__init__")
    )
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("yibao")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.startswith("yibao"):
                if mod == "yibao":  # ``from yibao import web`` names a part
                    found += [(node.lineno, f"yibao.{a.name}") for a in node.names]
                else:
                    found.append((node.lineno, mod))
    return found


def violations(root: Path = SRC) -> list[str]:
    bad = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        me = rel.parts[0].removesuffix(".py")
        if me not in RANK:
            bad.append(f"{rel}: part {me!r} has no place in the layer table of this test")
            continue
        for line, mod in imports(path, root):
            other = part_of(mod)
            if other not in RANK:
                continue  # e.g. ``yibao.__version__`` via ``from yibao import __version__``
            if other == me or (me, other) in ALLOWED:
                continue
            if me in FACES and other in FACES:
                bad.append(f"{rel}:{line} face {me} imports face {other} ({mod})")
            elif RANK[other] >= RANK[me]:
                bad.append(f"{rel}:{line} {me} imports higher layer {other} ({mod})")
    return bad


def test_no_upward_or_sideways_imports():
    assert violations() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from yibao.web import pages\n", "face api imports face web"),
        ("import yibao.cli.app\n", "face api imports face cli"),
        ("def f():\n    from yibao.asgi import create_app\n", "api imports higher layer asgi"),
        ("from yibao import web\n", "face api imports face web"),
    ],
)
def test_the_checker_sees_a_violation(tmp_path, source, expected):
    """The checker itself catches a face importing a sibling, even inside a function."""
    fake = tmp_path / "yibao"
    (fake / "api").mkdir(parents=True)
    (fake / "api" / "bad.py").write_text(source, encoding="utf-8")
    found = violations(fake)
    assert any(expected in v for v in found), found
