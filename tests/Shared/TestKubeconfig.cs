namespace Nulecule.Testing;

/// <summary>Which kubeconfig the cluster tests use. Compiled into each test project from tests/Shared.</summary>
public static class TestKubeconfig
{
    /// <summary>Where `../shared/testbed/kube up` (run by .ci/kube-setup.sh) writes the testbed's kubeconfig.</summary>
    public const string Testbed = "/opt/nulecule-kube/admin.kubeconfig";

    /// <summary>
    /// The first existing file of KUBECONFIG, else the testbed's; null, with the reason the tests
    /// then skip in <paramref name="why"/>, when there is neither.
    /// </summary>
    public static string? Find(out string? why)
    {
        var path = Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator).FirstOrDefault(File.Exists)
                   ?? (File.Exists(Testbed) ? Testbed : null);
        why = path is null ? $"no Kubernetes cluster: KUBECONFIG unset and {Testbed} missing (run .ci/kube-setup.sh)" : null;
        return path;
    }
}
