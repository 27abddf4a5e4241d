namespace MeshScaler.Pulsar;

/// <summary>
/// A small secret file read again only when it changes. The check is one or two stat calls per use: the final
/// symlink target's path, last-write time and length. Kubernetes updates mounted Secrets by swapping a
/// <c>..data</c> directory symlink, which changes the resolved file's timestamp even when the path stays the same.
/// </summary>
internal sealed class RotatingFile
{
    private readonly Lock _gate = new();
    private readonly string _path;
    private (string Target, DateTime LastWrite, long Length)? _stamp;
    private string? _content;

    public RotatingFile(string path)
    {
        _path = path;
    }

    public string Path => _path;

    /// <summary>
    /// The trimmed content, read again only when the file's stamp changed; <paramref name="changed"/> is true when that
    /// read returned content other than the previous one.
    /// </summary>
    /// <exception cref="IOException">The file is missing or unreadable.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not readable by this process.</exception>
    public string Read(out bool changed)
    {
        var stamp = Stamp();
        lock (_gate)
        {
            if (_content is not null && _stamp == stamp)
            {
                changed = false;
                return _content;
            }
        }

        var content = File.ReadAllText(_path).Trim();
        lock (_gate)
        {
            changed = _content is not null && !string.Equals(_content, content, StringComparison.Ordinal);
            _content = content;
            _stamp = stamp;
            return content;
        }
    }

    private (string, DateTime, long) Stamp()
    {
        FileSystemInfo info = new FileInfo(_path);
        if (info.LinkTarget is not null)
        {
            info = info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
        }

        if (info is not FileInfo file || !file.Exists)
        {
            throw new FileNotFoundException($"file \"{_path}\" does not exist");
        }

        return (file.FullName, file.LastWriteTimeUtc, file.Length);
    }
}
