using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Offerings;

namespace Marketplace.Api.Web.Components.Provider;

/// <summary>What the offering editor binds: the API's <see cref="OfferingInput"/> fields as the form shows them (price in yuan).</summary>
public sealed class OfferingForm
{
    public string Title { get; set; } = "";
    public string Summary { get; set; } = "";
    public string Description { get; set; } = "";
    public Category? Category { get; set; }
    public DeliveryMode? Mode { get; set; }
    public HashSet<int> Grades { get; } = [];
    public int? MinGroup { get; set; } = 10;
    public int? MaxGroup { get; set; } = 30;
    public int? DurationMinutes { get; set; } = 90;
    public decimal? PriceYuan { get; set; }
    public string VenueAddress { get; set; } = "";
    public double? Lat { get; set; }
    public double? Lon { get; set; }
    public HashSet<string> Districts { get; } = [];
    public string Tags { get; set; } = "";
    public int? CancellationCutoffHours { get; set; } = 24;
    public string Justification { get; set; } = "";

    public bool ServesOnCampus => Mode is DeliveryMode.OnCampus or DeliveryMode.Both;
    public bool ServesOffCampus => Mode is DeliveryMode.OffCampus or DeliveryMode.Both;

    /// <summary>The request the use cases take; yuan to fen rounds to the fen (the validator bounds the amount).</summary>
    public OfferingInput ToInput() => new(
        Blank(Title), Blank(Summary), Blank(Description), Category, Mode, Grades.Order().ToArray(), MinGroup, MaxGroup, DurationMinutes,
        PriceYuan is { } yuan ? (long)Math.Round(yuan * 100m, MidpointRounding.AwayFromZero) : null,
        ServesOffCampus || !string.IsNullOrWhiteSpace(VenueAddress) || Lat is not null || Lon is not null ? new VenueInput(Blank(VenueAddress), Lat, Lon) : null,
        ServesOnCampus ? Districts.ToArray() : [],
        Tags.Split([',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        CancellationCutoffHours)
    {
        ScreeningJustification = Blank(Justification),
    };

    public static OfferingForm From(Offering offering)
    {
        var c = offering.Content;
        var form = new OfferingForm
        {
            Title = c.Title, Summary = c.Summary, Description = c.Description, Category = c.Category, Mode = c.Mode,
            MinGroup = c.MinGroup, MaxGroup = c.MaxGroup, DurationMinutes = c.DurationMinutes, PriceYuan = c.PriceFen / 100m,
            VenueAddress = c.Venue?.Address ?? "", Lat = c.Venue?.Lat, Lon = c.Venue?.Lon, Tags = string.Join("，", c.Tags),
            CancellationCutoffHours = c.CancellationCutoffHours, Justification = offering.Screening?.Justification ?? "",
        };
        form.Grades.UnionWith(c.Grades);
        form.Districts.UnionWith(c.Districts);
        return form;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
