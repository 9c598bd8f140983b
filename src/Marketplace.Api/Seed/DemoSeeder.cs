using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Catalog.Sessions;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Seed;

/// <summary>
/// Seeds the Development demo once (when the store has no districts): districts, a bureau per district and per city, the
/// platform administrator, ~20 providers on their districts' white lists, ~200 offerings with sessions over the coming eight
/// weeks, ~30 schools with plans, and their logins. Deterministic (fixed random seed), so every newcomer sees the same demo.
/// </summary>
internal sealed class DemoSeeder(IMarketplaceStore store, IPasswordHashing hashing, Configuration.MarketplaceSettings settings, TimeProvider clock)
{
    public const int OfferingsPerProvider = 10;
    public const int SchoolCount = 30;
    public const int PendingProviders = 2;

    /// <summary>Audit names as live records write them (Caller.AuditName: role and username): the district's own bureau decides.</summary>
    private static string BureauAudit(string district) => $"Bureau:bureau-{district}";

    /// <summary>The city bureaus of the demo, by the first four digits of their districts' codes.</summary>
    private static readonly (string CityCode, string Name)[] CityBureaus =
        [("1101", "北京市教育委员会"), ("3301", "杭州市教育局"), ("5101", "成都市教育局")];

    public async Task SeedOnceAsync(CancellationToken ct)
    {
        if ((await store.ListDistrictsAsync(ct)).Count > 0) return;
        var random = new Random(2026);
        var now = clock.GetUtcNow();
        var hash = hashing.Hash(DemoCatalog.Password); // one hash for all demo accounts keeps start-up fast
        var changes = new StoreChanges();
        foreach (var (district, lat, lon) in DemoCatalog.Districts) changes.PutDistrict(district with { Lat = lat, Lon = lon });

        Bureaus(changes, hash);

        var schools = Schools(changes, hash, random, now);
        var approvedCount = DemoCatalog.Providers.Length - PendingProviders;
        var titleTurns = Enum.GetValues<Category>().ToDictionary(c => c, _ => 0);
        var published = new List<(Offering, Provider, string)>();
        var filled = new List<Booking>();
        for (var i = 0; i < DemoCatalog.Providers.Length; i++)
        {
            var (name, kind, prefix, home) = DemoCatalog.Providers[i];
            var (district, lat, lon) = DemoCatalog.Districts[home];
            var (applied, approved) = WhiteListOf(i, home);
            var provider = Provider.Register(name, kind, CreditCodeFor(prefix, district.Code, random), ContactName(random), $"13{random.Next(100000000, 999999999)}",
                applied, now.AddDays(-60), by: $"Provider:provider{i + 1}");
            if (i < approvedCount)
                foreach (var code in approved) provider.Approve(code, BureauAudit(code), "材料齐全，准予入库", now.AddDays(-50));
            changes.Insert(provider).Insert(new User(Ids.New(), $"provider{i + 1}", hash, Role.Provider, provider.Id, provider.ContactName));
            foreach (var (offering, sessions) in Offerings(provider, DistrictsNear(home), lat, lon, i < approvedCount, random, now, titleTurns))
            {
                changes.Insert(offering).Publish(CatalogEvents.OfferingChanged(offering, provider, now));
                sessions.ForEach(s => changes.Insert(s));
                if (sessions.Count > 0) published.Add((offering, provider, $"provider{i + 1}"));
                if (sessions.Count > 0 && random.Next(7) == 0 && FillNearly(changes, offering, provider, $"Provider:provider{i + 1}", sessions[0], schools, now) is { } booking)
                    filled.Add(booking);
            }
        }
        if (settings.SeedDemoHistory)
            DemoHistory.Seed(changes, schools, published, code => DemoCatalog.Districts.First(d => d.District.Code == code).District.Name, random, now);
        DemoFamilies.Add(changes, hash, schools[0], schools[1], now);
        DemoSelection.Add(changes, schools[0], filled, now);
        await store.CommitAsync(changes, ct);
    }

    /// <summary>
    /// <c>bureau-{code}</c> for each district (that district only), <c>city-{4 digits}</c> for each city (its districts are worked
    /// out at sign-in), and the platform's <c>admin</c>.
    /// </summary>
    private static void Bureaus(StoreChanges changes, string hash)
    {
        foreach (var (district, _, _) in DemoCatalog.Districts)
        {
            var name = $"{district.City}{district.Name}教育局";
            var bureau = new Bureau(Ids.New(), name, [district.Code]);
            changes.Insert(bureau).Insert(new User(Ids.New(), $"bureau-{district.Code}", hash, Role.Bureau, bureau.Id, $"{district.Name}教育局课后服务科"));
        }
        foreach (var (cityCode, name) in CityBureaus)
        {
            var bureau = new Bureau(Ids.New(), name, [], BureauLevel.City, cityCode);
            changes.Insert(bureau).Insert(new User(Ids.New(), $"city-{cityCode}", hash, Role.CityBureau, bureau.Id, $"{name}基础教育处"));
        }
        changes.Insert(new User(Ids.New(), "admin", hash, Role.Administrator, PlatformOrganization.Id, "平台管理员"));
    }

