using System.Threading.Channels;

namespace MeshScaler.Engine;

/// <summary>
/// A subscription to a target's activity: the poll loop writes each transition. Dispose to unsubscribe.
/// Costs one small channel, no thread.
/// </summary>
public sealed class SignalWatch : IDisposable
{
    private readonly Action _remove;

    internal SignalWatch(ChannelReader<bool> reader, Action remove)
    {
        Changes = reader;
        _remove = remove;
    }

    /// <summary>Activity after each transition (the newest one wins if the reader is slow).</summary>
    public ChannelReader<bool> Changes { get; }

    public void Dispose() => _remove();
}
