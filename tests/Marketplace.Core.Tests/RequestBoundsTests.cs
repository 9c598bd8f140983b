using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Catalog.Sessions;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

/// <summary>Every text and list of a request is bounded and checked by the one text rule (issue 10 #2, #3, #4).</summary>
public class RequestBoundsTests
{
    [Fact]
    public void OfferingInput_BoundsAndCleansEveryTextAndList()
    {
        var input = OfferingTests.Input() with
        {
            Title = "\u200b\u200c",
            Summary = "\u001b[31m限时优惠",
            Description = "第一段\n第二段\u0000",
            Venue = new VenueInput(new string('路', 1_000_000), 39.92, 116.44),
            Tags = ["机器人", "\u3000"],
        };
        var errors = Assert.Throws<ValidationFailedException>(() => input.Validate(new HashSet<string> { "110105" })).Errors;
        Assert.Equal(["description", "summary", "tags[1]", "title", "venue.address"], errors.Keys.Order(StringComparer.Ordinal));

        var manyDistricts = OfferingTests.Input() with { Districts = Enumerable.Repeat("110105", 50_000).ToArray() };
        Assert.Contains("districts", Assert.Throws<ValidationFailedException>(() => manyDistricts.Validate(new HashSet<string> { "110105" })).Errors.Keys);
        var manyTags = OfferingTests.Input() with { Tags = Enumerable.Repeat("机器人", 11).ToArray() };
        Assert.Contains("tags", Assert.Throws<ValidationFailedException>(() => manyTags.Validate(new HashSet<string> { "110105" })).Errors.Keys);

        var multiline = OfferingTests.Input() with { Description = "第一段\n第二段", Mode = DeliveryMode.OnCampus, Venue = null };
        Assert.Equal("第一段\n第二段", multiline.Validate(new HashSet<string> { "110105" }).Description);
    }

    [Fact]
    public void Recurrence_BoundsSkipDatesAndWeekdays()
    {
        var now = new DateTimeOffset(2026, 8, 1, 0, 0, 0, TimeSpan.Zero);
        RecurrenceInput Pattern(DayOfWeek[] days, DateOnly[] skip) =>
            new(days, new TimeOnly(15, 40), new TimeOnly(17, 10), new DateOnly(2026, 9, 1), new DateOnly(2027, 1, 15), skip);
        var manySkips = Enumerable.Range(0, SessionSchedule.MaxSkipDates + 1).Select(i => new DateOnly(2026, 9, 1).AddDays(i % 100)).ToArray();

        var skips = Assert.Throws<ValidationFailedException>(() =>
            SessionSchedule.Expand(new(null, null, 30, Pattern([DayOfWeek.Tuesday], manySkips)), now)).Errors;
        Assert.Contains("recurrence.skipDates", skips.Keys);
        var days = Assert.Throws<ValidationFailedException>(() =>
            SessionSchedule.Expand(new(null, null, 30, Pattern(Enumerable.Repeat(DayOfWeek.Tuesday, 8).ToArray(), [])), now)).Errors;
        Assert.Contains("recurrence.daysOfWeek", days.Keys);
        Assert.NotEmpty(SessionSchedule.Expand(new(null, null, 30, Pattern([DayOfWeek.Tuesday], manySkips[..SessionSchedule.MaxSkipDates])), now));
    }
}
