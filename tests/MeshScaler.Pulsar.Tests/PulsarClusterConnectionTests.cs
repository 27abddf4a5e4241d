using MeshScaler.Core;
using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.Testing;
using Microsoft.Extensions.Logging;

namespace MeshScaler.Pulsar.Tests;

public sealed class PulsarClusterConnectionTests : IAsyncLifetime
{
    private const string StatsPath = "/admin/v2/persistent/public/default/orders-in/stats";
    private const int FailingEvent = 2011;
    private const int RecoveredEvent = 2012;
    private const int CircuitOpenedEvent = 2004;
    private PulsarAdminEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TestSupport.StartEmulatorAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task GetAsync_ConsecutiveFailuresWithRetries_OneWarningThenOneInformationOnRecovery()
    {
        _emulator.State.CreateTopic("public/default/orders-in");
        _emulator.SetFault(EmulatorFault.ServerError());
        var logger = new TestLogger<PulsarAdminClient>();

        // A circuit that never opens, so only the first-failure warning is expected.
        var settings = TestSupport.FastRetries with { MinimumThroughput = 1000 };
        using var client = TestSupport.Client(new PulsarOptions { MaxRetries = 2 }, settings: settings, logger: logger);

        for (var i = 0; i < 6; i++)
        {
            await Assert.ThrowsAsync<ScalingException>(() => StatsAsync(client));
        }

        _emulator.ClearAllFaults();
        await StatsAsync(client);
        await StatsAsync(client);

        // 6 failed calls of 3 attempts each, then 2 successes.
        Assert.Equal(20, _emulator.RequestCount(StatsPath));
        var warning = Assert.Single(logger.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal(FailingEvent, warning.EventId);
        Assert.Contains("returned 500 Internal Server Error", warning.Message, StringComparison.Ordinal);
        var information = Assert.Single(logger.Entries, e => e.Level == LogLevel.Information);
        Assert.Equal(RecoveredEvent, information.EventId);
        Assert.All(logger.Entries, e => Assert.InRange(e.EventId, 2000, 2099));
    }

    [Fact]
    public async Task GetAsync_OutageOpensCircuit_WarningsOnlyForFirstFailureAndCircuitOpened()
    {
        var clock = new ManualTimeProvider();
        _emulator.SetFault(EmulatorFault.Refuse());
        var logger = new TestLogger<PulsarAdminClient>();
        using var client = TestSupport.Client(new PulsarOptions { MaxRetries = 0 }, clock, logger: logger);

        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<ScalingException>(() => StatsAsync(client));
        }

        Assert.Equal(
            [FailingEvent, CircuitOpenedEvent],
            logger.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.EventId));
        Assert.Equal(20, logger.Entries.Count(e => e.EventId == 2000 && e.Level == LogLevel.Debug));
    }

    private Task<TopicStats> StatsAsync(PulsarAdminClient client) =>
        client.GetTopicStatsAsync(
            new PulsarClusterRef("prod", _emulator.BaseAddress), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None)
            .WaitAsync(TestSupport.Wait);
}
