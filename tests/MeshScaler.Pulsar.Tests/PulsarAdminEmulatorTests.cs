using System.Net;
using System.Text.Json;
using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.Testing;

namespace MeshScaler.Pulsar.Tests;

public sealed class PulsarAdminEmulatorTests : IAsyncLifetime
{
    private const string Sub = "public/default/order-enricher";
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private PulsarAdminEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TestSupport.StartEmulatorAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Stats_NonPartitioned_PulsarShape()
    {
        _emulator.State.CreateTopic("public/default/orders-in");
        _emulator.State.SetRates("public/default/orders-in", 10);
        _emulator.State.SetSubscription("public/default/orders-in", Sub, backlog: 5, msgRateOut: 8, consumers: 2);

        using var doc = await GetJsonAsync("/admin/v2/persistent/public/default/orders-in/stats");

        var root = doc.RootElement;
        Assert.Equal(-1, root.GetProperty("backlogQuotaLimitSize").GetInt64());
        Assert.Equal(-1, root.GetProperty("oldestBacklogMessageAgeSeconds").GetInt64());
        Assert.True(root.TryGetProperty("ownerBroker", out _));
        var sub = root.GetProperty("subscriptions").GetProperty(Sub);
        Assert.True(sub.GetProperty("isDurable").GetBoolean());
        Assert.True(sub.GetProperty("durable").GetBoolean());
        Assert.Equal(5, sub.GetProperty("msgBacklog").GetInt64());
        var consumers = sub.GetProperty("consumers");
        Assert.Equal(2, consumers.GetArrayLength());
        Assert.Equal("order-enricher-function-1", consumers[1].GetProperty("metadata").GetProperty("instance_hostname").GetString());
        Assert.Equal("1", consumers[1].GetProperty("metadata").GetProperty("instance_id").GetString());
        Assert.EndsWith("Z", consumers[0].GetProperty("lastAckedTime").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PartitionedStats_MergedNamelessConsumersAndPerPartitionOwners()
    {
        _emulator.State.CreateTopic("public/default/payments", partitions: 2);
        _emulator.State.SetSubscription("public/default/payments", Sub, backlog: 9, msgRateOut: 4, consumers: 2);

        using var doc = await GetJsonAsync("/admin/v2/persistent/public/default/payments/partitioned-stats");

        var root = doc.RootElement;
        Assert.False(root.TryGetProperty("ownerBroker", out _));
        Assert.Equal(2, root.GetProperty("metadata").GetProperty("partitions").GetInt32());
        var merged = root.GetProperty("subscriptions").GetProperty(Sub);
        Assert.Equal(9, merged.GetProperty("msgBacklog").GetInt64());
        Assert.All(merged.GetProperty("consumers").EnumerateArray(), c => Assert.False(c.TryGetProperty("consumerName", out _)));
        var partitions = root.GetProperty("partitions");
        Assert.Equal(
            ["persistent://public/default/payments-partition-0", "persistent://public/default/payments-partition-1"],
            partitions.EnumerateObject().Select(p => p.Name));
        Assert.Equal(5, partitions.GetProperty("persistent://public/default/payments-partition-0").GetProperty("subscriptions").GetProperty(Sub).GetProperty("msgBacklog").GetInt64());
        Assert.True(partitions.GetProperty("persistent://public/default/payments-partition-1").TryGetProperty("ownerBroker", out _));
    }

    [Fact]
    public async Task PartitionedStats_NonPartitionedTopic_PulsarReason()
    {
        _emulator.State.CreateTopic("public/default/orders-in");

        using var response = await _http.GetAsync(new Uri(_emulator.BaseAddress, "/admin/v2/persistent/public/default/orders-in/partitioned-stats")).WaitAsync(TestSupport.Wait);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(
            "{\"reason\":\"Partitioned Topic persistent://public/default/orders-in not found\"}",
            await response.Content.ReadAsStringAsync().WaitAsync(TestSupport.Wait));
    }

    [Theory]
    [InlineData("/admin/v2/persistent/public/default/payments/partitions", "{\"partitions\":2}")]
    [InlineData("/admin/v2/persistent/public/default/orders-in/partitions", "{\"partitions\":0}")]
    [InlineData("/admin/v2/persistent/public/default/unknown/partitions", "{\"partitions\":0}")]
    [InlineData("/admin/v2/persistent/public/default", "[\"persistent://public/default/orders-in\",\"persistent://public/default/payments-partition-0\",\"persistent://public/default/payments-partition-1\"]")]
    [InlineData("/admin/v2/persistent/public/default/partitioned", "[\"persistent://public/default/payments\"]")]
    public async Task Get_MetadataEndpoints_PulsarBodies(string path, string expected)
    {
        _emulator.State.CreateTopic("public/default/orders-in");
        _emulator.State.CreateTopic("public/default/payments", partitions: 2);

        using var response = await _http.GetAsync(new Uri(_emulator.BaseAddress, path)).WaitAsync(TestSupport.Wait);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync().WaitAsync(TestSupport.Wait));
    }

    [Fact]
    public async Task Faults_PerPrefixAndClearable()
    {
        _emulator.State.CreateTopic("public/default/orders-in");
        _emulator.SetFault(EmulatorFault.ServerError(), "/admin/v2/persistent/public/default/orders-in/stats");

        using var failing = await _http.GetAsync(new Uri(_emulator.BaseAddress, "/admin/v2/persistent/public/default/orders-in/stats")).WaitAsync(TestSupport.Wait);
        using var other = await _http.GetAsync(new Uri(_emulator.BaseAddress, "/admin/v2/persistent/public/default/orders-in/partitions")).WaitAsync(TestSupport.Wait);
        _emulator.ClearFault("/admin/v2/persistent/public/default/orders-in/stats");
        using var cleared = await _http.GetAsync(new Uri(_emulator.BaseAddress, "/admin/v2/persistent/public/default/orders-in/stats")).WaitAsync(TestSupport.Wait);

        Assert.Equal(HttpStatusCode.InternalServerError, failing.StatusCode);
        Assert.Equal("text/plain", failing.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Stacktrace:", await failing.Content.ReadAsStringAsync().WaitAsync(TestSupport.Wait), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(2, _emulator.RequestCount("/admin/v2/persistent/public/default/orders-in/stats"));
        Assert.Equal(3, _emulator.RequestCount("/admin/v2/persistent/public/default/orders-in"));
    }

    [Fact]
    public async Task RedirectTo_LocationKeepsPathAndQueryAddsAuthoritative()
    {
        _emulator.SetFault(EmulatorFault.RedirectTo(new Uri("http://127.0.0.1:9")));

        using var response = await _http.GetAsync(new Uri(_emulator.BaseAddress, "/admin/v2/persistent/public/default/x/stats?authoritative=true&getPreciseBacklog=false")).WaitAsync(TestSupport.Wait);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(
            "http://127.0.0.1:9/admin/v2/persistent/public/default/x/stats?getPreciseBacklog=false&authoritative=false",
            response.Headers.Location?.AbsoluteUri);
    }

    [Fact]
    public async Task DemoWorkload_AppliedOnRequest_DeterministicFromTime()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var demo = await PulsarAdminEmulator.StartAsync(new PulsarAdminEmulatorOptions { TimeProvider = clock, Workload = new DemoWorkload() })
            .WaitAsync(TestSupport.Wait);
        var backlogs = new List<long>();
        foreach (var seconds in new[] { 0, 15, 30, 60, 90, 15 + 120 })
        {
            var target = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(seconds);
            clock.Advance(target - clock.GetUtcNow() < TimeSpan.Zero ? TimeSpan.Zero : target - clock.GetUtcNow());
            using var response = await _http.GetAsync(new Uri(demo.BaseAddress, "/admin/v2/persistent/public/default/orders-in/stats")).WaitAsync(TestSupport.Wait);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync().WaitAsync(TestSupport.Wait));
            backlogs.Add(doc.RootElement.GetProperty("subscriptions").GetProperty(DemoWorkload.Subscription).GetProperty("msgBacklog").GetInt64());
        }

        // Rises through the burst (0-30 s), drains by 90 s, and repeats every two minutes.
        Assert.Equal([0, 750, 1500, 750, 0, 750], backlogs);
    }

