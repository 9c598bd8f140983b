using System.Globalization;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Schools.Import;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families;

/// <summary>
/// The school's pupil roster (学生名单, issue 18), read like the bureau's school roster (<see cref="SchoolImportCommands"/>): every bad
/// cell named by line and column, all rows in one commit or none. A pupil is found again by school, name and guardian phone
/// (<see cref="Pupil.KeyOf"/>), so importing the next year's roster moves pupils up a grade instead of duplicating them. A guardian is
/// found by phone across every school: a phone on two schools' rosters is one guardian with children in both. New guardians get a
/// one-time activation code, returned once.
/// </summary>
public sealed class PupilImportCommands(IMarketplaceStore store, TimeProvider clock)
{
    /// <summary>Data rows per file: a large school's whole roster.</summary>
    public const int MaxRows = 5000;

    private static readonly (string Field, string Chinese, bool Required)[] Columns =
    [
        ("name", "姓名", true), ("grade", "年级", true), ("className", "班级", true), ("guardianName", "监护人姓名", true),
        ("guardianPhone", "监护人手机", true), ("hardship", "家庭经济困难", false),
    ];

    private static readonly RosterColumns Header = new(Columns);

    private static readonly string[] GradeNames = ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级"];

    private static readonly Dictionary<string, bool> FlagByText = new(StringComparer.OrdinalIgnoreCase)
    {
        ["是"] = true, ["否"] = false, ["yes"] = true, ["no"] = false, ["true"] = true, ["false"] = false, ["1"] = true, ["0"] = false,
    };

    public async Task<PupilImportReport> ImportAsync(Caller caller, Guid schoolId, RosterTable table, bool dryRun, CancellationToken ct = default)
    {
        var school = await PupilAccess.OwnSchoolAsync(store, caller, schoolId, ct);
        return await ConcurrentChange.RetryAsync(async () =>
        {
            var now = clock.GetUtcNow();
            var plan = await PlanAsync(school, table, now, touch: !dryRun, ct);
            var activations = new List<GuardianActivation>();
            if (plan.Errors.Count == 0 && !dryRun)
            {
                var changes = new StoreChanges();
                foreach (var guardian in plan.Guardians)
                {
                    if (guardian.New)
                    {
                        var code = ActivationCode.New();
                        var user = User.InvitedGuardian(guardian.Phone, guardian.Name, ActivationCode.Hash(code), now + ActivationCode.Lifetime);
                        guardian.UserId = user.Id;
                        changes.Insert(user);
                        activations.Add(new GuardianActivation(guardian.Line, guardian.Name, guardian.Phone, code));
                    }
                    else
                    {
                        // Always written: a school deleting this guardian's last child meanwhile conflicts, and one of the two decides again.
                        if (!guardian.Existing!.Rename(guardian.Name)) guardian.Existing.Linked();
                        guardian.UserId = guardian.Existing.Id;
                        changes.Update(guardian.Existing, guardian.ExpectedVersion);
                    }
                }
                foreach (var row in plan.Rows)
                {
                    if (row.Existing is { } pupil) changes.Update(pupil, row.ExpectedVersion);
                    else changes.Insert(Pupil.Create(school.Id, school.DistrictCode, row.Name, row.Grade, row.ClassName, row.Guardian.UserId,
                        row.Guardian.Phone, row.Hardship, now));
                }
                changes.Insert(AuditEntry.Record(caller, "pupils.import", "school", school.Id.ToString(), now, school.DistrictCode, school.Id,
                    detail: $"inserted={plan.Rows.Count(r => r.Existing is null)} updated={plan.Rows.Count(r => r.Changed)} guardians={activations.Count}"));
                try
                {
                    await store.CommitAsync(changes, ct);
                }
                catch (DuplicateException)
                {
                    // Another import took a roster key or a phone between our read and this commit.
                    throw new DomainRuleException("pupil-import-conflict");
                }
            }
            return new PupilImportReport(dryRun, table.Rows.Count, plan.Rows.Count(r => r.Existing is null), plan.Rows.Count(r => r.Existing is not null && r.Changed),
                plan.Rows.Count(r => r.Existing is not null && !r.Changed), plan.Guardians.Count(g => g.New), plan.Guardians.Count(g => !g.New), plan.Errors, activations);
        });
    }

