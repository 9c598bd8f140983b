using System.Globalization;
using System.Text.RegularExpressions;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Schools.Import;

/// <summary>
/// The district bureau's school roster import (design §5): every bad cell is reported with its line and column; a real import
/// writes all rows in one commit or nothing. Schools are matched by 学校标识码, so importing the same file again changes nothing.
/// New coordinators get a one-time activation code instead of a password.
/// </summary>
public sealed partial class SchoolImportCommands(IMarketplaceStore store, TimeProvider clock)
{
    /// <summary>Data rows per file; the host stops reading after this many.</summary>
    public const int MaxRows = 2000;
    public const int MaxEnrolmentPerGrade = 5000;

    private static readonly string[] Grades = ["grade1", "grade2", "grade3", "grade4", "grade5", "grade6", "grade7", "grade8", "grade9"];

    /// <summary>Every column by its field name, with the Chinese header it may also have.</summary>
    private static readonly (string Field, string Chinese, bool Required)[] Columns =
    [
        ("name", "学校名称", true), ("schoolCode", "学校标识码", true), ("district", "区县代码", false), ("address", "地址", true),
        ("lat", "纬度", true), ("lon", "经度", true), ("stage", "学段", true), ("area", "城乡", false),
        ("grade1", "一年级", false), ("grade2", "二年级", false), ("grade3", "三年级", false), ("grade4", "四年级", false), ("grade5", "五年级", false),
        ("grade6", "六年级", false), ("grade7", "七年级", false), ("grade8", "八年级", false), ("grade9", "九年级", false),
        ("coordinatorName", "负责人", false), ("coordinatorPhone", "负责人电话", false), ("coordinatorUsername", "负责人用户名", false),
    ];

    private static readonly RosterColumns Header = new(Columns);

