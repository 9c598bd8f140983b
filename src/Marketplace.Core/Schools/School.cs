using System.Text.Json.Serialization;
using Marketplace.Core.Catalog;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Schools;

/// <summary>A primary or junior school that books offerings for its after-school service.</summary>
public sealed class School : IAggregate
{
    [JsonConstructor]
    private School() { }

    public School(Guid id, string name, string districtCode, string address, double lat, double lon, IReadOnlyDictionary<int, int> enrolmentByGrade)
    {
        Id = id; Version = 1; Name = name; DistrictCode = districtCode; Address = address; Lat = lat; Lon = lon;
        EnrolmentByGrade = new Dictionary<int, int>(enrolmentByGrade);
    }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public string Name { get; private set; } = "";
    [JsonInclude] public string DistrictCode { get; private set; } = "";
    [JsonInclude] public string Address { get; private set; } = "";
    [JsonInclude] public double Lat { get; private set; }
    [JsonInclude] public double Lon { get; private set; }
    [JsonInclude] public IReadOnlyDictionary<int, int> EnrolmentByGrade { get; private set; } = new Dictionary<int, int>();

    public IReadOnlyList<int> Grades => EnrolmentByGrade.Where(g => g.Value > 0).Select(g => g.Key).Order().ToArray();

    public int Enrolment(IEnumerable<int> grades) => grades.Distinct().Sum(g => EnrolmentByGrade.TryGetValue(g, out var n) ? n : 0);
}

public sealed record PlanWindow(DayOfWeek DayOfWeek, TimeOnly Start, TimeOnly End);

/// <summary>一校一案: the school's plan for one semester (e.g. "2026-2027-1").</summary>
public sealed class SchoolPlan : IAggregate
{
    [JsonConstructor]
    private SchoolPlan() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid SchoolId { get; private set; }
    [JsonInclude] public string Semester { get; private set; } = "";
    [JsonInclude] public IReadOnlyList<Category> TargetCategories { get; private set; } = [];
    [JsonInclude] public IReadOnlyList<PlanWindow> Windows { get; private set; } = [];
    [JsonInclude] public IReadOnlyDictionary<Category, int> PupilsExpected { get; private set; } = new Dictionary<Category, int>();
    [JsonInclude] public long BudgetFen { get; private set; }
    [JsonInclude] public DateTimeOffset UpdatedAt { get; private set; }

    public static SchoolPlan Create(Guid schoolId, string semester) => new() { Id = Ids.New(), SchoolId = schoolId, Semester = semester };

    public void Set(IReadOnlyList<Category> targets, IReadOnlyList<PlanWindow> windows, IReadOnlyDictionary<Category, int> pupils, long budgetFen, DateTimeOffset now)
    {
        TargetCategories = targets.Distinct().ToArray();
        Windows = windows;
        PupilsExpected = new Dictionary<Category, int>(pupils);
        BudgetFen = budgetFen;
        UpdatedAt = now;
        Version++;
    }
}