    /// <summary>
    /// Where provider <paramref name="i"/> (0-based) applied and is approved: every third (provider1, 4, 7 …) in all four districts
    /// of its city, the next in its home district and a neighbour, the third in its home district only (its application to the
    /// neighbour is still pending). Home comes first: it is the provider's home district.
    /// </summary>
    private static (string[] Applied, string[] Approved) WhiteListOf(int i, int home)
    {
        var near = DistrictsNear(home);
        var city = Enumerable.Range(home / 4 * 4, 4).Select(d => DemoCatalog.Districts[d].District.Code).ToArray();
        return (i % 3) switch
        {
            0 => ([.. near, .. city.Except(near)], city),
            1 => (near, near),
            _ => (near, [near[0]]),
        };
    }

    /// <summary>Books a session up to two seats short of full, so the demo shows scarcity: by a school of a district where the
    /// provider is approved.</summary>
    private static Booking? FillNearly(StoreChanges changes, Offering offering, Provider provider, string providerAudit, Session session, IReadOnlyList<School> schools, DateTimeOffset now)
    {
        var index = schools.ToList().FindIndex(s => s.Grades.Intersect(offering.Content.Grades).Any() && provider.IsApprovedIn(s.DistrictCode)
            && (offering.Content.ServesOffCampus || offering.Content.Districts.Contains(s.DistrictCode)));
        var school = index < 0 ? null : schools[index];
        if (school is null || session.Capacity < 5) return null;
        var grades = school.Grades.Intersect(offering.Content.Grades).ToArray();
        var booking = Booking.Request(new BookingRequestFacts(session.Id, offering.Id, offering.ProviderId, school.Id,
            school.DistrictCode, session.Capacity - 2, grades, "课后服务负责人", "13800138000", "演示预约 / demo booking", offering.Content.PriceFen,
            session.StartsAt, offering.Content.CancellationCutoffHours, TimeSpan.FromHours(48),
            BookingQueries.SnapshotOf(offering, provider, school, session, DemoCatalog.Districts.First(d => d.District.Code == school.DistrictCode).District.Name)), now, $"School:school{index + 1}");
        booking.Confirm(now, providerAudit);
        BookingLedger.Post(changes, booking, BookingStatus.Requested, now); // its commitment, as a confirmation through the API posts
        changes.Insert(booking).ReserveSeats(session.Id, booking.Pupils)
            .Publish(BookingEvents.Changed(booking, null, now))
            .Publish(CatalogEvents.AvailabilityChanged(offering.Id, session.Id, offering.ProviderId, now));
        return booking;
    }

    private static List<School> Schools(StoreChanges changes, string hash, Random random, DateTimeOffset now)
    {
        var schools = new List<School>();
        for (var i = 0; i < SchoolCount; i++)
        {
            var home = i % DemoCatalog.Districts.Length;
            var (district, lat, lon) = DemoCatalog.Districts[home];
            var junior = i % 5 == 4;
            var grades = junior ? Enumerable.Range(7, 3) : Enumerable.Range(1, 6);
            // 学校标识码: "1", the district's city (4 digits) and a serial, so every seeded school has a distinct 10-digit code.
            var school = new School(Ids.New(), $"{district.City[..2]}市{district.Name}{DemoCatalog.SchoolNames[i % DemoCatalog.SchoolNames.Length]}",
                district.Code, $"{district.City}{district.Name}学府路{random.Next(1, 300)}号", lat + Jitter(random), lon + Jitter(random),
                grades.ToDictionary(g => g, _ => random.Next(90, 260)),
                $"1{district.Code[..4]}{i + 1:D5}", junior ? SchoolStage.Junior : SchoolStage.Primary, $"{"王李张刘陈杨赵黄周吴"[i % 10]}老师", $"1391000{i + 1:D4}",
                i >= 24 ? SchoolArea.Rural : SchoolArea.Urban); // school25…30: village schools (农村), for the rural family caps
            changes.Insert(school).Insert(new User(Ids.New(), $"school{i + 1}", hash, Role.School, school.Id, "课后服务负责人"));
            var plan = SchoolPlan.Create(school.Id, "2026-2027-1");
            plan.Set([Category.Science, Category.Arts, Category.Sports, Category.Reading],
                [new PlanWindow(DayOfWeek.Tuesday, new TimeOnly(15, 40), new TimeOnly(17, 10)), new PlanWindow(DayOfWeek.Thursday, new TimeOnly(15, 40), new TimeOnly(17, 10))],
                new Dictionary<Category, int> { [Category.Science] = 120, [Category.Arts] = 150, [Category.Sports] = 200, [Category.Reading] = 100 },
                random.Next(20, 80) * 10_000_00L, now);
            changes.Insert(plan);
            schools.Add(school);
        }
        return schools;
    }

