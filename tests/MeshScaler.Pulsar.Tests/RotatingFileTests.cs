namespace MeshScaler.Pulsar.Tests;

public sealed class RotatingFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Read_KubernetesSymlinkSwap_NewContent()
    {
        // Kubernetes layout: token -> ..data/token, ..data -> ..<timestamp>; an update swaps ..data.
        var first = Directory.CreateDirectory(Path.Combine(_dir.Path, "..2026_01_01_00_00_00.1")).FullName;
        File.WriteAllText(Path.Combine(first, "token"), "AAAA");
        var data = Path.Combine(_dir.Path, "..data");
        Directory.CreateSymbolicLink(data, first);
        var token = Path.Combine(_dir.Path, "token");
        File.CreateSymbolicLink(token, Path.Combine("..data", "token"));
        var file = new RotatingFile(token);
        Assert.Equal("AAAA", file.Read(out _));

        var second = Directory.CreateDirectory(Path.Combine(_dir.Path, "..2026_01_01_01_00_00.2")).FullName;
        File.WriteAllText(Path.Combine(second, "token"), "BBBB");
        File.SetLastWriteTimeUtc(Path.Combine(second, "token"), DateTime.UtcNow.AddMinutes(5));
        File.Delete(data);
        Directory.CreateSymbolicLink(data, second);

        Assert.Equal("BBBB", file.Read(out var changed));
        Assert.True(changed);
    }

    [Fact]
    public void Read_Unchanged_NotReread()
    {
        var path = _dir.Write("token", "abc\n");
        var file = new RotatingFile(path);

        Assert.Equal("abc", file.Read(out _));
        Assert.Equal("abc", file.Read(out var changed));
        Assert.False(changed);

        // Same length and timestamp, other bytes: a read that went to the file would return them.
        var stamp = File.GetLastWriteTimeUtc(path);
        File.WriteAllText(path, "xyz\n");
        File.SetLastWriteTimeUtc(path, stamp);
        Assert.Equal("abc", file.Read(out changed));
        Assert.False(changed);
    }

    [Fact]
    public void Read_Missing_FileNotFound()
    {
        var file = new RotatingFile(Path.Combine(_dir.Path, "absent"));

        Assert.Throws<FileNotFoundException>(() => file.Read(out _));
    }
}
