using System.Text.RegularExpressions;
using Questra.Web.Tests.Features.ApiKeys;

namespace Questra.Web.Tests.Process;

/// <summary>
/// The container files cannot be built here (no container runtime), so what can be checked is: the Dockerfile
/// publishes as the tests do and runs as a non-root user with a health check and a data volume; compose.yaml's
/// instances carry the settings the two-instance test runs with, pointed at its own services.
/// </summary>
public sealed partial class ContainerFilesTests
{
    private static string RepositoryFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, name);
            if (File.Exists(path) && File.Exists(Path.Combine(dir.FullName, "Questra.slnx"))) return File.ReadAllText(path);
        }
        throw new FileNotFoundException(name);
    }

    [Fact]
    public void TheDockerfile_PublishesAsTheTestsDo_RunsAsNonRoot_WithAHealthCheckAndAVolume()
    {
        var dockerfile = RepositoryFile("Dockerfile");
        var publish = PublishLine().Match(dockerfile);
        Assert.True(publish.Success, "a RUN dotnet publish line");
        Assert.Equal(string.Join(' ', AppProcess.PublishArguments("Questra.Web/Questra.Web.csproj", "Release", "/app", noBuild: false)), publish.Groups[1].Value.Trim());
        var stages = dockerfile.Split("\nFROM ");
        var final = stages[^1];
        Assert.Matches(@"(?m)^USER app\s*$", final[final.LastIndexOf("USER ", StringComparison.Ordinal)..]);
        Assert.Contains("COPY --from=build /app .", final);
        Assert.Contains("HEALTHCHECK", final);
        Assert.Contains("/healthz", final);
        Assert.Contains("VOLUME /data", final);
        Assert.Contains("Data Source=/data/questra.db", final);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"Questra.Web.dll\"]", final);
    }

    [Fact]
    public void Compose_GivesItsInstancesTheSettingsOfTheTwoInstanceTest_PointedAtItsServices()
    {
        var compose = RepositoryFile("compose.yaml");
        var settings = SettingLine().Matches(compose).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim().Trim('"'));
        foreach (var name in SharedLimitsFactory.InstanceSettings) Assert.True(settings.ContainsKey(name.Replace(":", "__")), $"compose.yaml sets {name}");
        Assert.Equal("PostgreSQL", settings["Database__Provider"]);
        Assert.StartsWith("Host=postgres;", settings["ConnectionStrings__Questra"]);
        Assert.Equal("redis:6379", settings["Limits__Redis"]);
        Assert.Equal("mailpit", settings["Email__Smtp__Host"]);
        foreach (var service in new[] { "questra-1:", "questra-2:", "postgres:", "redis:", "mailpit:" }) Assert.Contains($"\n  {service}", compose);
    }

    [GeneratedRegex(@"(?m)^RUN dotnet (publish .*)$")]
    private static partial Regex PublishLine();

    [GeneratedRegex(@"(?m)^\s{4}([A-Za-z]+(?:__[A-Za-z]+)+):\s*(.+)$")]
    private static partial Regex SettingLine();
}
