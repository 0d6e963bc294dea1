"""Encoded secrets: found through base64, hex and percent-encoding, reported where the encoded
bytes are, with bounded depth and size, and only when the decoding is text."""
import base64
import urllib.parse

from fakes import GITHUB_PAT
from scanner.engine.decoders import Decoded, encoded_runs, percent_decode
from scanner.engine.detector import Detector, Limits

ENV_TEXT = f"GITHUB_TOKEN={GITHUB_PAT}\n"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def scan(default_rules, text: str, **limits):
    return Detector(default_rules, engine="portable", limits=Limits(**limits)).scan(text.encode(), "deploy.yaml")


def github_findings(findings):
    return [f for f in findings if f.rule_id == "github-pat-classic"]


def test_base64_run_decodes_and_maps_positions_back():
    encoded = b64(ENV_TEXT).encode()
    data = b"env: " + encoded + b"\n"
    (run,) = [r for r in encoded_runs(data) if r.kind == "base64"]
    assert (run.start, run.end, run.text) == (5, 5 + len(encoded), ENV_TEXT.encode())
    position = ENV_TEXT.index("ghp_")
    # Every 3 decoded bytes come from 4 encoded characters.
    assert run.origin(position) == 5 + position // 3 * 4
    assert run.origin(len(run.text)) == run.end


def test_percent_decoding_tracks_variable_width():
    decoded, offsets = percent_decode(b"a%3Ab%2F%2Fc")
    assert decoded == b"a:b//c"
    assert offsets == [0, 1, 4, 5, 8, 11]
    run = Decoded("percent", 10, 22, decoded, offsets=offsets)
    assert run.origin(2) == 14


def test_binary_decodings_are_not_scanned():
    random_key = b"Zq3Xv9Lm2Nb7Rt5Wy1Kp8Hc4Jd6Fg0Ts2Ue7Ia9O"  # base64 alphabet, decodes to noise
    digest = b"83dad85963f2b8aa24ecc1d41ac1d484d97585dc"
    assert list(encoded_runs(b"x = " + random_key + b"\ny = " + digest + b"\n")) == []


def test_short_runs_and_identifiers_are_left_alone():
    assert list(encoded_runs(b"token = " + b64("a=b").encode() + b"\n")) == []
    assert list(encoded_runs(b"some_very_long_snake_case_identifier_name = 1\n")) == []


def test_finding_in_base64_points_at_the_encoded_run(default_rules):
    prefix = "data:\n  env: "
    (finding,) = github_findings(scan(default_rules, prefix + b64(ENV_TEXT) + "\n"))
    assert finding.decoded_from == "base64"
    assert finding.secret == GITHUB_PAT
    assert finding.line == 2
    encoded_start = len("  env: ") + 1
    assert encoded_start <= finding.column < finding.end_column <= encoded_start + len(b64(ENV_TEXT))
    assert finding.to_dict()["decoded_from"] == "base64"
    assert GITHUB_PAT not in str(finding.to_dict())


def test_hex_and_percent_encodings(default_rules):
    hexed = ENV_TEXT.encode().hex()
    quoted = urllib.parse.quote(f"https://ci:{GITHUB_PAT}@git.internal/repo", safe="")
    findings = github_findings(scan(default_rules, f"blob = \"{hexed}\"\nurl = {quoted}\n"))
    assert [(f.decoded_from, f.line) for f in findings] == [("hex", 1), ("percent", 2)]


def test_decoding_depth_is_bounded(default_rules):
    twice = b64(b64(ENV_TEXT))
    assert [f.decoded_from for f in github_findings(scan(default_rules, twice))] == ["base64/base64"]
    assert github_findings(scan(default_rules, twice, decode_depth=1)) == []
    assert github_findings(scan(default_rules, b64(ENV_TEXT), decode_depth=0)) == []


def test_decoded_size_is_bounded(default_rules):
    text = "\n".join(b64(f"line {i}: " + ENV_TEXT) for i in range(20))
    assert len(github_findings(scan(default_rules, text))) == 20
    assert len(github_findings(scan(default_rules, text, decoded_bytes=200))) < 20


def test_plain_and_encoded_copies_are_both_reported(default_rules):
    findings = github_findings(scan(default_rules, f"a = {GITHUB_PAT}\nb = {b64(ENV_TEXT)}\n"))
    assert [(f.line, f.decoded_from) for f in findings] == [(1, None), (2, "base64")]


def test_base64_value_after_an_assignment_is_decoded(scanner):
    import base64

    from fakes import GITHUB_PAT

    encoded = base64.b64encode(f"token: {GITHUB_PAT}\n".encode()).decode()
    [finding] = scanner.scan_bytes(f"CONFIG_B64={encoded}\n".encode(), "ci.env")
    assert finding.rule_id == "github-pat-classic" and finding.decoded_from == "base64"
    assert finding.line == 1 and finding.column > len("CONFIG_B64=")
