using System.Text.Json.Serialization;

namespace MeshScaler.Emulation.PulsarAdmin;

/// <summary>Source-generated serialization for the few strings the emulator quotes.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext
{
}
