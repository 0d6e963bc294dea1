"""The unit of work of an org scan, as run by a worker process (local pool or Dask worker):
scan a batch of blobs of one repository and return what was found, without any secret.

Workers compute the keyed fingerprint and the redacted preview themselves, so raw secrets never
cross a process or network boundary; the fingerprint key travels once, inside the ScanSpec.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .. import __version__

_scanners: dict = {}
_open_repo: dict = {}


@dataclass(frozen=True)
class ScanSpec:
    """Everything a worker needs to build the same Scanner as the main process."""
    ruleset: object
    engine: str
    min_confidence: str
    fingerprint_key: bytes
    max_blob_size: int
    limits: object = None  # engine.detector.Limits; None for the defaults
    rules_source: str = ""  # digest of rule input the ruleset digest does not cover (a gitleaks config)

    @property
    def identity(self) -> str:
        """What a blob yields depends on these, and only these: a change means rescanning."""
        text = (f"{__version__}\0{self.ruleset.digest}\0{self.rules_source}\0{self.min_confidence}\0"
                f"{self.max_blob_size}\0{self.limits!r}")
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class BlobOutcome:
    blob: str
    size: int
    outcome: str  # scanned, binary, error
    findings: tuple = ()  # (rule_id, fingerprint, line, col, end_col, preview, entropy, confidence, decoded_from)
    error: str = ""


def scanner_for(spec: ScanSpec):
    """One Scanner per worker process and spec (building one loads the Hyperscan database)."""
    key = (spec.identity, spec.engine, spec.fingerprint_key)
    if key not in _scanners:
        from ..pipeline import Scanner

        _scanners[key] = Scanner(spec.ruleset, engine=spec.engine, min_confidence=spec.min_confidence,
                                 fingerprint_key=spec.fingerprint_key, limits=spec.limits)
    return _scanners[key]


def scan_blobs(spec: ScanSpec, repo_dir: str, entries: list) -> list[BlobOutcome]:
    """Outcomes for every entry (a history.BlobEntry), in order. A rule timing out marks its blob
    and the batch goes on; an unreadable repository raises (the whole batch fails)."""
    from ..sources.blobs import close_cat_file, scan_batch

    scanner = scanner_for(spec)
    # A worker keeps one `cat-file --batch` open: for the repository its batches come from now.
    if _open_repo.get("dir") not in (None, repo_dir):
        close_cat_file(_open_repo["dir"])
    _open_repo["dir"] = repo_dir
    try:
        results = scan_batch(scanner, repo_dir, entries)
    except BaseException:
        close_cat_file(repo_dir)
        _open_repo.clear()
        raise
    return [outcome_of(entry, findings, error) for entry, (findings, error) in zip(entries, results)]


def outcome_of(entry, findings, error) -> BlobOutcome:
    if findings is None:
        return BlobOutcome(entry.blob, entry.size, "binary")
    return BlobOutcome(entry.blob, entry.size, "error" if error else "scanned", tuple(
        (f.rule_id, f.fingerprint, f.line, f.column, f.end_column, f.secret_preview, round(f.entropy, 3),
         f.confidence, f.decoded_from or "") for f in findings), error or "")


def installed_scan_blobs(repo_dir: str, entries: list) -> list[BlobOutcome]:
    """scan_blobs with the spec a local pool worker received when it started."""
    return scan_blobs(_installed["spec"], repo_dir, entries)


_installed: dict = {}


def install(spec: ScanSpec) -> None:
    _installed["spec"] = spec
