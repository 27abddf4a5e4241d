using MeshScaler.Core;
using MeshScaler.Emulation.PulsarAdmin;
using MeshScaler.Testing;

namespace MeshScaler.Pulsar.Tests;

public sealed class PulsarAdminClientTests : IAsyncLifetime
{
    private const string Sub = "public/default/order-enricher";
    private const string StatsPath = "/admin/v2/persistent/public/default/orders-in/stats";
    private readonly TempDirectory _dir = new();
    private PulsarAdminEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TestSupport.StartEmulatorAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task GetTopicStatsAsync_NonPartitioned_ValuesFromEmulator()
    {
        _emulator.State.CreateTopic("public/default/orders-in");
        _emulator.State.SetRates("public/default/orders-in", 412.5);
        _emulator.State.SetSubscription("public/default/orders-in", Sub, backlog: 1526, msgRateOut: 380, consumers: 2, "Shared", avgMessagesPerEntry: 4);
        using var client = TestSupport.Client();

        var stats = await client.GetTopicStatsAsync(Unconfigured(), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None)
            .WaitAsync(TestSupport.Wait);

        Assert.Equal(412.5, stats.MsgRateIn);
        Assert.Equal(0, stats.Partitions);
        Assert.Equal(new SubscriptionStats(1526, 380, 2, 4, "Shared"), stats.Subscriptions[Sub]);
    }

    [Fact]
    public async Task GetTopicStatsAsync_Partitioned_SumsOverPartitions()
    {
        _emulator.State.CreateTopic("public/default/payments", partitions: 3);
        _emulator.State.SetRates("public/default/payments", 300);
        _emulator.State.SetSubscription("public/default/payments", Sub, backlog: 1000, msgRateOut: 90, consumers: 2, "Key_Shared", avgMessagesPerEntry: 3);
        using var client = TestSupport.Client();
        var topic = TestSupport.Topic("persistent://public/default/payments");

        var partitions = await client.GetPartitionCountAsync(Unconfigured(), topic, CancellationToken.None).WaitAsync(TestSupport.Wait);
        var stats = await client.GetTopicStatsAsync(Unconfigured(), topic, partitions, CancellationToken.None).WaitAsync(TestSupport.Wait);

        Assert.Equal(3, partitions);
        Assert.Equal(300, stats.MsgRateIn, 9);
        Assert.Equal(3, stats.Partitions);
        var sub = stats.Subscriptions[Sub];
        Assert.Equal(1000, sub.MsgBacklog);
        Assert.Equal(90, sub.MsgRateOut, 9);
        Assert.Equal(2, sub.ConsumerCount);
        Assert.Equal(3, sub.AvgMessagesPerEntry);
        Assert.Equal("Key_Shared", sub.Type);
        Assert.Equal(0, _emulator.RequestCount("/admin/v2/persistent/public/default/payments-partition-"));
    }

    [Fact]
    public async Task GetTopicStatsAsync_PartitionMissingFromAggregate_FetchedAndAdded()
    {
        _emulator.State.CreateTopic("public/default/payments", partitions: 2);
        _emulator.State.SetRates("public/default/payments", 100);
        _emulator.State.SetSubscription("public/default/payments", Sub, backlog: 0, msgRateOut: 40, consumers: 1);
        _emulator.State.SetPartitionBacklog("public/default/payments", Sub, 0, 10);
        _emulator.State.SetPartitionBacklog("public/default/payments", Sub, 1, 32);
        _emulator.State.HidePartitionFromAggregate("public/default/payments", 1);
        using var client = TestSupport.Client();

        var stats = await client.GetTopicStatsAsync(Unconfigured(), TestSupport.Topic("public/default/payments"), 2, CancellationToken.None)
            .WaitAsync(TestSupport.Wait);

        Assert.Equal(42, stats.Subscriptions[Sub].MsgBacklog);
        Assert.Equal(100, stats.MsgRateIn, 9);
        Assert.Equal(40, stats.Subscriptions[Sub].MsgRateOut, 9);
        Assert.Equal(1, _emulator.RequestCount("/admin/v2/persistent/public/default/payments-partition-1/stats"));
    }

