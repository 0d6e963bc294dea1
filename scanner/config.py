"""Project configuration: `.hushgate.toml`, or `[tool.hushgate]` in pyproject.toml."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from .errors import HushgateError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass
class Config:
    path: Path | None = None
    rules: list = field(default_factory=list)
    no_default_rules: bool = False
    exclude: list = field(default_factory=list)
    min_confidence: str | None = None
    max_file_size: int | None = None


def find_config(start: Path) -> Path | None:
    """The nearest .hushgate.toml, or pyproject.toml with [tool.hushgate], from start upwards
    to the repository root."""
    for folder in [start, *start.parents]:
        candidate = folder / ".hushgate.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and b"[tool.hushgate" in pyproject.read_bytes():
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


def load_config(explicit: str | None = None, start: Path | None = None) -> Config:
    path = Path(explicit) if explicit else find_config((start or Path.cwd()).resolve())
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise HushgateError(f"cannot read config {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise HushgateError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("hushgate", {})
    base = path.parent
    try:
        return Config(
            path=path,
            rules=[str(base / p) for p in as_list(data.get("rules", []), "rules")],
            no_default_rules=bool(data.get("no_default_rules", False)),
            exclude=as_list(data.get("exclude", []), "exclude"),
            min_confidence=data.get("min_confidence"),
            max_file_size=data.get("max_file_size"),
        )
    except TypeError as exc:
        raise HushgateError(f"{path}: {exc}") from None


def as_list(value, name: str) -> list:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"'{name}' must be a string or a list of strings")
    return value
