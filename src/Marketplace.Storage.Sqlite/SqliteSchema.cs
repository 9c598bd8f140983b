using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Microsoft.Data.Sqlite;

namespace Marketplace.Storage.Sqlite;

/// <summary>Forward-only schema migrations, tracked with PRAGMA user_version.</summary>
internal static class SqliteSchema
{
    /// <summary>
    /// Migration 15's triggers: the selection_queue rows of the application just written — one per programme it ranked and does not
    /// hold, while it is live (neither rejected nor withdrawn).
    /// </summary>
    private const string SelectionQueueRowsOfNew = """
        INSERT OR IGNORE INTO selection_queue (window_id, programme_id, submitted_at, pupil_id, grade, application_id)
          SELECT json_extract(NEW.doc, '$.windowId'), c.value, json_extract(NEW.doc, '$.submittedAt'), json_extract(NEW.doc, '$.pupilId'),
            json_extract(NEW.doc, '$.grade'), NEW.id
          FROM json_each(NEW.doc, '$.choices') AS c
          WHERE json_extract(NEW.doc, '$.status') NOT IN ('Rejected', 'Withdrawn')
            AND NOT EXISTS (SELECT 1 FROM json_each(NEW.doc, '$.placements') AS p WHERE json_extract(p.value, '$.programmeId') = c.value);
        """;