    [Fact]
    public async Task Stats_CountersSetByWorkload_ServedIncreasingAndParsed()
    {
        _emulator.State.CreateTopic("public/default/orders-in");
        var served = new List<(long? In, long? Out)>();
        foreach (var (published, processed) in new[] { (100L, 90L), (250L, 240L), (400L, 400L) })
        {
            _emulator.State.SetRates("public/default/orders-in", 10, published);
            _emulator.State.SetSubscription("public/default/orders-in", Sub, backlog: published - processed, msgRateOut: 8, consumers: 1, msgOutCounter: processed);
            using var doc = await GetJsonAsync("/admin/v2/persistent/public/default/orders-in/stats");
            var stats = PulsarStatsParser.ParseTopicStats(System.Text.Encoding.UTF8.GetBytes(doc.RootElement.GetRawText()), "emulator");
            served.Add((stats.MsgInCounter, stats.Subscriptions[Sub].MsgOutCounter));
            Assert.Equal(processed, doc.RootElement.GetProperty("msgOutCounter").GetInt64());
        }

        Assert.Equal([(100, 90), (250, 240), (400, 400)], served);
    }

    [Fact]
    public async Task Stats_CountersNeverSet_Omitted()
    {
        _emulator.State.CreateTopic("public/default/orders-in");
        _emulator.State.SetRates("public/default/orders-in", 10);
        _emulator.State.SetSubscription("public/default/orders-in", Sub, backlog: 5, msgRateOut: 8, consumers: 2);

        using var doc = await GetJsonAsync("/admin/v2/persistent/public/default/orders-in/stats");

        Assert.False(doc.RootElement.TryGetProperty("msgInCounter", out _));
        Assert.False(doc.RootElement.GetProperty("subscriptions").GetProperty(Sub).TryGetProperty("msgOutCounter", out _));
    }

