using Marketplace.Core.Shared;

namespace Marketplace.Core.Schools;

/// <summary>
/// A school semester as 一校一案 plans name it: the first term runs from 1 September to 31 January (<c>2026-2027-1</c>), the
/// second from 1 February to 31 August (<c>2026-2027-2</c>), in Beijing dates. The terms' real teaching days are shorter; these
/// bounds only say which plan a date belongs to.
/// </summary>
public readonly record struct Semester(int StartYear, int Term)
{
    public string Name => $"{StartYear}-{StartYear + 1}-{Term}";

    /// <summary>The first day (Beijing) of the semester.</summary>
    public DateOnly FirstDay => Term == 1 ? new DateOnly(StartYear, 9, 1) : new DateOnly(StartYear + 1, 2, 1);

    /// <summary>The first day after it: the next semester's first day.</summary>
    public DateOnly EndDay => Term == 1 ? new DateOnly(StartYear + 1, 2, 1) : new DateOnly(StartYear + 1, 9, 1);

    /// <summary>Its first instant (Beijing midnight of <see cref="FirstDay"/>), in UTC.</summary>
    public DateTimeOffset Start => ChinaTime.FromLocal(FirstDay, TimeOnly.MinValue);

    /// <summary>The instant after its last day (exclusive), in UTC.</summary>
    public DateTimeOffset End => ChinaTime.FromLocal(EndDay, TimeOnly.MinValue);

    public static Semester Of(DateOnly date) => date.Month switch
    {
        >= 9 => new Semester(date.Year, 1),
        1 => new Semester(date.Year - 1, 1),
        _ => new Semester(date.Year - 1, 2),
    };

    /// <summary>The semester of an instant's Beijing date.</summary>
    public static Semester Of(DateTimeOffset at) => Of(ChinaTime.DateOf(at));

    /// <summary>A name as <see cref="Name"/> writes it (<c>2026-2027-1</c>): consecutive years, term 1 or 2.</summary>
    public static bool TryParse(string? name, out Semester semester)
    {
        semester = default;
        if (name is not { Length: 11 } || name[4] != '-' || name[9] != '-') return false;
        if (!int.TryParse(name.AsSpan(0, 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var first)
            || !int.TryParse(name.AsSpan(5, 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var second)
            || second != first + 1 || name[10] is not ('1' or '2') || first is < 2000 or > 2098)
            return false;
        semester = new Semester(first, name[10] - '0');
        return true;
    }

    public override string ToString() => Name;
}
