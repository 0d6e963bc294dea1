"""False-positive filters: small predicates, each named for what it rejects.

Three kinds, applied in this order by `is_rejected` and `file_policy`:
- `ALWAYS` (every rule): templates, masks, repeated characters, documented example keys.
- `GENERIC` (rules tagged `generic`, which match by context rather than by a provider's format
  and so need more scepticism): placeholders, stopwords, words, code, paths, UUIDs, hashes,
  strings not random enough for their alphabet.
- file policy (by path, once per file): lock files, minified and vendored files get no generic
  rules at all; test fixtures and vendored files keep provider findings at low confidence.
"""
from __future__ import annotations

import regex

from .entropy import looks_random

PLACEHOLDER_WORDS = (
    "example", "placeholder", "changeme", "change_me", "change-me", "dummy", "your", "redacted",
    "sample", "insert", "replace", "fixme", "todo", "fake", "mock", "<", ">",
)
# Values that name a thing instead of being a secret (`password = "required"`).
STOPWORDS = frozenset(
    "none null nil true false undefined default required optional string secret password passwd token "
    "apikey api_key empty unset unknown disabled enabled hidden masked private public value".split()
)
TEMPLATE = regex.compile(
    r"\$\{[^}]*\}|\{\{.*?\}\}|%\([^)]*\)[sdr]|\$\(.*?\)|^\$[A-Za-z_]\w*$|<%.*?%>|@[A-Za-z_]+@|^%[A-Za-z_]\w*%$")