    private static readonly string[] Migrations =
    [
        // 1: documents per aggregate kind, outbox, idempotency, checkpoints, districts
        string.Concat(DocumentKinds.All.Select(k => $"CREATE TABLE {k.Name} (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);\n")) + """
        CREATE UNIQUE INDEX ux_users_username ON users (json_extract(doc, '$.username'));
        CREATE UNIQUE INDEX ux_providers_credit ON providers (json_extract(doc, '$.creditCode'));
        CREATE INDEX ix_offerings_provider ON offerings (json_extract(doc, '$.providerId'), json_extract(doc, '$.status'));
        CREATE INDEX ix_sessions_offering ON sessions (json_extract(doc, '$.offeringId'), json_extract(doc, '$.startsAt'));
        CREATE UNIQUE INDEX ux_plans_school_semester ON school_plans (json_extract(doc, '$.schoolId'), json_extract(doc, '$.semester'));
        CREATE INDEX ix_bookings_school ON bookings (json_extract(doc, '$.schoolId'));
        CREATE INDEX ix_bookings_provider ON bookings (json_extract(doc, '$.providerId'));
        CREATE INDEX ix_bookings_session ON bookings (json_extract(doc, '$.sessionId'));
        CREATE INDEX ix_bookings_status_expiry ON bookings (json_extract(doc, '$.status'), json_extract(doc, '$.expiresAt'));
        CREATE TABLE districts (code TEXT PRIMARY KEY, doc TEXT NOT NULL);
        CREATE TABLE outbox (cursor INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, at TEXT NOT NULL, audiences TEXT NOT NULL, data TEXT NOT NULL);
        CREATE TABLE outbox_audiences (audience TEXT NOT NULL, cursor INTEGER NOT NULL, PRIMARY KEY (audience, cursor)) WITHOUT ROWID;
        CREATE TABLE idempotency (scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, status_code INTEGER NOT NULL, response TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (scope, key));
        CREATE TABLE checkpoints (consumer TEXT PRIMARY KEY, cursor INTEGER NOT NULL);
        """,
        // 2: an idempotency record names the resource it created (was: the HTTP status of the answer)
        """
        ALTER TABLE idempotency ADD COLUMN result_id TEXT NOT NULL DEFAULT '';
        UPDATE idempotency SET result_id = coalesce(json_extract(response, '$.id'), '');
        ALTER TABLE idempotency DROP COLUMN status_code;
        """,
        // 3: leases; when each checkpoint last moved and what retention deletes by; the bureau's list queries
        $"""
        CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL);
        ALTER TABLE checkpoints ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
        UPDATE checkpoints SET updated_at = {SqliteRetention.NowMilliseconds};
        CREATE INDEX ix_idempotency_created ON idempotency (created_at);
        CREATE INDEX ix_bookings_district_status ON bookings (json_extract(doc, '$.districtCode'), json_extract(doc, '$.status'), id);
        CREATE INDEX ix_offerings_status ON offerings (json_extract(doc, '$.status'), id);
        CREATE INDEX ix_providers_status ON providers (json_extract(doc, '$.status'), id);
        """,
        // 4 (issue 12, districts for real): the audit trail; an organisation's users and the users of a role; the school roster
        // (a school code is unique where present: SQLite's UNIQUE allows many NULLs); and each provider's per-district white-list
        // entries, built once from its districts, old status and decisions (Provider.OnDeserialized does the same on load).
        // IF NOT EXISTS: migration 1 creates a table for every DocumentKinds name on a fresh file, the audit's included.
        """
        CREATE TABLE IF NOT EXISTS audit (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE INDEX ix_users_org ON users (json_extract(doc, '$.organizationId'), id);
        CREATE INDEX ix_users_role ON users (json_extract(doc, '$.role'), id);
        CREATE UNIQUE INDEX ux_schools_code ON schools (json_extract(doc, '$.schoolCode'));
        CREATE INDEX ix_schools_district ON schools (json_extract(doc, '$.districtCode'), id);
        CREATE INDEX ix_audit_district ON audit (json_extract(doc, '$.district'), id);
        CREATE INDEX ix_audit_org ON audit (json_extract(doc, '$.organizationId'), id);
        UPDATE providers SET doc = json_set(doc,
            '$.approvals', json((SELECT json_group_array(json_object('district', d.value, 'status', json_extract(providers.doc, '$.status'),
                'decisions', json(coalesce(json_extract(providers.doc, '$.decisions'), '[]')))) FROM json_each(providers.doc, '$.districts') d)),
            '$.homeDistrict', json_extract(doc, '$.districts[0]'))
        WHERE json_type(doc, '$.approvals') IS NULL;
        """,
        // 5 (issue 13, term booking): booking series and the waiting list (IF NOT EXISTS: migration 1 creates them on a fresh file
        // from DocumentKinds, and every real file has sessions and bookings); a school's and a provider's series newest first, the bureau's by district and status, the expiry sweep;
        // a session's queue in order, one live entry per school and session (activeKey is null once an entry is over: SQLite's
        // UNIQUE allows many NULLs), the hold sweep, a school's entries; sessions by status and start (the underfilled notice) and a
        // school's bookings by session start (the plan summary).
        """
        CREATE TABLE IF NOT EXISTS booking_series (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS waitlist (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS bookings (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE INDEX ix_series_school ON booking_series (json_extract(doc, '$.schoolId'), id);
        CREATE INDEX ix_series_provider ON booking_series (json_extract(doc, '$.providerId'), id);
        CREATE INDEX ix_series_district_status ON booking_series (json_extract(doc, '$.districtCode'), json_extract(doc, '$.status'), id);
        CREATE INDEX ix_series_status_expiry ON booking_series (json_extract(doc, '$.status'), json_extract(doc, '$.expiresAt'));
        CREATE INDEX ix_waitlist_session_status ON waitlist (json_extract(doc, '$.sessionId'), json_extract(doc, '$.status'), id);
        CREATE UNIQUE INDEX ux_waitlist_active ON waitlist (json_extract(doc, '$.activeKey'));
        CREATE INDEX ix_waitlist_status_held ON waitlist (json_extract(doc, '$.status'), json_extract(doc, '$.heldUntil'));
        CREATE INDEX ix_waitlist_school ON waitlist (json_extract(doc, '$.schoolId'), id);
        CREATE INDEX ix_sessions_status_start ON sessions (json_extract(doc, '$.status'), json_extract(doc, '$.startsAt'));
        CREATE INDEX ix_bookings_school_start ON bookings (json_extract(doc, '$.schoolId'), json_extract(doc, '$.sessionStartsAt'));
        """,
        // 6 (issue 15, settlement): funding policies, the ledger and payments (IF NOT EXISTS: migration 1 makes them on a fresh file).
        // A ledger transaction keeps its filter fields as columns (posted_at: UTC ticks, so the order never depends on how an
        // offset was written) for the pages in posting order, and its entries one row each in ledger_entries, written in the
        // same commit, for statements summed by district, school or provider and month without reading a document.
        // Payments newest first by school, provider, district or time; the silence sweep of recorded deliveries by dispute window.
        """
        CREATE TABLE IF NOT EXISTS funding_policies (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS ledger (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS payments (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS payable_positions (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        ALTER TABLE ledger ADD COLUMN posted_at INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE ledger ADD COLUMN district TEXT NOT NULL DEFAULT '';
        ALTER TABLE ledger ADD COLUMN school_id TEXT;
        ALTER TABLE ledger ADD COLUMN provider_id TEXT;
        CREATE INDEX ix_ledger_district ON ledger (district, posted_at, id);
        CREATE INDEX ix_ledger_school ON ledger (school_id, posted_at, id);
        CREATE INDEX ix_ledger_provider ON ledger (provider_id, posted_at, id);
        CREATE INDEX ix_ledger_posted ON ledger (posted_at, id);
        CREATE TABLE ledger_entries (tx_id TEXT NOT NULL, account TEXT NOT NULL, amount_fen INTEGER NOT NULL, kind TEXT NOT NULL,
            district TEXT NOT NULL, school_id TEXT, provider_id TEXT, posted_at INTEGER NOT NULL);
        CREATE INDEX ix_ledger_entries_district ON ledger_entries (district, posted_at);
        CREATE INDEX ix_ledger_entries_school ON ledger_entries (school_id, posted_at);
        CREATE INDEX ix_ledger_entries_provider ON ledger_entries (provider_id, posted_at);
        CREATE INDEX ix_ledger_entries_posted ON ledger_entries (posted_at);
        CREATE INDEX ix_payments_school ON payments (json_extract(doc, '$.schoolId'), json_extract(doc, '$.createdAt'), id);
        CREATE INDEX ix_payments_provider ON payments (json_extract(doc, '$.providerId'), json_extract(doc, '$.createdAt'), id);
        CREATE INDEX ix_payments_district ON payments (json_extract(doc, '$.districtCode'), json_extract(doc, '$.createdAt'), id);
        CREATE INDEX ix_payments_created ON payments (json_extract(doc, '$.createdAt'), id);
        CREATE INDEX ix_bookings_delivery_due ON bookings (json_extract(doc, '$.delivery.status'), json_extract(doc, '$.delivery.disputeBy'), id);
        """,
        // 7 (issue 16, coverage report): every booking field the report groups and sums, in group order after the district, so the
        // report reads this index alone (SQLite takes indexed expressions' values from the index) in order: no document parsed, no sort.
        """
        CREATE INDEX ix_bookings_report ON bookings (json_extract(doc, '$.districtCode'), json_extract(doc, '$.schoolId'),
            json_extract(doc, '$.providerId'), json_extract(doc, '$.snapshot.category'), json_extract(doc, '$.snapshot.mode'),
            json_extract(doc, '$.status'), json_extract(doc, '$.delivery.status'), json_extract(doc, '$.grades[0]'),
            json_extract(doc, '$.sessionStartsAt'), json_extract(doc, '$.delivery.attended'));
        """,
        // 8 (issue 17, recovery): the store's epoch, a random id written here and replaced by every restore (SqliteBackup), which
        // the search index records, so an index built from another history of this file is rebuilt
        """
        CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO store_meta (key, value) VALUES ('epoch', lower(hex(randomblob(16))));
        """,
        // 9 (issue 16, send the list): the recommendation notices a bureau sends its schools (IF NOT EXISTS: migration 1 creates the
        // table on a fresh file from DocumentKinds); a school's notices newest first
        """
        CREATE TABLE IF NOT EXISTS recommendation_notices (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_notices_school ON recommendation_notices (json_extract(doc, '$.schoolId'), id);
        """,
        // 10 (issue 16, the coverage report at a city's scale): booking_report, the bookings' groups per semester kept by triggers in
        // each write's transaction and filled here from the bookings stored; Confirmed bookings by session start (SqliteReport).
        // A district's statement (the report sums one per district and semester) reads its entries' values from the index alone.
        SqliteReport.Migration + """

        DROP INDEX ix_ledger_entries_district;
        CREATE INDEX ix_ledger_entries_district ON ledger_entries (district, posted_at, account, kind, amount_fen);
        """,
        // 11 (issue 18, families): pupils (IF NOT EXISTS: migration 1 makes the table on a fresh file) — a school's pupils by class, the
        // roster key unique (a re-import finds the pupil again), the retention sweep by last roster, the bureau's counts by district and
        // school; and a pupil's guardians one row each in pupil_guardians, kept by triggers in the pupil's own write, so a guardian's
        // children are one index range (a JSON array cannot be indexed). Guardians' phones are unique among users (NULL for all others).
        """
        CREATE TABLE IF NOT EXISTS pupils (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS pupil_assignments (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_pupils_school ON pupils (json_extract(doc, '$.schoolId'), json_extract(doc, '$.grade'), json_extract(doc, '$.className'), id);
        CREATE UNIQUE INDEX IF NOT EXISTS ux_pupils_roster ON pupils (json_extract(doc, '$.rosterKey'));
        CREATE INDEX IF NOT EXISTS ix_pupils_rostered ON pupils (json_extract(doc, '$.rosteredAt'));
        CREATE INDEX IF NOT EXISTS ix_pupils_district ON pupils (json_extract(doc, '$.districtCode'), json_extract(doc, '$.schoolId'), json_extract(doc, '$.consentVersion'));
        CREATE UNIQUE INDEX IF NOT EXISTS ux_users_phone ON users (json_extract(doc, '$.phone'));
        CREATE TABLE IF NOT EXISTS pupil_guardians (guardian_id TEXT NOT NULL, pupil_id TEXT NOT NULL, PRIMARY KEY (guardian_id, pupil_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_pupil_guardians_pupil ON pupil_guardians (pupil_id);
        CREATE TRIGGER IF NOT EXISTS tr_pupils_insert AFTER INSERT ON pupils BEGIN
          INSERT OR IGNORE INTO pupil_guardians (guardian_id, pupil_id) SELECT value, NEW.id FROM json_each(NEW.doc, '$.guardianIds');
        END;
        CREATE TRIGGER IF NOT EXISTS tr_pupils_update AFTER UPDATE OF doc ON pupils BEGIN
          DELETE FROM pupil_guardians WHERE pupil_id = OLD.id;
          INSERT OR IGNORE INTO pupil_guardians (guardian_id, pupil_id) SELECT value, NEW.id FROM json_each(NEW.doc, '$.guardianIds');
        END;
        CREATE TRIGGER IF NOT EXISTS tr_pupils_delete AFTER DELETE ON pupils BEGIN
          DELETE FROM pupil_guardians WHERE pupil_id = OLD.id;
        END;
        """,
        // 12 (issue 18, selection window): windows, applications, programme seat counters and draws (IF NOT EXISTS: migration 1 makes
        // the tables on a fresh file); a school's windows newest first, a window's applications by class (the class teacher's list),
        // a pupil's applications in every window (its placements elsewhere: no two overlapping sessions).
        """
        CREATE TABLE IF NOT EXISTS selection_windows (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS selection_applications (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS selection_seats (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS selection_draws (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_selection_windows_school ON selection_windows (json_extract(doc, '$.schoolId'), id);
        CREATE INDEX IF NOT EXISTS ix_selection_applications_window ON selection_applications (json_extract(doc, '$.windowId'), json_extract(doc, '$.grade'),
            json_extract(doc, '$.className'), id);
        CREATE INDEX IF NOT EXISTS ix_selection_applications_pupil ON selection_applications (json_extract(doc, '$.pupilId'), id);
        """,
        // 13 (issue 18, roll call): roll calls (IF NOT EXISTS: migration 1 makes the table on a fresh file) by district and session start
        // for the participation count, and each marked pupil one row in roll_pupils, kept by triggers in the roll's own write, so a
        // pupil's rolls (the guardian's attendance page) are one index range.
        """
        CREATE TABLE IF NOT EXISTS roll_calls (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_roll_calls_district ON roll_calls (json_extract(doc, '$.districtCode'), json_extract(doc, '$.sessionStartsAt'));
        CREATE TABLE IF NOT EXISTS roll_pupils (pupil_id TEXT NOT NULL, roll_id TEXT NOT NULL, PRIMARY KEY (pupil_id, roll_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_roll_pupils_roll ON roll_pupils (roll_id);
        CREATE TRIGGER IF NOT EXISTS tr_roll_calls_insert AFTER INSERT ON roll_calls BEGIN
          INSERT OR IGNORE INTO roll_pupils (pupil_id, roll_id) SELECT json_extract(value, '$.pupilId'), NEW.id FROM json_each(NEW.doc, '$.marks');
        END;
        CREATE TRIGGER IF NOT EXISTS tr_roll_calls_update AFTER UPDATE OF doc ON roll_calls BEGIN
          DELETE FROM roll_pupils WHERE roll_id = OLD.id;
          INSERT OR IGNORE INTO roll_pupils (pupil_id, roll_id) SELECT json_extract(value, '$.pupilId'), NEW.id FROM json_each(NEW.doc, '$.marks');
        END;
        CREATE TRIGGER IF NOT EXISTS tr_roll_calls_delete AFTER DELETE ON roll_calls BEGIN
          DELETE FROM roll_pupils WHERE roll_id = OLD.id;
        END;
        """,
        // 14 (issue 18, family bills): one bill per pupil, school and semester (IF NOT EXISTS: migration 1 makes the table on a fresh file);
        // a school's bills by class and a pupil's bills. The window and unpaid filters read within the school's range.
        """
        CREATE TABLE IF NOT EXISTS family_bills (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_family_bills_school ON family_bills (json_extract(doc, '$.schoolId'), json_extract(doc, '$.className'), id);
        CREATE INDEX IF NOT EXISTS ix_family_bills_pupil ON family_bills (json_extract(doc, '$.pupilId'), id);
        """,
        // 15 (issue 18, first-come waiting places): selection_queue holds, for each live application, one row per programme it ranked
        // and does not hold (window, programme, submittedAt, pupil id, grade), kept by triggers in the application's own write like
        // pupil_guardians; one application's waiting place is then a count over the primary key's range ahead of it, no document read.
        $"""
        CREATE TABLE IF NOT EXISTS selection_queue (window_id TEXT NOT NULL, programme_id TEXT NOT NULL, submitted_at TEXT NOT NULL, pupil_id TEXT NOT NULL,
            grade INTEGER NOT NULL, application_id TEXT NOT NULL, PRIMARY KEY (window_id, programme_id, submitted_at, pupil_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_selection_queue_application ON selection_queue (application_id);
        CREATE TRIGGER IF NOT EXISTS tr_selection_applications_insert AFTER INSERT ON selection_applications BEGIN
          {SelectionQueueRowsOfNew}
        END;
        CREATE TRIGGER IF NOT EXISTS tr_selection_applications_update AFTER UPDATE OF doc ON selection_applications BEGIN
          DELETE FROM selection_queue WHERE application_id = OLD.id;
          {SelectionQueueRowsOfNew}
        END;
        CREATE TRIGGER IF NOT EXISTS tr_selection_applications_delete AFTER DELETE ON selection_applications BEGIN
          DELETE FROM selection_queue WHERE application_id = OLD.id;
        END;
        INSERT OR IGNORE INTO selection_queue (window_id, programme_id, submitted_at, pupil_id, grade, application_id)
        SELECT json_extract(a.doc, '$.windowId'), c.value, json_extract(a.doc, '$.submittedAt'), json_extract(a.doc, '$.pupilId'),
          json_extract(a.doc, '$.grade'), a.id
        FROM selection_applications AS a, json_each(a.doc, '$.choices') AS c
        WHERE json_extract(a.doc, '$.status') NOT IN ('Rejected', 'Withdrawn')
          AND NOT EXISTS (SELECT 1 FROM json_each(a.doc, '$.placements') AS p WHERE json_extract(p.value, '$.programmeId') = c.value);
        """,
        // 16 (issue 18, the bureau's family-fee totals): a district's bills of a semester by school, summed by the store in one query.
        """
        CREATE INDEX IF NOT EXISTS ix_family_bills_district ON family_bills (json_extract(doc, '$.districtCode'), json_extract(doc, '$.semester'),
            json_extract(doc, '$.schoolId'));
        """,
        // 17 (issue 18, no pupil in two overlapping sessions across windows): one placement guard per pupil, read and written by id only
        // (IF NOT EXISTS: migration 1 makes the table on a fresh file).
        """
        CREATE TABLE IF NOT EXISTS placement_guards (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL);
        """,
    ];

    /// <summary>The schema version this code migrates to; a backup of a newer one is not restored.</summary>
    public static int Latest => Migrations.Length;

    public static void Migrate(SqliteConnection connection)
    {
        using var tx = connection.BeginTransaction(deferred: false);
        var current = Convert.ToInt32(Scalar(connection, tx, "PRAGMA user_version"), System.Globalization.CultureInfo.InvariantCulture);
        for (var v = current; v < Migrations.Length; v++)
        {
            Execute(connection, tx, Migrations[v]);
            Execute(connection, tx, $"PRAGMA user_version = {v + 1}");
        }
        tx.Commit();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Migrations are constants of this class.")]
    private static object? Scalar(SqliteConnection c, SqliteTransaction tx, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Migrations are constants of this class.")]
    private static void Execute(SqliteConnection c, SqliteTransaction tx, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
