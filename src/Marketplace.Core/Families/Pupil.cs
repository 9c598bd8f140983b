using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families;

/// <summary>
/// A pupil (学生) of one school, as the school's pupil roster gives it — and nothing more (PIPL: a minor's personal information,
/// minimal fields): name, grade, class, the guardians (users of role Guardian, by id) and, where the school records it, the
/// 家庭经济困难 flag (hardship pupils pay no family fee; the selection window's weights and the bills read it). Found again on a
/// re-import by <see cref="RosterKey"/> (school, name, guardian phone), so a promotion to the next grade updates the pupil.
/// </summary>
public sealed class Pupil : IAggregate
{
    public const int MaxNameLength = 50;
    public const int MaxClassLength = 30;

    [JsonConstructor]
    private Pupil() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid SchoolId { get; private set; }
    [JsonInclude] public string DistrictCode { get; private set; } = "";
    [JsonInclude] public string Name { get; private set; } = "";
    [JsonInclude] public int Grade { get; private set; }

    /// <summary>班级 as the school writes it (三班, 3, 3班).</summary>
    [JsonInclude] public string ClassName { get; private set; } = "";

    [JsonInclude] public IReadOnlyList<Guid> GuardianIds { get; private set; } = [];

    /// <summary>家庭经济困难: true or false where the school records it; null when its roster has no such column.</summary>
    [JsonInclude] public bool? Hardship { get; private set; }

    /// <summary>Unique per school: <see cref="KeyOf"/>.</summary>
    [JsonInclude] public string RosterKey { get; private set; } = "";

    /// <summary>Every consent given or withdrawn, oldest first (who, when, which text).</summary>
    [JsonInclude] public IReadOnlyList<ConsentRecord> Consents { get; private set; } = [];

    /// <summary>The text version of the consent in force (the last record, when it gives consent); null: none. Stored for the counts.</summary>
    [JsonInclude] public string? ConsentVersion { get; private set; }

    [JsonInclude] public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The last roster import that listed this pupil: one not listed for <c>Marketplace:Retention:Pupils</c> is deleted.</summary>
    [JsonInclude] public DateTimeOffset RosteredAt { get; private set; }

    public static string KeyOf(Guid schoolId, string name, string guardianPhone) => $"{schoolId:N}:{guardianPhone}:{name}";

    public static Pupil Create(Guid schoolId, string districtCode, string name, int grade, string className, Guid guardianId, string guardianPhone,
        bool? hardship, DateTimeOffset now) => new()
    {
        Id = Ids.New(), Version = 1, SchoolId = schoolId, DistrictCode = districtCode, Name = name, Grade = grade, ClassName = className,
        GuardianIds = [guardianId], Hardship = hardship, RosterKey = KeyOf(schoolId, name, guardianPhone), CreatedAt = now, RosteredAt = now,
    };

    /// <summary>Whether <paramref name="guardianId"/> is one of this pupil's guardians.</summary>
    public bool HasGuardian(Guid guardianId) => GuardianIds.Contains(guardianId);

    /// <summary>The consent in force is for <paramref name="textVersion"/>: a provider may see this pupil in its class lists.</summary>
    public bool ConsentedTo(string textVersion) => ConsentVersion == textVersion;

    /// <summary>
    /// A re-import: the row's grade, class and hardship flag (<paramref name="hardshipGiven"/>: the file has the column; without it the
    /// recorded flag stays). Returns whether anything the school sees changed; <see cref="RosteredAt"/> moves either way when
    /// <paramref name="touch"/> (a real import), so retention counts from the last roster that listed the pupil.
    /// </summary>
    public bool Revise(int grade, string className, bool hardshipGiven, bool? hardship, DateTimeOffset now, bool touch)
    {
        var newHardship = hardshipGiven ? hardship : Hardship;
        var changed = Grade != grade || ClassName != className || Hardship != newHardship;
        if (!changed && !touch) return false;
        (Grade, ClassName, Hardship) = (grade, className, newHardship);
        if (touch) RosteredAt = now;
        Version++;
        return changed;
    }

    /// <summary>A guardian consents (to <paramref name="textVersion"/>, the version shown); again with the same version changes nothing.</summary>
    public bool Consent(Guid guardianId, string textVersion, DateTimeOffset now)
    {
        if (!HasGuardian(guardianId)) throw new ForbiddenException("forbidden.not-your-child");
        if (ConsentVersion == textVersion) return false;
        Consents = [.. Consents, new ConsentRecord(guardianId, now, textVersion, Given: true)];
        ConsentVersion = textVersion;
        Version++;
        return true;
    }

    /// <summary>A guardian withdraws consent: providers see the pupil no more. Without a consent in force nothing changes.</summary>
    public bool Withdraw(Guid guardianId, DateTimeOffset now)
    {
        if (!HasGuardian(guardianId)) throw new ForbiddenException("forbidden.not-your-child");
        if (ConsentVersion is null) return false;
        Consents = [.. Consents, new ConsentRecord(guardianId, now, ConsentVersion, Given: false)];
        ConsentVersion = null;
        Version++;
        return true;
    }
}

/// <summary>One consent given or withdrawn: by which guardian, when, for which version of the consent text.</summary>
public sealed record ConsentRecord(Guid GuardianId, DateTimeOffset At, string TextVersion, bool Given);
