using k8s;
using k8s.Exceptions;
using MeshScaler.Core;

namespace MeshScaler.Kubernetes;

/// <summary>How MeshScaler reaches the API server: a named kubeconfig, <c>KUBECONFIG</c>, or the in-cluster service account.</summary>
internal static class KubernetesConnection
{
    /// <summary>Whether the cluster is read: <see cref="KubernetesOptions.Enabled"/>, or auto (a kubeconfig or a service account).</summary>
    public static bool IsEnabled(KubernetesOptions options) =>
        options.Enabled ?? (options.Server is not null || !string.IsNullOrWhiteSpace(options.Kubeconfig)
            || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("KUBECONFIG"))
            || KubernetesClientConfiguration.IsInCluster());

    /// <summary>The client configuration; a broken kubeconfig or a missing service account is an error naming the file or the setting.</summary>
    public static KubernetesClientConfiguration Configure(KubernetesOptions options)
    {
        if (options.Server is { } server)
        {
            return new KubernetesClientConfiguration { Host = server.ToString() };
        }

        var path = !string.IsNullOrWhiteSpace(options.Kubeconfig) ? options.Kubeconfig : Environment.GetEnvironmentVariable("KUBECONFIG");
        try
        {
            if (!string.IsNullOrWhiteSpace(path))
            {
                var files = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(p => new FileInfo(p)).ToArray();
                var missing = files.FirstOrDefault(f => !f.Exists);
                if (missing is not null)
                {
                    throw new InvalidOperationException($"{KubernetesOptions.SectionName}:Kubeconfig (or KUBECONFIG): {missing.FullName} does not exist");
                }

                // KubernetesClient does not merge several files as kubectl does: the first one is used, as documented.
                var config = KubernetesClientConfiguration.LoadKubeConfig(files[0], true);
                return KubernetesClientConfiguration.BuildConfigFromConfigObject(config, string.IsNullOrWhiteSpace(options.Context) ? null : options.Context);
            }

            return KubernetesClientConfiguration.InClusterConfig();
        }
        catch (KubeConfigException ex)
        {
            throw new InvalidOperationException($"{KubernetesOptions.SectionName}: the Kubernetes configuration cannot be used: {ex.Message}", ex);
        }
    }
}
