import Foundation

/// Append-only, numbered migrations in literal SQL that both SQLite and PostgreSQL accept. Never edit one that
/// has been released: add a new step. (The one edit made: 001 quotes `"window"`, a reserved word in PostgreSQL;
/// SQLite creates the same column either way, so files migrated before are unaffected.)
enum Schema {
    static let migrations: [(id: String, sql: [String])] = [
        (
            "001_initial",
            [
                """
                CREATE TABLE districts (code TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL)
                """,
                """
                CREATE TABLE units (
                    district TEXT NOT NULL REFERENCES districts(code), code TEXT NOT NULL, name TEXT NOT NULL,
                    tier TEXT NOT NULL, "window" TEXT, groups TEXT, aliases TEXT, ranked INTEGER NOT NULL,
                    sort_order INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (district, code))
                """,
                """
                CREATE TABLE cases (
                    district TEXT NOT NULL REFERENCES districts(code), period TEXT NOT NULL, unit TEXT NOT NULL,
                    recv_immediate INTEGER, recv_promised INTEGER, done_immediate INTEGER, done_promised INTEGER,
                    ytd_recv INTEGER, ytd_done INTEGER, proxy INTEGER, seq INTEGER NOT NULL,
                    PRIMARY KEY (district, period, unit))
                """,
                """
                CREATE TABLE case_records (
                    district TEXT NOT NULL REFERENCES districts(code), case_id TEXT NOT NULL, unit TEXT NOT NULL,
                    item TEXT, category TEXT NOT NULL, kind TEXT NOT NULL, received_at TEXT NOT NULL,
                    completed_at TEXT, promised_days INTEGER NOT NULL, due_date TEXT NOT NULL, rating TEXT, scope TEXT, channel TEXT,
                    seq INTEGER NOT NULL, PRIMARY KEY (district, case_id))
                """,
                "CREATE INDEX case_records_received ON case_records (district, received_at)",
                "CREATE INDEX case_records_completed ON case_records (district, completed_at)",
                """
                CREATE TABLE tongban (
                    district TEXT NOT NULL REFERENCES districts(code), period TEXT NOT NULL, unit TEXT NOT NULL,
                    scope TEXT NOT NULL, count INTEGER, ytd INTEGER, seq INTEGER NOT NULL,
                    PRIMARY KEY (district, period, unit, scope))
                """,
                """
                CREATE TABLE ancillary (
                    district TEXT NOT NULL REFERENCES districts(code), period TEXT NOT NULL, service TEXT NOT NULL,
                    count INTEGER, ytd INTEGER, seq INTEGER NOT NULL, PRIMARY KEY (district, period, service))
                """,
                """
                CREATE TABLE rubric (
                    district TEXT NOT NULL REFERENCES districts(code), code TEXT NOT NULL, section TEXT,
                    name TEXT NOT NULL, max TEXT NOT NULL, sort_order INTEGER NOT NULL, seq INTEGER NOT NULL,
                    PRIMARY KEY (district, code))
                """,
                """
                CREATE TABLE evaluation (
                    district TEXT NOT NULL REFERENCES districts(code), period TEXT NOT NULL, unit TEXT NOT NULL,
                    criterion TEXT NOT NULL, score TEXT NOT NULL, seq INTEGER NOT NULL,
                    PRIMARY KEY (district, period, unit, criterion))
                """,
                """
                CREATE TABLE events (
                    district TEXT NOT NULL REFERENCES districts(code), date TEXT NOT NULL, text TEXT NOT NULL,
                    seq INTEGER NOT NULL, PRIMARY KEY (district, date, text))
                """,
                """
                CREATE TABLE figures (
                    district TEXT NOT NULL REFERENCES districts(code), period TEXT NOT NULL, key TEXT NOT NULL,
                    value TEXT, note TEXT, seq INTEGER NOT NULL, PRIMARY KEY (district, period, key))
                """,
                """
                CREATE TABLE meta (
                    district TEXT NOT NULL REFERENCES districts(code), period TEXT NOT NULL, title TEXT,
                    issue INTEGER, issuer TEXT, date TEXT, lead TEXT, excellent INTEGER, seq INTEGER NOT NULL,
                    PRIMARY KEY (district, period))
                """,
                """
                CREATE TABLE audit (
                    district TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, source TEXT NOT NULL,
                    table_name TEXT NOT NULL, row_key TEXT NOT NULL, column_name TEXT NOT NULL,
                    old_value TEXT, new_value TEXT, seq INTEGER NOT NULL)
                """,
                "CREATE INDEX audit_district_at ON audit (district, at)",
            ]
        ),
        (
            "002_accounts_publication",
            [
                """
                CREATE TABLE users (
                    name TEXT NOT NULL PRIMARY KEY, district TEXT NOT NULL REFERENCES districts(code),
                    role TEXT NOT NULL, unit TEXT, password_hash TEXT NOT NULL, created_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE sessions (
                    token_hash TEXT NOT NULL PRIMARY KEY, user_name TEXT NOT NULL REFERENCES users(name),
                    csrf TEXT NOT NULL, expires_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE api_tokens (
                    token_hash TEXT NOT NULL PRIMARY KEY, user_name TEXT NOT NULL REFERENCES users(name),
                    created_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE publications (
                    district TEXT NOT NULL REFERENCES districts(code), period TEXT NOT NULL, issue INTEGER NOT NULL,
                    state TEXT NOT NULL, published_at TEXT NOT NULL, published_by TEXT NOT NULL,
                    reopened_at TEXT, reopened_by TEXT, reason TEXT, markdown TEXT, html TEXT, json TEXT,
                    PRIMARY KEY (district, period))
                """,
                """
                CREATE TABLE report_versions (
                    district TEXT NOT NULL REFERENCES districts(code), period TEXT NOT NULL, unit TEXT NOT NULL,
                    version INTEGER NOT NULL, saved_by TEXT NOT NULL, saved_at TEXT NOT NULL,
                    PRIMARY KEY (district, period, unit))
                """,
            ]
        ),
        (
            // Case records ingested from the platform's exports (`tongbao ingest`): the cases received on one
            // day, split in 16 buckets by case id so no partition grows past a city's day, as compact binary
            // partitions (`part` = day × 16 + bucket); and the monthly totals kept up to date as they change.
            // BYTEA is PostgreSQL's binary type; SQLite gives the same declaration BLOB affinity.
            "003_case_partitions",
            [
                """
                CREATE TABLE case_partitions (
                    district TEXT NOT NULL REFERENCES districts(code), part INTEGER NOT NULL, cases INTEGER NOT NULL,
                    data BYTEA NOT NULL, PRIMARY KEY (district, part))
                """,
                """
                CREATE TABLE case_totals (
                    district TEXT NOT NULL REFERENCES districts(code), period TEXT NOT NULL, unit TEXT NOT NULL,
                    recv_immediate INTEGER NOT NULL, recv_promised INTEGER NOT NULL, done_immediate INTEGER NOT NULL,
                    done_promised INTEGER NOT NULL, approval INTEGER NOT NULL, service INTEGER NOT NULL,
                    on_time INTEGER NOT NULL, rated INTEGER NOT NULL, satisfied INTEGER NOT NULL,
                    days_total INTEGER NOT NULL, PRIMARY KEY (district, period, unit))
                """,
                """
                CREATE TABLE case_days (
                    district TEXT NOT NULL REFERENCES districts(code), period TEXT NOT NULL, unit TEXT NOT NULL,
                    days INTEGER NOT NULL, cases INTEGER NOT NULL, PRIMARY KEY (district, period, unit, days))
                """,
                """
                CREATE TABLE case_scopes (
                    district TEXT NOT NULL REFERENCES districts(code), period TEXT NOT NULL, unit TEXT NOT NULL,
                    scope TEXT NOT NULL, cases INTEGER NOT NULL, PRIMARY KEY (district, period, unit, scope))
                """,
            ]
        ),
        (
            // The unit directory has history: a change to a unit takes effect from a month, and every month
            // renders with the directory as it was then. `units` keeps each unit's latest version (for look-ups);
            // `unit_versions` every version by the month it starts. Units stored before are valid since ever.
            "004_unit_versions",
            [
                """
                CREATE TABLE unit_versions (
                    district TEXT NOT NULL REFERENCES districts(code), code TEXT NOT NULL, from_period TEXT NOT NULL,
                    name TEXT NOT NULL, tier TEXT NOT NULL, "window" TEXT, groups TEXT, aliases TEXT,
                    ranked INTEGER NOT NULL, sort_order INTEGER NOT NULL, seq INTEGER NOT NULL,
                    PRIMARY KEY (district, code, from_period))
                """,
                """
                INSERT INTO unit_versions
                    (district, code, from_period, name, tier, "window", groups, aliases, ranked, sort_order, seq)
                SELECT district, code, '0000-00', name, tier, "window", groups, aliases, ranked, sort_order, seq
                FROM units
                """,
            ]
        ),
        (
            // A published month keeps its Word and Excel files too, so a later release of the writers does not
            // change what was published.
            "005_publication_documents",
            [
                "ALTER TABLE publications ADD COLUMN docx BYTEA",
                "ALTER TABLE publications ADD COLUMN xlsx BYTEA",
            ]
        ),
        (
            // Working days (issue 13): what ingested cases add besides, and a district's own holiday days.
            "006_working_days",
            [
                "ALTER TABLE case_totals ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE case_totals ADD COLUMN returned INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE case_totals ADD COLUMN early INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE case_totals ADD COLUMN unfavourable INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE case_totals ADD COLUMN online INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE case_totals ADD COLUMN work_days_total INTEGER NOT NULL DEFAULT 0",
                """
                CREATE TABLE calendar_days (
                    district TEXT NOT NULL REFERENCES districts(code), day TEXT NOT NULL, working INTEGER NOT NULL,
                    note TEXT NOT NULL, PRIMARY KEY (district, day))
                """,
            ]
        ),
        (
            // The follow-up of an unfavourable rating (差评整改): its state, a note and who set it.
            "007_case_followups",
            [
                """
                CREATE TABLE case_followups (
                    district TEXT NOT NULL REFERENCES districts(code), case_id TEXT NOT NULL, state TEXT NOT NULL,
                    note TEXT NOT NULL, set_by TEXT NOT NULL, set_at TEXT NOT NULL, PRIMARY KEY (district, case_id))
                """
            ]
        ),
        (
            // A district's own settings: the default column profile of its platform's exports, which ratings
            // count as satisfied.
            "008_district_settings",
            [
                """
                CREATE TABLE district_settings (
                    district TEXT NOT NULL REFERENCES districts(code), key TEXT NOT NULL, value TEXT NOT NULL,
                    PRIMARY KEY (district, key))
                """
            ]
        ),
        (
            // An account can be shut: a disabled one signs in nowhere, its sessions and tokens ended.
            "009_disabled_accounts",
            ["ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0"]
        ),
        (
            // API tokens expire (a token of before this migration counts from its creation); a session ends after
            // a spell of inactivity as well as at its absolute end.
            "010_token_expiry_idle_sessions",
            [
                "ALTER TABLE api_tokens ADD COLUMN expires_at TEXT",
                "ALTER TABLE sessions ADD COLUMN last_seen TEXT",
            ]
        ),
        (
            // A city's districts: a city account reads these, not every district of the store.
            "011_city_districts",
            ["ALTER TABLE districts ADD COLUMN city TEXT"]
        ),
        (
            // Bulletin templates (issue 16): every saved version kept; a publication names the one it used.
            "012_bulletin_templates",
            [
                """
                CREATE TABLE bulletin_templates (
                    owner TEXT NOT NULL REFERENCES districts(code), name TEXT NOT NULL, version INTEGER NOT NULL,
                    body TEXT NOT NULL, saved_by TEXT NOT NULL, saved_at TEXT NOT NULL,
                    PRIMARY KEY (owner, name, version))
                """,
                "ALTER TABLE publications ADD COLUMN template_name TEXT",
                "ALTER TABLE publications ADD COLUMN template_version INTEGER",
            ]
        ),
        (
            // Moved by every change to a district's units, rubric or calendar: a save reads the stamp, not them
            // (`SQLStore+Directory.swift`).
            "013_directory_stamp",
            ["ALTER TABLE districts ADD COLUMN directory_stamp INTEGER NOT NULL DEFAULT 0"]
        ),
        (
            // Which day's partition holds each ingested case (`CaseIndex`), so that a case arriving with another
            // received date is moved, not held twice. Districts ingested before build it at their next ingest.
            "014_case_index",
            [
                """
                CREATE TABLE case_index (
                    district TEXT NOT NULL REFERENCES districts(code), slot INTEGER NOT NULL, data BYTEA NOT NULL,
                    PRIMARY KEY (district, slot))
                """
            ]
        ),
    ]
}
