"""False-positive filters: small predicates, each named for what it rejects.

Applied in this order by `verdict` (per match) and the file policy (per file):
- `ALWAYS` (every rule): templates, masks, repeated characters, documented example keys.
- `GENERIC` (rules tagged `generic`, which match by context rather than by a provider's format
  and so need more scepticism): placeholders, self-describing values, stopwords, numbers,
  e-mail addresses, regexes, code, words, slugs, host names, paths, UUIDs named as
  identifiers, hashes and fingerprints.
- `PASSWORD` (rules tagged `password`, generic or not): placeholders, stopwords, default
  passwords, code references, paths; words and low entropy are what people choose. A bare
  word or identifier is rejected in source code and kept at low confidence elsewhere.
- `DOUBTFUL` (generic rules): hand-typed-looking values (sequences, or less entropy than a
  random string of their length and alphabet) are kept at low confidence, or
  rejected by rules tagged `entropy`, which have no secret-ish name to go on.
- file policy (by path, once per file): lock files, minified and vendored files get no generic
  rules at all; test fixtures and vendored files keep provider findings at low confidence.
"""
from __future__ import annotations

from urllib.parse import unquote

from .entropy import looks_random
from .patterns import Lazy, compile_with_regex

PLACEHOLDER_WORDS = (
    "example", "placeholder", "changeme", "change_me", "change-me", "dummy", "your", "redacted",
    "sample", "insert", "replace", "fixme", "todo", "fake", "mock", "<", ">",
)
# Values that name a thing instead of being a secret (`password = "required"`).
STOPWORDS = frozenset(
    "none null nil true false undefined default required optional string secret password passwd token "
    "apikey api_key empty unset unknown disabled enabled hidden masked private public value".split()
)
TEMPLATE = Lazy(
    # `%s` and `$(...)` only count where they read as a placeholder or a command, not as
    # characters of a random key (Django's keys draw from %, $, ( and ) too).
    r"\$\{[^}]*\}|\{\{.*?\}\}|%\([^)]*\)[sdr]|%\d*\.\d*f|(?<![^\s:=/'\"])%-?\d*[sd](?![^\s:@/'\"])"
    r"|\$\([A-Za-z_][\w .\-/]{2,}\)|^\$[A-Za-z_]\w*$|<%.*?%>|@[A-Za-z_]+@|^%[A-Za-z_]\w*%$")
MASK = Lazy(r"(?i)x{4,}|\*{3,}|\.{3,}|#{4,}|•{3,}|<[a-z _\-]{3,}>")
DOCUMENTED_EXAMPLE = Lazy(r"EXAMPLE")
KEYBOARD_PAIRS = frozenset(row[i:i + 2] for row in ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")
                           for i in range(len(row) - 1))
CODE_LIKE = Lazy(r"^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*(?:\(\)?|\[)?$")
# The letter pairs most frequent in English words (and so in identifiers).
COMMON_BIGRAMS = frozenset(
    "th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de "
    "hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us ac ot il tr "
    "ly nc et ut ss so rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su "
    "id os iv ia am fi ci vi pl ig tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if ap gr od "
    "bo sp rd do uc bu ei ov by rm ep tt oc fa ef cu rn sc gi da yo cr cl du ga qu ue ff ba ey ls va um pp "
    "ua up lu go ht ru ug ds lt pi rc rr eg au ck ew mu br bi pt ak pu ui rg ib tl ny ki rk ys ob mm fu ph "
    "og ms ye ud mb ip ub oi rl gu dr hr cc tw ft wn nu af hu nn eo vo rv nf xp gn sm fl iz ok nl my gl aw "
    "sy oa".split())
WORD_LIKE_RATIO = 0.6
# Letter runs, split where camelCase starts a new word: `getAuthKey` -> get, Auth, Key.
LETTER_RUN = Lazy(r"[A-Z]?[a-z]{2,}|[A-Z]{3,}(?![a-z])")
UUID = Lazy(r"(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PATH_OR_URL = Lazy(
    r"^(?:[a-z][a-z0-9+.\-]*://|[A-Za-z]:\\|(?:~|\.{1,2})?/[\w.\-]+(?:/[\w.\-]*)+$)"
    r"|\.(?:pem|key|crt|cer|der|csr|p12|pfx|jks|keystore|pub|json|ya?ml|toml|xml|txt|cfg|conf|ini|env|"
    r"properties|py|js|ts|rb|go|java|php|sh|so|dll|html?)$"
    r"|/[\w\-]+\.[A-Za-z][A-Za-z0-9]{1,4}$")
