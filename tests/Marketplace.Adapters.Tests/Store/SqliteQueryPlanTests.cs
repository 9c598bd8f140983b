using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;
using Marketplace.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>
/// Each list query SQLite runs is served by an index (EXPLAIN QUERY PLAN on a migrated database), not a scan of the table:
/// the bureau's bookings of its districts by status, the expiry sweep, offerings and providers by status.
/// </summary>
public sealed class SqliteQueryPlanTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "marketplace-store-tests", Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_folder, "plans.db");

    public Task InitializeAsync() =>
        new SqliteMarketplaceStore(Options.Create(new SqliteStoreOptions { DatabasePath = DatabasePath }), []).InitializeAsync();

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    public static TheoryData<string, string> BookingLists => new()
    {
        { "bureau, one status", "ix_bookings_district_status" },
        { "bureau, next page", "ix_bookings_district_status" },
        { "bureau, every status", "ix_bookings_district_status" },
        { "expiry sweep", "ix_bookings_status_expiry" },
        { "school", "ix_bookings_school" },
        { "provider", "ix_bookings_provider" },
        { "session", "ix_bookings_session" },
    };

    [Theory]
    [MemberData(nameof(BookingLists))]
    public void BookingList_IsServedByItsIndex(string who, string index)
    {
        var districts = new[] { "110101", "110102", "110105" };
        var filter = who switch
        {
            "bureau, one status" => new BookingFilter(Districts: districts, Status: BookingStatus.Requested, Limit: 50),
            "bureau, next page" => new BookingFilter(Districts: districts, Status: BookingStatus.Confirmed, Limit: 50, Before: Ids.New()),
            "bureau, every status" => new BookingFilter(Districts: districts, Limit: 50),
            "expiry sweep" => new BookingFilter(Status: BookingStatus.Requested, ExpiresBefore: DateTimeOffset.UtcNow, Limit: 200),
            "school" => new BookingFilter(SchoolId: Ids.New(), Limit: 50),
            "provider" => new BookingFilter(ProviderId: Ids.New(), Limit: 50),
            _ => new BookingFilter(SessionId: Ids.New(), Limit: 10_000),
        };

        AssertUses(SqliteListQueries.Bookings(filter), index);
    }

    [Fact]
    public void OfferingsByStatus_AreServedByTheirIndexes()
    {
        AssertUses(SqliteListQueries.Offerings(null, OfferingStatus.PendingReview), "ix_offerings_status");
        AssertUses(SqliteListQueries.Offerings(Ids.New(), null), "ix_offerings_provider");
    }

    [Fact]
    public void SchoolRoster_OfTheDistricts_IsServedByTheDistrictIndex_AndNoBookingBySchoolBookings()
    {
        var districts = new[] { "110101", "110102", "110105", "110108" };
        AssertUses(SqliteMarketplaceStore.SchoolsQuery(new SchoolFilter(districts, Limit: 101)), "ix_schools_district");
        AssertUses(SqliteMarketplaceStore.SchoolsQuery(new SchoolFilter(["110101"], SchoolStage.Junior, Limit: 101, After: Ids.New())), "ix_schools_district");
        var idle = SqliteMarketplaceStore.SchoolsQuery(new SchoolFilter(["110101"], NoBookingSince: DateTimeOffset.UtcNow, Limit: 101));
        AssertUses(idle, "ix_schools_district");
        AssertUses(idle, "ix_bookings_school");
    }

    public static TheoryData<string, string> SeriesLists => new()
    {
        { "school", "ix_series_school" },
        { "provider", "ix_series_provider" },
        { "bureau, one status", "ix_series_district_status" },
        { "bureau, every status", "ix_series_district_status" },
        { "expiry sweep", "ix_series_status_expiry" },
    };

    /// <summary>Issue 13: every booking-series list finds its index.</summary>
    [Theory]
    [MemberData(nameof(SeriesLists))]
    public void SeriesList_IsServedByItsIndex(string who, string index)
    {
        var filter = who switch
        {
            "school" => new SeriesFilter(SchoolId: Ids.New(), Limit: 101, Before: Ids.New()),
            "provider" => new SeriesFilter(ProviderId: Ids.New(), Limit: 101),
            "bureau, one status" => new SeriesFilter(Districts: ["110101", "110102"], Status: SeriesStatus.Requested, Limit: 101),
            "bureau, every status" => new SeriesFilter(Districts: ["110101", "110102"], Limit: 101),
            _ => new SeriesFilter(Status: SeriesStatus.Requested, ExpiresBefore: DateTimeOffset.UtcNow, Limit: 100),
        };

        AssertUses(SqliteListQueries.Series(filter), index);
    }

    /// <summary>
    /// Issue 13's other indexes (migration 5), for the queries the waiting list, the underfilled-session notice and the plan
    /// summary run: a session's queue in order, a school's live entry, the hold sweep, a school's entries, sessions starting
    /// soon, a school's bookings by session start.
    /// </summary>
    [Fact]
    public void WaitlistSessionAndPlanQueries_AreServedByMigration5Indexes()
    {
        AssertUses(("SELECT doc FROM waitlist WHERE json_extract(doc, '$.sessionId') = $s AND json_extract(doc, '$.status') = 'Waiting' ORDER BY id LIMIT 50",
            [("$s", Ids.New().ToString())]), "ix_waitlist_session_status");
        AssertUses(("SELECT doc FROM waitlist WHERE json_extract(doc, '$.activeKey') = $k", [("$k", "a:b")]), "ux_waitlist_active");
        AssertUses(("SELECT doc FROM waitlist WHERE json_extract(doc, '$.status') = 'Held' AND json_extract(doc, '$.heldUntil') < $t LIMIT 100",
            [("$t", "2026-12-01T00:00:00.0000000+00:00")]), "ix_waitlist_status_held");
        AssertUses(("SELECT doc FROM waitlist WHERE json_extract(doc, '$.schoolId') = $s ORDER BY id DESC LIMIT 100", [("$s", Ids.New().ToString())]),
            "ix_waitlist_school");
        AssertUses(("SELECT doc FROM recommendation_notices WHERE json_extract(doc, '$.schoolId') = $school ORDER BY id DESC LIMIT $limit",
            [("$school", Ids.New().ToString()), ("$limit", 20)]), "ix_notices_school");
        AssertUses(("SELECT doc FROM sessions WHERE json_extract(doc, '$.status') = 'Scheduled' AND json_extract(doc, '$.startsAt') >= $a AND json_extract(doc, '$.startsAt') < $b LIMIT 500",
            [("$a", "2026-12-01T00:00:00.0000000+00:00"), ("$b", "2026-12-03T00:00:00.0000000+00:00")]), "ix_sessions_status_start");
        AssertUses(("SELECT doc FROM bookings WHERE json_extract(doc, '$.schoolId') = $s AND json_extract(doc, '$.sessionStartsAt') >= $a AND json_extract(doc, '$.sessionStartsAt') < $b",
            [("$s", Ids.New().ToString()), ("$a", "2026-09-01T00:00:00.0000000+00:00"), ("$b", "2027-02-01T00:00:00.0000000+00:00")]), "ix_bookings_school_start");
    }

    public static TheoryData<string, string> LedgerQueries => new()
    {
        { "district-month page", "ix_ledger_district" },
        { "district-month next page", "ix_ledger_district" },
        { "school page", "ix_ledger_school" },
        { "provider-month page", "ix_ledger_provider" },
        { "month page", "ix_ledger_posted" },
        { "district-month statement", "ix_ledger_entries_district" },
        { "school-month statement", "ix_ledger_entries_school" },
        { "provider statement", "ix_ledger_entries_provider" },
        { "month statement", "ix_ledger_entries_posted" },
        { "districts statement", "ix_ledger_entries_district" },
    };

    /// <summary>Issue 15: a page of one district's, school's or provider's ledger is read in posting order from its index (no sort
    /// of the matching rows), and a statement sums only the entries its index finds.</summary>
    [Theory]
    [MemberData(nameof(LedgerQueries))]
    public void LedgerPagesAndStatements_AreServedByTheirIndexes(string what, string index)
    {
        var (from, before) = (new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.FromHours(8)), new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8)));
        var filter = what switch
        {
            "district-month page" or "district-month statement" => new LedgerFilter(Districts: ["110101"], From: from, Before: before),
            "district-month next page" => new LedgerFilter(Districts: ["110101"], From: from, Before: before, After: new LedgerKey(from.AddDays(3), Ids.New())),
            "school page" => new LedgerFilter(SchoolId: Ids.New(), Limit: 100),
            "school-month statement" => new LedgerFilter(SchoolId: Ids.New(), From: from, Before: before),
            "provider-month page" => new LedgerFilter(ProviderId: Ids.New(), From: from, Before: before),
            "provider statement" => new LedgerFilter(ProviderId: Ids.New()),
            "districts statement" => new LedgerFilter(Districts: ["110101", "110102"], From: from, Before: before),
            _ => new LedgerFilter(From: from, Before: before),
        };

        var query = what.EndsWith("statement", StringComparison.Ordinal) ? SqliteMarketplaceStore.LedgerSumQuery(filter) : SqliteMarketplaceStore.LedgerPageQuery(filter);
        var plan = AssertUses(query, index);
        if (!what.EndsWith("statement", StringComparison.Ordinal))
            Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public void PaymentsAndDeliveriesDue_AreServedByMigration6Indexes()
    {
        var school = AssertUses(SqliteMarketplaceStore.PaymentsQuery(new PaymentFilter(SchoolId: Ids.New(), Limit: 50)), "ix_payments_school");
        Assert.DoesNotContain(school, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
        AssertUses(SqliteMarketplaceStore.PaymentsQuery(new PaymentFilter(Districts: ["110101"])), "ix_payments_district");
        AssertUses(SqliteMarketplaceStore.PaymentsQuery(new PaymentFilter(ProviderId: Ids.New(), State: PaymentState.Succeeded)), "ix_payments_provider");
        AssertUses(SqliteMarketplaceStore.PaymentsQuery(new PaymentFilter(Districts: ["110101", "110102"], From: DateTimeOffset.UtcNow.AddMonths(-1))), "ix_payments_district");
        AssertUses(SqliteMarketplaceStore.PaymentsQuery(new PaymentFilter(Limit: 20)), "ix_payments_created");
        var due = AssertUses(SqliteMarketplaceStore.DeliveriesDueQuery(DateTimeOffset.UtcNow, 200), "ix_bookings_delivery_due");
        Assert.DoesNotContain(due, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    /// <summary>Issue 16: the coverage report's tally reads ix_bookings_report alone (covering: no document parsed) and groups in its order (no sort).</summary>
    [Fact]
    public void CoverageTally_ReadsTheReportIndexAlone_InGroupOrder()
    {
        var start = new DateTimeOffset(2026, 8, 31, 16, 0, 0, TimeSpan.Zero);
        var plan = AssertUses(SqliteMarketplaceStore.TallyQuery(new BookingTallyFilter(["110101", "110105", "110108"], start, start.AddMonths(5), DateTimeOffset.UtcNow)), "ix_bookings_report");

        Assert.Contains(plan, step => step.Contains("USING COVERING INDEX ix_bookings_report", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    /// <summary>Issue 16 at a city's scale: a whole semester's groups are a range of booking_report's key per district; the overdue
    /// Confirmed bookings of a running semester a range of the partial ix_bookings_confirmed_start, read alone; and each district's
    /// statement of the semester its entries' range of ix_ledger_entries_district, read alone.</summary>
    [Fact]
    public void SemesterTally_ReadsTheReportTable_AndTheConfirmedBookingsByStart()
    {
        using (var connection = new SqliteConnection($"Data Source={DatabasePath}"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "EXPLAIN QUERY PLAN " + SqliteReport.GroupsSql;
            cmd.Parameters.AddWithValue("$semester", 20261);
            cmd.Parameters.AddWithValue("$districts", "[\"110101\",\"110105\"]");
            using var reader = cmd.ExecuteReader();
            var groups = new List<string>();
            while (reader.Read()) groups.Add(reader.GetString(3));
            Assert.True(groups.Any(step => step.Contains("SEARCH booking_report USING PRIMARY KEY (semester=? AND district=?)", StringComparison.Ordinal)), string.Join(" | ", groups));
        }
        // The report's rollup: the same ranges of booking_report's key, grouped by SQLite; its overdue part over the partial index alone.
        foreach (var rollup in new[] { SqliteReport.ProviderRollupSql, SqliteReport.SchoolRollupSql })
        {
            using var connection = new SqliteConnection($"Data Source={DatabasePath}");
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "EXPLAIN QUERY PLAN " + rollup;
            cmd.Parameters.AddWithValue("$semester", 20261);
            cmd.Parameters.AddWithValue("$districts", "[\"110101\",\"110105\"]");
            using var reader = cmd.ExecuteReader();
            var steps = new List<string>();
            while (reader.Read()) steps.Add(reader.GetString(3));
            Assert.True(steps.Any(step => step.Contains("SEARCH booking_report USING PRIMARY KEY (semester=? AND district=?)", StringComparison.Ordinal)), string.Join(" | ", steps));
        }
        var overdueRollup = AssertUses((SqliteReport.OverdueRollupSql,
            [("$districts", "[\"110101\"]"), ("$from", "2026-08-31T16:00:00+00:00"), ("$overdue", "2026-11-01T00:00:00+00:00")]), "ix_bookings_confirmed_start");
        Assert.True(overdueRollup.Any(step => step.Contains("USING COVERING INDEX ix_bookings_confirmed_start", StringComparison.Ordinal)), string.Join(" | ", overdueRollup));
        var overdue = AssertUses((SqliteReport.OverdueSql, [("$districts", "[\"110101\"]"), ("$from", "2026-08-31T16:00:00+00:00"), ("$overdue", "2026-11-01T00:00:00+00:00")]),
            "ix_bookings_confirmed_start");
        Assert.True(overdue.Any(step => step.Contains("USING COVERING INDEX ix_bookings_confirmed_start", StringComparison.Ordinal)), string.Join(" | ", overdue));
        var (from, before) = (new DateTimeOffset(2026, 8, 31, 16, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 31, 16, 0, 0, TimeSpan.Zero));
        var ledger = AssertUses(SqliteMarketplaceStore.LedgerSumQuery(new LedgerFilter(Districts: ["110101"], From: from, Before: before)), "ix_ledger_entries_district");
        Assert.True(ledger.Any(step => step.Contains("USING COVERING INDEX ix_ledger_entries_district", StringComparison.Ordinal)), string.Join(" | ", ledger));
    }

    /// <summary>Issue 18: a school's pupils (by class) over ix_pupils_school; a guardian's children through pupil_guardians' key, never a scan.</summary>
    [Fact]
    public void PupilLists_AreServedByTheirIndexes()
    {
        AssertUses(SqliteMarketplaceStore.PupilsQuery(new PupilFilter(SchoolId: Ids.New(), Limit: 101)), "ix_pupils_school");
        AssertUses(SqliteMarketplaceStore.PupilsQuery(new PupilFilter(SchoolId: Ids.New(), Grade: 3, ClassName: "2班", Limit: 101, After: Ids.New())), "ix_pupils_school");
        AssertUses(SqliteMarketplaceStore.PupilsQuery(new PupilFilter(RosteredBefore: DateTimeOffset.UtcNow, Limit: 200)), "ix_pupils_rostered");
        var plan = Plan(SqliteMarketplaceStore.PupilsQuery(new PupilFilter(GuardianId: Ids.New(), Limit: 100)));
        Assert.Contains(plan, step => step.Contains("pupil_guardians USING PRIMARY KEY (guardian_id=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal) && !step.Contains("INDEX", StringComparison.Ordinal));
    }

    /// <summary>Issue 18: one application's waiting place counts the range of selection_queue's primary key ahead of it (window,
    /// programme, then submittedAt up to its own), with or without the programme's grades — no scan, no application document read.</summary>
    [Fact]
    public void SelectionWaitingAhead_IsOneRangeOfTheQueuesKey()
    {
        foreach (var grades in new[] { null, new[] { 3, 4 } })
        {
            var plan = Plan(SqliteMarketplaceStore.WaitingAheadQuery(Ids.New(), Ids.New(), DateTimeOffset.UtcNow, Ids.New(), grades));
            Assert.True(plan.Any(step => step.Contains("selection_queue USING PRIMARY KEY (window_id=? AND programme_id=? AND submitted_at<?)", StringComparison.Ordinal)),
                string.Join(" | ", plan));
            Assert.DoesNotContain(plan, step => step.Contains("selection_applications", StringComparison.Ordinal));
        }
    }

    /// <summary>Issue 18: the lottery's no-activity question for a whole window reads the asked pupils' applications by ix_selection_applications_pupil
    /// (the school's windows by ix_selection_windows_school) and their rolls by roll_pupils' key — never a scan of applications or rolls.</summary>
    [Fact]
    public void PupilActivity_IsServedByThePupilsIndexes()
    {
        var plan = AssertUses(SqliteMarketplaceStore.ActivityQuery(new PupilActivityFilter(Ids.New(), "2026-2027-1", Ids.New(), [Ids.New(), Ids.New()],
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(150))), "ix_selection_applications_pupil");
        Assert.True(plan.Any(step => step.Contains("SEARCH p USING PRIMARY KEY (pupil_id=?)", StringComparison.Ordinal)), string.Join(" | ", plan)); // roll_pupils
        Assert.True(plan.Any(step => step.Contains("USING INDEX ix_selection_windows_school", StringComparison.Ordinal)), string.Join(" | ", plan));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal) && !step.Contains("VIRTUAL TABLE", StringComparison.Ordinal)); // json_each only
    }

    private List<string> AssertUses((string Sql, (string Name, object? Value)[] Parameters) query, string index)
    {
        var plan = Plan(query);
        Assert.True(plan.Any(step => step.Contains($"USING INDEX {index}", StringComparison.Ordinal) || step.Contains($"USING COVERING INDEX {index}", StringComparison.Ordinal)),
            $"expected {index} for {query.Sql}; the plan was: {string.Join(" | ", plan)}");
        return plan;
    }

    private List<string> Plan((string Sql, (string Name, object? Value)[] Parameters) query)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var cmd = connection.CreateCommand();
#pragma warning disable CA2100 // the SQL under test, its values bound as parameters
        cmd.CommandText = "EXPLAIN QUERY PLAN " + query.Sql;
#pragma warning restore CA2100
        foreach (var (name, value) in query.Parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        using var reader = cmd.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read()) plan.Add(reader.GetString(3));
        return plan;
    }
}
