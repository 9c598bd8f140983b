using System.Security.Cryptography;
using System.Text;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families;

/// <summary>
/// A guardian's first sign-in (issue 18): the school hands out a one-time activation code (pupil roster import, or
/// <see cref="ReissueAsync"/>); the guardian gives its phone and that code and gets a six-digit code by SMS (<see cref="ICodeSender"/>),
/// proving the phone is theirs; then phone, activation code, phone code and a new password activate the account, which signs in
/// with phone (its username) and password from then on. Every refusal gives one answer (<c>guardian-activation-invalid</c>), so it
/// does not tell which phones are on a roster; the host limits the calls per address like sign-ins.
/// </summary>
public sealed class GuardianActivationCommands(IMarketplaceStore store, IPasswordHashing hashing, ICodeSender sender, TimeProvider clock)
{
    /// <summary>How soon a second phone code may be sent to the same guardian.</summary>
    public static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(60);

    public async Task SendCodeAsync(string? phone, string? activationCode, CancellationToken ct = default)
    {
        Validate(phone, activationCode, phoneCode: "000000", checkPhoneCode: false);
        if (!sender.Available) throw new DomainRuleException("code-sender-unavailable");
        var code = await ConcurrentChange.RetryAsync(async () =>
        {
            var guardian = await GuardianAsync(phone!, activationCode!, ct);
            var now = clock.GetUtcNow();
            // Not again within a minute of the last one (its expiry tells when it was sent): a flood of SMS costs money and annoys.
            if (guardian.PhoneCodeExpiresAt is { } expires && expires - User.PhoneCodeLifetime + ResendAfter > now)
                throw new DomainRuleException("phone-code-too-soon", (int)Math.Ceiling((expires - User.PhoneCodeLifetime + ResendAfter - now).TotalSeconds));
            var expected = guardian.Version;
            var newCode = NewPhoneCode();
            guardian.PhoneCodeSent(Hash(newCode), now);
            await store.CommitAsync(new StoreChanges().Update(guardian, expected), ct);
            return newCode;
        });
        await sender.SendAsync(PhoneNumbers.Mobile(phone)!, code, CodePurpose.GuardianActivation, ct);
    }

    /// <summary>Sets the password; the activated guardian, ready for a token.</summary>
    public async Task<User> ActivateAsync(string? phone, string? activationCode, string? phoneCode, string? password, CancellationToken ct = default)
    {
        var v = Validate(phone, activationCode, phoneCode, checkPhoneCode: true, throwNow: false);
        PasswordRules.Check(v, "password", password, PhoneNumbers.Mobile(phone) ?? phone);
        v.ThrowIfInvalid();
        var hash = hashing.Hash(password!);
        return await ConcurrentChange.RetryAsync(async () =>
        {
            var guardian = await GuardianAsync(phone!, activationCode!, ct);
            var now = clock.GetUtcNow();
            var expected = guardian.Version;
            if (guardian.PhoneCodeHash is not { } stored || guardian.PhoneCodeExpiresAt <= now) throw Invalid();
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(Hash(phoneCode!))))
            {
                guardian.PhoneCodeFailed();
                await store.CommitAsync(new StoreChanges().Update(guardian, expected), ct);
                throw Invalid();
            }
            guardian.Activate(hash);
            await store.CommitAsync(new StoreChanges().Update(guardian, expected), ct);
            return guardian;
        });
    }

    /// <summary>
    /// The school hands a guardian of one of its pupils a new activation code (the first was lost or ran out); refused once the
    /// guardian has activated (409 <c>guardian-already-active</c>).
    /// </summary>
    public async Task<GuardianActivation> ReissueAsync(Caller caller, Guid schoolId, Guid guardianId, CancellationToken ct = default)
    {
        var school = await PupilAccess.OwnSchoolAsync(store, caller, schoolId, ct);
        var children = await store.ListPupilsAsync(new PupilFilter(GuardianId: guardianId, Limit: 100), ct);
        if (!children.Any(c => c.SchoolId == school.Id)) throw new NotFoundException("guardian", guardianId);
        return await ConcurrentChange.RetryAsync(async () =>
        {
            var guardian = await store.FindAsync<User>(guardianId, ct);
            if (guardian is not { Role: Role.Guardian, Phone: { } phone }) throw new NotFoundException("guardian", guardianId);
            var expected = guardian.Version;
            var code = ActivationCode.New();
            var now = clock.GetUtcNow();
            guardian.ReissueActivation(ActivationCode.Hash(code), now + ActivationCode.Lifetime);
            await store.CommitAsync(new StoreChanges().Update(guardian, expected)
                .Insert(AuditEntry.Record(caller, "guardians.reissue-activation", "user", guardian.Id.ToString(), now, school.DistrictCode, school.Id)), ct);
            return new GuardianActivation(0, guardian.DisplayName, phone, code);
        });
    }

    /// <summary>The guardian awaiting activation with this phone and this unexpired activation code; anything else the one refusal.</summary>
    private async Task<User> GuardianAsync(string phone, string activationCode, CancellationToken ct)
    {
        var mobile = PhoneNumbers.Mobile(phone)!;
        var guardian = (await store.FindUsersByPhoneAsync([mobile], ct)).FirstOrDefault();
        if (guardian is not { Role: Role.Guardian, AwaitsActivation: true, ActivationHash: { } activation } || guardian.Disabled || guardian.OrganizationDisabled
            || guardian.ActivationExpiresAt <= clock.GetUtcNow() || !ActivationCode.Matches(activation, activationCode))
            throw Invalid();
        return guardian;
    }

    private static Validator Validate(string? phone, string? activationCode, string? phoneCode, bool checkPhoneCode, bool throwNow = true)
    {
        var v = new Validator()
            .Require(PhoneNumbers.Mobile(phone) is not null, "phone", new("validation.mobile"))
            .Require(activationCode is { Length: > 0 and <= 40 }, "activationCode", new("validation.required"));
        if (checkPhoneCode) v.Require(phoneCode is { Length: 6 } && phoneCode.All(char.IsAsciiDigit), "phoneCode", new("validation.phone-code"));
        if (throwNow) v.ThrowIfInvalid();
        return v;
    }

    private static DomainRuleException Invalid() => new("guardian-activation-invalid");

    private static string NewPhoneCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    private static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(code)));
}