HASH_PREFIX = Lazy(r"(?i)^(?:sha(?:1|224|256|384|512)[-:]|md5[-:]|h1:|blake2b?[-:]|xxh\d*[-:])")
HASH_CONTEXT = Lazy(
    r"(?i)(?:\b|_)(?:sha\d*|md5|hash(?:es)?|digest|checksum|integrity|etag|commit|revision|rev|"
    r"fingerprint|crc\d*|blake2\w*|nonce|salt)(?:\b|_)")
HEX_DIGEST_LENGTHS = (32, 40, 56, 64, 96, 128)
SECRET_NAME = Lazy(
    r"(?i)secret|token|passw|auth|credential|private|api[_\-.]?key|access[_\-.]?key|"
    r"(?<!(?:primary|foreign|cache|partition|sort|idempotency|row|object|lookup|map|dict)[_\-.]?)key\b",
    compile_with_regex)
EMAIL = Lazy(r"^[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+$")
SELF_DESCRIBING = Lazy(r"(?i)secret|passw|token|api[_\-]?key|not[_\-]?a[_\-]?real|notreal")
REGEX_SYNTAX = Lazy(r"\(\?[:=!<P]|\[[^\]]{1,20}-[^\]]{1,20}\]\{?|\\[dwsbS]|\{\d+(?:,\d*)?\}")
SLUG_SEPARATOR = Lazy(r"[-_.]")
NUMERIC = Lazy(r"^\d+(?:[.\-:/ ]\d+)+$")
HEX_BYTES = Lazy(r"^[0-9A-Fa-f]{2}(?:[:\- ][0-9A-Fa-f]{2}){7,}$")
HOSTNAME = Lazy(r"^(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,12}$")
DOTTED_REFERENCE = Lazy(r"^[A-Za-z_]+(?:\.[A-Za-z_]\w*)+(?:\(\)?|\[)?$|^[A-Za-z_]\w*(?:\(\)?|\[)$")
LEETSPEAK = str.maketrans("@4$5013!7", "aassoleit")
DEFAULT_PASSWORDS = frozenset(
    "admin administrator root toor guest user test tester demo default secret letmein qwerty qwerty123 "
    "welcome welcome1 abc123 12345678 123456789 1234567890 iloveyou monkey dragon master login "
    "postgres mysql oracle sa anonymous".split())


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
    """`abcdefgh`, `12345678`, `abcd1234efgh5678`: at least half the string is runs of three or
    more consecutive characters (or keyboard rows), which random strings practically never are."""
    lowered = secret.lower()
    if len(lowered) < 8:
        return False
    in_runs, run = 0, 1
    for previous, current in zip(lowered, lowered[1:]):
        run = run + 1 if ord(current) - ord(previous) == 1 or previous + current in KEYBOARD_PAIRS else 1
        if run == 3:
            in_runs += 3
        elif run > 3:
            in_runs += 1
    return in_runs * 2 >= len(lowered)


def is_code_reference(secret: str) -> bool:
    """`get_password()`, `settings.API_KEY`, `os.environ[`: code, not a literal."""
    return bool(CODE_LIKE.match(secret)) and not any(c.isdigit() for c in secret)


def is_word_like(secret: str) -> bool:
    """Made of words (`DefaultAuthenticationHandler`, `this_is_my_secret`, `win32api.RegOpenKey`):
    most of its letters and digits sit in words, runs of three or more letters whose neighbouring
    letters are common English pairs. Random strings almost never reach that."""
    alphanumeric = sum(1 for c in secret if c.isalnum())
    if alphanumeric < 6:
        return False
    in_words = sum(len(run) for run in LETTER_RUN.findall(secret) if is_word(run.lower()))
    return in_words >= WORD_LIKE_RATIO * alphanumeric


