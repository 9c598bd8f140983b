using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Marketplace.Storage.Mongo;

/// <summary>Collections and indexes; idempotent, run on every start. Transactions cannot create indexes, so this runs first.</summary>
internal static class MongoSchema
{
    public const string Districts = "districts";
    public const string Outbox = "outbox";
    public const string Idempotency = "idempotency";
    public const string Counters = "counters";
    public const string Checkpoints = "checkpoints";
    public const string Leases = "leases";

    /// <summary>The store's own facts (issue 17): the document <c>epoch</c> (<see cref="MongoRequests.EpochFilter"/>).</summary>
    public const string Meta = "meta";

    /// <summary>The audit trail (issue 12). Named here as well as in DocumentKinds' future entry so its indexes exist from this upgrade on.</summary>
    public const string Audit = "audit";
    public const string OutboxCounter = "outbox";

    /// <summary>Unique index name → the field a <see cref="DuplicateException"/> names.</summary>
    public static readonly IReadOnlyDictionary<string, string> UniqueFields = new Dictionary<string, string>
    {
        ["ux_username"] = "username",
        ["ux_creditCode"] = "creditCode",
        ["ux_school_semester"] = "semester",
        ["ux_schoolCode"] = "schoolCode",
        ["ux_cursor"] = "cursor",
        ["ux_eventId"] = "eventId",
        ["ux_activeKey"] = "activeKey",
        ["ux_rosterKey"] = "rosterKey",
        ["ux_phone"] = "phone",
    };

    /// <summary>Only documents with a school code in the unique index: MongoDB indexes a missing field as null, so a plain unique
    /// index would allow one school without a code (manual, "Partial Indexes" — "Partial Index with Unique Constraint").</summary>
    private static readonly BsonDocument HasSchoolCode = new("schoolCode", new BsonDocument("$type", "string"));

    /// <summary>Only live waiting-list entries carry an active key (issue 13): one per school and session, many finished ones.</summary>
    private static readonly BsonDocument HasActiveKey = new("activeKey", new BsonDocument("$type", "string"));

    /// <summary>Only bookings whose delivery waits for the school (issue 15): the silence sweep's query names the same status.</summary>
    private static readonly BsonDocument DeliveryRecorded = new("delivery.status", nameof(Marketplace.Core.Bookings.DeliveryStatus.Recorded));

    /// <summary>Only Confirmed bookings (issue 16): the overdue count's query names the same status.</summary>
    private static readonly BsonDocument Confirmed = new("status", nameof(Marketplace.Core.Bookings.BookingStatus.Confirmed));
    /// <summary>Only guardians have a phone (issue 18): unique among them, absent on every other user.</summary>
    private static readonly BsonDocument HasPhone = new("phone", new BsonDocument("$type", "string"));

