using MeshScaler.Emulation.PulsarAdmin;

namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// Publishes simulated functions into the emulated cluster: one topic and subscription per model, with the broker's
/// windowed rates, the backlog in entries, one consumer per ready replica and the cumulative counters (messages
/// published, messages processed) that a broker keeps alongside its rates. The subscription exists from the start,
/// as it does once a Function has run. The subscription's <c>unackedMessages</c> is the model's in-flight count.
/// </summary>
/// <remarks>
/// The emulator calls <see cref="Advance"/> on its request threads. Whoever steps or scales the models while the
/// emulator serves (the live demo) must hold <see cref="Gate"/> for that, so a request never reads a half-stepped model.
/// </remarks>
public sealed class ModelWorkload : IPulsarWorkload
{
    private readonly List<(string Topic, string Subscription, FunctionModel Model)> _functions = [];

    /// <summary>Held while the models are published; hold it while stepping, scaling or reading them concurrently with requests.</summary>
    public Lock Gate { get; } = new();

    /// <summary>Adds a function; call before the emulator serves requests.</summary>
    public void Add(string topic, string subscription, FunctionModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _functions.Add((topic, subscription, model));
    }

    public void Advance(EmulatedPulsar state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (Gate)
        {
            foreach (var (topic, subscription, model) in _functions)
            {
                state.EnsureTopic(topic);
                state.SetRates(topic, model.ReportedRateIn, model.TotalIn);
                state.SetSubscription(
                    topic, subscription, model.BacklogEntries, model.ReportedRateOut, model.Ready, "Shared", model.Options.MessagesPerEntry, model.TotalProcessed,
                    model.InFlight, model.OldestArrival);
            }
        }
    }
}
