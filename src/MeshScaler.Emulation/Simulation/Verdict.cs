namespace MeshScaler.Emulation.Simulation;

/// <summary>
/// The what-if's answer to "which policy should I run?": the cheapest policy whose p99 lag is within the SLO, and every
/// policy's cost and p99 next to KEDA's pulsar scaler.
/// </summary>
/// <remarks>
/// Cheapest means fewest replica-seconds; a tie goes to the lower p99. When no policy keeps p99 within the SLO, the one
/// with the fewest seconds over it is recommended instead (then the fewest replica-seconds), and the verdict says so.
/// </remarks>
public sealed record Verdict(PolicyResult Recommended, bool MeetsSlo, IReadOnlyList<VerdictRow> Rows)
{
    public static Verdict For(IReadOnlyList<PolicyResult> results, TimeSpan lagSlo)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0)
        {
            throw new ArgumentException("a verdict needs at least one policy result", nameof(results));
        }

        var slo = lagSlo.TotalSeconds;
        var within = results.Where(r => (r.LagP99 ?? 0) <= slo).ToList();
        var recommended = within.Count > 0
            ? within.OrderBy(r => r.ReplicaSeconds).ThenBy(r => r.LagP99 ?? 0).First()
            : results.OrderBy(r => r.SecondsOverSlo).ThenBy(r => r.ReplicaSeconds).First();
        var keda = results.FirstOrDefault(r => r.Policy == PolicyIds.KedaBacklog);
        var rows = results.Select(r => new VerdictRow(
            r.Policy,
            r.ReplicaSeconds,
            keda is null || keda.ReplicaSeconds <= 0 ? null : (r.ReplicaSeconds / keda.ReplicaSeconds) - 1,
            r.LagP99,
            keda?.LagP99 is { } kedaP99 && kedaP99 > 0 && r.LagP99 is { } p99 ? (p99 / kedaP99) - 1 : null)).ToList();
        return new Verdict(recommended, within.Count > 0, rows);
    }
}

/// <summary>One policy against KEDA's pulsar scaler; the changes are fractions (-0.376 is 37.6 % less), null without a base.</summary>
public sealed record VerdictRow(string Policy, double ReplicaSeconds, double? ReplicaSecondsVsKeda, double? LagP99, double? LagP99VsKeda);