    [Fact]
    public async Task PartitionedStats_Counters_SplitOverPartitionsAndSummed_ResetToZero()
    {
        _emulator.State.CreateTopic("public/default/payments", partitions: 2);
        _emulator.State.SetRates("public/default/payments", 4, msgInCounter: 101);
        _emulator.State.SetSubscription("public/default/payments", Sub, backlog: 1, msgRateOut: 4, consumers: 2, msgOutCounter: 99);

        using (var doc = await GetJsonAsync("/admin/v2/persistent/public/default/payments/partitioned-stats"))
        {
            var root = doc.RootElement;
            Assert.Equal(101, root.GetProperty("msgInCounter").GetInt64());
            Assert.Equal(99, root.GetProperty("subscriptions").GetProperty(Sub).GetProperty("msgOutCounter").GetInt64());
            var p0 = root.GetProperty("partitions").GetProperty("persistent://public/default/payments-partition-0");
            Assert.Equal(51, p0.GetProperty("msgInCounter").GetInt64());
            Assert.Equal(50, p0.GetProperty("subscriptions").GetProperty(Sub).GetProperty("msgOutCounter").GetInt64());
        }

        // A topic unload: counters start again from 0 while the backlog is unchanged.
        _emulator.State.ResetCounters("public/default/payments");
        using (var doc = await GetJsonAsync("/admin/v2/persistent/public/default/payments/partitioned-stats"))
        {
            Assert.Equal(0, doc.RootElement.GetProperty("msgInCounter").GetInt64());
            Assert.Equal(0, doc.RootElement.GetProperty("subscriptions").GetProperty(Sub).GetProperty("msgOutCounter").GetInt64());
            Assert.Equal(1, doc.RootElement.GetProperty("subscriptions").GetProperty(Sub).GetProperty("msgBacklog").GetInt64());
        }
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(_emulator.BaseAddress, path)).WaitAsync(TestSupport.Wait);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync().WaitAsync(TestSupport.Wait));
    }
}
