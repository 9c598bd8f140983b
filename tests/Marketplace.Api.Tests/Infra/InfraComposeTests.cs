using System.Text.RegularExpressions;

namespace Marketplace.Api.Tests.Infra;

/// <summary>
/// Static checks of infra/docker-compose.yml, its CI overlay, the integration workflow and the smoke script. No Docker
/// engine runs here; docker-compose (Debian's v1, which ./test.sh installs) validates the files offline, and the
/// cases that need it or python3's yaml are reported skipped where those are missing.
/// </summary>
public class InfraComposeTests
{
    private const string ComposeFile = "infra/docker-compose.yml";
    private const string CiOverlay = "infra/docker-compose.ci.yml";
    private const string Workflow = ".github/workflows/integration.yml";
    private const string DummyKey = "static-check-only-not-a-real-key-0123456789";

    private static InfraTools.Result Compose(IEnumerable<string> arguments, string? signingKey)
    {
        var compose = InfraTools.Compose();
        Skip.If(compose is null, "neither docker-compose nor the docker compose plugin is installed (./test.sh installs Debian's docker-compose)");
        return InfraTools.Run(compose.Value.File, [.. compose.Value.Prefix, .. arguments],
            new Dictionary<string, string?> { ["MARKETPLACE_JWT_SIGNING_KEY"] = signingKey, ["COMPOSE_PROJECT_NAME"] = "marketplace-static-check" });
    }

