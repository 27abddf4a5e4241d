namespace MeshScaler.Pulsar;

/// <summary>
/// What tells a changed file from an unchanged one in a stat call or two: the final symlink target's path, its
/// last-write time and length. Kubernetes updates mounted Secrets by swapping a <c>..data</c> directory symlink, which
/// changes the resolved file's path and timestamp even when the mounted path stays the same.
/// </summary>
public readonly record struct FileStamp(string Target, DateTime LastWriteUtc, long Length)
{
    /// <exception cref="FileNotFoundException">The file (or its symlink's final target) does not exist.</exception>
    public static FileStamp Of(string path)
    {
        FileSystemInfo info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            info = info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
        }

        if (info is not FileInfo file || !file.Exists)
        {
            throw new FileNotFoundException($"file \"{path}\" does not exist");
        }

        return new FileStamp(file.FullName, file.LastWriteTimeUtc, file.Length);
    }
}
