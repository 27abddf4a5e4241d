using MeshScaler.Emulation.Simulation;

namespace MeshScaler.Emulation.Tests.Simulation;

public sealed class FunctionModelTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static FunctionModel Model(double perReplica = 10, int startupSeconds = 0, double jitter = 0, int perEntry = 1) =>
        new(new FunctionModelOptions
        {
            PerReplicaRate = perReplica,
            StartupDelay = TimeSpan.FromSeconds(startupSeconds),
            Jitter = jitter,
            MessagesPerEntry = perEntry,
            StatsUpdateFrequency = TimeSpan.FromSeconds(10),
        }, seed: 7);

    [Fact]
    public void Step_RandomInflowAndReplicas_ConservesMessagesAtEveryStep()
    {
        var model = Model(perReplica: 37.5, startupSeconds: 3, jitter: 0.2);
        var random = new Random(11);
        for (var i = 0; i < 2000; i++)
        {
            if (i % 13 == 0)
            {
                model.SetReplicas(random.Next(0, 6), Start.AddSeconds(i));
            }

            model.Step(Start.AddSeconds(i), Second, random.NextDouble() * 120.3);

            Assert.Equal(model.TotalIn, model.TotalProcessed + model.Backlog);
            Assert.True(model.Backlog >= 0);
        }

        Assert.True(model.TotalProcessed > 0);
    }

    [Fact]
    public void Step_HandBuiltCase_MeasuresFifoLagExactly()
    {
        // One replica at 10 msg/s, ready at once. Second 0: 30 arrive; 10 are processed at once (lag 0), 10 at second 1
        // (lag 1), 10 at second 2 (lag 2). Nothing else arrives.
        var model = Model(perReplica: 10);
        model.SetReplicas(1, Start);
        model.Step(Start, Second, 30);
        model.Step(Start.AddSeconds(1), Second, 0);
        Assert.Equal(TimeSpan.FromSeconds(1), model.OldestAge(Start.AddSeconds(1)));
        model.Step(Start.AddSeconds(2), Second, 0);

        Assert.Equal(0, model.Backlog);
        Assert.Equal(30, model.Lag.Count);
        Assert.Equal(1, model.Lag.Percentile(0.5));
        Assert.Equal(0, model.Lag.Percentile(0.3));
        Assert.Equal(2, model.Lag.Percentile(0.99));
        Assert.Equal(2, model.Lag.Max);
    }

    [Fact]
    public void Step_ReplicaStartingFromZero_RecordsWakeUntilFirstProcessing()
    {
        var model = Model(perReplica: 10, startupSeconds: 5);
        model.Step(Start, Second, 0);
        model.Step(Start.AddSeconds(1), Second, 4);
        model.SetReplicas(1, Start.AddSeconds(2));
        for (var i = 2; i < 10; i++)
        {
            model.Step(Start.AddSeconds(i), Second, 4);
        }

        // The first message arrived at 1 with no replica; the replica requested at 2 is ready at 7.
        Assert.Equal([6.0], model.Wakes);
        Assert.Equal(1, model.ScaleEvents);
    }

    public static TheoryData<string, int> InitialDeployments => new()
    {
        // name, replicas requested before the first step
        { "traffic already there at the first step, no replica yet", 0 },
        { "replicas requested at the start (cpu-hpa), still starting", 1 },
    };

    [Theory]
    [MemberData(nameof(InitialDeployments))]
    public void Step_InitialDeployment_IsNotAWake(string name, int initialReplicas)
    {
        var model = Model(perReplica: 10, startupSeconds: 5);
        model.SetReplicas(initialReplicas, Start);
        model.Step(Start, Second, 4);
        model.SetReplicas(1, Start.AddSeconds(1));
        for (var i = 1; i < 10; i++)
        {
            model.Step(Start.AddSeconds(i), Second, 4);
        }

        Assert.True(model.TotalProcessed > 0, name);
        Assert.True(model.Wakes.Count == 0, name);
    }

    public static TheoryData<string, double, int, double, long> InFlightCases => new()
    {
        // name, per-replica rate, ready replicas, inflow, expected in flight
        { "10 msg/s on one replica: 10 x (1/10 s + 100 ms) = 2", 10, 1, 10, 2 },
        { "steady 80 msg/s on one 100 msg/s replica: ceil(80 x 0.11) = 9", 100, 1, 80, 9 },
        { "3 msg/s on 5 replicas: at least one per busy replica, 3 busy", 100, 5, 3, 3 },
        { "nothing processed: nothing in flight", 100, 2, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(InFlightCases))]
    public void BacklogEntries_SteadyTraffic_CountsInFlightMessagesButLagDoesNot(string name, double perReplica, int replicas, double inflow, long expected)
    {
        var model = Model(perReplica: perReplica);
        model.SetReplicas(replicas, Start);
        for (var i = 0; i < 5; i++)
        {
            model.Step(Start.AddSeconds(i), Second, inflow);
        }

        Assert.True(model.Backlog == 0, name);
        Assert.True(expected == model.InFlight, $"{name}: in flight {model.InFlight}");
        Assert.True(expected == model.BacklogEntries, $"{name}: reported {model.BacklogEntries}");
        Assert.True(model.Lag.Max is null or 0, name);
    }

    [Fact]
    public void SetReplicas_ScaleDown_RemovesStartingReplicasFirstAndReadyOnesAtOnce()
    {
        var model = Model(startupSeconds: 10);
        model.SetReplicas(2, Start);
        model.Step(Start.AddSeconds(10), Second, 0);
        model.SetReplicas(4, Start.AddSeconds(11));

        model.SetReplicas(1, Start.AddSeconds(12));
        model.Step(Start.AddSeconds(30), Second, 0);

        Assert.Equal(1, model.Requested);
        Assert.Equal(1, model.Ready);
    }

    [Fact]
    public void BrokerView_RatesAreWindowedAndBacklogIsInEntries()
    {
        var model = Model(perReplica: 10, perEntry: 4);
        model.SetReplicas(1, Start);
        for (var i = 0; i < 9; i++)
        {
            model.Step(Start.AddSeconds(i), Second, 15);
        }

        // The 10 s window has not closed yet: the broker still reports nothing.
        Assert.Equal(0, model.ReportedRateIn);
        Assert.Equal(45, model.Backlog);
        Assert.Equal(12, model.BacklogEntries);

        model.Step(Start.AddSeconds(9), Second, 15);

        Assert.Equal(15, model.ReportedRateIn, 9);
        Assert.Equal(10, model.ReportedRateOut, 9);
    }
}
