"""Import a gitleaks configuration: its rules become hushgate rules, its allowlists Allowlists.

What maps and what does not is in docs/gitleaks.md. Go's RE2 syntax is mostly Python `regex`
syntax; `go_to_python` rewrites the differences that change what a pattern matches.
"""
from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

import regex

from ..errors import HushgateError
from .allowlist import TARGETS, Allowlist
from .model import Rule, RuleSet

MAX_EXTEND_DEPTH = 5
FLAG_GROUP = regex.compile(r"\(\?([a-zA-Z]*(?:-[a-zA-Z]+)?)\)")
SUPPORTED_FLAGS = set("imsx-")


@dataclass
class GitleaksConfig:
    path: Path
    rules: list = field(default_factory=list)
    allowlists: list = field(default_factory=list)
    disabled: set = field(default_factory=set)
    warnings: list = field(default_factory=list)


def apply_gitleaks_config(ruleset: RuleSet, config: GitleaksConfig) -> RuleSet:
    """The ruleset with the config's rules added (replacing a rule of the same id), its
    disabled rules removed, and its allowlists attached."""
    imported = {rule.id for rule in config.rules}
    warnings = list(ruleset.warnings) + config.warnings
    kept = []
    for rule in ruleset:
        if rule.id in imported:
            warnings.append(f"{config.path}: rule '{rule.id}' replaces hushgate's rule of the same id")
        elif rule.id not in config.disabled:
            kept.append(rule)
    rules = kept + [rule for rule in config.rules if rule.id not in config.disabled]
    # The digest keys caches and org rescans, so it follows the config's content, not its path.
    allowlists = [(a.regexes, a.target, a.paths, a.stopwords, a.condition,
                   sorted(a.rule_ids) if a.rule_ids is not None else None) for a in config.allowlists]
    content = repr((config.rules, allowlists, sorted(config.disabled))).encode("utf-8")
    digest = hashlib.sha256(ruleset.digest.encode() + b"\0" + content).hexdigest()
    return RuleSet(rules=rules, warnings=warnings, digest=digest,
                   allowlists=list(ruleset.allowlists) + config.allowlists)