    [SkippableTheory]
    [InlineData(ComposeFile)]
    [InlineData(ComposeFile, CiOverlay)]
    public void ComposeFiles_Validate(params string[] files)
    {
        var result = Compose([.. files.SelectMany(f => new[] { "-f", f }), "config", "-q"], DummyKey);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [SkippableFact]
    public void Compose_RefusesToRunWithoutASigningKey()
    {
        var result = Compose(["-f", ComposeFile, "config", "-q"], signingKey: null);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("signing key", result.Error + result.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void CiOverlay_SeedsInDevelopment_WhileTheReplicasStayProduction()
    {
        var result = Compose(["-f", ComposeFile, "-f", CiOverlay, "config"], DummyKey);
        Assert.True(result.ExitCode == 0, result.ToString());
        var services = ServiceBlocks(result.Output);
        Assert.Contains("ASPNETCORE_ENVIRONMENT: Development", services["seed"], StringComparison.Ordinal);
        foreach (var api in new[] { "api1", "api2" })
        {
            Assert.Contains("ASPNETCORE_ENVIRONMENT: Production", services[api], StringComparison.Ordinal);
            Assert.DoesNotContain("SeedDemo", services[api], StringComparison.Ordinal);
            var dependencies = Regex.Match(services[api], @"^    depends_on:\n(?<names>(?:      .*\n)+)", RegexOptions.Multiline).Groups["names"].Value;
            Assert.Matches(new Regex(@"^      seed:[ \t]*$", RegexOptions.Multiline), dependencies);
        }
    }

    /// <summary>Item 19: a late externally versioned delete to a removed index must not re-create it.</summary>
    [Fact]
    public void Elasticsearch_DoesNotAutoCreateIndices()
    {
        var elasticsearch = ServiceBlocks(InfraTools.Read(ComposeFile))["elasticsearch"];
        Assert.Matches(new Regex(@"^\s+action\.auto_create_index:\s*""false""\s*$", RegexOptions.Multiline), elasticsearch);
    }

    /// <summary>nginx believes X-Forwarded-For from the same network as the API, and that is the compose network.</summary>
    [Fact]
    public void TrustedNetwork_IsTheSameInComposeNginxAndTheApi()
    {
        var compose = InfraTools.Read(ComposeFile);
        var nginx = InfraTools.Read("infra/nginx/nginx.conf");
        var subnet = Regex.Match(compose, @"subnet:\s*(\S+)").Groups[1].Value;
        Assert.Equal("172.30.0.0/24", subnet);
        Assert.Equal(subnet, Regex.Match(compose, @"Marketplace__TrustedProxies:\s*(\S+)").Groups[1].Value);
        Assert.Equal([subnet], Regex.Matches(nginx, @"^\s*set_real_ip_from\s+([^;]+);", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray());
        var geo = Regex.Match(nginx, @"geo \$realip_remote_addr \$from_trusted_proxy \{(?<body>[^}]*)\}").Groups["body"].Value;
        Assert.Matches(new Regex(@"^\s*" + Regex.Escape(subnet) + @"\s+1;", RegexOptions.Multiline), geo);
    }

    [Fact]
    public void IntegrationWorkflow_RunsTheContractSuites_WithTheVariablesTheTestsRead_AndTheSmoke()
    {
        var workflow = InfraTools.Read(Workflow);
        var adapterTests = Directory.EnumerateFiles(InfraTools.PathOf("tests/Marketplace.Adapters.Tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText);
        var variables = adapterTests.SelectMany(t => Regex.Matches(t, @"const string Variable = ""(\w+)""").Select(m => m.Groups[1].Value)).ToHashSet();
        Assert.Equal(["MARKETPLACE_TEST_ELASTICSEARCH_URL", "MARKETPLACE_TEST_MONGODB_URI"], variables.Order().ToArray());
        foreach (var variable in variables)
            Assert.Matches(new Regex(@"^\s+" + variable + @":\s*\S+", RegexOptions.Multiline), workflow);
        // The form infra/README.md documents: a host-side client must not follow the replica set to mongo:27017.
        Assert.Contains("replicaSet=rs0&directConnection=true", workflow, StringComparison.Ordinal);
        Assert.Contains("dotnet test tests/Marketplace.Adapters.Tests", workflow, StringComparison.Ordinal);
        Assert.Contains("infra/smoke.sh", workflow, StringComparison.Ordinal);
        Assert.Contains("-f infra/docker-compose.yml -f infra/docker-compose.ci.yml", workflow, StringComparison.Ordinal);
        Assert.Contains("up -d --wait", workflow, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void IntegrationWorkflow_IsValidYaml_WithJobsOfSteps()
    {
        // The python3 on PATH may be a private one without PyYAML; Debian's has it wherever docker-compose is installed.
        var python = new[] { InfraTools.Find("python3"), "/usr/bin/python3" }.Distinct()
            .FirstOrDefault(p => p is not null && File.Exists(p) && InfraTools.Run(p, ["-c", "import yaml"]).ExitCode == 0);
        Skip.If(python is null, "no python3 with PyYAML is installed");
        const string Script = """
            import sys, yaml
            doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
            on = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` key as true
            assert on, "no triggers"
            jobs = doc["jobs"]
            assert {"static", "integration"} <= set(jobs), sorted(jobs)
            for name, job in jobs.items():
                assert job["runs-on"], name
                for step in job["steps"]:
                    assert ("run" in step) != ("uses" in step), (name, step)
            print("ok", sorted(jobs))
            """;
        var result = InfraTools.Run(python!, ["-c", Script, InfraTools.PathOf(Workflow)]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void SmokeScript_ParsesInBash_AndIsExecutable()
    {
        var script = InfraTools.PathOf("infra/smoke.sh");
        var result = InfraTools.Run("bash", ["-n", script]);
        Assert.True(result.ExitCode == 0, result.ToString());
        if (!OperatingSystem.IsWindows())
            Assert.True((File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0, "infra/smoke.sh is not executable");
    }

    /// <summary>The text of each top-level service of a compose file (two-space indented names under <c>services:</c>).</summary>
    private static Dictionary<string, string> ServiceBlocks(string compose)
    {
        const string Start = "\nservices:\n";
        var services = compose[(compose.IndexOf(Start, StringComparison.Ordinal) + Start.Length)..];
        var end = Regex.Match(services, @"^\S", RegexOptions.Multiline); // the next top-level key
        if (end.Success) services = services[..end.Index];
        return Regex.Matches(services, @"^  (?<name>[\w-]+):[ \t]*\n(?<body>(?:(?:    .*)?\n)*)", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["body"].Value);
    }
}
