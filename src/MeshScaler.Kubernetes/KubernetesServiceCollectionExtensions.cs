using k8s;
using MeshScaler.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshScaler.Kubernetes;

/// <summary>Registration of the Function Mesh directory.</summary>
public static class KubernetesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IFunctionDirectory"/>: the watched Function Mesh caches when the cluster can be read
    /// (<see cref="KubernetesOptions"/>), otherwise a directory that answers every <c>function:</c> trigger with an
    /// error saying how to enable it. The caches list and watch from the host's start, in the background.
    /// </summary>
    public static IServiceCollection AddFunctionMesh(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<KubernetesOptions>().BindConfiguration(KubernetesOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KubernetesOptions>, KubernetesOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IFunctionDirectory>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KubernetesOptions>>().Value;
            return options.IsEnabled ? sp.GetRequiredService<FunctionMeshDirectory>() : new NoFunctionDirectory();
        });
        services.TryAddSingleton(sp => new k8s.Kubernetes(KubernetesConnection.Configure(sp.GetRequiredService<IOptions<KubernetesOptions>>().Value)));
        services.TryAddSingleton(sp => new FunctionMeshCaches(
            sp.GetRequiredService<k8s.Kubernetes>(),
            sp.GetRequiredService<IOptions<KubernetesOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton(sp => new FunctionMeshDirectory(sp.GetRequiredService<FunctionMeshCaches>(), sp.GetRequiredService<IOptions<KubernetesOptions>>().Value));
        services.TryAddSingleton(sp => new FunctionMeshCacheStatus(
            sp.GetRequiredService<IOptions<KubernetesOptions>>().Value.IsEnabled ? sp.GetRequiredService<FunctionMeshCaches>() : null));
        services.AddHostedService<FunctionMeshWatcher>();
        return services;
    }

    /// <summary>
    /// Registers <see cref="IClusterReviews"/>, what an extension API server asks the cluster (the trust ConfigMap,
    /// TokenReview, SubjectAccessReview), with the answers' TTLs from <see cref="ClusterReviewsOptions"/>. The caller runs
    /// <see cref="IClusterReviews.RunAsync"/> when it serves authenticated requests; nothing is read before.
    /// </summary>
    public static IServiceCollection AddClusterReviews(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ClusterReviewsOptions>();
        services.TryAddSingleton<IClusterReviews>(sp => sp.GetRequiredService<IOptions<KubernetesOptions>>().Value.IsEnabled
            ? new ClusterReviews(
                sp.GetRequiredService<k8s.Kubernetes>(),
                sp.GetRequiredService<IOptions<KubernetesOptions>>().Value,
                sp.GetRequiredService<IOptions<ClusterReviewsOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>())
            : new NoClusterReviews());
        return services;
    }

    /// <summary>No cluster to ask: nothing is trusted and every review fails, saying why.</summary>
    private sealed class NoClusterReviews : IClusterReviews
    {
        private const string Reason = "MeshScaler does not read a Kubernetes API server here, so it cannot review credentials or access";

        public AuthenticationTrust? Trust => null;

        public string? TrustError => Reason;

        public Task<Reviewed<ApiUser?>> ReviewTokenAsync(string token, CancellationToken cancellationToken) => throw new ClusterReviewException(Reason);

        public Task<Reviewed<AccessAnswer>> ReviewAccessAsync(AccessRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new Reviewed<AccessAnswer>(new AccessAnswer(AccessDecision.NoOpinion, Reason), DateTimeOffset.MinValue));

        public Task RunAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Runs the caches' list and watch loops for the host's lifetime, when the cluster is read at all.</summary>
    private sealed class FunctionMeshWatcher(IServiceProvider services, IOptions<KubernetesOptions> options) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
            options.Value.IsEnabled ? services.GetRequiredService<FunctionMeshCaches>().RunAsync(stoppingToken) : Task.CompletedTask;
    }

    /// <summary>No cluster to read: a <c>function:</c> trigger is told why, never "not found".</summary>
    private sealed class NoFunctionDirectory : IFunctionDirectory
    {
        private const string Reason = "function: needs the Kubernetes API, and MeshScaler does not read it here: run it in the cluster (its service account), or set MeshScaler:Kubernetes:Kubeconfig (or KUBECONFIG)";

        public FunctionFacts Resolve(FunctionRef function) => throw new ScalingException(ScalingErrorKind.InvalidArgument, Reason);

        public IReadOnlyList<RunnerPod> Pods(FunctionRef function) => throw new ScalingException(ScalingErrorKind.InvalidArgument, Reason);

        public IReadOnlyList<FunctionRef> Select(string @namespace, LabelSelector selector) => throw new ScalingException(ScalingErrorKind.InvalidArgument, Reason);

        public IReadOnlyList<FunctionRef> MeshMembers(string @namespace, string name) => throw new ScalingException(ScalingErrorKind.InvalidArgument, Reason);
    }
}
