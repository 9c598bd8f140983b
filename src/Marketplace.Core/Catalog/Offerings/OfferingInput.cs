using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Offerings;

/// <summary><see cref="DistrictCode"/>: the known district the venue lies in (optional; without it the venue counts as being in
/// the provider's home district when working out which districts' schools may travel to it).</summary>
public sealed record VenueInput(string? Address, double? Lat, double? Lon, string? DistrictCode = null);

/// <summary>The fields a provider may send for an offering. Deliberately no status, version, owner or reservation fields.</summary>
public sealed record OfferingInput(
    string? Title, string? Summary, string? Description, Category? Category, DeliveryMode? Mode, IReadOnlyList<int>? Grades,
    int? MinGroup, int? MaxGroup, int? DurationMinutes, long? PriceFen, VenueInput? Venue, IReadOnlyList<string>? Districts,
    IReadOnlyList<string>? Tags, int? CancellationCutoffHours)
{
    public const long MaxPriceFen = 50_000; // ¥500 per pupil per session: anything above is a typo, not an after-school price
    /// <summary>Hours before a session that bookings close (0–336); omitted: the setting for the offering's mode.</summary>
    public int? MinLeadHours { get; init; }

    public const int MaxTitle = 60, MaxSummary = 200, MaxDescription = 4000, MaxAddress = 200, MaxTags = 10, MaxTag = 20;
    public const int MaxScreeningJustification = 500;

    /// <summary>Why the words <see cref="SubjectScreening"/> flagged are not 学科类 (e.g. "化学 here is a 科普 show, no curriculum");
    /// required to submit a flagged offering for review, shown to the bureau with the words.</summary>
    public string? ScreeningJustification { get; init; }

    /// <summary>代收费 items per pupil per session, at cost (each kind once).</summary>
    public IReadOnlyList<CollectedFee>? CollectedFees { get; init; }

    /// <summary>The 学科类 screening of the texts a person reads: title, summary, description and tags (a list too long is refused before).</summary>
    public ScreeningResult Screen() => SubjectScreening.Screen(
        new[] { ("title", Title), ("summary", Summary), ("description", Description) }
            .Concat(Tags is { Count: <= MaxTags } ? Tags.Select(t => ("tags", (string?)t)) : []));

    /// <summary>Validates every field at once and returns the content, or throws naming each bad field.</summary>
    public OfferingContent Validate(IReadOnlySet<string> knownDistricts)
    {
        var v = new Validator()
            .Text(Title, "title", MaxTitle)
            .Text(Summary, "summary", MaxSummary)
            .Text(Description, "description", MaxDescription, required: false, multiline: true)
            .Require(Category is not null, "category", new("offering.category-required"))
            .Require(Mode is not null, "mode", new("offering.mode-required"));

        // Clear 学科类 tutoring is refused here; words the bureau should judge are recorded on the offering (OfferingCommands).
        foreach (var refused in Screen().Matches.Where(m => SubjectScreening.TierOf(m.Rule) == ScreeningTier.Refuse).DistinctBy(m => m.Field))
            v.Add(refused.Field, new("offering.academic-subject", refused.Word));
        v.Text(ScreeningJustification, "screeningJustification", MaxScreeningJustification, required: false, multiline: true);

        if (Grades is not { Count: > 0 } || Grades.Any(g => g is < 1 or > 9) || Grades.Distinct().Count() != Grades.Count)
            v.Add("grades", new("offering.grades"));
        v.Require(MinGroup is >= 1 and <= 500, "minGroup", new("validation.range", 1, 500))
         .Require(MaxGroup is >= 1 and <= 500, "maxGroup", new("validation.range", 1, 500));
        if (MinGroup is { } min && MaxGroup is { } max && min > max)
            v.Add("maxGroup", new("offering.max-below-min"));
        v.Require(DurationMinutes is >= 20 and <= 480, "durationMinutes", new("offering.duration", 20, 480))
         .Require(PriceFen is >= 0 and <= MaxPriceFen, "priceFen", new("offering.price-fen", MaxPriceFen))
         .Require(CancellationCutoffHours is null or >= 0 and <= 336, "cancellationCutoffHours", new("offering.cutoff-hours", 0, 336));
        v.Require(MinLeadHours is null or >= 0 and <= 336, "minLeadHours", new("offering.min-lead-hours", 0, 336));
        // NaN passes every range comparison below (and the store cannot write it); the host's JSON layer refuses it first.
        foreach (var (field, coordinate) in new[] { ("venue.lat", Venue?.Lat), ("venue.lon", Venue?.Lon) })
            if (coordinate is { } c && !double.IsFinite(c)) v.Add(field, new("validation.finite-number"));

        var servesOffCampus = Mode is DeliveryMode.OffCampus or DeliveryMode.Both;
        var servesOnCampus = Mode is DeliveryMode.OnCampus or DeliveryMode.Both;
        if (servesOffCampus && (Venue is null || Venue.Address is null || Venue.Lat is null || Venue.Lon is null))
            v.Add("venue", new("offering.venue-required"));
        else if (Venue is { Lat: { } lat, Lon: { } lon } && (lat is < 3 or > 54 || lon is < 73 or > 136))
            v.Add("venue", new("validation.coordinates-outside-china"));
        // Checked whenever sent: an on-campus offering drops its venue, but a bad one is still a bad request.
        if (Venue?.Address is not null) v.Text(Venue.Address, "venue.address", MaxAddress, required: servesOffCampus);
        if (Venue?.DistrictCode is { } venueDistrict && !knownDistricts.Contains(venueDistrict))
            v.Add("venue.districtCode", new("reach.venue-district"));
        if (servesOnCampus && Districts is not { Count: > 0 })
            v.Add("districts", new("offering.districts-required"));
        else if (v.Count(Districts, "districts", knownDistricts.Count) && Districts is not null && Districts.Any(d => !knownDistricts.Contains(d)))
            v.Add("districts", new("validation.unknown-district"));
        v.Texts(Tags, "tags", MaxTags, MaxTag);
        if (v.Count(CollectedFees, "collectedFees", Enum.GetValues<CollectedFeeKind>().Length) && CollectedFees is not null)
        {
            for (var i = 0; i < CollectedFees.Count; i++)
                v.Require(CollectedFees[i] is { } fee && Enum.IsDefined(fee.Kind) && fee.AmountFen is >= 1 and <= CollectedFee.MaxFen,
                    $"collectedFees[{i}]", new("offering.collected-fee", CollectedFee.MaxFen / 100));
            v.Require(CollectedFees.Where(f => f is not null).DistinctBy(f => f.Kind).Count() == CollectedFees.Count(f => f is not null),
                "collectedFees", new("offering.collected-duplicate"));
        }
        v.ThrowIfInvalid();

        return new OfferingContent(Title!.Trim(), Summary!.Trim(), Description?.Trim() ?? "", Category!.Value, Mode!.Value,
            Grades!.Order().ToArray(), MinGroup!.Value, MaxGroup!.Value, DurationMinutes!.Value, PriceFen!.Value,
            servesOffCampus ? new Venue(Venue!.Address!.Trim(), Venue.Lat!.Value, Venue.Lon!.Value, Venue.DistrictCode) : null,
            servesOnCampus ? Districts!.Distinct().ToArray() : [],
            Tags?.Select(t => t.Trim()).Distinct().ToArray() ?? [], CancellationCutoffHours ?? 24)
        {
            MinLeadHours = MinLeadHours, CollectedFees = CollectedFees?.ToArray() ?? [],
        };
    }
}
