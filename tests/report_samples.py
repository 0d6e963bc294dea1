"""A real scan result for reporter tests: fake secrets, one of them in a file whose name is
hostile to every output format (markup, a formula, quotes, a newline, a terminal escape, a
bidi override)."""
from fakes import GITHUB_PAT, secrets_file_text
from scanner.triage.suppress import apply_triage

KEY = b"test-fingerprint-key"
HOSTILE_NAME = "=HYPERLINK(\"x\")<img src=x onerror=alert(1)>&amp;'\"\n\x1b[31m\u202ered.env"


def sample_result(scanner, root):
    (root / "config").mkdir(parents=True)
    (root / "config" / "settings.env").write_text(secrets_file_text())
    (root / HOSTILE_NAME).write_text(f"token = {GITHUB_PAT}\n")
    (root / "clean.py").write_text("print('hello')\n")
    result = scanner.scan_paths([str(root)], jobs=1)
    apply_triage(result, KEY)  # as the CLI does: location fingerprints once paths are final
    assert len(result.findings) >= 4, result.findings
    return result
