using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using MeshScaler.Core;

namespace MeshScaler.Core.Tests;

public sealed class CorePurityTests
{
    /// <summary>Core is pure: it may reference the base class library only, so it can never do I/O behind a dependency.</summary>
    [Fact]
    public void CoreAssembly_ReferencesOnlyTheBaseClassLibrary()
    {
        var references = typeof(ScaleTarget).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        var allowed = new[] { "System.Runtime", "System.Collections", "System.Linq", "System.Text.RegularExpressions", "System.Security.Cryptography", "System.Memory", "System.Runtime.InteropServices", "System.Threading", "netstandard", "mscorlib" };
        Assert.All(references, name => Assert.Contains(name, allowed));
        Assert.DoesNotContain(references, name => name.StartsWith("MeshScaler", StringComparison.Ordinal) || name.StartsWith("Microsoft.", StringComparison.Ordinal));
    }

    [Fact]
    public void CoreAssembly_DoesNotTouchTheWallClockFilesOrNetwork()
    {
        // Time comes in as an argument and Core does no I/O: scan every type and member Core's IL refers to.
        using var stream = File.OpenRead(typeof(ScaleTarget).Assembly.Location);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        string TypeName(EntityHandle handle) => handle.Kind == HandleKind.TypeReference
            ? $"{reader.GetString(reader.GetTypeReference((TypeReferenceHandle)handle).Namespace)}.{reader.GetString(reader.GetTypeReference((TypeReferenceHandle)handle).Name)}"
            : string.Empty;

        var types = reader.TypeReferences.Select(h => TypeName(h)).ToList();
        var members = reader.MemberReferences.Select(h => reader.GetMemberReference(h))
            .Select(m => $"{TypeName(m.Parent)}::{reader.GetString(m.Name)}").ToList();

        string[] forbiddenTypes = ["System.IO.File", "System.IO.FileStream", "System.IO.Directory", "System.Diagnostics.Stopwatch", "System.Net.Http.HttpClient", "System.Net.Sockets.Socket", "System.Threading.Timer", "System.Environment"];
        string[] forbiddenMembers = ["System.DateTime::get_Now", "System.DateTime::get_UtcNow", "System.DateTimeOffset::get_Now", "System.DateTimeOffset::get_UtcNow", "System.TimeProvider::get_System"];
        Assert.Empty(types.Intersect(forbiddenTypes));
        Assert.Empty(members.Intersect(forbiddenMembers));
        Assert.Contains("System.Math::Ceiling", members);
    }
}
