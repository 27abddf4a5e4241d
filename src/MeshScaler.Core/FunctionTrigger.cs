namespace MeshScaler.Core;

/// <summary>
/// A trigger that names a Function Mesh resource: its parsed metadata, waiting for the resource's facts. Resolution is
/// cheap and pure, so a changed resource takes effect on the next request after its watch event.
/// </summary>
public sealed class FunctionTrigger
{
    private readonly IReadOnlyDictionary<string, object?> _values;

    // The last resolution: a directory hands out the same facts object until the resource changes, so a repeated
    // request builds nothing and the target keeps its cached keys.
    private Resolution? _last;

    internal FunctionTrigger(ComponentKind kind, string name, IReadOnlyDictionary<string, object?> values)
    {
        Kind = kind;
        Name = name;
        _values = values;
    }

    public ComponentKind Kind { get; }

    public string Name { get; }

    /// <summary>The resource this trigger names in the ScaledObject's namespace.</summary>
    public FunctionRef In(string @namespace) => new(Kind, @namespace, Name);

    /// <summary>The target: the metadata's explicit keys, and the resource's facts for the rest.</summary>
    public ScaleTarget Resolve(FunctionFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (Volatile.Read(ref _last) is { } last && ReferenceEquals(last.Facts, facts))
        {
            return last.Target;
        }

        var target = TriggerMetadata.Build(_values, facts);
        Volatile.Write(ref _last, new Resolution(facts, target));
        return target;
    }

    private sealed record Resolution(FunctionFacts Facts, ScaleTarget Target);
}