    private static readonly IndexSpec[] Indexes =
    [
        ("users", "ux_username", new BsonDocument("username", 1), true),
        ("providers", "ux_creditCode", new BsonDocument("creditCode", 1), true),
        ("school_plans", "ux_school_semester", new BsonDocument { { "schoolId", 1 }, { "semester", 1 } }, true),
        (Outbox, "ux_cursor", new BsonDocument("cursor", 1), true),
        (Outbox, "ux_eventId", new BsonDocument("id", 1), true),
        (Outbox, "ix_audiences_cursor", new BsonDocument { { "audiences", 1 }, { "cursor", 1 } }, false),
        ("offerings", "ix_provider_status", new BsonDocument { { "providerId", 1 }, { "status", 1 } }, false),
        ("sessions", "ix_offering_startsAt", new BsonDocument { { "offeringId", 1 }, { "startsAt", 1 } }, false),
        ("bookings", "ix_school", new BsonDocument { { "schoolId", 1 }, { "_id", -1 } }, false),
        ("bookings", "ix_provider", new BsonDocument { { "providerId", 1 }, { "_id", -1 } }, false),
        ("bookings", "ix_session", new BsonDocument("sessionId", 1), false),
        ("bookings", "ix_status_expiresAt", new BsonDocument { { "status", 1 }, { "expiresAt", 1 } }, false),
        // The bureau's lists: its districts' bookings newest first (with or without a status), offerings and providers by status.
        ("bookings", "ix_district_status", new BsonDocument { { "districtCode", 1 }, { "status", 1 }, { "_id", -1 } }, false),
        ("bookings", "ix_district", new BsonDocument { { "districtCode", 1 }, { "_id", -1 } }, false),
        ("offerings", "ix_status", new BsonDocument { { "status", 1 }, { "_id", 1 } }, false),
        ("providers", "ix_status", new BsonDocument { { "status", 1 }, { "_id", 1 } }, false),
        ("providers", "ix_districts_status", new BsonDocument { { "districts", 1 }, { "status", 1 }, { "_id", 1 } }, false),
        // Issue 12: providers by their entry on a district's white list; an organisation's users, a role's users; the school
        // roster by code and by district; the audit trail by district and by organisation, newest first.
        ("providers", "ix_approvals", new BsonDocument { { "approvals.district", 1 }, { "approvals.status", 1 }, { "_id", 1 } }, false),
        ("users", "ix_organization", new BsonDocument { { "organizationId", 1 }, { "_id", 1 } }, false),
        ("users", "ix_role", new BsonDocument { { "role", 1 }, { "_id", 1 } }, false),
        ("schools", "ux_schoolCode", new BsonDocument("schoolCode", 1), true, HasSchoolCode),
        ("schools", "ix_district", new BsonDocument { { "districtCode", 1 }, { "_id", 1 } }, false),
        (Audit, "ix_district", new BsonDocument { { "district", 1 }, { "_id", -1 } }, false),
        (Audit, "ix_organization", new BsonDocument { { "organizationId", 1 }, { "_id", -1 } }, false),
        // Issue 13: a school's and a provider's series newest first, the bureau's by district (and status), the expiry sweep;
        // a session's waiting queue in order, one live entry per school and session, the hold sweep, a school's entries;
        // sessions by status and start (underfilled notices), a school's bookings by session start (the plan summary).
        ("booking_series", "ix_school", new BsonDocument { { "schoolId", 1 }, { "_id", -1 } }, false),
        ("booking_series", "ix_provider", new BsonDocument { { "providerId", 1 }, { "_id", -1 } }, false),
        ("booking_series", "ix_district_status", new BsonDocument { { "districtCode", 1 }, { "status", 1 }, { "_id", -1 } }, false),
        ("booking_series", "ix_status_expiresAt", new BsonDocument { { "status", 1 }, { "expiresAt", 1 } }, false),
        ("waitlist", "ix_session_status", new BsonDocument { { "sessionId", 1 }, { "status", 1 }, { "_id", 1 } }, false),
        ("waitlist", "ux_activeKey", new BsonDocument("activeKey", 1), true, HasActiveKey),
        ("waitlist", "ix_status_heldUntil", new BsonDocument { { "status", 1 }, { "heldUntil", 1 } }, false),
        ("waitlist", "ix_school", new BsonDocument { { "schoolId", 1 }, { "_id", -1 } }, false),
        ("sessions", "ix_status_startsAt", new BsonDocument { { "status", 1 }, { "startsAt", 1 } }, false),
        ("bookings", "ix_school_sessionStartsAt", new BsonDocument { { "schoolId", 1 }, { "sessionStartsAt", 1 } }, false),
        // Issue 15: ledger pages and statements of a district, school or provider by posting time (a bureau's or city's over
        // time alone); payments newest first by school, provider, district or time; recorded deliveries by dispute window, the
        // index holding only bookings whose delivery still waits (few next to all bookings).
        ("ledger", "ix_district_postedAt", new BsonDocument { { "districtCode", 1 }, { "postedAt", 1 }, { "_id", 1 } }, false),
        ("ledger", "ix_school_postedAt", new BsonDocument { { "schoolId", 1 }, { "postedAt", 1 }, { "_id", 1 } }, false),
        ("ledger", "ix_provider_postedAt", new BsonDocument { { "providerId", 1 }, { "postedAt", 1 }, { "_id", 1 } }, false),
        ("ledger", "ix_postedAt", new BsonDocument { { "postedAt", 1 }, { "_id", 1 } }, false),
        ("payments", "ix_school_createdAt", new BsonDocument { { "schoolId", 1 }, { "createdAt", -1 }, { "_id", -1 } }, false),
        ("payments", "ix_provider_createdAt", new BsonDocument { { "providerId", 1 }, { "createdAt", -1 }, { "_id", -1 } }, false),
        ("payments", "ix_district_createdAt", new BsonDocument { { "districtCode", 1 }, { "createdAt", -1 }, { "_id", -1 } }, false),
        ("payments", "ix_createdAt", new BsonDocument { { "createdAt", -1 }, { "_id", -1 } }, false),
        ("bookings", "ix_delivery_due", new BsonDocument { { "delivery.status", 1 }, { "delivery.disputeBy", 1 }, { "_id", 1 } }, false, DeliveryRecorded),
        // The coverage report (issue 16): a district's bookings by session start, the fields it groups on in the index.
        ("bookings", "ix_report", new BsonDocument { { "districtCode", 1 }, { "sessionStartsAt", 1 }, { "schoolId", 1 }, { "providerId", 1 } }, false),
        // The recommendation notices a school was sent, newest first (issue 16, send the list).
        ("recommendation_notices", "ix_school", new BsonDocument { { "schoolId", 1 }, { "_id", -1 } }, false),
        // At a city's scale: a semester's groups of the districts (ReportRows), and the Confirmed bookings by session start (the
        // overdue ones of a running semester; only Confirmed ones are in the index).
        (ReportRows.Collection, "ix_semester_district", new BsonDocument { { "semester", 1 }, { "district", 1 } }, false),
        ("bookings", "ix_confirmed_start", new BsonDocument { { "districtCode", 1 }, { "sessionStartsAt", 1 } }, false, Confirmed),
        // Families (issue 18): a school's pupils by class, a guardian's children (multikey), the roster key, the retention sweep, the
        // bureau's counts by district and school; guardians by phone.
        ("pupils", "ix_school", new BsonDocument { { "schoolId", 1 }, { "_id", 1 } }, false),
        ("pupils", "ix_school_class", new BsonDocument { { "schoolId", 1 }, { "grade", 1 }, { "className", 1 }, { "_id", 1 } }, false),
        ("pupils", "ix_guardians", new BsonDocument { { "guardianIds", 1 }, { "_id", 1 } }, false),
        ("pupils", "ux_rosterKey", new BsonDocument("rosterKey", 1), true),
        ("pupils", "ix_rosteredAt", new BsonDocument("rosteredAt", 1), false),
        ("pupils", "ix_district_school", new BsonDocument { { "districtCode", 1 }, { "schoolId", 1 } }, false),
        ("users", "ux_phone", new BsonDocument("phone", 1), true, HasPhone),
        // Roll calls (issue 18): a district's rolls by session start (participation), a pupil's rolls (the guardian's attendance).
        ("roll_calls", "ix_district_startsAt", new BsonDocument { { "districtCode", 1 }, { "sessionStartsAt", 1 } }, false),
        ("roll_calls", "ix_marks_pupil", new BsonDocument { { "marks.pupilId", 1 }, { "sessionStartsAt", -1 } }, false),
        // Selection windows (issue 18): a school's windows newest first; a window's applications by class; a pupil's in every window.
        ("selection_windows", "ix_school", new BsonDocument { { "schoolId", 1 }, { "_id", -1 } }, false),
        ("selection_applications", "ix_window_class", new BsonDocument { { "windowId", 1 }, { "grade", 1 }, { "className", 1 }, { "_id", 1 } }, false),
        ("selection_applications", "ix_window", new BsonDocument { { "windowId", 1 }, { "_id", 1 } }, false),
        ("selection_applications", "ix_pupil", new BsonDocument { { "pupilId", 1 }, { "_id", 1 } }, false),
        // Family bills (issue 18): a school's bills by class, a pupil's bills.
        ("family_bills", "ix_school_class", new BsonDocument { { "schoolId", 1 }, { "className", 1 }, { "_id", 1 } }, false),
        ("family_bills", "ix_pupil", new BsonDocument { { "pupilId", 1 }, { "_id", 1 } }, false),
        // The bureau's family-fee totals: a district's bills of a semester, grouped by school in the server.
        ("family_bills", "ix_district_semester_school", new BsonDocument { { "districtCode", 1 }, { "semester", 1 }, { "schoolId", 1 } }, false),
        // The first-come queue (SelectionQueue): one application's waiting place is counted over the range ahead of it in this index alone.
        (SelectionQueue.Collection, "ix_window_programme_key", SelectionQueue.IndexKeys, false),
        (SelectionQueue.Collection, "ix_application", new BsonDocument("applicationId", 1), false),
    ];

