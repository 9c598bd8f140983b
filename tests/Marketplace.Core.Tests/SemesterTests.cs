using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

public class SemesterTests
{
    [Theory]
    [InlineData("2026-09-01", "2026-2027-1")]
    [InlineData("2026-12-31", "2026-2027-1")]
    [InlineData("2027-01-31", "2026-2027-1")]   // January belongs to the term that began in September
    [InlineData("2027-02-01", "2026-2027-2")]
    [InlineData("2027-08-31", "2026-2027-2")]
    [InlineData("2026-03-02", "2025-2026-2")]
    public void Of_ADate_NamesItsSemester(string date, string name) =>
        Assert.Equal(name, Semester.Of(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)).Name);

    /// <summary>The Beijing date decides: 31 August 17:00 UTC is already 1 September in Beijing.</summary>
    [Fact]
    public void Of_AnInstant_UsesItsBeijingDate()
    {
        Assert.Equal("2026-2027-1", Semester.Of(new DateTimeOffset(2026, 8, 31, 17, 0, 0, TimeSpan.Zero)).Name);
        Assert.Equal("2025-2026-2", Semester.Of(new DateTimeOffset(2026, 8, 31, 15, 0, 0, TimeSpan.Zero)).Name);
    }

    [Fact]
    public void StartAndEnd_AreBeijingMidnights_AndTheNextSemesterStartsAtTheEnd()
    {
        var first = new Semester(2026, 1);
        Assert.Equal(new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.FromHours(8)), first.Start);
        Assert.Equal(new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.FromHours(8)), first.End);
        Assert.Equal(new Semester(2026, 2).Start, first.End);
        Assert.Equal(new Semester(2027, 1).Start, new Semester(2026, 2).End);
        Assert.Equal(first, Semester.Of(first.End.AddTicks(-1)));
    }

    [Theory]
    [InlineData("2026-2027-1", true)]
    [InlineData("2026-2027-2", true)]
    [InlineData("2026-2028-1", false)]
    [InlineData("2026-2027-3", false)]
    [InlineData("2026-2027-1\n", false)]
    [InlineData("autumn", false)]
    [InlineData(null, false)]
    public void TryParse_TakesOnlyWhatNameWrites(string? name, bool ok)
    {
        Assert.Equal(ok, Semester.TryParse(name, out var semester));
        if (ok) Assert.Equal(name, semester.Name);
    }

    /// <summary>The roster's "no booking this semester" keeps its meaning: the semester's start.</summary>
    [Fact]
    public void SchoolQueries_SemesterStart_IsTheSemestersStart() =>
        Assert.Equal(new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.FromHours(8)),
            SchoolQueries.SemesterStart(ChinaTime.FromLocal(new DateOnly(2027, 3, 15), new TimeOnly(10, 0))));
}
