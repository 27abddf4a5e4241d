using MeshScaler.Core;

namespace MeshScaler.Simulation;

/// <summary>A positive duration on the command line, read as <see cref="Durations"/> reads every duration.</summary>
internal static class DurationArgument
{
    public static bool TryParse(string text, out TimeSpan duration) =>
        Durations.TryParse(text, out duration) && duration > TimeSpan.Zero;
}
