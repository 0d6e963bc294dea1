"""hushgate: a secret scanner for pre-commit hooks, CI gates and org-wide scans."""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__", "scan_text", "scan_paths"]


def _scanner(rules=(), use_default_rules=True, engine="auto", min_confidence="low", fingerprint_key=None):
    from .fingerprints import resolve_key
    from .pipeline import Scanner
    from .rules import load_rules

    ruleset = load_rules(rules, use_defaults=use_default_rules)
    key = fingerprint_key if fingerprint_key is not None else resolve_key(".")
    return Scanner(ruleset, engine=engine, min_confidence=min_confidence, fingerprint_key=key)


def scan_text(text: str, path: str = "<text>", **options) -> list:
    """Findings in a string. Options: rules, use_default_rules, engine, min_confidence, fingerprint_key."""
    return _scanner(**options).scan_bytes(text.encode("utf-8"), path)


def scan_paths(paths, exclude=(), max_file_size=None, jobs=1, **options) -> list:
    """Findings in files and directories (recursively)."""
    paths = [str(p) for p in ([paths] if isinstance(paths, str) else paths)]
    return _scanner(**options).scan_paths(paths, exclude=tuple(exclude), max_file_size=max_file_size,
                                          jobs=jobs).findings
