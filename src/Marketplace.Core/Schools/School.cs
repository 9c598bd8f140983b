using System.Text.Json.Serialization;
using Marketplace.Core.Catalog;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Schools;

/// <summary>A primary or junior school that books offerings for its after-school service.</summary>
public sealed class School : IAggregate
{
    [JsonConstructor]
    private School() { }

    public School(Guid id, string name, string districtCode, string address, double lat, double lon, IReadOnlyDictionary<int, int> enrolmentByGrade,
        string? schoolCode = null, SchoolStage? stage = null, string? coordinatorName = null, string? coordinatorPhone = null, SchoolArea? area = null)
    {
        Id = id; Version = 1; Name = name; DistrictCode = districtCode; Address = address; Lat = lat; Lon = lon;
        EnrolmentByGrade = new Dictionary<int, int>(enrolmentByGrade);
        SchoolCode = schoolCode; Stage = stage; CoordinatorName = coordinatorName; CoordinatorPhone = coordinatorPhone; Area = area;
    }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public string Name { get; private set; } = "";
    [JsonInclude] public string DistrictCode { get; private set; } = "";
    [JsonInclude] public string Address { get; private set; } = "";
    [JsonInclude] public double Lat { get; private set; }
    [JsonInclude] public double Lon { get; private set; }
    [JsonInclude] public IReadOnlyDictionary<int, int> EnrolmentByGrade { get; private set; } = new Dictionary<int, int>();

    /// <summary>学校标识码: the ministry's 10-digit school identifier; absent (not "") on schools stored before the roster import.</summary>
    [JsonInclude] public string? SchoolCode { get; private set; }

    /// <summary>学段 as stored; schools stored before it existed have none (<see cref="StageOrFromGrades"/> works it out).</summary>
    [JsonInclude] public SchoolStage? Stage { get; private set; }

    /// <summary>负责人: the school's after-school coordinator, a contact for the bureau.</summary>
    [JsonInclude] public string? CoordinatorName { get; private set; }

    [JsonInclude] public string? CoordinatorPhone { get; private set; }

    /// <summary>城乡: urban or rural as the roster records it (a funding policy may set a different family cap for rural schools); null: not recorded.</summary>
    [JsonInclude] public SchoolArea? Area { get; private set; }

    /// <summary>The stored stage, else the one its grades fit: 1–6 primary, 7–9 junior, both nine-year; null without enrolment.</summary>
    public SchoolStage? StageOrFromGrades => Stage ?? SchoolStages.Of(Grades);

    /// <summary>
    /// The roster import's update: replaces the profile with the row's values; false, and nothing changes (not even the version),
    /// when every value is already the stored one, so a re-import of the same file writes nothing.
    /// </summary>
    public bool Revise(string name, string address, double lat, double lon, IReadOnlyDictionary<int, int> enrolmentByGrade, SchoolStage stage,
        string? coordinatorName, string? coordinatorPhone, SchoolArea? area)
    {
        var sameEnrolment = EnrolmentByGrade.Count == enrolmentByGrade.Count
            && enrolmentByGrade.All(g => EnrolmentByGrade.TryGetValue(g.Key, out var n) && n == g.Value);
        if (Name == name && Address == address && Lat.Equals(lat) && Lon.Equals(lon) && sameEnrolment && Stage == stage
            && CoordinatorName == coordinatorName && CoordinatorPhone == coordinatorPhone && Area == area) return false;
        Name = name; Address = address; Lat = lat; Lon = lon; EnrolmentByGrade = new Dictionary<int, int>(enrolmentByGrade);
        Stage = stage; CoordinatorName = coordinatorName; CoordinatorPhone = coordinatorPhone; Area = area;
        Version++;
        return true;
    }

    public IReadOnlyList<int> Grades => EnrolmentByGrade.Where(g => g.Value > 0).Select(g => g.Key).Order().ToArray();

    public int Enrolment(IEnumerable<int> grades) => grades.Distinct().Sum(g => EnrolmentByGrade.TryGetValue(g, out var n) ? n : 0);
}

/// <summary>城乡: Urban 城区 (town and city schools), Rural 农村 (village schools), as the district's roster classifies them.</summary>
public enum SchoolArea { Urban, Rural }

/// <summary>学段: Primary 小学 (grades 1–6), Junior 初中 (7–9), NineYear 九年一贯制 (1–9).</summary>
public enum SchoolStage { Primary, Junior, NineYear }

public static class SchoolStages
{
    public static IReadOnlyList<int> GradesOf(SchoolStage stage) => stage switch
    {
        SchoolStage.Primary => [1, 2, 3, 4, 5, 6],
        SchoolStage.Junior => [7, 8, 9],
        _ => [1, 2, 3, 4, 5, 6, 7, 8, 9],
    };

    /// <summary>The narrowest stage holding every grade; null for none.</summary>
    public static SchoolStage? Of(IReadOnlyCollection<int> grades) => grades.Count == 0 ? null
        : grades.All(g => g is >= 1 and <= 6) ? SchoolStage.Primary
        : grades.All(g => g is >= 7 and <= 9) ? SchoolStage.Junior
        : SchoolStage.NineYear;
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
