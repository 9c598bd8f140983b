using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Offerings;

public sealed record VenueInput(string? Address, double? Lat, double? Lon);

/// <summary>The fields a provider may send for an offering. Deliberately no status, version, owner or reservation fields.</summary>
public sealed record OfferingInput(
    string? Title, string? Summary, string? Description, Category? Category, DeliveryMode? Mode, IReadOnlyList<int>? Grades,
    int? MinGroup, int? MaxGroup, int? DurationMinutes, long? PriceFen, VenueInput? Venue, IReadOnlyList<string>? Districts,
    IReadOnlyList<string>? Tags, int? CancellationCutoffHours)
{
    public const long MaxPriceFen = 50_000; // ¥500 per pupil per session: anything above is a typo, not an after-school price
    public const int MaxTitle = 60, MaxSummary = 200, MaxDescription = 4000, MaxAddress = 200, MaxTags = 10, MaxTag = 20;

    /// <summary>Validates every field at once and returns the content, or throws naming each bad field.</summary>
    public OfferingContent Validate(IReadOnlySet<string> knownDistricts)
    {
        var v = new Validator()
            .Text(Title, "title", MaxTitle)
            .Text(Summary, "summary", MaxSummary)
            .Text(Description, "description", MaxDescription, required: false, multiline: true)
            .Require(Category is not null, "category", "必填：Science, Arts, Sports, Reading, Labour, Clubs（学科类不允许）/ required; academic subjects are not allowed.")
            .Require(Mode is not null, "mode", "必填：OnCampus（请进来）, OffCampus（走出去）, Both / required.");

        foreach (var (field, text) in new[] { ("title", Title), ("summary", Summary), ("description", Description) })
            if (AcademicSubjects.FindIn(text) is { } word)
                v.Add(field, $"学科类培训不得进入课后服务（含“{word}”）/ academic subject tutoring is not allowed ('{word}').");
        if (Tags is not { Count: > MaxTags } && Tags?.Select(AcademicSubjects.FindIn).FirstOrDefault(w => w is not null) is { } tagWord)
            v.Add("tags", $"学科类培训不得进入课后服务（含“{tagWord}”）/ academic subject tutoring is not allowed ('{tagWord}').");

        if (Grades is not { Count: > 0 } || Grades.Any(g => g is < 1 or > 9) || Grades.Distinct().Count() != Grades.Count)
            v.Add("grades", "年级须为 1–9 且不重复 / grades must be distinct values from 1 to 9.");
        v.Require(MinGroup is >= 1 and <= 500, "minGroup", "须在 1 到 500 之间 / must be between 1 and 500.")
         .Require(MaxGroup is >= 1 and <= 500, "maxGroup", "须在 1 到 500 之间 / must be between 1 and 500.");
        if (MinGroup is { } min && MaxGroup is { } max && min > max)
            v.Add("maxGroup", "最大人数不能小于最小人数 / maxGroup must not be below minGroup.");
        v.Require(DurationMinutes is >= 20 and <= 480, "durationMinutes", "须在 20 到 480 分钟之间 / must be between 20 and 480 minutes.")
         .Require(PriceFen is >= 0 and <= MaxPriceFen, "priceFen", $"单位为分，须在 0 到 {MaxPriceFen} 之间 / fen per pupil per session, 0 to {MaxPriceFen}.")
         .Require(CancellationCutoffHours is null or >= 0 and <= 336, "cancellationCutoffHours", "须在 0 到 336 小时之间 / 0 to 336 hours.");
        // NaN passes every range comparison below (and the store cannot write it); the host's JSON layer refuses it first.
        foreach (var (field, coordinate) in new[] { ("venue.lat", Venue?.Lat), ("venue.lon", Venue?.Lon) })
            if (coordinate is { } c && !double.IsFinite(c)) v.Add(field, "须为有限的数值 / must be a finite number.");

        var servesOffCampus = Mode is DeliveryMode.OffCampus or DeliveryMode.Both;
        var servesOnCampus = Mode is DeliveryMode.OnCampus or DeliveryMode.Both;
        if (servesOffCampus && (Venue is null || Venue.Address is null || Venue.Lat is null || Venue.Lon is null))
            v.Add("venue", "走出去须填写场地地址和坐标 / an OffCampus offering needs a venue address with coordinates.");
        else if (Venue is { Lat: { } lat, Lon: { } lon } && (lat is < 3 or > 54 || lon is < 73 or > 136))
            v.Add("venue", "坐标不在中国境内 / coordinates are outside China.");
        // Checked whenever sent: an on-campus offering drops its venue, but a bad one is still a bad request.
        if (Venue?.Address is not null) v.Text(Venue.Address, "venue.address", MaxAddress, required: servesOffCampus);
        if (servesOnCampus && Districts is not { Count: > 0 })
            v.Add("districts", "请进来须填写服务的区县 / an OnCampus offering needs the districts it serves.");
        else if (v.Count(Districts, "districts", knownDistricts.Count) && Districts is not null && Districts.Any(d => !knownDistricts.Contains(d)))
            v.Add("districts", "含平台未服务的区县代码 / contains a district code the platform does not serve.");
        v.Texts(Tags, "tags", MaxTags, MaxTag);
        v.ThrowIfInvalid();

        return new OfferingContent(Title!.Trim(), Summary!.Trim(), Description?.Trim() ?? "", Category!.Value, Mode!.Value,
            Grades!.Order().ToArray(), MinGroup!.Value, MaxGroup!.Value, DurationMinutes!.Value, PriceFen!.Value,
            servesOffCampus ? new Venue(Venue!.Address!.Trim(), Venue.Lat!.Value, Venue.Lon!.Value) : null,
            servesOnCampus ? Districts!.Distinct().ToArray() : [],
            Tags?.Select(t => t.Trim()).Distinct().ToArray() ?? [], CancellationCutoffHours ?? 24);
    }
}
