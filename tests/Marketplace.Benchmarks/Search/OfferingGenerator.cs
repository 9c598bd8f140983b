using System.Diagnostics;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Benchmarks.Search;

/// <summary>
/// Writes approved providers and N published offerings with a few future sessions each straight into the store
/// through its port, in big commits. No outbox events: the host rebuilds its new index from the store at start-up.
/// </summary>
internal sealed class OfferingGenerator(IMarketplaceStore store, int seed = 20260)
{
    private const int AggregatesPerCommit = 2_000;
    private readonly Random _random = new(seed);
    private readonly IReadOnlySet<string> _districtCodes = Vocabulary.Districts.Select(d => d.District.Code).ToHashSet();

    public async Task<(int Providers, int Offerings, int Sessions, TimeSpan Elapsed)> GenerateAsync(int offerings, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var now = DateTimeOffset.UtcNow;
        var providerCount = Math.Clamp(offerings / 200, 12, 2_000);
        var providers = new List<(Provider Provider, int Home)>();
        var changes = new StoreChanges();
        foreach (var (district, _, _) in Vocabulary.Districts) changes.PutDistrict(district);
        for (var i = 0; i < providerCount; i++)
        {
            var home = i % Vocabulary.Districts.Length;
            var provider = NewProvider(i, home, now);
            changes.Insert(provider);
            providers.Add((provider, home));
        }
        await store.CommitAsync(changes, ct);

        changes = new StoreChanges();
        var pending = 0;
        var sessions = 0;
        for (var n = 0; n < offerings; n++)
        {
            var (provider, home) = providers[_random.Next(providers.Count)];
            var offering = NewOffering(provider, home, now);
            changes.Insert(offering);
            pending++;
            foreach (var session in NewSessions(offering, now))
            {
                changes.Insert(session);
                if (_random.Next(10) == 0) changes.ReserveSeats(session.Id, session.Capacity); // about one session in ten is full
                pending++;
                sessions++;
            }
            if (pending < AggregatesPerCommit) continue;
            await store.CommitAsync(changes, ct);
            changes = new StoreChanges();
            pending = 0;
        }
        if (!changes.IsEmpty) await store.CommitAsync(changes, ct);
        return (providerCount, offerings, sessions, Stopwatch.GetElapsedTime(started));
    }

    private Provider NewProvider(int i, int home, DateTimeOffset now)
    {
        var (district, _, _) = Vocabulary.Districts[home];
        var cityStart = home / 4 * 4;
        var neighbour = Vocabulary.Districts[cityStart + (home + 1 + _random.Next(3)) % 4].District.Code;
        var name = $"{district.City}{district.Name}{Pick(Vocabulary.Prefixes)}{Pick(Vocabulary.OrgSuffixes)}{i + 1}号";
        var kind = (ProviderKind)(i % Enum.GetValues<ProviderKind>().Length);
        var provider = Provider.Register(name, kind, CreditCodeFor(i, district.Code), "王老师", $"13{_random.Next(100000000, 999999999)}",
            [district.Code, neighbour], now.AddDays(-90));
        foreach (var code in provider.Districts) provider.Approve(code, $"Bureau:bureau-{code}", "压测数据 / benchmark data", now.AddDays(-80));
        return provider;
    }

    private Offering NewOffering(Provider provider, int home, DateTimeOffset now)
    {
        var category = (Category)_random.Next(6);
        var topic = Pick(Vocabulary.Topics[category]);
        var title = $"{Pick(Vocabulary.Prefixes)}{topic}{Pick(Vocabulary.Suffixes)}";
        var low = _random.Next(1, 8);
        var high = Math.Min(9, low + _random.Next(2, 4));
        var mode = (DeliveryMode)_random.Next(3);
        var (_, lat, lon) = Vocabulary.Districts[home];
        var other = Pick(Vocabulary.Topics[category]);
        var input = new OfferingInput(
            title,
            $"{provider.Name}开设的{title}，面向{low}–{high}年级，{Pick(Vocabulary.Features)}。",
            $"{title}由{provider.Name}的专业教师授课，内容涵盖{topic}与{other}，{Pick(Vocabulary.Features)}，{Pick(Vocabulary.Features)}。课程贴合“双减”课后服务要求。",
            category, mode, Enumerable.Range(low, high - low + 1).ToArray(), 10, _random.Next(20, 60), _random.Next(4, 13) * 10,
            _random.Next(10) < 3 ? 0 : _random.Next(5, 200) * 100L,
            new VenueInput($"{provider.Name}活动中心{_random.Next(1, 9)}号厅", lat + Jitter(), lon + Jitter()),
            provider.Districts, [Pick(Vocabulary.Tags), Pick(Vocabulary.Tags), topic], 24);
        var offering = Offering.Create(provider.Id, input.Validate(_districtCodes), now.AddDays(-60));
        offering.Submit(now.AddDays(-55));
        offering.Approve("Bureau:bureau", null, now.AddDays(-50));
        return offering;
    }

    private IEnumerable<Session> NewSessions(Offering offering, DateTimeOffset now)
    {
        var today = ChinaTime.DateOf(now);
        var count = _random.Next(2, 5);
        var start = _random.Next(2) == 0 ? new TimeOnly(15, 40) : new TimeOnly(16, 30);
        var capacity = _random.Next(20, 46);
        var firstDay = _random.Next(1, 8);
        for (var i = 0; i < count; i++)
        {
            var day = today.AddDays(firstDay + i * 7);
            yield return Session.Schedule(offering.Id, offering.ProviderId, ChinaTime.FromLocal(day, start),
                ChinaTime.FromLocal(day, start.AddMinutes(offering.Content.DurationMinutes)), capacity);
        }
    }

    private static string CreditCodeFor(int i, string area)
    {
        var body = (10_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var first17 = "52" + area + body + CreditCode.OrganizationCheckDigit(body);
        return first17 + CreditCode.CheckCharacter(first17);
    }

    private string Pick(string[] words) => words[_random.Next(words.Length)];

    private double Jitter() => (_random.NextDouble() - 0.5) * 0.12;
}
