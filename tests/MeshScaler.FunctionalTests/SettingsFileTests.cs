using MeshScaler.FunctionalTests.Infrastructure;
using MeshScaler.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshScaler.FunctionalTests;

/// <summary><c>MeshScaler:ConfigFile</c>, a mounted ConfigMap: read at start, edits noticed, a broken edit survived.</summary>
public sealed class SettingsFileTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Edit_OfMeshScalerSettings_IsLoggedWithTheKeysAndTheRestartThatAppliesThem()
    {
        var file = Path.Combine(Path.GetTempPath(), $"meshscaler-settings-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{ "MeshScaler": { "Pulsar": { "IdleEviction": "10m" } } }""");
        try
        {
            await using var host = await ScalerHost.StartAsync((settings, _) => settings[SettingsFile.Key] = file);

            await File.WriteAllTextAsync(file, """{ "MeshScaler": { "Pulsar": { "IdleEviction": "20m" } } }""");
            var notice = await host.Logs.WaitForEventAsync(5200).WaitAsync(Timeout);

            Assert.Equal(LogLevel.Warning, notice.Level);
            Assert.Contains("MeshScaler:Pulsar:IdleEviction", notice.Message, StringComparison.Ordinal);
            Assert.Contains("restart", notice.Message, StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, "{ not json");
            var broken = await host.Logs.WaitForEventAsync(5201).WaitAsync(Timeout);

            Assert.Equal(LogLevel.Warning, broken.Level);
            Assert.Contains(file, broken.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("{ not json", "cannot be read")]
    [InlineData("[1, 2]", "its top level is not a JSON object")]
    public void Build_FileThatIsNotASettingsObject_IsANamedConfigurationError(string content, string expected)
    {
        var file = Path.Combine(Path.GetTempPath(), $"meshscaler-settings-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, content);
        try
        {
            var error = Assert.ThrowsAny<Exception>(() => MeshScalerApp.Build([$"--{SettingsFile.Key}={file}"]));

            var failure = Assert.Single(ConfigurationErrors.From(error));
            Assert.StartsWith($"{SettingsFile.Key} \"{file}\" cannot be read: ", failure, StringComparison.Ordinal);
            Assert.Contains(expected, failure, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Build_MissingFile_IsANamedConfigurationError()
    {
        var error = Assert.ThrowsAny<Exception>(() => MeshScalerApp.Build([$"--{SettingsFile.Key}=/nonexistent/meshscaler.json"]));

        Assert.StartsWith($"{SettingsFile.Key} \"/nonexistent/meshscaler.json\" cannot be read: ", Assert.Single(ConfigurationErrors.From(error)), StringComparison.Ordinal);
    }
}
