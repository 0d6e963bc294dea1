"""The wheel ships a primed Hyperscan database that the installed code finds by its own key."""
import subprocess
import sys
import zipfile

import pytest

from scanner.engine import hscache
from scanner.rules.loader import load_rules

hyperscan = pytest.importorskip("hyperscan")


def test_the_wheel_carries_the_default_rules_database(tmp_path):
    root = hscache.PRIMED.parent.parent
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(root), "--no-deps", "-q", "-w", str(tmp_path)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("hushgate-*.whl")
    rules = [rule for rule in load_rules([], True) if not rule.is_path_only]
    name = f"scanner/_primed/hs-{hscache.cache_key(rules, hyperscan.__version__)}.db"
    with zipfile.ZipFile(wheel) as archive:
        assert [n for n in archive.namelist() if "_primed" in n] == [name]
        (tmp_path / "primed.db").write_bytes(archive.read(name))
    database, left_out = hscache.read_cache(tmp_path / "primed.db", hyperscan)
    assert database is not None and {i for i, rule in enumerate(rules) if rule.path} <= set(left_out)
