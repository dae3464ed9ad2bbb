using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s;
using Nulecule.Kubernetes.Internal;
using Nulecule.Kubernetes.Tests.Support;

namespace Nulecule.Kubernetes.Tests;

/// <summary>
/// How the API server's certificate is checked, with kubectl as the oracle on the real cluster:
/// the kubeconfig's authority accepted, another refused with an error that says where the
/// authority comes from, insecure-skip-tls-verify as kubectl takes it.
/// </summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nulecule-tls-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Should_do_without_the_system_roots_only_when_the_kubeconfig_names_the_authority_or_skips_the_check()
    {
        SystemTrustStore.Unneeded("https://api:6443", skipVerify: false, hasAuthority: true).ShouldBeTrue();
        SystemTrustStore.Unneeded("HTTPS://api:6443", skipVerify: true, hasAuthority: false).ShouldBeTrue();
        SystemTrustStore.Unneeded("https://api:6443", skipVerify: false, hasAuthority: false).ShouldBeFalse("the system roots check the server");
        SystemTrustStore.Unneeded("http://api:8080", skipVerify: false, hasAuthority: true).ShouldBeFalse("no TLS at all");
    }

    [Fact]
    public void Should_refuse_a_cluster_that_both_skips_verification_and_names_an_authority_as_kubectl_does()
    {
        var path = Write("both.kubeconfig", "https://api.example:6443", $"    certificate-authority-data: {Base64Pem(NewAuthority())}\n    insecure-skip-tls-verify: true\n", "    token: t\n");

        var e = Should.Throw<NuleculeException>(() => KubernetesConnection.Resolve(new KubernetesSettings { KubeconfigPath = path }, _ => null, _dir));

        e.Message.ShouldContain("cluster 'c'");
        e.Message.ShouldContain(path);
        e.Message.ShouldContain("insecure-skip-tls-verify");
        e.Diagnostics[0].Hint.ShouldNotBeNull().ShouldContain("remove");
    }

    [SkippableFact]
    public async Task Should_accept_the_kubeconfigs_authority_and_refuse_another_as_kubectl_does()
    {
        var (server, user, authority) = ClusterParts();

        // Given: the cluster's own kubeconfig entry, and the same with an authority that did not sign the server
        var right = Write("right.kubeconfig", server, $"    certificate-authority-data: {authority}\n", user);
        var wrong = Write("wrong.kubeconfig", server, $"    certificate-authority-data: {Base64Pem(NewAuthority())}\n", user);

        // Then: kubectl and nulecule agree on both
        KubectlGet(right).ShouldBe(0);
        (await VersionAsync(right)).ShouldStartWith("v");

        KubectlGet(wrong).ShouldNotBe(0);
        var e = await Should.ThrowAsync<NuleculeException>(() => VersionAsync(wrong));
        e.Message.ShouldContain(server.TrimEnd('/'));
        e.Message.ShouldContain("TLS");
        e.Diagnostics[0].Hint.ShouldNotBeNull().ShouldContain(wrong);
        e.Diagnostics[0].Hint!.ShouldContain("certificate-authority");
    }

    [SkippableFact]
    public async Task Should_skip_the_check_with_insecure_skip_tls_verify_and_refuse_it_beside_an_authority_as_kubectl_does()
    {
        var (server, user, authority) = ClusterParts();
        var skip = Write("skip.kubeconfig", server, "    insecure-skip-tls-verify: true\n", user);
        var both = Write("both.kubeconfig", server, $"    certificate-authority-data: {authority}\n    insecure-skip-tls-verify: true\n", user);

        KubectlGet(skip).ShouldBe(0);
        (await VersionAsync(skip)).ShouldStartWith("v");

        KubectlGet(both).ShouldNotBe(0);
        await Should.ThrowAsync<NuleculeException>(() => VersionAsync(both));
    }

    /// <summary>The test cluster's server, its user's credentials (kubeconfig lines) and its authority (base64 PEM).</summary>
    private static (string Server, string User, string Authority) ClusterParts()
    {
        Skip.If(Cluster.SkipReason is not null, Cluster.SkipReason);
        Skip.If(Kubectl.Binary is null, "no kubectl (set KUBECTL, or put kubectl on PATH; the test bed installs /opt/nulecule-kube/bin/kubectl)");
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(Cluster.Kubeconfig);
        Skip.If(config.SslCaCerts is not { Count: > 0 } || !config.Host.StartsWith("https://", StringComparison.Ordinal),
            $"the test cluster's kubeconfig ({Cluster.Kubeconfig}) names no certificate authority for an https server");

        string user;
        if (!string.IsNullOrEmpty(config.AccessToken))
        {
            user = $"    token: {config.AccessToken}\n";
        }
        else
        {
            Skip.If(string.IsNullOrEmpty(config.ClientCertificateData) && string.IsNullOrEmpty(config.ClientCertificateFilePath),
                "the test cluster's user has neither a token nor a client certificate");
            user = string.IsNullOrEmpty(config.ClientCertificateData)
                ? $"    client-certificate: {config.ClientCertificateFilePath}\n    client-key: {config.ClientKeyFilePath}\n"
                : $"    client-certificate-data: {config.ClientCertificateData}\n    client-key-data: {config.ClientCertificateKeyData}\n";
        }

        var authority = string.Concat(config.SslCaCerts.Select(c => c.ExportCertificatePem() + "\n"));
        return (config.Host, user, Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(authority)));
    }

    private string Write(string file, string server, string clusterLines, string userLines)
    {
        var path = Path.Combine(_dir, file);
        File.WriteAllText(path,
            $"apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster:\n    server: {server}\n{clusterLines}" +
            $"users:\n- name: u\n  user:\n{userLines}contexts:\n- name: c\n  context:\n    cluster: c\n    user: u\n");
        return path;
    }

    private static async Task<string?> VersionAsync(string kubeconfig)
    {
        using var connection = KubernetesConnection.Resolve(new KubernetesSettings { KubeconfigPath = kubeconfig });
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await connection.ServerVersionAsync(cts.Token);
    }

    private static int KubectlGet(string kubeconfig)
    {
        using var process = Process.Start(new ProcessStartInfo(Kubectl.Binary!, ["--kubeconfig", kubeconfig, "--request-timeout=2m", "get", "--raw", "/version"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }

    private static X509Certificate2 NewAuthority()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=not-the-cluster-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static string Base64Pem(X509Certificate2 certificate) =>
        Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n"));
}
