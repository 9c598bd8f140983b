using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Marketplace.Core.Catalog;
using Marketplace.Core.Families.Allocation;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.Selection;

/// <summary>Where a window is: before <see cref="SelectionWindow.OpensAt"/>, taking applications, closed (time up or closed early), drawn.</summary>
public enum WindowPhase { Scheduled, Open, Closed, Drawn }

/// <summary>
/// A programme the school offers in a window: one of its confirmed bookings, or a confirmed term series (its sessions' bookings),
/// with the seats it holds for the window, every session's time, the grades, and whether it is 走出去 (a trip: the safety pledge).
/// </summary>
public sealed record WindowProgramme(
    Guid ProgrammeId, Guid? SeriesId, IReadOnlyList<Guid> BookingIds, Guid OfferingId, Guid ProviderId, string Title, string ProviderName,
    DeliveryMode Mode, int Seats, IReadOnlyList<TimeSlot> Sessions, IReadOnlyList<int> Grades)
{
    public bool IsTrip => Mode != DeliveryMode.OnCampus;

    public ProgrammeSeats ToSeats(int seats) => new(ProgrammeId, seats, Sessions, Grades);
}

/// <summary>
/// 选课 window of one school and semester (issue 18): the programmes it booked, when guardians may apply, how seats are given
/// (first come at submission, or a lottery after closing), the cap per pupil, the lottery's weights and priority, the seed's
/// commitment published at opening (the seed stays secret until the draw), the terms text version and whether trips need the
/// safety pledge. Applications are their own documents (<see cref="SelectionApplication"/>) and seats their own counters
/// (<see cref="SelectionSeats"/>), so guardians applying at once never write this document.
/// </summary>
public sealed class SelectionWindow : IAggregate
{
    public const int MaxTitleLength = 60;
    public const int MaxTermsVersionLength = 40;
    public const int MaxProgrammes = 60;

    [JsonConstructor]
    private SelectionWindow() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid SchoolId { get; private set; }
    [JsonInclude] public string DistrictCode { get; private set; } = "";
    [JsonInclude] public string Semester { get; private set; } = "";
    [JsonInclude] public string Title { get; private set; } = "";
    [JsonInclude] public DateTimeOffset OpensAt { get; private set; }
    [JsonInclude] public DateTimeOffset ClosesAt { get; private set; }
    [JsonInclude] public AllocationMode Mode { get; private set; }
    [JsonInclude] public int CapPerPupil { get; private set; }
    [JsonInclude] public IReadOnlyDictionary<string, int> Weights { get; private set; } = new Dictionary<string, int>();
    [JsonInclude] public IReadOnlyList<string> PriorityFlags { get; private set; } = [];
    [JsonInclude] public string TermsVersion { get; private set; } = "";
    [JsonInclude] public bool SafetyPledgeRequired { get; private set; }
    [JsonInclude] public IReadOnlyList<WindowProgramme> Programmes { get; private set; } = [];

    /// <summary>SHA-256 of the seed, published at opening (lottery); null for first come.</summary>
    [JsonInclude] public string? SeedCommitment { get; private set; }

    /// <summary>The lottery's seed: never shown before the draw (<see cref="RevealedSeed"/>).</summary>
    [JsonInclude] public string? Seed { get; private set; }

    [JsonInclude] public DateTimeOffset? ClosedAt { get; private set; }
    [JsonInclude] public DateTimeOffset? DrawnAt { get; private set; }

    /// <summary>When the lottery's computed flags (<see cref="SelectionFlags.NoActivity"/>) were fixed on its applications: at the close, or at
    /// the draw of a window closed by the clock; null before (and for first come, which uses no weights).</summary>
    [JsonInclude] public DateTimeOffset? FlagsFixedAt { get; private set; }
    [JsonInclude] public DateTimeOffset CreatedAt { get; private set; }
    [JsonInclude] public string CreatedBy { get; private set; } = "";

    public string? RevealedSeed => DrawnAt is null ? null : Seed;

    public WindowPhase PhaseAt(DateTimeOffset now) =>
        DrawnAt is not null ? WindowPhase.Drawn
        : ClosedAt is not null || now >= ClosesAt ? WindowPhase.Closed
        : now < OpensAt ? WindowPhase.Scheduled : WindowPhase.Open;

    public WindowProgramme? Programme(Guid programmeId) => Programmes.FirstOrDefault(p => p.ProgrammeId == programmeId);

    public static SelectionWindow Open(Guid schoolId, string districtCode, string semester, string title, DateTimeOffset opensAt, DateTimeOffset closesAt,
        AllocationMode mode, int cap, IReadOnlyDictionary<string, int> weights, IReadOnlyList<string> priority, string termsVersion, bool pledge,
        IReadOnlyList<WindowProgramme> programmes, string? seed, DateTimeOffset now, string by) => new()
    {
        Id = Ids.New(), Version = 1, SchoolId = schoolId, DistrictCode = districtCode, Semester = semester, Title = title, OpensAt = opensAt,
        ClosesAt = closesAt, Mode = mode, CapPerPupil = cap, Weights = weights, PriorityFlags = priority, TermsVersion = termsVersion,
        SafetyPledgeRequired = pledge, Programmes = programmes, Seed = seed, SeedCommitment = seed is null ? null : LotteryDraw.Commitment(seed),
        CreatedAt = now, CreatedBy = by,
    };

    /// <summary>Moves the closing time (extend or shorten) while the window is not closed; it stays after the opening and the present.</summary>
    public void Reschedule(DateTimeOffset closesAt, DateTimeOffset now)
    {
        if (PhaseAt(now) is WindowPhase.Closed or WindowPhase.Drawn) throw new DomainRuleException("selection-window-closed");
        if (closesAt <= OpensAt || closesAt <= now) throw ValidationFailedException.For("closesAt", "selection.closes-after-opens");
        ClosesAt = closesAt;
        Version++;
    }

    public void Close(DateTimeOffset now)
    {
        if (PhaseAt(now) is WindowPhase.Closed or WindowPhase.Drawn) throw new DomainRuleException("selection-window-closed");
        ClosedAt = now;
        Version++;
    }

    public void FixFlags(DateTimeOffset now) => FlagsFixedAt ??= now;

    public void MarkDrawn(DateTimeOffset now)
    {
        if (Mode != AllocationMode.Lottery) throw new DomainRuleException("selection-not-lottery");
        if (PhaseAt(now) != WindowPhase.Closed) throw new DomainRuleException(DrawnAt is null ? "selection-window-not-closed" : "selection-already-drawn");
        DrawnAt = now;
        Version++;
    }

    /// <summary>A name-based id (RFC 9562 v8 layout from SHA-256): the same text always names the same document.</summary>
    internal static Guid NameBased(string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
