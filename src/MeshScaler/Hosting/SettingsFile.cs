using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace MeshScaler.Hosting;

/// <summary>
/// <c>MeshScaler:ConfigFile</c>: a JSON settings file (a mounted ConfigMap), read with the other sources and re-read
/// when it changes. What can change live does (logging levels); MeshScaler's own settings are read at start, so a change
/// to them is logged once per edit, naming the keys, with the restart that applies it. A file that is missing or not
/// JSON at start is a named configuration error; an edit that breaks it later is a Warning, and the running settings
/// stay as they were.
/// </summary>
internal sealed partial class SettingsFile(IConfiguration configuration, SettingsFile.ReloadFailure failure, ILogger<SettingsFile> logger) : IHostedService, IDisposable
{
    public const string Key = "MeshScaler:ConfigFile";

    private IDisposable? _subscription;
    private Dictionary<string, string?> _applied = [];

    /// <summary>
    /// Adds the file named by <see cref="Key"/>, if any, right after appsettings.json and appsettings.{Environment}.json:
    /// it wins over them, and environment variables and the command line still win over it.
    /// </summary>
    public static ReloadFailure Add(ConfigurationManager configuration)
    {
        var failure = new ReloadFailure();
        if (configuration[Key] is not { Length: > 0 } file)
        {
            return failure;
        }

        var path = Path.GetFullPath(file);
        if (ReadError(path) is { } error)
        {
            throw new OptionsValidationException(Key, typeof(SettingsFile), [$"{Key} \"{file}\" cannot be read: {error}"]);
        }

        var sources = configuration.Sources;
        var after = sources.Select((s, i) => (s, i)).LastOrDefault(x => x.s is JsonConfigurationSource, (null!, -1)).i;
        var json = new JsonConfigurationSource
        {
            // Polled: Kubernetes updates a ConfigMap volume by swapping a symlink, which change events on the file miss.
            FileProvider = new PhysicalFileProvider(Path.GetDirectoryName(path)!) { UsePollingFileWatcher = true, UseActivePolling = true },
            Path = Path.GetFileName(path),
            ReloadOnChange = true,

            // Only a reload can fail here (the file was read above): keep running, and say so once the reload is seen.
            OnLoadException = context =>
            {
                failure.Set(context.Exception.InnerException?.Message ?? context.Exception.Message);
                context.Ignore = true;
            },
        };
        sources.Insert(after + 1, json);
        return failure;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration[Key] is { Length: > 0 } file)
        {
            _applied = Snapshot();
            _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => OnReload(file));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _subscription?.Dispose();

    private void OnReload(string file)
    {
        if (failure.Take() is { } error)
        {
            LogUnreadable(logger, file, error);
            return;
        }

        var now = Snapshot();
        var changed = now.Keys.Union(_applied.Keys, StringComparer.OrdinalIgnoreCase)
            .Where(k => !string.Equals(now.GetValueOrDefault(k), _applied.GetValueOrDefault(k), StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (changed.Count > 0)
        {
            LogRestartNeeded(logger, file, string.Join(", ", changed));
            _applied = now;
        }
    }

    private Dictionary<string, string?> Snapshot() =>
        configuration.GetSection("MeshScaler").AsEnumerable().Where(kv => kv.Value is not null)
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);

    private static string? ReadError(string path)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(
                File.ReadAllText(path), new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object ? null : "its top level is not a JSON object";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return ex.Message;
        }
    }

    [LoggerMessage(5201, LogLevel.Warning,
        "{File} changed but cannot be read ({Error}): the running settings stay as they were until it is fixed")]
    private static partial void LogUnreadable(ILogger logger, string file, string error);

    [LoggerMessage(5200, LogLevel.Warning,
        "Settings changed in {File}: {Keys}. MeshScaler reads its settings at start: restart it to apply them (kubectl rollout restart deployment/meshscaler); logging levels already apply")]
    private static partial void LogRestartNeeded(ILogger logger, string file, string keys);

    /// <summary>The last reload's error, set by the file's provider and taken by the reload notice.</summary>
    internal sealed class ReloadFailure
    {
        private readonly Lock _gate = new();
        private string? _error;

        public void Set(string error)
        {
            lock (_gate)
            {
                _error = error;
            }
        }

        public string? Take()
        {
            lock (_gate)
            {
                var error = _error;
                _error = null;
                return error;
            }
        }
    }
}
