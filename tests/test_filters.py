"""False-positive filters: each predicate on its own, then as the detector applies them."""
import pytest

from fakes import GITHUB_PAT
from scanner.engine import entropy, filters

RANDOM_ALNUM = "q7Gv2Xk9Lm3Np5Rt8Wz1"
RANDOM_LOWER = "dsn3rnknk0tu1hrzm2puacw7wlzdxbn2"
RANDOM_HEX = "7a37536f6fd2a0591c9cb173b4036eb8"


@pytest.mark.parametrize("predicate, rejected, kept", [
    (filters.is_templated, ["${API_KEY}", "{{ vault_token }}", "%(password)s", "$TOKEN", "%DB_PASS%",
                            "VS%0.f0COMNTOOLS", "user:%s@host", "$(cat /run/secrets/db)"],
     [RANDOM_ALNUM, "a%2Fb%3Dc", "k8#x%sZ2!q$(a)9@Lm"]),
    (filters.is_masked, ["xxxxxxxxxxxx", "sk_live_****", "abc...xyz", "<your-api-key>"], [RANDOM_ALNUM]),
    (filters.is_repeated_character, ["aaaaaaaa", "00000000", "abababab"], [RANDOM_ALNUM]),
    (filters.is_documented_example, ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
     [RANDOM_ALNUM]),
    (filters.is_placeholder, ["your-api-key-here", "changeme123", "dummy-token-value", "insert_key"],
     [RANDOM_ALNUM]),
    (filters.is_stopword, ["required", "None", "undefined", "api_key"], [RANDOM_ALNUM]),
    (filters.is_numeric, ["1.3.6.1.5.5.7.3.1", "2024-01-31", "10.0.0.12"], ["123456789012", RANDOM_HEX]),
    (filters.is_code_reference, ["get_password()", "settings.API_KEY", "os.environ["], [RANDOM_ALNUM]),
    (filters.is_word_like, ["DefaultAuthenticationHandler", "this_is_my_secret_value", "win32api.RegOpenKeyEx",
                            "primary_database_hostname"], [RANDOM_ALNUM, RANDOM_LOWER, RANDOM_HEX]),
    (filters.is_hostname, ["example-org.auth0.com", "api.internal.corp"], [RANDOM_ALNUM, "eyJhbGc.eyJzdWI.sig"]),
    (filters.is_path_or_url, ["/etc/ssl/private/server.key", "./secrets.json", "https://vault/v1/x",
                              "param:secp384r1.pem"], [RANDOM_ALNUM, "Zq3Xv9Lm2Nb7/t5Wy1Kp8Hc4Jd6"]),
    (filters.is_tagged_hash, ["sha512-Zq3Xv9Lm2Nb7Rt5Wy1Kp8Hc4Jd6Fg0Ts2Ue7", "h1:Zq3Xv9Lm2Nb7Rt5Wy1Kp8Hc4=",
                              "sha256:" + RANDOM_HEX], [RANDOM_ALNUM]),
    (filters.is_fingerprint, ["B3:8A:A0:A2:BA:71:F1:A8:24:79"], [RANDOM_HEX]),
    (filters.is_uuid, ["8f14e45f-ceea-467f-a0e6-7c8c8a6e6c2b"], [RANDOM_HEX]),
    (filters.is_sequential, ["abcdefgh", "12345678", "abcd1234efgh5678", "qwertyuiop12"],
     [RANDOM_ALNUM, RANDOM_LOWER]),
    (filters.is_not_random, ["aBcDaBcDaBcDaBcD1111", "abcabcabcabcabc123"], [RANDOM_ALNUM, RANDOM_LOWER, RANDOM_HEX]),
    (filters.is_default_password, ["admin123", "P@ssw0rd!", "mypassword", "letmein"], ["Vt8q!Lm2Rx9K"]),
    (filters.is_single_class, ["doesnotexist", "Incorrect", "HUNTER"], ["hunter2", "dev_admin", "Vt8qLm2R"]),
    (filters.is_dotted_reference, ["self.password", "config.db.passwd", "get_secret()"], ["s3cr3t.Pass"]),
])
def test_predicate(predicate, rejected, kept):
    assert [value for value in rejected if not predicate(value)] == []
    assert [value for value in kept if predicate(value)] == []


def test_hash_needs_hash_context():
    assert filters.is_hash_in_hash_context(RANDOM_HEX, 'checksum = "%s"' % RANDOM_HEX)
    assert filters.is_hash_in_hash_context(RANDOM_HEX, "commit_sha: " + RANDOM_HEX)
    assert not filters.is_hash_in_hash_context(RANDOM_HEX, "api_key = " + RANDOM_HEX)


def test_uuid_is_kept_when_the_line_names_a_secret():
    value = "8f14e45f-ceea-467f-a0e6-7c8c8a6e6c2b"
    assert filters.is_identifier_uuid(value, f"idempotency_key = '{value}'")
    assert not filters.is_identifier_uuid(value, f"HEROKU_API_KEY = '{value}'")