    [Fact]
    public async Task GetTopicStatsAsync_MissingPartitionFetchFails_Fails()
    {
        _emulator.State.CreateTopic("public/default/payments", partitions: 2);
        _emulator.State.SetSubscription("public/default/payments", Sub, backlog: 5);
        _emulator.State.HidePartitionFromAggregate("public/default/payments", 0);
        _emulator.SetFault(EmulatorFault.NotFound(), "/admin/v2/persistent/public/default/payments-partition-0");
        using var client = TestSupport.Client();

        var ex = await Assert.ThrowsAsync<ScalingException>(() =>
            client.GetTopicStatsAsync(Unconfigured(), TestSupport.Topic("public/default/payments"), 2, CancellationToken.None).WaitAsync(TestSupport.Wait));

        Assert.Equal(ScalingErrorKind.NotFound, ex.Kind);
        Assert.StartsWith(
            $"cluster '{Unconfigured().Name}': partitioned stats of persistent://public/default/payments lack 1 of 2 partitions and fetching them failed: ",
            ex.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetPartitionCountAsync_UnknownTopic_ZeroLikePulsar()
    {
        using var client = TestSupport.Client();

        var count = await client.GetPartitionCountAsync(Unconfigured(), TestSupport.Topic("public/default/nope"), CancellationToken.None).WaitAsync(TestSupport.Wait);

        Assert.Equal(0, count);
    }

    [Fact]
    public async Task GetTopicStatsAsync_UnknownTopic_NotFoundWithPulsarReason()
    {
        using var client = TestSupport.Client();

        var ex = await Assert.ThrowsAsync<ScalingException>(() =>
            client.GetTopicStatsAsync(Unconfigured(), TestSupport.Topic("public/default/nope"), 0, CancellationToken.None).WaitAsync(TestSupport.Wait));

        Assert.Equal(ScalingErrorKind.NotFound, ex.Kind);
        Assert.Equal(
            $"cluster '{Unconfigured().Name}': GET /admin/v2/persistent/public/default/nope/stats returned 404 Not Found: Topic persistent://public/default/nope not found",
            ex.Message);
        Assert.Equal(1, _emulator.RequestCount("/admin/v2/persistent/public/default/nope/stats"));
    }

    [Fact]
    public async Task ListTopicsAsync_PartitionsFolded()
    {
        _emulator.State.CreateTopic("public/default/orders-in");
        _emulator.State.CreateTopic("public/default/payments", partitions: 3);
        _emulator.State.CreateTopic("other/ns/elsewhere");
        using var client = TestSupport.Client();

        var topics = await client.ListTopicsAsync(Unconfigured(), "public", "default", CancellationToken.None).WaitAsync(TestSupport.Wait);

        Assert.Equal(2, topics.Count);
        Assert.Equal(0, topics[TestSupport.Topic("public/default/orders-in")]);
        Assert.Equal(3, topics[TestSupport.Topic("public/default/payments")]);
    }

    [Fact]
    public async Task GetTopicStatsAsync_RedirectToOwner_TokenResentAndAuthoritativeKept()
    {
        await using var owner = await TestSupport.StartEmulatorAsync();
        owner.State.CreateTopic("public/default/orders-in");
        owner.State.SetSubscription("public/default/orders-in", Sub, backlog: 7);
        owner.SetFault(EmulatorFault.RequireToken("secret-token"));
        _emulator.SetFault(EmulatorFault.RedirectTo(owner.BaseAddress));
        var tokenFile = _dir.Write("token", "secret-token\n");
        using var client = TestSupport.Client(TestSupport.OneCluster(_emulator, configure: c => c.TokenFile = tokenFile));

        var stats = await client.GetTopicStatsAsync(TestSupport.Ref(_emulator), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None)
            .WaitAsync(TestSupport.Wait);

        Assert.Equal(7, stats.Subscriptions[Sub].MsgBacklog);
        var seen = Assert.Single(owner.Requests);
        Assert.Equal("Bearer secret-token", seen.Authorization);
        Assert.Equal("token", seen.AuthMethodName);
        Assert.Equal(StatsPath, seen.Path);
        Assert.Equal("?getEarliestTimeInBacklog=true&authoritative=false", seen.Query);
    }

    [Fact]
    public async Task GetTopicStatsAsync_RedirectLoop_StoppedAfterFiveHops()
    {
        await using var other = await TestSupport.StartEmulatorAsync();
        _emulator.SetFault(EmulatorFault.RedirectTo(other.BaseAddress));
        other.SetFault(EmulatorFault.RedirectTo(_emulator.BaseAddress));
        using var client = TestSupport.Client();

        var ex = await Assert.ThrowsAsync<ScalingException>(() =>
            client.GetTopicStatsAsync(Unconfigured(), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None).WaitAsync(TestSupport.Wait));

        Assert.Equal(ScalingErrorKind.Unavailable, ex.Kind);
        Assert.Equal($"cluster '{Unconfigured().Name}': GET {StatsPath}: too many redirects (more than 5)", ex.Message);

        // 1 request + 5 followed redirects; the 6th redirect is refused and, not being transient, not retried.
        Assert.Equal(6, _emulator.RequestCount() + other.RequestCount());
    }

    [Fact]
    public async Task GetTopicStatsAsync_TokenFileRewritten_NextCallUsesNewToken()
    {
        _emulator.State.CreateTopic("public/default/orders-in");
        var tokenFile = _dir.Write("token", "first-token");
        _emulator.SetFault(EmulatorFault.RequireToken("first-token"));
        using var client = TestSupport.Client(TestSupport.OneCluster(_emulator, configure: c => c.TokenFile = tokenFile));
        await client.GetTopicStatsAsync(TestSupport.Ref(_emulator), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None).WaitAsync(TestSupport.Wait);

        File.WriteAllText(tokenFile, "second-token-rotated");
        File.SetLastWriteTimeUtc(tokenFile, DateTime.UtcNow.AddMinutes(1));
        _emulator.SetFault(EmulatorFault.RequireToken("second-token-rotated"));
        await client.GetTopicStatsAsync(TestSupport.Ref(_emulator), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None).WaitAsync(TestSupport.Wait);

        Assert.Equal(["Bearer first-token", "Bearer second-token-rotated"], _emulator.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task GetTopicStatsAsync_TokenFileKubernetesSymlinkSwap_NextCallUsesNewToken()
    {
        // Kubernetes layout: token -> ..data/token, ..data -> ..<timestamp>; an update points ..data at a new directory.
        _emulator.State.CreateTopic("public/default/orders-in");
        var first = Directory.CreateDirectory(Path.Combine(_dir.Path, "..2026_01_01_00_00_00.1")).FullName;
        File.WriteAllText(Path.Combine(first, "token"), "first-token\n");
        var data = Path.Combine(_dir.Path, "..data");
        Directory.CreateSymbolicLink(data, first);
        var tokenFile = Path.Combine(_dir.Path, "token");
        File.CreateSymbolicLink(tokenFile, Path.Combine("..data", "token"));
        _emulator.SetFault(EmulatorFault.RequireToken("first-token"));
        using var client = TestSupport.Client(TestSupport.OneCluster(_emulator, configure: c => c.TokenFile = tokenFile));
        var topic = TestSupport.Topic("public/default/orders-in");
        await client.GetTopicStatsAsync(TestSupport.Ref(_emulator), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait);

        var second = Directory.CreateDirectory(Path.Combine(_dir.Path, "..2026_01_01_01_00_00.2")).FullName;
        File.WriteAllText(Path.Combine(second, "token"), "second-token-rotated\n");
        // The kubelet renames a new link over ..data (atomic); .NET cannot rename a directory link over another, and
        // no request runs in between, so delete-then-create shows the client the same result.
        Directory.Delete(data);
        Directory.CreateSymbolicLink(data, second);
        _emulator.SetFault(EmulatorFault.RequireToken("second-token-rotated"));
        await client.GetTopicStatsAsync(TestSupport.Ref(_emulator), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait);

        Assert.Equal(["Bearer first-token", "Bearer second-token-rotated"], _emulator.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task GetTopicStatsAsync_OAuth2_TokenCachedThenRefreshedAfterExpiry()
    {
        var clock = new ManualTimeProvider();
        _emulator.State.CreateTopic("public/default/orders-in");
        _emulator.ConfigureOAuth2("meshscaler", "client-secret-value", TimeSpan.FromMinutes(2));
        var credentials = _dir.Write(
            "oauth.json",
            "{\"type\":\"client_credentials\",\"client_id\":\"meshscaler\",\"client_secret\":\"client-secret-value\",\"client_email\":\"m@example.com\",\"issuer_url\":\"http://ignored\"}");
        var options = TestSupport.OneCluster(_emulator, configure: c => c.OAuth2 = new PulsarOAuth2Options
        {
            IssuerUrl = _emulator.BaseAddress.AbsoluteUri,
            Audience = "urn:pulsar",
            CredentialsFile = credentials,
        });
        using var client = TestSupport.Client(options, clock);
        var topic = TestSupport.Topic("public/default/orders-in");

        for (var i = 0; i < 3; i++)
        {
            await client.GetTopicStatsAsync(TestSupport.Ref(_emulator), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait);
        }

        Assert.Equal(["emu-token-1"], _emulator.IssuedTokens);
        clock.Advance(TimeSpan.FromSeconds(91));
        await client.GetTopicStatsAsync(TestSupport.Ref(_emulator), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait);

        Assert.Equal(["emu-token-1", "emu-token-2"], _emulator.IssuedTokens);
        Assert.Equal(1, _emulator.RequestCount("/.well-known/openid-configuration"));
        Assert.Equal(
            ["Bearer emu-token-1", "Bearer emu-token-1", "Bearer emu-token-1", "Bearer emu-token-2"],
            _emulator.Requests.Where(r => r.Path == StatsPath).Select(r => r.Authorization));
    }

    [Fact]
    public async Task GetTopicStatsAsync_OAuth2TokenRevoked_401ThenNextCallGetsANewToken()
    {
        _emulator.State.CreateTopic("public/default/orders-in");
        _emulator.ConfigureOAuth2("meshscaler", "client-secret-value", TimeSpan.FromHours(1));
        using var client = TestSupport.Client(OAuth2Cluster());
        var topic = TestSupport.Topic("public/default/orders-in");
        await client.GetTopicStatsAsync(TestSupport.Ref(_emulator), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait);
        _emulator.RevokeIssuedTokens();

        var ex = await Assert.ThrowsAsync<ScalingException>(() =>
            client.GetTopicStatsAsync(TestSupport.Ref(_emulator), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait));
        var stats = await client.GetTopicStatsAsync(TestSupport.Ref(_emulator), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait);

        Assert.Equal(ScalingErrorKind.PermissionDenied, ex.Kind);
        Assert.StartsWith($"cluster 'test': GET {StatsPath} returned 401 Unauthorized: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, stats.Partitions);
        Assert.Equal(["emu-token-1", "emu-token-2"], _emulator.IssuedTokens);
        Assert.Equal(
            ["Bearer emu-token-1", "Bearer emu-token-1", "Bearer emu-token-2"],
            _emulator.Requests.Where(r => r.Path == StatsPath).Select(r => r.Authorization));
    }

    [Fact]
    public async Task GetTopicStatsAsync_OAuth2ShortLivedToken_ReusedForHalfItsLifetime()
    {
        var clock = new ManualTimeProvider();
        _emulator.State.CreateTopic("public/default/orders-in");
        _emulator.ConfigureOAuth2("meshscaler", "client-secret-value", TimeSpan.FromSeconds(20));
        using var client = TestSupport.Client(OAuth2Cluster(), clock);
        var topic = TestSupport.Topic("public/default/orders-in");

        for (var i = 0; i < 3; i++)
        {
            await client.GetTopicStatsAsync(TestSupport.Ref(_emulator), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait);
        }

        clock.Advance(TimeSpan.FromSeconds(9));
        await client.GetTopicStatsAsync(TestSupport.Ref(_emulator), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait);
        Assert.Equal(["emu-token-1"], _emulator.IssuedTokens);

        // Margin min(30 s, 20 s / 2) = 10 s: refreshed from 10 s on, still before the token expires.
        clock.Advance(TimeSpan.FromSeconds(2));
        await client.GetTopicStatsAsync(TestSupport.Ref(_emulator), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait);
        Assert.Equal(["emu-token-1", "emu-token-2"], _emulator.IssuedTokens);
    }

    [Fact]
    public async Task GetTopicStatsAsync_OAuth2WrongSecret_UnauthenticatedWithoutSecret()
    {
        _emulator.ConfigureOAuth2("meshscaler", "right", TimeSpan.FromMinutes(2));
        var credentials = _dir.Write("oauth.json", "{\"client_id\":\"meshscaler\",\"client_secret\":\"wrong-secret-value\"}");
        var options = TestSupport.OneCluster(_emulator, configure: c => c.OAuth2 = new PulsarOAuth2Options
        {
            IssuerUrl = _emulator.BaseAddress.AbsoluteUri,
            CredentialsFile = credentials,
        });
        using var client = TestSupport.Client(options);

        var ex = await Assert.ThrowsAsync<ScalingException>(() =>
            client.GetTopicStatsAsync(TestSupport.Ref(_emulator), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None).WaitAsync(TestSupport.Wait));

        Assert.Equal(ScalingErrorKind.Unauthenticated, ex.Kind);
        Assert.Equal(
            $"cluster 'test': OAuth2 token request to {_emulator.BaseAddress.AbsoluteUri}oauth/token returned 401: invalid_client (bad client credentials)",
            ex.Message);
        Assert.DoesNotContain("wrong-secret-value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTopicStatsAsync_Basic_HeaderAndMethodName()
    {
        _emulator.State.CreateTopic("public/default/orders-in");
        var passwordFile = _dir.Write("password", "p@ss\n");
        using var client = TestSupport.Client(TestSupport.OneCluster(
            _emulator, configure: c => c.Basic = new PulsarBasicAuthOptions { Username = "admin", PasswordFile = passwordFile }));

        await client.GetTopicStatsAsync(TestSupport.Ref(_emulator), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None).WaitAsync(TestSupport.Wait);

        var seen = Assert.Single(_emulator.Requests);
        Assert.Equal("Basic " + Convert.ToBase64String("admin:p@ss"u8.ToArray()), seen.Authorization);
        Assert.Equal("basic", seen.AuthMethodName);
    }

    [Fact]
    public async Task GetTopicStatsAsync_NoToken_UnauthenticatedNotRetried()
    {
        _emulator.SetFault(EmulatorFault.RequireToken("expected"));
        using var client = TestSupport.Client();

        var ex = await Assert.ThrowsAsync<ScalingException>(() =>
            client.GetTopicStatsAsync(Unconfigured(), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None).WaitAsync(TestSupport.Wait));

        Assert.Equal(ScalingErrorKind.Unauthenticated, ex.Kind);
        Assert.Equal(
            $"cluster '{Unconfigured().Name}': GET {StatsPath} returned 401 Unauthorized: authentication required; the cluster's credentials are missing or were rejected",
            ex.Message);
        Assert.Equal(1, _emulator.RequestCount());
    }

    [Fact]
    public async Task GetTopicStatsAsync_WrongToken_PermissionDeniedWithoutToken()
    {
        _emulator.SetFault(EmulatorFault.RequireToken("expected"));
        var tokenFile = _dir.Write("token", "wrong-token-value");
        using var client = TestSupport.Client(TestSupport.OneCluster(_emulator, configure: c => c.TokenFile = tokenFile));

        var ex = await Assert.ThrowsAsync<ScalingException>(() =>
            client.GetTopicStatsAsync(TestSupport.Ref(_emulator), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None).WaitAsync(TestSupport.Wait));

        Assert.Equal(ScalingErrorKind.PermissionDenied, ex.Kind);
        Assert.Equal(
            $"cluster 'test': GET {StatsPath} returned 401 Unauthorized: Unauthorized to validateTopicOperation for operation [GET_STATS] on topic [persistent://public/default/orders-in]",
            ex.Message);
        Assert.DoesNotContain("wrong-token-value", ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, _emulator.RequestCount());
    }

    [Fact]
    public async Task GetTopicStatsAsync_ServerError_TransientRetriedMaxRetriesTimes()
    {
        _emulator.SetFault(EmulatorFault.ServerError());
        using var client = TestSupport.Client();

        var ex = await Assert.ThrowsAsync<ScalingException>(() =>
            client.GetTopicStatsAsync(Unconfigured(), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None).WaitAsync(TestSupport.Wait));

        Assert.Equal(ScalingErrorKind.Unavailable, ex.Kind);
        Assert.True(ex.IsTransient);
        Assert.Equal(
            $"cluster '{Unconfigured().Name}': GET {StatsPath} returned 500 Internal Server Error: " +
            "java.util.concurrent.CompletionException: org.apache.pulsar.broker.service.BrokerServiceException: emulated failure",
            ex.Message);
        Assert.Equal(3, _emulator.RequestCount());
    }

    [Fact]
    public async Task GetTopicStatsAsync_ConnectionRefused_TransientRetried()
    {
        _emulator.SetFault(EmulatorFault.Refuse());
        using var client = TestSupport.Client();

        var ex = await Assert.ThrowsAsync<ScalingException>(() =>
            client.GetTopicStatsAsync(Unconfigured(), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None).WaitAsync(TestSupport.Wait));

        Assert.Equal(ScalingErrorKind.Unavailable, ex.Kind);
        Assert.True(ex.IsTransient);
        Assert.StartsWith($"cluster '{Unconfigured().Name}': GET {StatsPath} failed (", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, _emulator.RequestCount());
    }

    [Fact]
    public async Task GetTopicStatsAsync_NothingListening_TransientUnavailable()
    {
        var port = _emulator.BaseAddress.Port;
        await _emulator.DisposeAsync();
        _emulator = await TestSupport.StartEmulatorAsync();
        using var client = TestSupport.Client(new PulsarOptions { MaxRetries = 0 });
        var cluster = new PulsarClusterRef("gone", new Uri($"http://127.0.0.1:{port}"));

        var ex = await Assert.ThrowsAsync<ScalingException>(() =>
            client.GetTopicStatsAsync(cluster, TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None).WaitAsync(TestSupport.Wait));

        Assert.Equal(ScalingErrorKind.Unavailable, ex.Kind);
        Assert.True(ex.IsTransient);
        Assert.StartsWith($"cluster 'gone': GET {StatsPath} failed (", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTopicStatsAsync_Garbage_UnavailableNotRetried()
    {
        _emulator.SetFault(EmulatorFault.Garbage());
        using var client = TestSupport.Client();

        var ex = await Assert.ThrowsAsync<ScalingException>(() =>
            client.GetTopicStatsAsync(Unconfigured(), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None).WaitAsync(TestSupport.Wait));

        Assert.Equal(ScalingErrorKind.Unavailable, ex.Kind);
        Assert.StartsWith($"cluster '{Unconfigured().Name}': invalid stats for persistent://public/default/orders-in: not valid JSON", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, _emulator.RequestCount());
    }

    [Fact]
    public async Task GetTopicStatsAsync_SlowerThanRequestTimeout_TransientTimeout()
    {
        _emulator.SetFault(EmulatorFault.Slow(TimeSpan.FromSeconds(30)));
        using var client = TestSupport.Client(new PulsarOptions { MaxRetries = 0, RequestTimeout = TimeSpan.FromMilliseconds(200) });

        var ex = await Assert.ThrowsAsync<ScalingException>(() =>
            client.GetTopicStatsAsync(Unconfigured(), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None).WaitAsync(TestSupport.Wait));

        Assert.Equal(ScalingErrorKind.Unavailable, ex.Kind);
        Assert.True(ex.IsTransient);
        Assert.Equal($"cluster '{Unconfigured().Name}': GET {StatsPath} timed out after 0.2 s", ex.Message);
    }

    [Fact]
    public async Task GetTopicStatsAsync_RepeatedTransportFailures_CircuitOpensThenClosesAfterBreak()
    {
        var clock = new ManualTimeProvider();
        _emulator.State.CreateTopic("public/default/orders-in");
        _emulator.SetFault(EmulatorFault.Refuse());
        using var client = TestSupport.Client(new PulsarOptions { MaxRetries = 0 }, clock);
        var topic = TestSupport.Topic("public/default/orders-in");

        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<ScalingException>(() =>
                client.GetTopicStatsAsync(Unconfigured(), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait));
        }

        var open = await Assert.ThrowsAsync<ScalingException>(() =>
            client.GetTopicStatsAsync(Unconfigured(), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait));

        Assert.Equal(ScalingErrorKind.Unavailable, open.Kind);
        Assert.True(open.IsTransient);
        Assert.StartsWith(
            $"circuit open for cluster '{Unconfigured().Name}' after repeated failures: cluster '{Unconfigured().Name}': GET {StatsPath} failed (",
            open.Message,
            StringComparison.Ordinal);
        Assert.Equal(5, _emulator.RequestCount());

        _emulator.ClearAllFaults();
        clock.Advance(TimeSpan.FromSeconds(16));
        var stats = await client.GetTopicStatsAsync(Unconfigured(), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait);

        Assert.Equal(0, stats.Partitions);
        Assert.Equal(6, _emulator.RequestCount());
    }

    [Fact]
    public async Task GetTopicStatsAsync_OneTopicFailingWithRetries_CircuitStaysClosedForItsNeighbours()
    {
        // 3 attempts per call on the bad topic, 20 calls: 60 failed requests against 1 good one.
        _emulator.State.CreateTopic("public/default/orders-in");
        _emulator.State.CreateTopic("public/default/broken");
        _emulator.SetFault(EmulatorFault.ServerError(), "/admin/v2/persistent/public/default/broken");
        using var client = TestSupport.Client(new PulsarOptions { MaxRetries = 2 });
        var bad = TestSupport.Topic("public/default/broken");

        for (var i = 0; i < 20; i++)
        {
            var failure = await Assert.ThrowsAsync<ScalingException>(() =>
                client.GetTopicStatsAsync(Unconfigured(), bad, 0, CancellationToken.None).WaitAsync(TestSupport.Wait));
            Assert.StartsWith($"cluster '{Unconfigured().Name}': GET /admin/v2/persistent/public/default/broken/stats returned 500", failure.Message, StringComparison.Ordinal);
        }

        var stats = await client.GetTopicStatsAsync(Unconfigured(), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None).WaitAsync(TestSupport.Wait);

        Assert.Equal(0, stats.Partitions);
        Assert.Equal(60, _emulator.RequestCount("/admin/v2/persistent/public/default/broken"));
    }

    [Fact]
    public async Task GetTopicStatsAsync_TransportFailureRetried_CountsOnceTowardsTheCircuit()
    {
        // 4 calls of 3 attempts each: 12 refused requests are 4 outcomes, below the breaker's minimum throughput (5).
        _emulator.State.CreateTopic("public/default/orders-in");
        _emulator.SetFault(EmulatorFault.Refuse());
        using var client = TestSupport.Client(new PulsarOptions { MaxRetries = 2 });
        var topic = TestSupport.Topic("public/default/orders-in");
        for (var i = 0; i < 4; i++)
        {
            var failure = await Assert.ThrowsAsync<ScalingException>(() =>
                client.GetTopicStatsAsync(Unconfigured(), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait));
            Assert.DoesNotContain("circuit open", failure.Message, StringComparison.Ordinal);
        }

        _emulator.ClearAllFaults();
        var stats = await client.GetTopicStatsAsync(Unconfigured(), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait);

        Assert.Equal(0, stats.Partitions);
        Assert.Equal(13, _emulator.RequestCount());
    }

    [Fact]
    public async Task GetTopicStatsAsync_ClusterNotConfigured_InvalidArgumentNoRequest()
    {
        using var client = TestSupport.Client(TestSupport.OneCluster(_emulator));

        var ex = await Assert.ThrowsAsync<ScalingException>(() => client.GetTopicStatsAsync(
            new PulsarClusterRef("test", new Uri("http://127.0.0.1:1")), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None));

        Assert.Equal(ScalingErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("cluster 'test' at \"http://127.0.0.1:1\" is not a configured cluster", ex.Message);
        Assert.Equal(0, _emulator.RequestCount());
    }

    [Fact]
    public async Task GetTopicStatsAsync_UnreadableCaFile_UnavailableNamingTheFiles()
    {
        var notPem = _dir.Write("ca.pem", "not a certificate");
        var options = TestSupport.OneCluster(_emulator, configure: c => c.Tls = new PulsarTlsOptions { CaFile = notPem });
        using var client = TestSupport.Client(options);

        var ex = await Assert.ThrowsAsync<ScalingException>(() => client.GetTopicStatsAsync(
            TestSupport.Ref(_emulator), TestSupport.Topic("public/default/orders-in"), 0, CancellationToken.None));

        Assert.Equal(ScalingErrorKind.Unavailable, ex.Kind);
        Assert.Equal($"cluster 'test': cannot load the Tls certificate files: Tls:CaFile \"{notPem}\" holds no PEM certificate", ex.Message);
        Assert.Equal(0, _emulator.RequestCount());
    }

    [Fact]
    public async Task GetPartitionCountAsync_TooManyUnconfiguredClusters_InvalidArgumentUntilIdleOnesEvicted()
    {
        var clock = new ManualTimeProvider();
        using var client = TestSupport.Client(timeProvider: clock);
        var topic = TestSupport.Topic("public/default/orders-in");
        for (var i = 0; i < PulsarAdminClient.MaxAdHocConnections; i++)
        {
            await client.GetPartitionCountAsync(new PulsarClusterRef($"c{i}", _emulator.BaseAddress), topic, CancellationToken.None)
                .WaitAsync(TestSupport.Wait);
        }

        var ex = await Assert.ThrowsAsync<ScalingException>(() =>
            client.GetPartitionCountAsync(new PulsarClusterRef("c64", _emulator.BaseAddress), topic, CancellationToken.None).WaitAsync(TestSupport.Wait));

        Assert.Equal(ScalingErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(
            $"cluster 'c64' at \"{AdminUrls.Display(_emulator.BaseAddress)}\": too many distinct adminURLs (64) in use while no Pulsar clusters " +
            "are configured; configure MeshScaler:Pulsar:Clusters",
            ex.Message);
        Assert.Equal(64, _emulator.RequestCount());

        clock.Advance(PulsarAdminClient.IdleEviction + TimeSpan.FromSeconds(1));
        await client.GetPartitionCountAsync(new PulsarClusterRef("c64", _emulator.BaseAddress), topic, CancellationToken.None).WaitAsync(TestSupport.Wait);

        Assert.Equal(1, client.ConnectionCount);
    }

    [Fact]
    public async Task GetPartitionCountAsync_UnconfiguredIdleTenMinutes_EvictedWhileRecentlyUsedKept()
    {
        var clock = new ManualTimeProvider();
        using var client = TestSupport.Client(timeProvider: clock);
        var topic = TestSupport.Topic("public/default/orders-in");
        var idle = new PulsarClusterRef("idle", _emulator.BaseAddress);
        var busy = new PulsarClusterRef("busy", _emulator.BaseAddress);
        await client.GetPartitionCountAsync(idle, topic, CancellationToken.None).WaitAsync(TestSupport.Wait);
        clock.Advance(TimeSpan.FromMinutes(6));
        await client.GetPartitionCountAsync(busy, topic, CancellationToken.None).WaitAsync(TestSupport.Wait);
        Assert.Equal(2, client.ConnectionCount);

        clock.Advance(TimeSpan.FromMinutes(5));
        await client.GetPartitionCountAsync(busy, topic, CancellationToken.None).WaitAsync(TestSupport.Wait);

        Assert.Equal(1, client.ConnectionCount);
    }

    [Fact]
    public async Task GetTopicStatsAsync_ConfiguredClusterIdleAnHour_ConnectionAndTokenKept()
    {
        var clock = new ManualTimeProvider();
        _emulator.State.CreateTopic("public/default/orders-in");
        _emulator.ConfigureOAuth2("meshscaler", "client-secret-value", TimeSpan.FromDays(1));
        using var client = TestSupport.Client(OAuth2Cluster(), clock);
        var topic = TestSupport.Topic("public/default/orders-in");
        await client.GetTopicStatsAsync(TestSupport.Ref(_emulator), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait);

        clock.Advance(TimeSpan.FromHours(1));
        await client.GetTopicStatsAsync(TestSupport.Ref(_emulator), topic, 0, CancellationToken.None).WaitAsync(TestSupport.Wait);

        // A new connection would have discovered the issuer and fetched a token again.
        Assert.Equal(1, client.ConnectionCount);
        Assert.Equal(1, _emulator.RequestCount("/.well-known/openid-configuration"));
        Assert.Equal(["emu-token-1"], _emulator.IssuedTokens);
    }

    private PulsarOptions OAuth2Cluster()
    {
        var credentials = _dir.Write("oauth.json", "{\"client_id\":\"meshscaler\",\"client_secret\":\"client-secret-value\"}");
        return TestSupport.OneCluster(_emulator, configure: c => c.OAuth2 = new PulsarOAuth2Options
        {
            IssuerUrl = _emulator.BaseAddress.AbsoluteUri,
            CredentialsFile = credentials,
        });
    }

    private PulsarClusterRef Unconfigured() =>
        new($"http://127.0.0.1:{_emulator.BaseAddress.Port}", _emulator.BaseAddress);
}