def is_word(run: str) -> bool:
    common = sum(1 for i in range(len(run) - 1) if run[i:i + 2] in COMMON_BIGRAMS)
    return common >= 0.75 * (len(run) - 1)


def is_numeric(secret: str) -> bool:
    """`1.3.6.1.5.5.7.3.1`, `2024-01-31`, `10.0.0.12`: OIDs, versions, dates, addresses."""
    return bool(NUMERIC.match(secret))


def is_email(secret: str) -> bool:
    return bool(EMAIL.match(secret))


def is_self_describing(secret: str) -> bool:
    """`not-a-real-secret`, `my_api_key_here`, `secret-token-value`: a value that names what it
    stands in for is a stand-in."""
    return bool(SELF_DESCRIBING.search(secret))


def is_pattern(secret: str) -> bool:
    """`(?:secret[-_]?key)`, `[a-f0-9]{48}`: a regular expression, e.g. in a scanner's rules."""
    return bool(REGEX_SYNTAX.search(secret))


def is_slug(secret: str) -> bool:
    """`BSD-2-Clause-pkgconf-disclaimer`: a name made of dash- or underscore-joined parts, two or
    more of them words; grouped keys and UUIDs have random groups."""
    parts = SLUG_SEPARATOR.split(secret)
    words = sum(1 for part in parts if len(part) >= 4 and part.isalpha() and is_word(part.lower()))
    return len(parts) >= 4 and words >= 2


def is_uuid(secret: str) -> bool:
    """UUIDs identify things; providers whose keys are UUIDs have their own context rules."""
    return bool(UUID.match(secret))


def is_path_or_url(secret: str) -> bool:
    """`/etc/ssl/private/server.key`, `./secrets.json`, `https://vault.internal/v1/...`."""
    return bool(PATH_OR_URL.search(secret))


def is_tagged_hash(secret: str) -> bool:
    """`sha512-...` lockfile integrity, `h1:...` go.sum, `sha256:...` image digests."""
    return bool(HASH_PREFIX.match(secret))


def is_fingerprint(secret: str) -> bool:
    """`B3:8A:A0:...`: a certificate or key fingerprint, printed as separated hex bytes."""
    return bool(HEX_BYTES.match(secret))


def is_not_random(secret: str) -> bool:
    """Less entropy than a random string of its length and alphabet would have."""
    return not looks_random(secret)


def is_identifier_uuid(secret: str, line: str) -> bool:
    """A UUID is an identifier unless the line names it a secret (`SERVICE_API_KEY = <uuid>`):
    some providers issue UUID-shaped keys."""
    return is_uuid(secret) and not SECRET_NAME.search(line)


def is_hostname(secret: str) -> bool:
    """`example-org.auth0.com`, `api.internal`: where a secret is used, not the secret."""
    return bool(HOSTNAME.match(secret))


def is_default_password(secret: str) -> bool:
    """`admin`, `root`, `letmein`, `mypassword`, `P@ssw0rd`: defaults and the word itself."""
    lowered = unquote(secret).lower()
    if lowered in DEFAULT_PASSWORDS or lowered.rstrip("0123456789!") in DEFAULT_PASSWORDS:
        return True
    unleet = lowered.translate(LEETSPEAK)
    return "pass" in unleet or "pwd" in unleet


def is_single_class(secret: str) -> bool:
    """`doesnotexist`, `Incorrect`, `HUNTER`: one word of one letter case (a leading capital
    aside) and nothing else, what tests and docs use; chosen passwords mix in digits or symbols."""
    body = secret[1:] if secret[:1].isupper() else secret
    return secret.isalpha() and (body.islower() or body.isupper())


def is_user_repeated(secret: str, line: str) -> bool:
    """`guest:guest`, `postgres:postgres@`: a user name reused as its password is a default."""
    return f"{secret}:{secret}" in line


def is_dotted_reference(secret: str) -> bool:
    """`self.password`, `config.db.passwd`, `get_secret()`: code naming a value."""
    return bool(DOTTED_REFERENCE.match(secret))


