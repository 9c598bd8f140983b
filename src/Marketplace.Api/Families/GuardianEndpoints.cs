using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Localization;
using Marketplace.Core.Families;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Families;

public sealed record PhoneCodeRequest(string? Phone, string? ActivationCode);

/// <summary><c>sentTo</c>: the phone, masked; <c>expiresInSeconds</c>: how long the code counts.</summary>
public sealed record PhoneCodeSent(string SentTo, int ExpiresInSeconds);

public sealed record ActivateRequest(string? Phone, string? ActivationCode, string? PhoneCode, string? Password);

public sealed record ConsentRequest(string? TextVersion);

/// <summary>The consent text in the request's language and its version, which a consent must name.</summary>
public sealed record ConsentTextDto(string Version, string Text);

/// <summary>The guardian's consent in force for this child: the version and when it was given; null when none.</summary>
public sealed record ChildConsentDto(string Version, DateTimeOffset At, bool Current);

/// <summary>A guardian's own child: name, grade, class, school, and its consent.</summary>
public sealed record ChildDto(Guid Id, string Name, int Grade, string ClassName, Guid SchoolId, string SchoolName, ChildConsentDto? Consent)
{
    public static ChildDto From(Child c)
    {
        var p = c.Pupil;
        var given = p.ConsentVersion is { } version ? p.Consents.LastOrDefault(r => r.Given && r.TextVersion == version) : null;
        return new(p.Id, p.Name, p.Grade, p.ClassName, p.SchoolId, c.SchoolName,
            given is null ? null : new ChildConsentDto(given.TextVersion, given.At, given.TextVersion == ConsentText.Version));
    }
}

public static class GuardianEndpoints
{
    internal static void Map(IEndpointRouteBuilder app)
    {
        var activation = app.MapGroup("/api/guardian").WithTags("Families").AllowAnonymous().RequireRateLimiting(Hosting.RateLimits.Login);
        activation.MapPost("/activation/code", SendCode).WithName("SendGuardianPhoneCode").ProducesProblem(409)
            .WithSummary("监护人激活第一步：手机号 + 学校发放的激活码，向该手机发送一次性验证码 / Guardian activation, step 1: the phone and the school's activation code; a one-time code is sent to that phone by SMS.");
        activation.MapPost("/activate", Activate).WithName("ActivateGuardian").ProducesProblem(409)
            .WithSummary("监护人激活第二步：手机号、激活码、短信验证码和新密码，返回令牌；此后用手机号和密码登录 / Guardian activation, step 2: phone, activation code, SMS code and a new password; answers a token. Afterwards the guardian signs in with phone and password at /api/auth/token.");

        var guardian = app.MapGroup("/api/guardian").WithTags("Families").RequireAuthorization(AuthSetup.GuardianPolicy);
        guardian.MapGet("/children", Children).WithName("ListChildren")
            .WithSummary("我的孩子（可能在不同学校）/ The guardian's own children, possibly in several schools.");
        guardian.MapGet("/children/{pupilId:guid}", Child).WithName("GetChild").WithSummary("我的一个孩子 / One of the guardian's own children.");
        guardian.MapGet("/consent-text", Text).WithName("GetConsentText").WithSummary("同意书文本及版本 / The consent text and its version.");
        guardian.MapPost("/children/{pupilId:guid}/consent", Consent).WithName("GiveConsent")
            .WithSummary("同意向服务机构提供孩子的姓名、年级、班级（需给出所见文本的版本）/ Consent that providers of the child's sessions see its name, grade and class; send the version of the text shown.");
        guardian.MapDelete("/children/{pupilId:guid}/consent", Withdraw).WithName("WithdrawConsent")
            .WithSummary("撤回同意 / Withdraw the consent: providers see the child no more.");
    }

    private static async Task<Accepted<PhoneCodeSent>> SendCode(PhoneCodeRequest request, GuardianActivationCommands commands, CancellationToken ct)
    {
        await commands.SendCodeAsync(request.Phone, request.ActivationCode, ct);
        return TypedResults.Accepted((string?)null, new PhoneCodeSent(PhoneNumbers.Masked(PhoneNumbers.Mobile(request.Phone)!), (int)Core.Identity.User.PhoneCodeLifetime.TotalSeconds));
    }

    private static async Task<Ok<TokenResponse>> Activate(ActivateRequest request, GuardianActivationCommands commands, TokenIssuer issuer, StandingCache standings,
        CancellationToken ct)
    {
        var user = await commands.ActivateAsync(request.Phone, request.ActivationCode, request.PhoneCode, request.Password, ct);
        standings.Remember(user);
        return TypedResults.Ok(issuer.Issue(user, []));
    }

    private static async Task<Ok<IReadOnlyList<ChildDto>>> Children(ClaimsPrincipal user, PupilQueries queries, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<ChildDto>>([.. (await queries.ChildrenAsync(user.RequireCaller(), ct)).Select(ChildDto.From)]);

    private static async Task<Ok<ChildDto>> Child(Guid pupilId, ClaimsPrincipal user, PupilQueries queries, CancellationToken ct) =>
        TypedResults.Ok(ChildDto.From(await queries.ChildAsync(user.RequireCaller(), pupilId, ct)));

    private static Ok<ConsentTextDto> Text(HttpContext http) =>
        TypedResults.Ok(new ConsentTextDto(ConsentText.Version, http.Render(new Core.Shared.UserMessage("consent.text"))));

    private static async Task<Ok<ChildDto>> Consent(Guid pupilId, ConsentRequest request, ClaimsPrincipal user, PupilCommands commands, PupilQueries queries,
        CancellationToken ct)
    {
        var caller = user.RequireCaller();
        await commands.ConsentAsync(caller, pupilId, request.TextVersion, ct);
        return TypedResults.Ok(ChildDto.From(await queries.ChildAsync(caller, pupilId, ct)));
    }

    private static async Task<Ok<ChildDto>> Withdraw(Guid pupilId, ClaimsPrincipal user, PupilCommands commands, PupilQueries queries, CancellationToken ct)
    {
        var caller = user.RequireCaller();
        await commands.WithdrawAsync(caller, pupilId, ct);
        return TypedResults.Ok(ChildDto.From(await queries.ChildAsync(caller, pupilId, ct)));
    }
}
