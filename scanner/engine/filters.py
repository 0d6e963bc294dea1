"""False-positive filters: small predicates, each named for what it rejects.

`ALWAYS` applies to every rule; `GENERIC` only to rules tagged `generic`, whose patterns
match by context rather than by a provider's format and so need more scepticism.
"""
from __future__ import annotations

import regex

PLACEHOLDER_WORDS = (
    "example", "placeholder", "changeme", "change_me", "change-me", "dummy", "your", "redacted",
    "sample", "insert", "replace", "fixme", "todo", "xxxx", "****", "....", "<", ">",
)
TEMPLATE = regex.compile(r"\$\{[^}]*\}|\{\{.*?\}\}|%\([^)]*\)[sd]|\$\(.*?\)|^\$[A-Za-z_]\w*$|<%.*?%>|@[A-Za-z_]+@")
SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiop")
CODE_LIKE = regex.compile(r"^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*(?:\(\)?|\[)?$")
HASH_CONTEXT = regex.compile(r"(?i)\b(?:sha\d*|md5|hash|digest|checksum|integrity|etag|commit|revision)\b")


def is_templated(secret: str) -> bool:
    """`${VAR}`, `{{ var }}`, `%(var)s`, `$VAR`: a reference to a secret kept elsewhere."""
    return bool(TEMPLATE.search(secret))


def is_placeholder(secret: str) -> bool:
    lowered = secret.lower()
    return any(word in lowered for word in PLACEHOLDER_WORDS)


def is_repeated_character(secret: str) -> bool:
    """`aaaaaaaa`, `00000000`, or any secret with very few distinct characters."""
    return len(secret) >= 8 and len(set(secret.lower())) <= 3


def is_sequential(secret: str) -> bool:
    lowered = secret.lower()
    return len(lowered) >= 8 and any(lowered in s or s in lowered for s in SEQUENCES)


def is_code_reference(secret: str) -> bool:
    """`get_password()`, `settings.API_KEY`, `os.environ[`: code, not a literal."""
    return bool(CODE_LIKE.match(secret)) and not any(c.isdigit() for c in secret)


def is_hash_in_hash_context(secret: str, line: str) -> bool:
    """Hex digests next to words like sha256/checksum/integrity are hashes, not keys."""
    is_hex = len(secret) in (32, 40, 56, 64, 96, 128) and all(c in "0123456789abcdefABCDEF" for c in secret)
    return is_hex and bool(HASH_CONTEXT.search(line))


ALWAYS = (is_templated, is_repeated_character)
GENERIC = (is_placeholder, is_sequential, is_code_reference)
GENERIC_IN_CONTEXT = (is_hash_in_hash_context,)

TEST_PATH = regex.compile(r"(?i)(?:^|/)(?:tests?|spec|specs|fixtures?|testdata|__tests__|mocks?)(?:/|$)|(?:^|/)test_[^/]*$|_test\.[a-z]+$|\.(?:spec|test)\.[a-z]+$")


def is_rejected(secret: str, line: str, generic: bool) -> bool:
    if any(check(secret) for check in ALWAYS):
        return True
    if generic:
        return any(check(secret) for check in GENERIC) or any(
            check(secret, line) for check in GENERIC_IN_CONTEXT)
    return False


def is_test_path(path: str) -> bool:
    """Test fixtures lower a finding's confidence; they do not silence it."""
    return bool(TEST_PATH.search(path))