def is_hash_in_hash_context(secret: str, line: str) -> bool:
    """Hex digests next to words like sha256/checksum/integrity/commit are hashes, not keys."""
    is_hex = len(secret) in HEX_DIGEST_LENGTHS and all(c in "0123456789abcdefABCDEF" for c in secret)
    return is_hex and bool(HASH_CONTEXT.search(line))


ALWAYS = (is_templated, is_masked, is_repeated_character, is_documented_example)
GENERIC = (is_placeholder, is_self_describing, is_stopword, is_numeric, is_email, is_pattern,
           is_dotted_reference, is_word_like, is_slug, is_hostname, is_path_or_url, is_tagged_hash,
           is_fingerprint)
GENERIC_IN_CONTEXT = (is_hash_in_hash_context, is_identifier_uuid)
# People choose passwords: words and low entropy are normal there, so only placeholders,
# defaults and code are rejected. A bare word or identifier (`hunter`, `dev_admin`) is what
# tests and prompts assign in source code, but a real weak password in a config file or script.
PASSWORD = (is_placeholder, is_self_describing, is_stopword, is_default_password, is_dotted_reference,
            is_pattern, is_path_or_url)
PASSWORD_WORDS = (is_single_class, is_code_reference)
# Values that look hand-typed rather than issued (`abcd1234efgh5678`): usually placeholders, but
# people do commit such test keys to real systems, so they are reported at low confidence.
DOUBTFUL = (is_sequential, is_not_random)
REJECT, DOUBT, KEEP = "reject", "doubt", "keep"


def verdict(secret: str, line: str, tags: tuple = (), path: str = "") -> str:
    """REJECT a rule's match as a false positive, DOUBT it (report it at low confidence) or KEEP
    it, by the rule's tags: `password` rules get the password filters, other `generic` rules the
    generic ones, provider rules only `ALWAYS`."""
    if any(check(secret) for check in ALWAYS):
        return REJECT
    if "password" in tags:
        if any(check(secret) for check in PASSWORD) or is_user_repeated(secret, line):
            return REJECT
        if any(check(secret) for check in PASSWORD_WORDS):
            return REJECT if is_source_code(path) else DOUBT
        return KEEP
    if "generic" in tags:
        if any(check(secret) for check in GENERIC) or any(check(secret, line) for check in GENERIC_IN_CONTEXT):
            return REJECT
        if any(check(secret) for check in DOUBTFUL):
            # With no secret-ish name around it, a doubtful value is not worth a finding at all.
            return REJECT if "entropy" in tags else DOUBT
    return KEEP


TEST_PATH = Lazy(
    r"(?i)(?:^|/)(?:tests?|spec|specs|fixtures?|testdata|test_data|__tests__|__mocks__|mocks?)(?:/|$)"
    r"|(?:^|/)test_[^/]*$|_tests?\.[a-z]+$|\.(?:spec|test)\.[a-z]+$")
VENDORED_PATH = Lazy(
    r"(?:^|/)(?:node_modules|vendor|third[_-]party|bower_components|site-packages|\.yarn)/")
MINIFIED_PATH = Lazy(r"(?i)[.-]min\.(?:js|css)$|\.bundle\.js$|\.(?:js|css)\.map$|\.chunk\.js$")
LOCK_FILE = Lazy(
    r"(?:^|/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|go\.sum|Cargo\.lock|"
    r"poetry\.lock|Pipfile\.lock|composer\.lock|Gemfile\.lock|uv\.lock|pdm\.lock|flake\.lock|"
    r"packages\.lock\.json|gradle\.lockfile|mix\.lock|pubspec\.lock|Podfile\.lock)$")
SOURCE_CODE = Lazy(
    r"(?i)\.(?:py|pyi|pyx|js|jsx|mjs|cjs|ts|tsx|java|kt|scala|go|rb|php|c|h|cc|cpp|cxx|hpp|cs|fs|vb|swift|"
    r"m|mm|rs|lua|pl|pm|r|dart|ex|exs|erl|clj|hs|ml|elm|vue|svelte)$")
# A .js/.css line this long is build output, not something a person typed a key into.
MINIFIED_LINE = 1000


def is_source_code(path: str) -> bool:
    return bool(SOURCE_CODE.search(path))


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
