namespace MeshScaler.Kubernetes;

/// <summary>
/// <c>MeshScaler:Kubernetes</c>: where the Function Mesh resources are read from. Off unless MeshScaler runs in a
/// cluster (its service account), a kubeconfig is named, or <see cref="Enabled"/> says so.
/// </summary>
public sealed class KubernetesOptions
{
    public const string SectionName = "MeshScaler:Kubernetes";

    /// <summary>Null (auto): on in a cluster or with a kubeconfig (this setting or <c>KUBECONFIG</c>); true requires one; false never reads the cluster.</summary>
    public bool? Enabled { get; set; }

    /// <summary>A kubeconfig file; when empty, <c>KUBECONFIG</c>, then the in-cluster service account.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>
    /// An API server URL used as is, without credentials: for the embedded fake cluster (<c>serve --emulator</c>) and tests,
    /// or a local <c>kubectl proxy</c>. Takes precedence over a kubeconfig.
    /// </summary>
    public Uri? Server { get; set; }

    /// <summary>The kubeconfig context; its current context when empty.</summary>
    public string? Context { get; set; }

    /// <summary>Namespaces to watch (one watch per kind per namespace); the whole cluster when empty.</summary>
    public IList<string> Namespaces { get; } = [];

    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Each watch asks the server to end it after a random time in [min, max] seconds, as client-go's reflector does.</summary>
    public int MinWatchSeconds { get; set; } = 300;

    public int MaxWatchSeconds { get; set; } = 600;

    /// <summary>Whether the cluster is read: <see cref="Enabled"/>, or auto (a server, a kubeconfig or a service account).</summary>
    internal bool IsEnabled => KubernetesConnection.IsEnabled(this);

    /// <summary>Whether <paramref name="options"/> has MeshScaler read a cluster (see <see cref="Enabled"/>).</summary>
    public static bool ReadsCluster(KubernetesOptions options) => KubernetesConnection.IsEnabled(options);
}
