namespace MeshScaler.Pulsar;

/// <summary>
/// A small secret file read again only when it changes: its <see cref="FileStamp"/> is checked on every use.
/// </summary>
internal sealed class RotatingFile
{
    private readonly Lock _gate = new();
    private readonly string _path;
    private FileStamp? _stamp;
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
        var stamp = FileStamp.Of(_path);
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
}
