using System.Text.Json.Serialization;

namespace MeshScaler.Emulation.Simulation;

/// <summary>Source-generated JSON for results.json: camelCase, indented, nulls written (an absent wake is <c>null</c>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(IReadOnlyList<PolicyResult>))]
internal sealed partial class SimulationJsonContext : JsonSerializerContext
{
}
