"""Read packs and the catalogue from YAML, with decimals kept exact (never float) and duplicate
keys rejected (a second ``employee.inpatient.deductible:`` in one file is an error, not a silent
replacement)."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from yibao.policy import evidence
from yibao.policy.schema import Pack, ParamSpec, PolicyError

# The evidence rules (``evidence.pack_problems``: an official value carries a quote stating its
# figures, a derived one its arithmetic, an official source read off a government site says where)
# are enforced when the shipped packs load: a pack breaking one is rejected, naming each problem.
REQUIRE_EVIDENCE = True

# the C loader is several times faster; fall back to pure Python where absent
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DecimalLoader(_Base):  # type: ignore[misc,valid-type]
    """SafeLoader that reads YAML floats as ``Decimal`` from their text and rejects a mapping
    that repeats a key."""


class DuplicateKey(ValueError):
    """A YAML mapping repeats a key; the message names it and both lines."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    first: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in first:
            raise DuplicateKey(f"line {line}: duplicate key {key!r} (first at line {first[key]})")
        first[key] = line
    return loader.construct_mapping(node, deep=True)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
_DecimalLoader.add_constructor("tag:yaml.org,2002:map", _mapping)


MAX_NODES = 200_000  # nodes of a document once its aliases are expanded


def load_yaml(text: str) -> Any:
    """Parse YAML text; raises ``DuplicateKey`` for a repeated key, ``yaml.YAMLError`` for
    malformed text, ``PolicyError`` for a document whose aliases expand beyond ``MAX_NODES``
    nodes (a "billion laughs" bomb: 370 bytes can describe 10^9 nodes), refused before it is
    built."""
    if "*" in text:
        _check_expansion(yaml.compose(text, Loader=_Base))
    return yaml.load(text, Loader=_DecimalLoader)


def _load(text: str, where: str) -> Any:
    try:
        return load_yaml(text)
    except DuplicateKey as exc:
        raise PolicyError(f"{where}: {exc}") from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"{where}: not valid YAML: {exc}") from None


def _check_expansion(root: yaml.Node | None) -> None:
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:  # an alias: the same node object again, expanded each time
            return sizes[key]
        sizes[key] = 1  # cycles count once
        if isinstance(node, yaml.SequenceNode):
            n = 1 + sum(size(v) for v in node.value)
        elif isinstance(node, yaml.MappingNode):
            n = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            n = 1
        sizes[key] = n = min(n, MAX_NODES + 1)
        return n

    if root is not None and size(root) > MAX_NODES:
        raise PolicyError(f"YAML 展开后超过 {MAX_NODES:,} 个节点（别名过多），已拒绝")


def _package_dir(sub: str) -> Path:
    return Path(str(resources.files("yibao.policy") / sub))


def load_catalogue(directory: Path | None = None) -> dict[str, ParamSpec]:
    """All parameter specs from ``catalogue/*.yaml``; a name defined twice is an error."""
    directory = directory or _package_dir("catalogue")
    out: dict[str, ParamSpec] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = _load(path.read_text(encoding="utf-8"), path.name) or {}
        for name, body in data.items():
            if name in out:
                raise PolicyError(f"{path.name}: parameter {name} is already in the catalogue")
            try:
                out[name] = ParamSpec(name=name, **body)
            except (TypeError, ValidationError) as exc:
                raise PolicyError(f"{path.name}: {name}: {exc}") from exc
    return out


def parse_pack(text: str, catalogue: dict[str, ParamSpec], path: str = "<text>") -> Pack:
    data = _load(text, f"pack {path}")
    if not isinstance(data, dict):
        raise PolicyError(f"pack {path}: not a mapping")
    try:
        pack = Pack(path=path, **data)
    except (TypeError, ValidationError) as exc:
        raise PolicyError(f"pack {path}: {exc}") from exc
    return pack.validate_against(catalogue)


def load_packs(
    catalogue: dict[str, ParamSpec],
    directory: Path | None = None,
    *,
    require_evidence: bool | None = None,
) -> dict[str, Pack]:
    """Every ``packs/*.yaml``, keyed by region code; the file name must start with the code.

    With ``require_evidence`` (default ``REQUIRE_EVIDENCE``) a pack breaking an evidence rule is
    rejected with every problem listed."""
    strict = REQUIRE_EVIDENCE if require_evidence is None else require_evidence
    directory = directory or _package_dir("packs")
    packs: dict[str, Pack] = {}
    for path in sorted(directory.glob("*.yaml")):
        pack = parse_pack(path.read_text(encoding="utf-8"), catalogue, path.name)
        if not path.name.startswith(pack.admdvs + "-"):
            raise PolicyError(f"pack {path.name}: file name must start with {pack.admdvs}-")
        if pack.admdvs in packs:
            raise PolicyError(f"pack {path.name}: a second pack for {pack.admdvs}")
        if strict and (problems := evidence.pack_problems(pack)):
            raise PolicyError(f"pack {path.name}: " + "; ".join(problems))
        packs[pack.admdvs] = pack
    return packs
