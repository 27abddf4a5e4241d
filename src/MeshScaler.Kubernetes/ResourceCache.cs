using System.Collections.Concurrent;

namespace MeshScaler.Kubernetes;

/// <summary>
/// The objects of one kind as the last list and the watch events since have them, keyed by (namespace, name), with an
/// optional secondary index (runner pods by their owner). Reads never block and never call the API server.
/// </summary>
internal sealed class ResourceCache<T>(Func<T, string>? indexKey = null)
    where T : class
{
    private readonly ConcurrentDictionary<(string Namespace, string Name), T> _items = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<(string Namespace, string Name), T>> _index = new(StringComparer.Ordinal);
    private readonly Lock _writes = new();
    private long _version;

    public int Count => _items.Count;

    /// <summary>Bumped by every applied change; tests and diagnostics wait on it.</summary>
    public long Version => Interlocked.Read(ref _version);

    public T? Get(string @namespace, string name) => _items.TryGetValue((@namespace, name), out var item) ? item : null;

    /// <summary>The objects filed under <paramref name="key"/> by the index.</summary>
    public ICollection<T> ByIndex(string key) =>
        _index.TryGetValue(key, out var set) ? set.Values : [];

    public IEnumerable<T> All => _items.Values;

    /// <summary>Applies one event: a null item removes the object (deleted, or no longer one of ours).</summary>
    public void Set(string @namespace, string name, T? item)
    {
        lock (_writes)
        {
            var key = (@namespace, name);
            if (_items.TryGetValue(key, out var old) && indexKey is not null && _index.TryGetValue(indexKey(old), out var oldSet))
            {
                oldSet.TryRemove(key, out _);
                if (oldSet.IsEmpty)
                {
                    _index.TryRemove(indexKey(old), out _);
                }
            }

            if (item is null)
            {
                _items.TryRemove(key, out _);
            }
            else
            {
                _items[key] = item;
                if (indexKey is not null)
                {
                    _index.GetOrAdd(indexKey(item), static _ => new()).TryAdd(key, item);
                }
            }

            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>
    /// A fresh list of one scope (a namespace, or the whole cluster when null): what it holds is set, and what the cache
    /// held in that scope and the list no longer has is removed (deleted while no watch was open).
    /// </summary>
    public void Replace(string? @namespace, IEnumerable<(string Namespace, string Name, T? Item)> items)
    {
        var listed = new HashSet<(string, string)>();
        foreach (var (ns, name, item) in items)
        {
            listed.Add((ns, name));
            Set(ns, name, item);
        }

        foreach (var key in _items.Keys)
        {
            if ((@namespace is null || key.Namespace == @namespace) && !listed.Contains(key))
            {
                Set(key.Namespace, key.Name, null);
            }
        }
    }
}