    private static readonly Dictionary<string, SchoolStage> StageByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["小学"] = SchoolStage.Primary, ["初中"] = SchoolStage.Junior, ["九年一贯制"] = SchoolStage.NineYear,
        [nameof(SchoolStage.Primary)] = SchoolStage.Primary, [nameof(SchoolStage.Junior)] = SchoolStage.Junior, [nameof(SchoolStage.NineYear)] = SchoolStage.NineYear,
    };

    /// <summary>城乡 as rosters write it. 镇区 is left out on purpose: districts class it either way, so the file must say which.</summary>
    private static readonly Dictionary<string, SchoolArea> AreaByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["城区"] = SchoolArea.Urban, ["城市"] = SchoolArea.Urban, ["城镇"] = SchoolArea.Urban, ["农村"] = SchoolArea.Rural, ["乡村"] = SchoolArea.Rural,
        [nameof(SchoolArea.Urban)] = SchoolArea.Urban, [nameof(SchoolArea.Rural)] = SchoolArea.Rural,
    };

    public async Task<SchoolImportReport> ImportAsync(Caller caller, RosterTable table, bool dryRun, CancellationToken ct = default)
    {
        if (caller.Role != Role.Bureau || caller.Districts.Count == 0) throw new ForbiddenException("forbidden.schools-import");
        // A commit that lost a race (a school changed meanwhile) is read and decided again from the file.
        return await ConcurrentChange.RetryAsync(async () =>
        {
            var plan = await PlanAsync(caller, table, ct);
            var activations = new List<IssuedActivation>();
            if (plan.Errors.Count == 0 && !dryRun)
            {
                var changes = new StoreChanges();
                var now = clock.GetUtcNow();
                foreach (var row in plan.Rows)
                {
                    if (row.Insert) changes.Insert(row.School);
                    else if (row.Changed) changes.Update(row.School, row.ExpectedVersion);
                    if (row.NewUsername is not { } username) continue;
                    var code = ActivationCode.New();
                    changes.Insert(User.Invited(Ids.New(), username, Role.School, row.School.Id, row.School.CoordinatorName ?? username, OrgRole.Admin,
                        ActivationCode.Hash(code), now + ActivationCode.Lifetime));
                    activations.Add(new IssuedActivation(row.Line, username, code));
                }
                // One audit entry per district the file changed, in the same commit. An unchanged file leaves the changes empty,
                // and an empty commit writes nothing.
                foreach (var district in plan.Rows.Where(r => r.Insert || r.Changed).GroupBy(r => r.School.DistrictCode))
                    changes.Insert(AuditEntry.Record(caller, "schools.import", "district", district.Key, now, district.Key,
                        detail: $"inserted={district.Count(r => r.Insert)} updated={district.Count(r => !r.Insert)} accounts={district.Count(r => r.NewUsername is not null)}"));
                try
                {
                    await store.CommitAsync(changes, ct);
                }
                catch (DuplicateException)
                {
                    // Another import (or registration) took a school code or username between our read and this commit.
                    throw new DomainRuleException("import-conflict");
                }
            }
            return new SchoolImportReport(dryRun, table.Rows.Count,
                plan.Rows.Count(r => r.Insert), plan.Rows.Count(r => !r.Insert && r.Changed), plan.Rows.Count(r => !r.Insert && !r.Changed),
                plan.Rows.Count(r => r.NewUsername is not null), plan.Errors, activations);
        });
    }

    private sealed record PlannedRow(int Line, School School, bool Insert, bool Changed, long ExpectedVersion, string? NewUsername);

    private sealed record Plan(IReadOnlyList<PlannedRow> Rows, IReadOnlyList<ImportError> Errors);

    /// <summary>One data row's values, checked one by one.</summary>
    private sealed class Row(int line)
    {
        public int Line { get; } = line;
        public string? Name, SchoolCode, District, Address, CoordinatorName, CoordinatorPhone, Username;
        public double Lat, Lon;
        public SchoolStage Stage;
        public SchoolArea? Area;
        public bool AreaGiven;
        public Dictionary<int, int> Enrolment { get; } = [];
        public bool Valid = true;
    }

    private async Task<Plan> PlanAsync(Caller caller, RosterTable table, CancellationToken ct)
    {
        var errors = new List<ImportError>();
        if (table.TooManyRows) errors.Add(new ImportError(null, null, null, "import.too-many-rows", new("import.too-many-rows", MaxRows)));
        var columns = Header.ReadHeader(table.Header, errors);
        if (errors.Count > 0) return new Plan([], errors);

        var rows = table.Rows.Select(r => ReadRow(caller, r, columns, errors)).ToList();
        Repeated(rows, r => r.SchoolCode, "schoolCode", "import.school-code-repeated", "import.school-code-repeated", columns, errors);
        Repeated(rows, r => r.Username, "coordinatorUsername", "import.username-taken", "import.username-repeated", columns, errors);

        var codes = rows.Where(r => r.Valid).Select(r => r.SchoolCode!).ToArray();
        var stored = codes.Length == 0 ? [] : (await store.FindSchoolsByCodeAsync(codes, ct)).ToDictionary(s => s.SchoolCode!, StringComparer.Ordinal);
        var usernames = rows.Where(r => r.Valid && r.Username is not null).Select(r => r.Username!).ToArray();
        var users = usernames.Length == 0 ? [] : (await store.FindUsersAsync(usernames, ct)).ToDictionary(u => u.Username, StringComparer.Ordinal);

        var planned = new List<PlannedRow>();
        foreach (var row in rows.Where(r => r.Valid))
        {
            var existing = stored.GetValueOrDefault(row.SchoolCode!);
            if (existing is not null && existing.DistrictCode != row.District)
            {
                Fail(row, errors, columns, "schoolCode", "import.school-code-elsewhere", new("import.school-code-elsewhere", existing.DistrictCode));
                continue;
            }
            string? newUser = null;
            if (row.Username is { } username)
            {
                if (users.TryGetValue(username, out var user))
                {
                    // A coordinator already of this school is left alone; anyone else's name is taken.
                    if (existing is null || user.OrganizationId != existing.Id)
                    {
                        Fail(row, errors, columns, "coordinatorUsername", "import.username-taken", new("import.username-taken", username));
                        continue;
                    }
                }
                else newUser = username;
            }
            if (existing is null)
            {
                var school = new School(Ids.New(), row.Name!, row.District!, row.Address!, row.Lat, row.Lon, row.Enrolment, row.SchoolCode, row.Stage,
                    row.CoordinatorName, row.CoordinatorPhone, row.Area);
                planned.Add(new PlannedRow(row.Line, school, Insert: true, Changed: true, 0, newUser));
            }
            else
            {
                var expected = existing.Version;
                // A file without the 城乡 column leaves the recorded area alone; with it, an empty cell clears it.
                var changed = existing.Revise(row.Name!, row.Address!, row.Lat, row.Lon, row.Enrolment, row.Stage, row.CoordinatorName, row.CoordinatorPhone,
                    row.AreaGiven ? row.Area : existing.Area);
                planned.Add(new PlannedRow(row.Line, existing, Insert: false, changed, expected, newUser));
            }
        }
        return new Plan(planned, [.. errors.OrderBy(e => e.Line ?? 0).ThenBy(e => e.Column?.Length ?? 0).ThenBy(e => e.Column, StringComparer.Ordinal)]);
    }

    private static Row ReadRow(Caller caller, RosterRow source, Dictionary<string, string> columns, List<ImportError> errors)
    {
        var row = new Row(source.Line);
        var cells = source.Cells.ToDictionary(c => c.Column, c => c.Text.Trim(), StringComparer.Ordinal);
        string? Cell(string field) => columns.TryGetValue(field, out var column) && cells.TryGetValue(column, out var text) && text.Length > 0 ? text : null;
        void Error(string field, string code, UserMessage message) => Fail(row, errors, columns, field, code, message);

        row.Name = Text(Cell("name"), "name", 100, required: true, Error);
        row.Address = Text(Cell("address"), "address", 200, required: true, Error);
        row.CoordinatorName = Text(Cell("coordinatorName"), "coordinatorName", 50, required: false, Error);

        if (Cell("schoolCode") is not { } code) Error("schoolCode", "import.required", new("import.required"));
        else if (!SchoolCodeFormat().IsMatch(code)) Error("schoolCode", "import.school-code-format", new("import.school-code-format"));
        else row.SchoolCode = code;

        // Empty = the bureau's own district (a district bureau has exactly one).
        var district = Cell("district") ?? (caller.Districts.Count == 1 ? caller.Districts[0] : null);
        if (district is null) Error("district", "import.required", new("import.required"));
        else if (!caller.IsBureauOf(district)) Error("district", "import.district-not-yours", new("import.district-not-yours", district));
        else row.District = district;

        row.Lat = Coordinate(Cell("lat"), "lat", 3.5, 53.6, Error);
        row.Lon = Coordinate(Cell("lon"), "lon", 73.4, 135.1, Error);

        var stageKnown = false;
        if (Cell("stage") is not { } stage) Error("stage", "import.required", new("import.required"));
        else if (StageByName.TryGetValue(stage, out var known)) (row.Stage, stageKnown) = (known, true);
        else Error("stage", "import.stage", new("import.stage"));

        row.AreaGiven = columns.ContainsKey("area");
        if (Cell("area") is { } area)
        {
            if (AreaByName.TryGetValue(area, out var knownArea)) row.Area = knownArea;
            else Error("area", "import.area", new("import.area"));
        }

        for (var grade = 1; grade <= 9; grade++)
        {
            var field = Grades[grade - 1];
            if (Cell(field) is not { } text) continue;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pupils) || pupils > MaxEnrolmentPerGrade)
                Error(field, "import.enrolment", new("import.enrolment", 0, MaxEnrolmentPerGrade));
            else if (pupils > 0 && stageKnown && !SchoolStages.GradesOf(row.Stage).Contains(grade))
                Error(field, "import.enrolment", new("import.enrolment-outside-stage", grade, row.Stage));
            else if (pupils > 0) row.Enrolment[grade] = pupils;
        }

        if (Cell("coordinatorPhone") is { } phone)
        {
            if (PhoneFormat().IsMatch(phone)) row.CoordinatorPhone = phone;
            else Error("coordinatorPhone", "import.phone", new("import.phone"));
        }
        if (Cell("coordinatorUsername") is { } username)
        {
            if (!UsernameFormat().IsMatch(username)) Error("coordinatorUsername", "import.username-format", new("import.username-format", 3, 40));
            else if (row.CoordinatorName is null) Error("coordinatorName", "import.required", new("import.required"));
            else row.Username = User.NormalizeUsername(username);
        }
        return row;
    }

    private static string? Text(string? value, string field, int maxLength, bool required, Action<string, string, UserMessage> error)
    {
        if (value is null)
        {
            if (required) error(field, "import.required", new("import.required"));
            return null;
        }
        UserMessage? bad = value.Length > maxLength ? new("validation.max-length", maxLength)
            : TextRules.FindForbidden(value, multiline: false) is { } c ? c < 0 ? new("validation.invalid-unicode") : new("validation.control-character", $"U+{c:X4}")
            : !TextRules.HasVisible(value) ? new("validation.visible-required")
            : null;
        if (bad is null) return value;
        error(field, "import.text", bad);
        return null;
    }

    /// <summary>A finite decimal degree inside China's extent (a swapped latitude and longitude falls outside it).</summary>
    private static double Coordinate(string? text, string field, double min, double max, Action<string, string, UserMessage> error)
    {
        if (text is null) error(field, "import.required", new("import.required"));
        else if (!double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value) || value < min || value > max)
            error(field, "import.coordinates", new("import.coordinates", min, max));
        else return value;
        return 0;
    }

    /// <summary>A value that must be unique in the file, given twice: both lines are named, each with the other's line.</summary>
    private static void Repeated(List<Row> rows, Func<Row, string?> key, string field, string code, string messageKey,
        Dictionary<string, string> columns, List<ImportError> errors)
    {
        foreach (var group in rows.Where(r => key(r) is not null).GroupBy(r => key(r)!, StringComparer.Ordinal).Where(g => g.Count() > 1))
            foreach (var row in group)
                Fail(row, errors, columns, field, code, new(messageKey, (object)group.Where(r => r != row).Select(r => r.Line).ToArray()));
    }

    private static void Fail(Row row, List<ImportError> errors, Dictionary<string, string> columns, string field, string code, UserMessage message)
    {
        row.Valid = false;
        errors.Add(new ImportError(row.Line, columns.GetValueOrDefault(field), field, code, message));
    }

    // [0-9] and \z: \d takes any script's digits and $ takes a trailing "\n".
    [GeneratedRegex(@"^[0-9]{10}\z")]
    private static partial Regex SchoolCodeFormat();

    [GeneratedRegex(@"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})\z")]
    private static partial Regex PhoneFormat();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{3,40}\z")]
    private static partial Regex UsernameFormat();
}
