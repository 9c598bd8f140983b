using System.Text.Json.Serialization;

namespace Marketplace.Search.Elasticsearch;

/// <summary>
/// One session as a nested document, so date, window and free-seat conditions apply to the same session. <c>weekday</c> (ISO, 1 =
/// Monday … 7 = Sunday), <c>startMinute</c> and <c>endMinute</c> are its Beijing week slot (<c>ChinaTime.WeekSlot</c>); documents
/// written before them read as 0 until the rebuild the new template asks for.
/// </summary>
internal sealed record EsSession(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("startsAt")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("endsAt")] DateTimeOffset EndsAt,
    [property: JsonPropertyName("freeSeats")] int FreeSeats,
    [property: JsonPropertyName("weekday")] int Weekday = 0,
    [property: JsonPropertyName("startMinute")] int StartMinute = 0,
    [property: JsonPropertyName("endMinute")] int EndMinute = 0)
{
    public static EsSession From(Marketplace.Core.Search.SessionSlot s)
    {
        var (day, start, end) = Marketplace.Core.Shared.ChinaTime.WeekSlot(s.StartsAt, s.EndsAt);
        return new EsSession(s.Id.ToString(), s.StartsAt.ToUniversalTime(), s.EndsAt.ToUniversalTime(), s.FreeSeats, IsoWeekday(day), start, end);
    }

    public static int IsoWeekday(DayOfWeek day) => day == DayOfWeek.Sunday ? 7 : (int)day;
}
