"""Project configuration: `.hushgate.toml`, or `[tool.hushgate]` in pyproject.toml."""
from __future__ import annotations

import sys
from pathlib import Path
from .errors import HushgateError
from .record import record


@record(frozen=True)
class Config:
    path: Path | None = None
    rules: list | tuple = ()
    no_default_rules: bool = False
    exclude: list | tuple = ()
    min_confidence: str | None = None
    max_file_size: int | None = None


KNOWN_KEYS = {"rules", "no_default_rules", "exclude", "min_confidence", "max_file_size"}


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
    if sys.version_info >= (3, 11):  # imported here: most hook runs find no config to parse
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise HushgateError(f"cannot read config {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise HushgateError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("hushgate", {})
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:  # a misspelt key would otherwise silently scan what the user meant to exclude
        raise HushgateError(f"{path}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(KNOWN_KEYS))})")
    base = path.parent
    try:
        return Config(
            path=path,
            rules=[str(base / p) for p in as_list(data.get("rules", []), "rules")],
            no_default_rules=bool(data.get("no_default_rules", False)),
            exclude=as_list(data.get("exclude", []), "exclude"),
            min_confidence=data.get("min_confidence"),
            max_file_size=size_setting(data.get("max_file_size"), "max_file_size"),
        )
    except TypeError as exc:
        raise HushgateError(f"{path}: {exc}") from None


def parse_size(text: str) -> int:
    """`10M`, `512k`, `1G` or a byte count; ValueError otherwise."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    cleaned = text.strip().lower().removesuffix("b")
    try:
        if cleaned and cleaned[-1] in units:
            value = int(float(cleaned[:-1]) * units[cleaned[-1]])
        else:
            value = int(cleaned)
    except OverflowError:
        value = -1
    if value < 0:
        raise ValueError(f"not a size: {text!r}")
    return value


def size_setting(value, name: str) -> int | None:
    if value is None:
        return None
    try:
        if isinstance(value, str):
            return parse_size(value)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    except ValueError:
        pass
    raise TypeError(f"'{name}' must be a byte count or a size like \"10M\"")


def as_list(value, name: str) -> list:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"'{name}' must be a string or a list of strings")
    return value