def test_randomness_floor_depends_on_alphabet_and_length():
    # 32 random hex characters reach ~3.6 bits/char, 32 random alphanumerics ~4.5: one fixed
    # threshold would either pass English-like alphanumerics or fail every hex key.
    assert entropy.alphabet_size(RANDOM_HEX) == 16
    assert entropy.alphabet_size(RANDOM_LOWER) == 36
    assert entropy.alphabet_size(RANDOM_ALNUM) == 62
    assert entropy.alphabet_size("9fA3c7E1b0D4f82a") == 22  # hex in both cases
    assert entropy.randomness_floor(RANDOM_HEX) < 3.2 < entropy.randomness_floor("a" * 31 + "B")
    assert entropy.randomness_floor("x" * 16 + "1Q") < entropy.randomness_floor("x" * 40 + "1Q")


def test_rule_profiles_apply_in_order():
    # Provider rules only get ALWAYS; password rules accept words; other generic rules do not.
    verdict, reject, doubt, keep = filters.verdict, filters.REJECT, filters.DOUBT, filters.KEEP
    assert verdict("${TOKEN}", "", ()) == reject
    assert verdict("DefaultAuthenticationHandler", "", ()) == keep
    assert verdict("DefaultAuthenticationHandler", "", ("generic",)) == reject
    assert verdict("Winter-Harbour7", "", ("generic", "password")) == keep
    assert verdict("Winter-Harbour7", "", ("generic",)) == reject
    assert verdict("abcd1234efgh5678ijkl", "", ("generic",)) == doubt
    assert verdict("abcd1234efgh5678ijkl", "", ()) == keep
    assert verdict("abcd1234efgh5678ijkl", "", ("generic", "entropy")) == reject


def test_bare_word_passwords_depend_on_the_kind_of_file():
    tags = ("generic", "password")
    assert filters.verdict("bluebird", "", tags, "src/login_test_helper.py") == filters.REJECT
    assert filters.verdict("bluebird", "", tags, "deploy/.env") == filters.DOUBT
    assert filters.verdict("dev_admin", "", tags, "scripts/backup.ps1") == filters.DOUBT


@pytest.mark.parametrize("path, skips, lowers", [
    ("src/app/settings.py", False, False),
    ("package-lock.json", True, False),
    ("web/go.sum", True, False),
    ("static/js/app.min.js", True, False),
    ("node_modules/left-pad/index.js", True, True),
    ("third_party/lib/config.py", True, True),
    ("tests/test_login.py", False, True),
    ("src/__tests__/api.test.ts", False, True),
    ("pkg/client_test.go", False, True),
])
def test_file_policy(path, skips, lowers):
    assert filters.skips_generic_rules(path) is skips
    assert filters.lowers_confidence(path) is lowers


def found(scanner, text, path="config/settings.py"):
    return [(f.rule_id, f.confidence) for f in scanner.scan_bytes(text.encode(), path)]


def test_detector_rejects_placeholders_and_keeps_secrets(scanner):
    assert found(scanner, f'API_TOKEN = "{RANDOM_ALNUM}"\n')
    for value in ("${API_TOKEN}", "your-api-token-here", "xxxxxxxxxxxxxxxxxxxx", "DefaultAuthenticationHandler"):
        assert found(scanner, f'API_TOKEN = "{value}"\n') == [], value


def test_test_fixtures_lower_confidence_without_silencing(scanner):
    text = f'GITHUB_TOKEN = "{GITHUB_PAT}"\n'
    assert ("github-pat-classic", "high") in found(scanner, text, "src/deploy.py")
    assert ("github-pat-classic", "low") in found(scanner, text, "tests/test_deploy.py")


def test_hand_typed_values_are_low_confidence(scanner):
    assert found(scanner, 'SERVICE_API_KEY = "abcd1234efgh5678ijkl9012"\n') == [("generic-secret-assignment", "low")]


def test_generated_files_get_no_generic_rules_but_provider_rules(scanner):
    text = f'var t="{RANDOM_ALNUM}";var api_token="{RANDOM_ALNUM}";var g="{GITHUB_PAT}";\n'
    assert {rule for rule, _ in found(scanner, text, "dist/app.min.js")} == {"github-pat-classic"}
    assert "generic-secret-assignment" in {rule for rule, _ in found(scanner, text, "src/app.js")}


def test_min_confidence_hides_low_findings(cli, tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "fixture.py").write_text(f'GITHUB_TOKEN = "{GITHUB_PAT}"\n')
    assert cli("scan", tmp_path, "-f", "json").returncode == 1
    hidden = cli("scan", tmp_path, "-f", "json", "--min-confidence", "medium")
    assert hidden.returncode == 0, hidden.stderr
