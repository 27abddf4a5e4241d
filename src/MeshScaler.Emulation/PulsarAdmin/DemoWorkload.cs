namespace MeshScaler.Emulation.PulsarAdmin;

/// <summary>
/// A two-minute cycle on <c>persistent://public/default/orders-in</c>, read by function subscription
/// <c>public/default/order-enricher</c> (Shared, 4 messages per entry): 30 s of burst inflow (400 msg/s, 2 replicas
/// consuming 200 msg/s) builds a backlog of 6000 messages, 60 s of 3 replicas drain it at 100 msg/s net, then 30 s at
/// 50 msg/s with one replica keeping up.
/// Everything is a function of the time within the cycle.
/// </summary>
public sealed class DemoWorkload : IPulsarWorkload
{
    public const string Topic = "persistent://public/default/orders-in";
    public const string Subscription = "public/default/order-enricher";
    public const int MessagesPerEntry = 4;

    /// <summary>Length of one cycle.</summary>
    public static TimeSpan Cycle { get; } = TimeSpan.FromMinutes(2);

    public void Advance(EmulatedPulsar state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var point = At(now);
        state.EnsureTopic(Topic);
        state.SetRates(Topic, point.MsgRateIn);
        state.SetSubscription(Topic, Subscription, point.BacklogEntries, point.MsgRateOut, point.Replicas, "Shared", MessagesPerEntry);
    }

    /// <summary>The workload at <paramref name="now"/>.</summary>
    public static DemoPoint At(DateTimeOffset now)
    {
        var seconds = (now.ToUnixTimeMilliseconds() % (long)Cycle.TotalMilliseconds) / 1000.0;
        return seconds switch
        {
            < 30 => new DemoPoint(400, Entries(200 * seconds), 200, 2),
            < 90 => new DemoPoint(50, Entries(6000 - (100 * (seconds - 30))), 150, 3),
            _ => new DemoPoint(50, 0, 50, 1),
        };
    }

    private static long Entries(double messages) => (long)Math.Ceiling(Math.Max(0, messages) / MessagesPerEntry);
}
