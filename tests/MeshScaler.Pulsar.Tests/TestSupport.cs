using MeshScaler.Core;
using MeshScaler.Emulation.PulsarAdmin;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MeshScaler.Pulsar.Tests;

/// <summary>Shared helpers: payload files, clients wired to emulators, temp files.</summary>
internal static class TestSupport
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>No retry delay, so retries are counted without waiting; everything else as in production.</summary>
    public static readonly PulsarResilienceSettings FastRetries = PulsarResilienceSettings.Default with { RetryBaseDelay = TimeSpan.Zero };

    public static byte[] Payload(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Payloads", name));

    public static PulsarAdminClient Client(
        PulsarOptions? options = null,
        TimeProvider? timeProvider = null,
        PulsarResilienceSettings? settings = null,
        ILogger<PulsarAdminClient>? logger = null) =>
        new(
            Options.Create(options ?? new PulsarOptions()),
            timeProvider ?? TimeProvider.System,
            logger ?? NullLogger<PulsarAdminClient>.Instance,
            settings ?? FastRetries);

    /// <summary>Options with one cluster named <paramref name="name"/> at <paramref name="emulator"/>.</summary>
    public static PulsarOptions OneCluster(PulsarAdminEmulator emulator, string name = "test", Action<PulsarClusterOptions>? configure = null, int maxRetries = 2)
    {
        var cluster = new PulsarClusterOptions { AdminUrl = emulator.BaseAddress.AbsoluteUri };
        configure?.Invoke(cluster);
        var options = new PulsarOptions { MaxRetries = maxRetries };
        options.Clusters[name] = cluster;
        return options;
    }

    public static PulsarClusterRef Ref(PulsarAdminEmulator emulator, string name = "test") => new(name, emulator.BaseAddress);

    public static TopicName Topic(string name) =>
        TopicName.TryParse(name, out var topic, out var error) ? topic : throw new ArgumentException(error, nameof(name));

    public static Task<PulsarAdminEmulator> StartEmulatorAsync(TimeProvider? timeProvider = null) =>
        PulsarAdminEmulator.StartAsync(new PulsarAdminEmulatorOptions { TimeProvider = timeProvider ?? TimeProvider.System }).WaitAsync(Wait);
}
