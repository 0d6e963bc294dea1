"""Wheel build hook: ship a primed Hyperscan database for the default rules.

Without one, the first scan after installing compiles for about 1.5 s, and a CI runner or a
pre-commit environment starts afresh every time. The database is built by the package's own
code (the rules loader and scanner/engine/hscache.py) into a scratch cache, and put in the wheel
as scanner/_primed/; hscache reads it when its own cache lacks the entry. Best effort: without
Hyperscan, or on any failure, the wheel is built without it and the first scan compiles.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class PrimedDatabaseHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        self.scratch = None
        if self.target_name != "wheel" or version == "editable":
            return
        self.scratch = tempfile.mkdtemp(prefix="hushgate-prime-")
        try:
            database = prime(Path(self.root), Path(self.scratch))
        except Exception as exc:  # noqa: BLE001 - a wheel without it still works
            self.app.display_warning(f"hushgate: wheel built without a primed Hyperscan database ({exc})")
            return
        build_data["force_include"][str(database)] = f"scanner/_primed/{database.name}"

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)


def prime(root: Path, scratch: Path) -> Path:
    """Compile the default rules' database with the package's code; the path of the entry."""
    os.environ["HUSHGATE_CACHE_DIR"] = str(scratch)
    sys.path.insert(0, str(root))
    try:
        from scanner.engine.detector import make_prefilter
        from scanner.rules.loader import load_rules

        ruleset = load_rules([], True)
        make_prefilter([rule for rule in ruleset if not rule.is_path_only], "hyperscan")
    finally:
        sys.path.remove(str(root))
        del os.environ["HUSHGATE_CACHE_DIR"]
    [database] = scratch.glob("hs-*.db")
    return database
