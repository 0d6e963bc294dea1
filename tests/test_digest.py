"""scanner.digest: HMAC-SHA-256 without hashlib must equal the standard library's."""
import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from scanner.digest import hmac_sha256, sha256


@given(st.binary(max_size=200), st.binary(max_size=300))
def test_hmac_matches_the_standard_library(key, message):
    assert hmac_sha256(key, message) == hmac.new(key, message, hashlib.sha256).hexdigest()


def test_sha256_is_sha256():
    assert sha256(b"hushgate").hexdigest() == hashlib.sha256(b"hushgate").hexdigest()