    private static IEnumerable<(Offering, List<Session>)> Offerings(
        Provider provider, string[] districts, double lat, double lon, bool publish, Random random, DateTimeOffset now, Dictionary<Category, int> titleTurns)
    {
        var categories = DemoCatalog.CategoriesFor(provider.Kind);
        var publicInterest = provider.Kind is not (ProviderKind.SportsOrganization or ProviderKind.SocialOrganization);
        for (var n = 0; n < OfferingsPerProvider; n++)
        {
            var category = categories[n % categories.Length];
            var titles = DemoCatalog.Titles[category];
            var title = titles[titleTurns[category]++ % titles.Length]; // every programme title appears in the demo
            var mode = (DeliveryMode)(n % 3);
            var low = random.Next(1, 6);
            var input = new OfferingInput(title, $"{provider.Name}开设的{title}，面向{low}–{Math.Min(9, low + 3)}年级，小班教学、安全有序。",
                $"{title}由{provider.Name}的专业教师授课。课程贴合“双减”课后服务要求，注重动手实践与兴趣培养，每次课后提供学习反馈。",
                category, mode, Enumerable.Range(low, 4).Where(g => g <= 9).ToArray(), 10, 40, 90,
                publicInterest && n % 2 == 0 ? 0 : random.Next(3, 30) * 100L,
                new VenueInput($"{provider.Name}活动中心{random.Next(1, 9)}号厅", lat + Jitter(random), lon + Jitter(random)), districts,
                [DemoCatalog.CategoriesFor(provider.Kind)[0] == category ? "特色课程" : "课后服务", provider.Kind is ProviderKind.CulturalCentre ? "非遗" : "兴趣"], 24);
            var offering = Offering.Create(provider.Id, input.Validate(DemoCatalog.Districts.Select(d => d.District.Code).ToHashSet()), now.AddDays(-40));
            if (!publish)
            {
                yield return (offering, []);
                continue;
            }
            offering.Submit(now.AddDays(-35));
            offering.Approve(BureauAudit(provider.HomeDistrict), null, now.AddDays(-30));
            yield return (offering, Sessions(offering, n, random, now));
        }
    }

    /// <summary>Two afternoons a week over the coming eight weeks; every fifth offering in a small room of 5–10 seats.</summary>
    private static List<Session> Sessions(Offering offering, int n, Random random, DateTimeOffset now)
    {
        var today = ChinaTime.DateOf(now);
        var days = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };
        var start = n % 2 == 0 ? new TimeOnly(15, 40) : new TimeOnly(16, 30);
        var recurrence = new RecurrenceInput([days[n % 5], days[(n + 2) % 5]], start, start.AddMinutes(offering.Content.DurationMinutes),
            today.AddDays(1), today.AddDays(56), null);
        var capacity = n % 5 == 4 ? random.Next(5, 11) : random.Next(25, 46);
        return SessionSchedule.Expand(new ScheduleSessionsRequest(null, null, capacity, recurrence), now)
            .Select(s => Session.Schedule(offering.Id, offering.ProviderId, s.Start, s.End, capacity)).ToList();
    }

    private static string[] DistrictsNear(int home)
    {
        var cityStart = home / 4 * 4;
        return [DemoCatalog.Districts[home].District.Code, DemoCatalog.Districts[cityStart + (home + 1) % 4].District.Code];
    }

    private static string CreditCodeFor(string prefix, string area, Random random)
    {
        const string digits = "0123456789";
        var body = string.Concat(Enumerable.Range(0, 8).Select(_ => digits[random.Next(10)]));
        var first17 = prefix + area + body + CreditCode.OrganizationCheckDigit(body);
        return first17 + CreditCode.CheckCharacter(first17);
    }

    private static string ContactName(Random random) =>
        "王李张刘陈杨赵黄周吴"[random.Next(10)] + (random.Next(2) == 0 ? "老师" : "主任");

    private static double Jitter(Random random) => (random.NextDouble() - 0.5) * 0.04;
}
