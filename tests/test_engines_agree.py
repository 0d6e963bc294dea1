"""Hyperscan and the portable keyword engine give identical findings on a mixed corpus: every
rule's examples (at their example paths), encoded secrets, and real source code."""
import base64
import sysconfig
from pathlib import Path

import pytest

from fakes import AWS_KEY_ID, AWS_SECRET, GITHUB_PAT, PEM_KEY, secrets_file_text
from scanner.pipeline import Scanner
from scanner.rules.examples import EXAMPLE_PATH

pytest.importorskip("hyperscan")


def build_corpus(root: Path, rules) -> None:
    by_path: dict[str, list[str]] = {}
    for rule in rules:
        if rule.regex is not None:
            by_path.setdefault(rule.example_path or EXAMPLE_PATH, []).extend(rule.positive + rule.negative)
    for index, (name, examples) in enumerate(sorted(by_path.items())):
        target = root / "examples" / str(index) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(examples) + "\n")
    encoded = root / "encoded"
    encoded.mkdir()
    env = secrets_file_text()
    (encoded / "secret.yaml").write_text(
        f"data:\n  env: {base64.b64encode(env.encode()).decode()}\n  hex: {env.encode().hex()}\n"
        f"  url: https%3A%2F%2Fci%3A{GITHUB_PAT}%40git.internal%2Frepo\n")
    (encoded / "plain.py").write_text(f"KEY = '{AWS_KEY_ID}'\nSECRET = '{AWS_SECRET}'\n{PEM_KEY}")
    stdlib = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))
    code = root / "stdlib"
    code.mkdir()
    for source in stdlib[::6]:
        (code / source.name).write_bytes(source.read_bytes())


def findings(rules, engine: str, root: Path) -> list:
    result = Scanner(rules, engine=engine).scan_paths([str(root)], jobs=1)
    return sorted((f.path, f.line, f.column, f.end_column, f.rule_id, f.decoded_from, f.confidence, f.secret)
                  for f in result.findings)


def test_engines_agree_on_a_mixed_corpus(tmp_path, default_rules):
    build_corpus(tmp_path, default_rules)
    portable = findings(default_rules, "portable", tmp_path)
    assert len(portable) > len(default_rules) // 2  # the corpus exercises the rules
    assert {f[5] for f in portable} >= {None, "base64", "hex", "percent"}
    assert findings(default_rules, "hyperscan", tmp_path) == portable
