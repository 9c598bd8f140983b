using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Families;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Families;

/// <summary>The real host with the demo, whose code sender records what it would send by SMS (the Development adapter only logs it).</summary>
public sealed class FamilyFactory : MarketplaceFactory
{
    public FamilyFactory() { }

    public FamilyFactory(IDictionary<string, string?> settings) : base(settings) { }

    public RecordingCodeSender Codes { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<ICodeSender>(Codes));
    }
}

/// <summary>The last code sent to each phone.</summary>
public sealed class RecordingCodeSender : ICodeSender
{
    private readonly ConcurrentDictionary<string, string> _last = new(StringComparer.Ordinal);

    public bool Available => true;

    public int Sent { get; private set; }

    public string? LastTo(string phone) => _last.GetValueOrDefault(phone);

    public Task SendAsync(string phone, string code, CodePurpose purpose, CancellationToken ct = default)
    {
        _last[phone] = code;
        Sent++;
        return Task.CompletedTask;
    }
}

/// <summary>Pupil roster files and the guardian's activation, as a school and a guardian would send them.</summary>
internal static class Roster
{
    public const string Csv = "text/csv";
    public static readonly string[] Header = ["姓名", "年级", "班级", "监护人姓名", "监护人手机", "家庭经济困难"];

    public static byte[] CsvOf(params string[][] rows)
    {
        var text = new StringBuilder(string.Join(",", Header)).Append("\r\n");
        foreach (var row in rows) text.Append(string.Join(",", row)).Append("\r\n");
        return new UTF8Encoding(false).GetBytes(text.ToString());
    }

    public static Task<HttpResponseMessage> ImportAsync(HttpClient school, Guid schoolId, byte[] file, bool dryRun, string? language = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/schools/{schoolId}/pupils/import?dryRun={(dryRun ? "true" : "false")}") { Content = new ByteArrayContent(file) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(Csv);
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        return school.SendAsync(request);
    }

    /// <summary>Phone code, then activation; the token answer.</summary>
    public static async Task<JsonNode> ActivateAsync(FamilyFactory factory, string phone, string activationCode, string password = "Family#2026")
    {
        var anonymous = factory.CreateClient();
        await (await anonymous.PostJsonAsync("/api/guardian/activation/code", new { phone, activationCode })).AssertStatusAsync(202);
        var phoneCode = factory.Codes.LastTo(phone)!;
        return await (await anonymous.PostJsonAsync("/api/guardian/activate", new { phone, activationCode, phoneCode, password })).AssertStatusAsync(200);
    }

    public static HttpClient WithToken(MarketplaceFactory factory, JsonNode token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token["accessToken"]!.GetValue<string>());
        return client;
    }
}