    /// <summary>The server's TTL monitor (every 60 s) deletes an idempotency record once its <c>expiresAt</c> has passed.</summary>
    public static CreateIndexModel<BsonDocument> IdempotencyExpiry { get; } = new(
        new BsonDocument(IdempotencyDocuments.ExpiresAt, 1), new CreateIndexOptions { Name = "ttl_expiresAt", ExpireAfter = TimeSpan.Zero });

    public static IEnumerable<IndexSpec> IndexSpecs => Indexes;

    private static IEnumerable<string> Collections =>
        DocumentKinds.All.Select(k => k.Name).Concat([Districts, Outbox, Idempotency, Counters, Checkpoints, Leases, Audit, Meta, ReportRows.Collection, SelectionQueue.Collection]).Distinct();

    public static async Task ApplyAsync(IMongoDatabase database, CancellationToken ct)
    {
        var existing = await (await database.ListCollectionNamesAsync(cancellationToken: ct)).ToListAsync(ct);
        foreach (var name in Collections.Except(existing))
        {
            try
            {
                await database.CreateCollectionAsync(name, cancellationToken: ct);
            }
            catch (MongoCommandException e) when (e.CodeName == "NamespaceExists")
            {
                // another instance created it first
            }
        }

        foreach (var group in Indexes.GroupBy(i => i.Collection))
        {
            var models = group.Select(i => new CreateIndexModel<BsonDocument>(i.Keys, new CreateIndexOptions<BsonDocument>
            {
                Name = i.Name, Unique = i.Unique, PartialFilterExpression = i.Partial is null ? null : new BsonDocumentFilterDefinition<BsonDocument>(i.Partial),
            }));
            await database.GetCollection<BsonDocument>(group.Key).Indexes.CreateManyAsync(models, ct);
        }
        await database.GetCollection<BsonDocument>(Idempotency).Indexes.CreateOneAsync(IdempotencyExpiry, cancellationToken: ct);

        // Checkpoints written before they recorded their moves count as moved now (retention).
        await database.GetCollection<BsonDocument>(Checkpoints).UpdateManyAsync(
            new BsonDocument("updatedAt", new BsonDocument("$exists", false)), new BsonDocument("$currentDate", new BsonDocument("updatedAt", true)),
            cancellationToken: ct);

        // Providers stored before the per-district white list get their entries once, as Provider.OnDeserialized builds them on
        // load (so the queries over approvals find them). Idempotent: a provider with entries is left alone.
        await database.GetCollection<BsonDocument>(DocumentKinds.Of<Provider>()).UpdateManyAsync(
            MongoRequests.ProvidersWithoutApprovals, MongoRequests.ApprovalsFromDistricts, cancellationToken: ct);

        // Applications stored before the first-come queue existed get their rows once.
        await SelectionQueue.BackfillOnceAsync(database, ct);

        // The epoch is written once, when the store is created; only a restore (mark-restored) replaces it.
        await database.GetCollection<BsonDocument>(Meta).UpdateOneAsync(
            MongoRequests.EpochFilter, MongoRequests.EpochOnCreate(Guid.NewGuid().ToString("N")), new UpdateOptions { IsUpsert = true }, ct);

        // Created up front so commits only ever $inc an existing document.
        await database.GetCollection<BsonDocument>(Counters).UpdateOneAsync(
            new BsonDocument("_id", OutboxCounter),
            new BsonDocument("$setOnInsert", new BsonDocument("seq", 0L)),
            new UpdateOptions { IsUpsert = true }, ct);
    }
}

/// <summary>An index the schema creates; <see cref="Partial"/>: only documents matching it are indexed.</summary>
internal sealed record IndexSpec(string Collection, string Name, BsonDocument Keys, bool Unique, BsonDocument? Partial = null)
{
    public static implicit operator IndexSpec((string Collection, string Name, BsonDocument Keys, bool Unique) i) => new(i.Collection, i.Name, i.Keys, i.Unique);

    public static implicit operator IndexSpec((string Collection, string Name, BsonDocument Keys, bool Unique, BsonDocument Partial) i) =>
        new(i.Collection, i.Name, i.Keys, i.Unique, i.Partial);
}
