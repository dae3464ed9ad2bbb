using Nulecule.Kubernetes.Releases;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Releases;
using Nulecule.Testing.Contracts;

namespace Nulecule.Kubernetes.Tests.Releases;

/// <summary>The store contract on Kubernetes Secrets in a namespace of its own: every handle a new connection.</summary>
public sealed class KubernetesSecretReleaseStoreContractTests : ReleaseStoreContract
{
    private readonly TestNamespace _ns = new();

    protected override string? SkipReason => Cluster.SkipReason;

    protected override IReleaseStore Open() => KubernetesSecretReleaseStore.Open(Cluster.Settings(_ns.Name));

    public override async Task InitializeAsync()
    {
        if (Cluster.SkipReason is null)
        {
            await _ns.InitializeAsync();
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Cluster.SkipReason is null)
        {
            await _ns.DisposeAsync();
        }
    }
}
