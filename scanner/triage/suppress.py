"""Apply the baseline and the ignore file to a scan result: drop what was accepted, count it by
reason, and say what needs attention (stale baseline entries, expired ignore entries)."""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..errors import HushgateError
from ..fingerprints import key_id, location_fingerprint

if TYPE_CHECKING:  # datetime itself is imported only when there is something to triage
    import datetime

STALE_SHOWN = 5


def apply_triage(result, key: bytes, baseline=None, ignore=None, check_stale: bool = False,
                 today: datetime.date | None = None, baseline_name: str = "baseline") -> None:
    """Filter result.findings in place; record counts in result.extra and notices in
    result.extra["notices"]. `check_stale` only when the scan saw everything the baseline did."""
    for finding in result.findings:
        finding.location_fingerprint = location_fingerprint(key, finding.rule_id, finding.secret, finding.path)
    if baseline is None and ignore is None:
        return
    import datetime  # here: most hook runs have neither a baseline nor an ignore file

    today = today or datetime.date.today()
    if baseline is not None and baseline.key_id != key_id(key):
        raise HushgateError(
            f"{baseline_name} was made with fingerprint key {baseline.key_id}, but this scan uses key "
            f"{key_id(key)}: every finding would look new. Use the team's key (HUSHGATE_FINGERPRINT_KEY "
            f"or the shared .hushgate.key, see docs/baseline.md) or re-create the baseline")
    notices = result.extra.setdefault("notices", [])
    active, expired = [], []
    for entry in (ignore.entries if ignore else []):
        (expired if entry.is_expired(today) else active).append(entry)
    accepted = baseline.identities() if baseline else set()
    seen = {(f.fingerprint, f.rule_id) for f in result.findings}
    kept, by_baseline, by_reason = [], 0, Counter()
    for finding in result.findings:
        entry = next((e for e in active if e.matches(finding)), None)
        if entry is not None:
            by_reason[entry.reason] += 1
        elif (finding.fingerprint, finding.rule_id) in accepted:
            by_baseline += 1
        else:
            kept.append(finding)
    result.findings = kept
    if baseline is not None:
        result.extra["suppressed_by_baseline"] = by_baseline
    if ignore is not None:
        result.extra["suppressed_by_ignore_file"] = sum(by_reason.values())
        result.extra["ignored_by_reason"] = dict(sorted(by_reason.items()))
    for entry in expired:
        still = sum(1 for f in kept if entry.matches(f))
        notices.append(f"{ignore.path}: {entry.describe()} expired on {entry.expires.isoformat()} and no "
                       f"longer suppresses ({still} finding{'s' if still != 1 else ''} reported again); "
                       f"its reason was: {entry.reason}")
    if baseline is not None and check_stale:
        stale = sorted((e for e in baseline.entries if e.identity not in seen), key=lambda e: e.sort_key())
        result.extra["stale_baseline_entries"] = [e.describe() for e in stale]
        if stale:
            listed = "; ".join(e.describe() for e in stale[:STALE_SHOWN])
            more = f"; and {len(stale) - STALE_SHOWN} more" if len(stale) > STALE_SHOWN else ""
            notices.append(f"{baseline_name}: {len(stale)} entr{'ies' if len(stale) != 1 else 'y'} no longer "
                           f"found (fixed? drop with `hushgate baseline prune`): {listed}{more}")
    if not notices:
        del result.extra["notices"]
