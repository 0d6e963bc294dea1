"""Where a project keeps the files that change what a scan reports, beyond its config: the ignore
file and a gitleaks config. Found here, apart from their parsers, so that a hook run (where
neither usually exists) never imports those."""
from __future__ import annotations

from pathlib import Path

from .fingerprints import find_repo_root

IGNORE_FILE_NAME = ".hushgateignore"
GITLEAKS_CONFIG_NAME = ".gitleaks.toml"


def find_ignore_file(start: Path) -> Path | None:
    """`.hushgateignore` at the scan root, else at the root of its repository."""
    root = find_repo_root(start)
    for folder in (start, root):
        if folder is not None and (folder / IGNORE_FILE_NAME).is_file():
            return folder / IGNORE_FILE_NAME
    return None


def find_gitleaks_config(start: Path) -> Path | None:
    """`.gitleaks.toml` at the root of the repository holding `start` (or in `start` itself when
    it is in no repository), as gitleaks looks for it at the root of what it scans."""
    start = start.resolve()
    root = find_repo_root(start) or start
    candidate = root / GITLEAKS_CONFIG_NAME
    return candidate if candidate.is_file() else None