    private sealed class PlannedGuardian(int line, string phone, string name)
    {
        public int Line { get; } = line;
        public string Phone { get; } = phone;
        public string Name { get; } = name;
        public User? Existing { get; init; }
        public long ExpectedVersion { get; init; }
        public bool New => Existing is null;
        public Guid UserId { get; set; }
    }

    private sealed record PlannedRow(int Line, string Name, int Grade, string ClassName, bool? Hardship, PlannedGuardian Guardian, Pupil? Existing,
        long ExpectedVersion, bool Changed);

    private sealed record Plan(IReadOnlyList<PlannedRow> Rows, IReadOnlyList<PlannedGuardian> Guardians, IReadOnlyList<ImportError> Errors);

    private sealed class Row(int line)
    {
        public int Line { get; } = line;
        public string? Name, ClassName, GuardianName, Phone;
        public int Grade;
        public bool? Hardship;
        public bool Valid = true;
    }

    private async Task<Plan> PlanAsync(School school, RosterTable table, DateTimeOffset now, bool touch, CancellationToken ct)
    {
        var errors = new List<ImportError>();
        if (table.TooManyRows) errors.Add(new ImportError(null, null, null, "import.too-many-rows", new("import.too-many-rows", MaxRows)));
        var columns = Header.ReadHeader(table.Header, errors);
        if (errors.Count > 0) return new Plan([], [], errors);

        var grades = school.StageOrFromGrades is { } stage ? SchoolStages.GradesOf(stage) : [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var rows = table.Rows.Select(r => ReadRow(r, columns, grades, errors)).ToList();
        foreach (var group in rows.Where(r => r.Valid).GroupBy(r => (r.Name, r.Phone)).Where(g => g.Count() > 1))
            foreach (var row in group)
                Fail(row, errors, columns, "name", "import.pupil-repeated", new("import.pupil-repeated", (object)group.Where(r => r != row).Select(r => r.Line).ToArray()));

        var valid = rows.Where(r => r.Valid).ToList();
        var phones = valid.Select(r => r.Phone!).Distinct(StringComparer.Ordinal).ToArray();
        var byPhone = (await store.FindUsersByPhoneAsync(phones, ct)).ToDictionary(u => u.Phone!, StringComparer.Ordinal);
        // A new guardian's username is its phone: a name someone took already (not a guardian's phone) refuses the row.
        var byName = (await store.FindUsersAsync(phones.Where(p => !byPhone.ContainsKey(p)).ToArray(), ct)).ToDictionary(u => u.Username, StringComparer.Ordinal);
        var stored = (await store.FindPupilsByRosterKeyAsync(valid.Select(r => Pupil.KeyOf(school.Id, r.Name!, r.Phone!)).ToArray(), ct))
            .ToDictionary(p => p.RosterKey, StringComparer.Ordinal);

        var guardians = new Dictionary<string, PlannedGuardian>(StringComparer.Ordinal);
        var planned = new List<PlannedRow>();
        foreach (var row in valid)
        {
            if (!guardians.TryGetValue(row.Phone!, out var guardian))
            {
                var existing = byPhone.GetValueOrDefault(row.Phone!);
                if (existing is { Role: not Role.Guardian } || (existing is null && byName.ContainsKey(row.Phone!)))
                {
                    Fail(row, errors, columns, "guardianPhone", "import.phone-taken", new("import.phone-taken"));
                    continue;
                }
                guardian = new PlannedGuardian(row.Line, row.Phone!, row.GuardianName!) { Existing = existing, ExpectedVersion = existing?.Version ?? 0 };
                guardians.Add(row.Phone!, guardian);
            }
            var pupil = stored.GetValueOrDefault(Pupil.KeyOf(school.Id, row.Name!, row.Phone!));
            var expected = pupil?.Version ?? 0;
            var changed = pupil?.Revise(row.Grade, row.ClassName!, columns.ContainsKey("hardship"), row.Hardship, now, touch) ?? true;
            planned.Add(new PlannedRow(row.Line, row.Name!, row.Grade, row.ClassName!, row.Hardship, guardian, pupil, expected, changed));
        }
        // A real import writes only what it plans, and only when every row is good.
        return new Plan(planned, [.. guardians.Values], [.. errors.OrderBy(e => e.Line ?? 0).ThenBy(e => e.Column?.Length ?? 0).ThenBy(e => e.Column, StringComparer.Ordinal)]);
    }

    private static Row ReadRow(RosterRow source, Dictionary<string, string> columns, IReadOnlyList<int> grades, List<ImportError> errors)
    {
        var row = new Row(source.Line);
        var cells = source.Cells.ToDictionary(c => c.Column, c => c.Text.Trim(), StringComparer.Ordinal);
        string? Cell(string field) => columns.TryGetValue(field, out var column) && cells.TryGetValue(column, out var text) && text.Length > 0 ? text : null;
        void Error(string field, string code, UserMessage message) => Fail(row, errors, columns, field, code, message);

        row.Name = Text(Cell("name"), "name", Pupil.MaxNameLength, Error);
        row.ClassName = Text(Cell("className"), "className", Pupil.MaxClassLength, Error);
        row.GuardianName = Text(Cell("guardianName"), "guardianName", Pupil.MaxNameLength, Error);

        if (Cell("grade") is not { } grade) Error("grade", "import.required", new("import.required"));
        else if (GradeOf(grade) is not { } number || !grades.Contains(number)) Error("grade", "import.grade", new("import.grade", grades[0], grades[^1]));
        else row.Grade = number;

        if (Cell("guardianPhone") is not { } phone) Error("guardianPhone", "import.required", new("import.required"));
        else if (PhoneNumbers.Mobile(phone) is not { } mobile) Error("guardianPhone", "import.mobile", new("import.mobile"));
        else row.Phone = mobile;

        if (columns.ContainsKey("hardship"))
        {
            if (Cell("hardship") is not { } flag) row.Hardship = false;
            else if (FlagByText.TryGetValue(flag, out var value)) row.Hardship = value;
            else Error("hardship", "import.flag", new("import.flag"));
        }
        return row;
    }

    /// <summary>3, 三年级 or 3年级.</summary>
    private static int? GradeOf(string text)
    {
        var named = Array.IndexOf(GradeNames, text);
        if (named >= 0) return named + 1;
        var digits = text.EndsWith("年级", StringComparison.Ordinal) ? text[..^2] : text;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 9 ? n : null;
    }

    private static string? Text(string? value, string field, int maxLength, Action<string, string, UserMessage> error)
    {
        if (value is null)
        {
            error(field, "import.required", new("import.required"));
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

    private static void Fail(Row row, List<ImportError> errors, Dictionary<string, string> columns, string field, string code, UserMessage message)
    {
        row.Valid = false;
        errors.Add(new ImportError(row.Line, columns.GetValueOrDefault(field), field, code, message));
    }
}

/// <summary>What a pupil import did (or, in a dry run, would do); any error means nothing was written. <see cref="Activations"/>: the
/// one-time codes of the guardians created, only in the answer to a real import (stored as SHA-256 only, never shown again).</summary>
public sealed record PupilImportReport(
    bool DryRun, int Rows, int PupilsCreated, int PupilsUpdated, int PupilsUnchanged, int GuardiansCreated, int GuardiansLinked,
    IReadOnlyList<ImportError> Errors, IReadOnlyList<GuardianActivation> Activations);

/// <summary>A new guardian's one-time activation code, to hand out (<see cref="Line"/>: the first row naming the guardian).</summary>
public sealed record GuardianActivation(int Line, string GuardianName, string Phone, string Code);
