using MeshScaler.Emulation.PulsarAdmin;

namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// Publishes simulated functions into the emulated cluster: one topic and subscription per model, with the broker's
/// windowed rates, the backlog in entries, one consumer per ready replica and the cumulative counters (messages
/// published, messages processed) that a broker keeps alongside its rates. The subscription exists from the start,
/// as it does once a Function has run.
/// </summary>
public sealed class ModelWorkload : IPulsarWorkload
{
    private readonly List<(string Topic, string Subscription, FunctionModel Model)> _functions = [];

    /// <summary>Adds a function; call before the emulator serves requests.</summary>
    public void Add(string topic, string subscription, FunctionModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _functions.Add((topic, subscription, model));
    }

    public void Advance(EmulatedPulsar state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var (topic, subscription, model) in _functions)
        {
            state.EnsureTopic(topic);
            state.SetRates(topic, model.ReportedRateIn, model.TotalIn);
            state.SetSubscription(
                topic, subscription, model.BacklogEntries, model.ReportedRateOut, model.Ready, "Shared", model.Options.MessagesPerEntry, model.TotalProcessed);
        }
    }
}
