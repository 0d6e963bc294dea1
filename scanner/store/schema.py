"""The org datastore's schema: every table in one place, reached through numbered migrations.

`PRAGMA user_version` is the schema version. A migration runs once, in its own transaction, and
is never edited after release: a change is a new entry at the end of MIGRATIONS.

What is stored, and why it holds no secret:
- blobs / blob_findings: what scanning one blob (by object id) with one rule set found, so the
  same blob in another repository, fork or run is never read again. Findings carry a keyed
  fingerprint and a redacted preview, never the secret.
- walked / introductions: the commits whose changes were read, and which of them brought a
  flagged blob (or a file-name finding, blob = x'') in at which path: commits are shared by
  forks just as blobs are, so a fork's history is walked only where it differs.
- findings: one row per secret (value fingerprint) across the organisation; triage is keyed by
  it, so a status survives rescans and applies in every repository holding that secret.
- occurrences: where each secret is, per repository (commit, path, line, author, date, still
  in HEAD), rebuilt whenever a repository's refs change.
"""
from __future__ import annotations

APPLICATION_ID = 0x48534754  # "HSGT": tells a hushgate datastore from any other SQLite file

STATUSES = ("open", "false-positive", "revoked", "accepted")

V1 = f"""
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE rulesets (
    id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,      -- rule packs + settings that change what a blob yields
    created TEXT NOT NULL
);

CREATE TABLE rules (
    ruleset_id INTEGER NOT NULL REFERENCES rulesets(id) ON DELETE CASCADE,
    rule_id TEXT NOT NULL,
    title TEXT NOT NULL,
    severity TEXT NOT NULL,
    remediation TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',    -- space-separated
    PRIMARY KEY (ruleset_id, rule_id)
) WITHOUT ROWID;

CREATE TABLE repos (
    id INTEGER PRIMARY KEY,
    location TEXT NOT NULL UNIQUE,    -- absolute path, or URL without credentials
    name TEXT NOT NULL,
    source TEXT NOT NULL,             -- directory, list, github
    ruleset_id INTEGER REFERENCES rulesets(id) ON DELETE SET NULL,
    state_key TEXT,                   -- refs + rule set + excludes at the last complete scan
    head TEXT,
    last_scanned TEXT,
    last_error TEXT
);

CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted', 'failed')),
    ruleset_id INTEGER REFERENCES rulesets(id) ON DELETE SET NULL,
    host TEXT NOT NULL DEFAULT '',
    pid INTEGER,
    repos INTEGER NOT NULL DEFAULT 0,
    repos_failed INTEGER NOT NULL DEFAULT 0,
    blobs INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0
);

CREATE TABLE scan_repos (
    scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    repo_id INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    outcome TEXT NOT NULL CHECK (outcome IN ('scanned', 'unchanged', 'failed')),
    error TEXT,
    PRIMARY KEY (scan_id, repo_id)
) WITHOUT ROWID;

CREATE TABLE blobs (
    oid BLOB NOT NULL,
    ruleset_id INTEGER NOT NULL REFERENCES rulesets(id) ON DELETE CASCADE,
    size INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('scanned', 'binary', 'error')),
    PRIMARY KEY (oid, ruleset_id)
) WITHOUT ROWID;

CREATE TABLE blob_findings (
    oid BLOB NOT NULL,
    ruleset_id INTEGER NOT NULL,
    rule_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    line INTEGER NOT NULL,
    col INTEGER NOT NULL,
    end_col INTEGER NOT NULL,
    preview TEXT NOT NULL,
    entropy REAL NOT NULL,
    confidence TEXT NOT NULL,
    decoded_from TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (oid, ruleset_id, rule_id, fingerprint, line, col),
    FOREIGN KEY (oid, ruleset_id) REFERENCES blobs(oid, ruleset_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE walked (
    commit_oid BLOB NOT NULL,
    ruleset_id INTEGER NOT NULL REFERENCES rulesets(id) ON DELETE CASCADE,
    PRIMARY KEY (commit_oid, ruleset_id)
) WITHOUT ROWID;

CREATE TABLE introductions (
    commit_oid BLOB NOT NULL,
    ruleset_id INTEGER NOT NULL REFERENCES rulesets(id) ON DELETE CASCADE,
    blob BLOB NOT NULL,               -- x'' for a file-name finding
    path BLOB NOT NULL,               -- raw git path
    author TEXT NOT NULL,
    date TEXT NOT NULL,
    PRIMARY KEY (commit_oid, ruleset_id, blob, path)
) WITHOUT ROWID;

CREATE TABLE findings (
    fingerprint TEXT PRIMARY KEY,
    rule_id TEXT NOT NULL,
    preview TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE occurrences (
    id INTEGER PRIMARY KEY,
    repo_id INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL REFERENCES findings(fingerprint),
    blob TEXT NOT NULL,               -- '' for a file-name finding
    path TEXT NOT NULL,
    commit_oid TEXT NOT NULL,         -- '' for a blob a tag points at directly
    author TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    line INTEGER NOT NULL,
    col INTEGER NOT NULL,
    end_col INTEGER NOT NULL,
    confidence TEXT NOT NULL,
    entropy REAL NOT NULL DEFAULT 0,
    decoded_from TEXT NOT NULL DEFAULT '',
    in_head INTEGER NOT NULL,
    UNIQUE (repo_id, fingerprint, blob, path, commit_oid, line, col)
);
CREATE INDEX occurrences_by_fingerprint ON occurrences(fingerprint);

CREATE TABLE triage (
    fingerprint TEXT PRIMARY KEY REFERENCES findings(fingerprint),
    status TEXT NOT NULL CHECK (status IN ({", ".join(f"'{s}'" for s in STATUSES)})),
    note TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE triage_history (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL REFERENCES findings(fingerprint),
    status TEXT NOT NULL,
    previous TEXT,
    note TEXT NOT NULL DEFAULT '',
    changed TEXT NOT NULL,
    changed_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX triage_history_by_fingerprint ON triage_history(fingerprint);

PRAGMA application_id = {APPLICATION_ID};
"""

# Index = version - 1. Append only.
MIGRATIONS = (V1,)
LATEST = len(MIGRATIONS)