MASK = regex.compile(r"(?i)x{4,}|\*{3,}|\.{3,}|#{4,}|•{3,}|<[a-z _\-]{3,}>")
DOCUMENTED_EXAMPLE = regex.compile(r"EXAMPLE")
SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiop", "zyxwvutsrqponmlkjihgfedcba")
CODE_LIKE = regex.compile(r"^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*(?:\(\)?|\[)?$")
# camelCase / snake_case words: an upper-case letter starts a word, as do separators.
WORD = regex.compile(r"[A-Z]?[a-z]{3,}|[A-Z]{4,}(?![a-z])")
UUID = regex.compile(r"(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PATH_OR_URL = regex.compile(r"^(?:[a-z][a-z0-9+.\-]*://|[A-Za-z]:\\|(?:~|\.{1,2})?/[\w.\-]+(?:/[\w.\-]*)+$)")
HASH_PREFIX = regex.compile(r"(?i)^(?:sha(?:1|224|256|384|512)[-:]|md5[-:]|h1:|blake2b?[-:]|xxh\d*[-:])")
HASH_CONTEXT = regex.compile(
    r"(?i)(?:\b|_)(?:sha\d*|md5|hash(?:es)?|digest|checksum|integrity|etag|commit|revision|rev|"
    r"fingerprint|crc\d*|blake2\w*|nonce|salt)(?:\b|_)")
HEX_DIGEST_LENGTHS = (32, 40, 56, 64, 96, 128)


def is_templated(secret: str) -> bool:
    """`${VAR}`, `{{ var }}`, `%(var)s`, `$VAR`, `%VAR%`: a reference to a secret kept elsewhere."""
    return bool(TEMPLATE.search(secret))


def is_masked(secret: str) -> bool:
    """`xxxx`, `****`, `....`, `<your-key>`: a value someone blanked out."""
    return bool(MASK.search(secret))


def is_repeated_character(secret: str) -> bool:
    """`aaaaaaaa`, `00000000`, or any secret with very few distinct characters."""
    return len(secret) >= 8 and len(set(secret.lower())) <= 3


def is_documented_example(secret: str) -> bool:
    """Providers' own documentation keys, e.g. AWS's `AKIAIOSFODNN7EXAMPLE`."""
    return bool(DOCUMENTED_EXAMPLE.search(secret))


def is_placeholder(secret: str) -> bool:
    lowered = secret.lower()
    return any(word in lowered for word in PLACEHOLDER_WORDS)


def is_stopword(secret: str) -> bool:
    """The value is a word a program uses, not a secret: `required`, `none`, `api_key`."""
    return secret.lower().strip("'\"") in STOPWORDS


def is_sequential(secret: str) -> bool:
    lowered = secret.lower()
    return len(lowered) >= 8 and any(lowered in s or s in lowered for s in SEQUENCES)


def is_code_reference(secret: str) -> bool:
    """`get_password()`, `settings.API_KEY`, `os.environ[`: code, not a literal."""
    return bool(CODE_LIKE.match(secret)) and not any(c.isdigit() for c in secret)


def is_word_like(secret: str) -> bool:
    """Mostly made of words (`DefaultAuthenticationHandler`, `this_is_my_secret`): machine-made
    secrets rarely hold runs of four or more lower-case letters."""
    in_words = sum(len(word) for word in WORD.findall(secret))
    return in_words * 2 >= len(secret)


def is_uuid(secret: str) -> bool:
    """UUIDs identify things; providers whose keys are UUIDs have their own context rules."""
    return bool(UUID.match(secret))


def is_path_or_url(secret: str) -> bool:
    """`/etc/ssl/private/server.key`, `./secrets.json`, `https://vault.internal/v1/...`."""
    return bool(PATH_OR_URL.match(secret))


def is_tagged_hash(secret: str) -> bool:
    """`sha512-...` lockfile integrity, `h1:...` go.sum, `sha256:...` image digests."""
    return bool(HASH_PREFIX.match(secret))


def is_not_random(secret: str) -> bool:
    """Less entropy than a random string of its length and alphabet would have."""
    return not looks_random(secret)


def is_hash_in_hash_context(secret: str, line: str) -> bool:
    """Hex digests next to words like sha256/checksum/integrity/commit are hashes, not keys."""
    is_hex = len(secret) in HEX_DIGEST_LENGTHS and all(c in "0123456789abcdefABCDEF" for c in secret)
    return is_hex and bool(HASH_CONTEXT.search(line))


ALWAYS = (is_templated, is_masked, is_repeated_character, is_documented_example)
GENERIC = (is_placeholder, is_stopword, is_sequential, is_code_reference, is_word_like, is_uuid,
           is_path_or_url, is_tagged_hash, is_not_random)
GENERIC_IN_CONTEXT = (is_hash_in_hash_context,)


def is_rejected(secret: str, line: str, generic: bool) -> bool:
    if any(check(secret) for check in ALWAYS):
        return True
    if generic:
        return any(check(secret) for check in GENERIC) or any(
            check(secret, line) for check in GENERIC_IN_CONTEXT)
    return False


TEST_PATH = regex.compile(
    r"(?i)(?:^|/)(?:tests?|spec|specs|fixtures?|testdata|test_data|__tests__|__mocks__|mocks?)(?:/|$)"
    r"|(?:^|/)test_[^/]*$|_tests?\.[a-z]+$|\.(?:spec|test)\.[a-z]+$")
VENDORED_PATH = regex.compile(
    r"(?:^|/)(?:node_modules|vendor|third[_-]party|bower_components|site-packages|\.yarn)/")
MINIFIED_PATH = regex.compile(r"(?i)[.-]min\.(?:js|css)$|\.bundle\.js$|\.(?:js|css)\.map$|\.chunk\.js$")
LOCK_FILE = regex.compile(
    r"(?:^|/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|go\.sum|Cargo\.lock|"
    r"poetry\.lock|Pipfile\.lock|composer\.lock|Gemfile\.lock|uv\.lock|pdm\.lock|flake\.lock|"
    r"packages\.lock\.json|gradle\.lockfile|mix\.lock|pubspec\.lock|Podfile\.lock)$")
# A .js/.css line this long is build output, not something a person typed a key into.
MINIFIED_LINE = 1000


def is_test_path(path: str) -> bool:
    return bool(TEST_PATH.search(path))


def is_vendored(path: str) -> bool:
    return bool(VENDORED_PATH.search(path))


def is_minified_file(path: str) -> bool:
    return bool(MINIFIED_PATH.search(path))


def is_lock_file(path: str) -> bool:
    """Lock files are hashes, versions and URLs: no generic rule is useful there."""
    return bool(LOCK_FILE.search(path))


def is_minified_line(path: str, line_length: int) -> bool:
    return line_length > MINIFIED_LINE and path.lower().endswith((".js", ".mjs", ".cjs", ".css"))


def skips_generic_rules(path: str) -> bool:
    """Generated and third-party files: context rules there are noise; provider rules still run."""
    return is_lock_file(path) or is_minified_file(path) or is_vendored(path)


def lowers_confidence(path: str) -> bool:
    """Test fixtures and vendored code hold their authors' fake keys: report them, at low
    confidence, so `--min-confidence medium` hides them and a real one is still findable."""
    return is_test_path(path) or is_vendored(path)
