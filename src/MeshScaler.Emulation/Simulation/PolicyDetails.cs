namespace MeshScaler.Emulation.Simulation;

/// <summary>What a run learned about one policy beyond <see cref="PolicyResult"/>, for the report's notes.</summary>
/// <param name="Wakes">Completed wakes from zero.</param>
/// <param name="ActivationSeconds">Mean seconds from the first waiting message to a replica being requested; null without a wake.</param>
/// <param name="Errors">Polls or syncs skipped because the scaler answered with an error.</param>
/// <param name="MessagesIn">Messages published.</param>
/// <param name="MessagesLeft">Messages still waiting at the end.</param>
/// <param name="MessagesProcessed">Messages processed.</param>
/// <param name="LagSamples">Messages in the lag distribution (processed, plus those waiting at the end): equals <paramref name="MessagesIn"/>.</param>
public sealed record PolicyDetails(
    string Policy, int Wakes, double? ActivationSeconds, int Errors, long MessagesIn, long MessagesLeft, long MessagesProcessed, long LagSamples);
