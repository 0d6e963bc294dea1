"""Load and validate TOML rule packs; user packs extend the defaults."""
from __future__ import annotations

import re
import sys
from pathlib import Path

from ..digest import sha256
from ..errors import HushgateError
from ..findings import CONFIDENCE_LEVELS, SEVERITY_LEVELS
from .model import CHARSETS, Rule, RuleSet
from .redos import Catastrophic, check_pattern
from .ruleset_cache import cached_ruleset, store_ruleset

REQUIRED = ("id", "title")
ID_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
KNOWN_FIELDS = {
    "id", "title", "regex", "path", "keywords", "entropy", "charset", "severity", "confidence",
    "tags", "allow", "remediation", "provider", "examples", "description",
}


def default_pack_dir() -> Path:
    """The packs shipped in the wheel, or `rules/` of a source checkout."""
    installed = Path(__file__).resolve().parent.parent / "_default_rules"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "rules"


def pack_files(location: Path) -> list[Path]:
    if location.is_dir():
        return sorted(location.glob("*.toml"))
    if location.is_file():
        return [location]
    raise HushgateError(f"rule pack not found: {location}")


def load_rules(extra: list | tuple = (), use_defaults: bool = True) -> RuleSet:
    files: list[Path] = []
    if use_defaults:
        files += pack_files(default_pack_dir())
    for location in extra:
        files += pack_files(Path(location))
    if not files:
        raise HushgateError("no rules to scan with (--no-default-rules without --rules)")
    defaults = default_pack_dir()
    packs = [(str(path), path.read_bytes(), use_defaults and path.parent == defaults) for path in files]
    ruleset = cached_ruleset(packs)
    if ruleset is None:
        ruleset = parse_packs(packs)
        store_ruleset(packs, ruleset)
    return ruleset


def parse_packs(packs: list[tuple[str, bytes, bool]]) -> RuleSet:
    rules, warnings, digest = [], [], sha256()
    seen: dict[str, str] = {}
    for name, raw, builtin in packs:
        path = Path(name)
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        for rule in parse_pack(path, raw, warnings, builtin=builtin):
            if rule.id in seen:
                raise HushgateError(
                    f"{path}: rule '{rule.id}': field 'id': duplicate id (also in {seen[rule.id]})")
            seen[rule.id] = str(path)
            rules.append(rule)
    return RuleSet(rules=rules, warnings=warnings, digest=digest.hexdigest())


def parse_pack(path: Path, raw: bytes, warnings: list, builtin: bool = False) -> list[Rule]:
    """Default packs must carry examples and compile lazily (their tests prove them);
    users' packs are compiled now so errors surface before a scan."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise HushgateError(f"{path}: invalid TOML: {exc}") from None
    tables = data.get("rules", [])
    if not isinstance(tables, list):
        raise HushgateError(f"{path}: 'rules' must be an array of tables ([[rules]])")
    return [build_rule(path, table, index, warnings, require_examples=builtin, validate=not builtin)
            for index, table in enumerate(tables)]


def build_rule(path: Path, table: dict, index: int, warnings: list, require_examples: bool,
               validate: bool = True) -> Rule:
    if not isinstance(table, dict):
        raise HushgateError(f"{path}: rule #{index + 1}: each rule must be a table ([[rules]])")
    given_id = table.get("id")
    # An id is shown in every report format and CI log: no spaces, quotes or control characters.
    rule_id = given_id if isinstance(given_id, str) and ID_SHAPE.fullmatch(given_id) else f"#{index + 1}"

    def fail(field: str, problem: str):
        raise HushgateError(f"{path}: rule '{rule_id}': field '{field}': {problem}")

    for name in REQUIRED:
        if not isinstance(table.get(name), str) or not table[name].strip():
            fail(name, "missing or not a non-empty string")
    if rule_id != given_id:
        fail("id", "letters, digits, '.', '_', ':' and '-' only, starting with a letter or digit")
    if "regex" not in table and "path" not in table:
        fail("regex", "missing (a rule needs 'regex', or 'path' for a file-name rule)")
    unknown = set(table) - KNOWN_FIELDS
    if unknown:
        warnings.append(f"{path}: rule '{rule_id}': unknown field(s) {', '.join(sorted(unknown))}")

    def text_list(field: str) -> tuple:
        value = table.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            fail(field, "must be a list of strings")
        return tuple(value)

    def choice(field: str, allowed, default):
        value = table.get(field, default)
        if value not in allowed:
            fail(field, f"must be one of {', '.join(allowed)}")
        return value

    examples = table.get("examples", {})
    if not isinstance(examples, dict):
        fail("examples", "must be a table with 'positive' and 'negative' lists")
    positive, negative = (tuple(examples.get(k, [])) for k in ("positive", "negative"))
    if not positive or not negative:
        message = f"{path}: rule '{rule_id}': needs examples.positive and examples.negative"
        if require_examples:
            raise HushgateError(message)
        warnings.append(message)
    entropy = table.get("entropy", 0.0)
    if not isinstance(entropy, (int, float)) or not 0 <= entropy <= 8:
        fail("entropy", "must be a number between 0 and 8")

    rule = Rule(
        id=rule_id, title=table["title"], regex=table.get("regex"), source=str(path),
        path=table.get("path"), keywords=tuple(k.lower() for k in text_list("keywords")),
        entropy=float(entropy), charset=choice("charset", CHARSETS, "any"),
        severity=choice("severity", SEVERITY_LEVELS, "medium"),
        confidence=choice("confidence", CONFIDENCE_LEVELS, "medium"),
        tags=text_list("tags"), allow=text_list("allow"),
        remediation=str(table.get("remediation", "")), provider=str(table.get("provider", "")),
        positive=positive, negative=negative, example_path=examples.get("path"),
    )
    if validate:
        check_compiles(rule, fail)
        check_backtracking(rule, fail, lambda field, problem: warnings.append(
            f"{path}: rule '{rule_id}': field '{field}': {problem}"))
    return rule


def check_compiles(rule: Rule, fail) -> None:
    """Compile every pattern now, so a bad one is reported by file, rule and field."""
    import regex

    for field_name, value in (("regex", rule.regex), ("path", rule.path)):
        if value is not None and not isinstance(value, str):
            fail(field_name, "must be a string")
    try:
        if rule.regex is not None:
            rule.matcher
    except (regex.error, ValueError, TypeError) as exc:
        fail("regex", f"does not compile: {exc}")
    if rule.regex is not None and rule.secret_group is None:
        fail("regex", "needs a capture group (the first group, or one named 'secret', is the secret)")
    try:
        rule.path_matcher
    except regex.error as exc:
        fail("path", f"does not compile: {exc}")
    try:
        rule.allow_matchers
    except regex.error as exc:
        fail("allow", f"a pattern does not compile: {exc}")


def check_backtracking(rule: Rule, fail, warn) -> None:
    """Reject nested quantifiers, warn on ambiguous alternations (scanner/rules/redos.py)."""
    for field_name, patterns in (("regex", [rule.regex]), ("path", [rule.path]), ("allow", rule.allow)):
        for pattern in patterns:
            if pattern is None:
                continue
            try:
                for problem in check_pattern(pattern):
                    warn(field_name, problem)
            except Catastrophic as exc:
                fail(field_name, str(exc))