def load_gitleaks_config(path: Path, depth: int = 0) -> GitleaksConfig:
    if sys.version_info >= (3, 11):  # imported here: most runs have no file to parse
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise HushgateError(f"cannot read gitleaks config {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise HushgateError(f"{path}: invalid TOML: {exc}") from None
    config = GitleaksConfig(path=Path(path))
    extend = table(data.get("extend", {}), path, "extend")
    if extend.get("path"):
        if depth >= MAX_EXTEND_DEPTH:
            raise HushgateError(f"{path}: [extend] chain deeper than {MAX_EXTEND_DEPTH} files")
        base = load_gitleaks_config(extended_path(Path(path), extend["path"]), depth + 1)
        config.rules, config.allowlists, config.warnings = base.rules, base.allowlists, base.warnings
        config.disabled |= base.disabled
    config.disabled |= set(strings(extend.get("disabledRules", []), path, "extend.disabledRules"))
    own = [convert_rule(path, entry, index) for index, entry in
           enumerate(tables(data.get("rules", []), path, "rules"))]
    own_ids = {rule.id for rule, _ in own}
    config.rules = [rule for rule in config.rules if rule.id not in own_ids] + [rule for rule, _ in own]
    for _, allowlists in own:
        config.allowlists += allowlists
    config.allowlists += global_allowlists(path, data)
    if any_commits(data):
        config.warnings.append(f"{path}: allowlist 'commits' are not supported by hushgate and are ignored")
    return config


def extended_path(config: Path, target: str) -> Path:
    """[extend] path: relative to the extending file, or (as gitleaks reads it) to the cwd."""
    beside = config.parent / target
    return beside if beside.exists() or not Path(target).exists() else Path(target)


def convert_rule(path, entry: dict, index: int) -> tuple[Rule, list]:
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise HushgateError(f"{path}: rule #{index + 1}: field 'id': missing")

    def fail(field_name: str, problem: str):
        raise HushgateError(f"{path}: rule '{rule_id}': field '{field_name}': {problem}")

    pattern, path_pattern = entry.get("regex"), entry.get("path")
    if pattern is None and path_pattern is None:
        fail("regex", "missing (a gitleaks rule needs 'regex' or 'path')")
    if pattern is not None:
        pattern = with_secret_group(go_to_python(text(pattern, fail, "regex"), fail, "regex"),
                                    entry.get("secretGroup", 0), fail)
    if path_pattern is not None:
        path_pattern = go_to_python(text(path_pattern, fail, "path"), fail, "path")
    entropy = entry.get("entropy", 0.0)
    if not isinstance(entropy, (int, float)) or not 0 <= entropy <= 8:
        fail("entropy", "must be a number between 0 and 8")
    rule = Rule(
        id=rule_id, title=str(entry.get("description") or rule_id), regex=pattern, source=str(path),
        path=path_pattern, keywords=tuple(k.lower() for k in strings(entry.get("keywords", []), path, "keywords")),
        entropy=float(entropy), tags=("gitleaks", *strings(entry.get("tags", []), path, "tags")),
        provider="gitleaks",
    )
    for field_name, compile_it in (("regex", lambda: pattern is None or rule.matcher),
                                   ("path", lambda: rule.path_matcher)):
        try:
            compile_it()
        except regex.error as exc:
            fail(field_name, f"does not compile after conversion: {exc}")
    allowlists = [convert_allowlist(path, f"rule '{rule_id}' allowlist", a, frozenset({rule_id}))
                  for a in rule_allowlists(entry, fail)]
    return rule, allowlists


def rule_allowlists(entry: dict, fail) -> list:
    single, many = entry.get("allowlist"), entry.get("allowlists")
    if single is not None and many is not None:
        fail("allowlists", "use either [rules.allowlist] or [[rules.allowlists]], not both")
    if single is not None:
        return [single]
    return list(many or [])


def global_allowlists(path, data: dict) -> list:
    single, many = data.get("allowlist"), data.get("allowlists")
    if single is not None and many is not None:
        raise HushgateError(f"{path}: use either [allowlist] or [[allowlists]], not both")
    found = []
    for index, entry in enumerate([single] if single is not None else list(many or [])):
        where = f"allowlist #{index + 1}"
        targets = strings(table(entry, path, where).get("targetRules", []), path, f"{where}.targetRules")
        found.append(convert_allowlist(path, where, entry, frozenset(targets) if targets else None))
    return found


def convert_allowlist(path, where: str, entry, rule_ids) -> Allowlist:
    entry = table(entry, path, where)

    def fail(field_name: str, problem: str):
        raise HushgateError(f"{path}: {where}: field '{field_name}': {problem}")

    target = entry.get("regexTarget") or "secret"
    if target not in TARGETS:
        fail("regexTarget", f"must be one of {', '.join(TARGETS)}")
    condition = str(entry.get("condition", "OR")).lower()
    if condition not in ("or", "and"):
        fail("condition", "must be OR or AND")
    allowlist = Allowlist(
        regexes=tuple(go_to_python(p, fail, "regexes") for p in strings(entry.get("regexes", []), path, where)),
        target=target,
        paths=tuple(go_to_python(p, fail, "paths") for p in strings(entry.get("paths", []), path, where)),
        stopwords=tuple(strings(entry.get("stopwords", []), path, where)),
        condition=condition, rule_ids=rule_ids, description=str(entry.get("description", "")),
    )
    try:
        allowlist.regex_matchers, allowlist.path_matchers
    except regex.error as exc:
        fail("regexes", f"a pattern does not compile after conversion: {exc}")
    return allowlist


def any_commits(data: dict) -> bool:
    entries = [data.get("allowlist")] + list(data.get("allowlists") or [])
    for rule in data.get("rules") or []:
        if isinstance(rule, dict):
            entries += [rule.get("allowlist")] + list(rule.get("allowlists") or [])
    return any(isinstance(e, dict) and e.get("commits") for e in entries)


def go_to_python(pattern: str, fail, field_name: str) -> str:
    """Rewrite what RE2 and `regex` read differently:
    - `(?i)` after the start scopes to the rest of its group in RE2 but to the whole pattern in
      `regex` (version 0), so it becomes a scoped group `(?i:...)` closed where the group ends
      and reopened after each `|`;
    - `\\z` is `\\Z`; `\\Q...\\E` quotes a literal; `\\x{HHHH}` is written as bytes;
    - `(?U)` (ungreedy) has no equivalent and is refused."""
    out: list[str] = []
    frames: list[list[str]] = [[]]  # per open group: flags of the scoped groups opened in it
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            piece, index = translate_escape(pattern, index, fail, field_name)
            out.append(piece)
            continue
        if in_class:
            if pattern.startswith("[:", index):
                end = pattern.find(":]", index + 2)
                if end >= 0:
                    out.append(pattern[index:end + 2])
                    index = end + 2
                    continue
            in_class = char != "]"
            out.append(char)
            index += 1
            continue
        if char == "[":
            in_class = True
            out.append(char)
            index += 1
            for literal in ("^", "]"):
                if pattern.startswith(literal, index):
                    out.append(literal)
                    index += 1
            continue
        flags = FLAG_GROUP.match(pattern, index)
        if flags:
            if not set(flags.group(1)) <= SUPPORTED_FLAGS:
                fail(field_name, f"flag group {flags.group()} has no Python equivalent")
            if not out and len(frames) == 1:
                out.append(flags.group())  # leading flags apply to the whole pattern in both
            else:
                out.append(f"(?{flags.group(1)}:")
                frames[-1].append(flags.group(1))
            index = flags.end()
            continue
        if char == "(":
            frames.append([])
        elif char == ")":
            out.append(")" * len(frames.pop()) if len(frames) > 1 else "")
        elif char == "|":
            opened = frames[-1]
            out.append(")" * len(opened) + "|" + "".join(f"(?{f}:" for f in opened))
            index += 1
            continue
        out.append(char)
        index += 1
    out.append(")" * len(frames[0]))
    return "".join(out)


def translate_escape(pattern: str, index: int, fail, field_name: str) -> tuple[str, int]:
    following = pattern[index + 1:index + 2]
    if following == "z":
        return r"\Z", index + 2
    if following == "Q":
        end = pattern.find(r"\E", index + 2)
        stop = len(pattern) if end < 0 else end
        return regex.escape(pattern[index + 2:stop]), stop if end < 0 else end + 2
    if following == "x" and pattern.startswith("{", index + 2):
        end = pattern.find("}", index + 3)
        try:
            code = int(pattern[index + 3:end], 16)
            encoded = chr(code).encode("utf-8")
        except (ValueError, OverflowError):
            fail(field_name, f"bad escape {pattern[index:end + 1]}")
        piece = "".join(f"\\x{byte:02x}" for byte in encoded)
        return (piece if len(encoded) == 1 else f"(?:{piece})"), end + 1
    return pattern[index:index + 2], index + 2


def with_secret_group(pattern: str, secret_group, fail) -> str:
    """hushgate takes the group named `secret` (else the first group) as the secret; gitleaks
    takes group `secretGroup`, else the first group, else the whole match."""
    if not isinstance(secret_group, int) or secret_group < 0:
        fail("secretGroup", "must be a whole number")
    starts = capture_group_starts(pattern)
    if secret_group > len(starts):
        fail("secretGroup", f"is {secret_group} but the regex has {len(starts)} group(s)")
    if secret_group == 0 and starts:
        return pattern
    if secret_group == 0:
        leading = FLAG_GROUP.match(pattern)
        head = leading.group() if leading else ""
        return f"{head}(?P<secret>{pattern[len(head):]})"
    start = starts[secret_group - 1]
    named = regex.match(r"\(\?P?<\w+>", pattern[start:])
    rest = pattern[start + (named.end() if named else 1):]
    renamed = regex.sub(r"\(\?P?<secret>", "(?P<secret_>", pattern[:start])
    return renamed + "(?P<secret>" + regex.sub(r"\(\?P?<secret>", "(?P<secret_>", rest)


def capture_group_starts(pattern: str) -> list[int]:
    """Offsets of the `(` of every capturing group, in order."""
    starts, index, in_class = [], 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]" or pattern[index - 1] == "["
        elif char == "[":
            in_class = True
        elif char == "(" and (not pattern.startswith("(?", index) or regex.match(r"\(\?P?<\w", pattern[index:])):
            starts.append(index)
        index += 1
    return starts


def table(value, path, where: str) -> dict:
    if not isinstance(value, dict):
        raise HushgateError(f"{path}: {where} must be a table")
    return value


def tables(value, path, where: str) -> list:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise HushgateError(f"{path}: '{where}' must be an array of tables ([[{where}]])")
    return value


def strings(value, path, where: str) -> list:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise HushgateError(f"{path}: {where} must be a list of strings")
    return value


def text(value, fail, field_name: str) -> str:
    if not isinstance(value, str):
        fail(field_name, "must be a string")
    return value
