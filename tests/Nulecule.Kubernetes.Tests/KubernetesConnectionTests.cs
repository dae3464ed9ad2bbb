namespace Nulecule.Kubernetes.Tests;

public sealed class KubernetesConnectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nulecule-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Kubeconfig(string file, string current, params (string Context, string Server, string? Namespace)[] contexts)
    {
        var text = $"apiVersion: v1\nkind: Config\ncurrent-context: {current}\nclusters:\n" +
                   string.Concat(contexts.Select(c => $"- name: {c.Context}\n  cluster:\n    server: {c.Server}\n    insecure-skip-tls-verify: true\n")) +
                   "users:\n" + string.Concat(contexts.Select(c => $"- name: {c.Context}\n  user:\n    token: t-{c.Context}\n")) +
                   "contexts:\n" + string.Concat(contexts.Select(c => $"- name: {c.Context}\n  context:\n    cluster: {c.Context}\n    user: {c.Context}\n" + (c.Namespace is null ? "" : $"    namespace: {c.Namespace}\n")));
        var path = Path.Combine(_dir, file);
        File.WriteAllText(path, text);
        return path;
    }

    private static Func<string, string?> Env(string? kubeconfig = null) => name => name == "KUBECONFIG" ? kubeconfig : null;

    [Fact]
    public void Should_use_an_explicit_kubeconfig_over_KUBECONFIG_and_take_the_contexts_namespace()
    {
        var explicitPath = Kubeconfig("explicit", "a", ("a", "https://explicit:6443", "team-a"));
        var env = Kubeconfig("env", "b", ("b", "https://env:6443", null));

        using var connection = KubernetesConnection.Resolve(new KubernetesSettings { KubeconfigPath = explicitPath }, Env(env), _dir);

        connection.Server.ShouldStartWith("https://explicit:6443");
        connection.Namespace.ShouldBe("team-a");
        connection.Source.ShouldBe($"kubeconfig {explicitPath} (context a)");
    }

    [Fact]
    public void Should_merge_the_KUBECONFIG_list_with_the_first_file_winning_per_key()
    {
        // Given: both files define context "shared"; the second also sets current-context and adds "extra"
        var first = Kubeconfig("first", "shared", ("shared", "https://first:6443", "from-first"));
        var second = Kubeconfig("second", "extra", ("shared", "https://second:6443", "from-second"), ("extra", "https://extra:6443", "x"));
        var list = first + Path.PathSeparator + Path.Combine(_dir, "missing") + Path.PathSeparator + second;

        // When
        using var merged = KubernetesConnection.Resolve(new KubernetesSettings(), Env(list), _dir);
        using var other = KubernetesConnection.Resolve(new KubernetesSettings { Context = "extra" }, Env(list), _dir);

        // Then
        merged.Server.ShouldStartWith("https://first:6443");
        merged.Namespace.ShouldBe("from-first");
        merged.Context.ShouldBe("shared");
        other.Server.ShouldStartWith("https://extra:6443");
        other.Namespace.ShouldBe("x");
    }

    [Fact]
    public void Should_fall_back_to_home_kube_config_and_to_the_default_namespace()
    {
        Directory.CreateDirectory(Path.Combine(_dir, ".kube"));
        Kubeconfig(Path.Combine(".kube", "config"), "home", ("home", "https://home:6443", null));

        using var connection = KubernetesConnection.Resolve(new KubernetesSettings(), Env(), _dir);
        using var withNamespace = KubernetesConnection.Resolve(new KubernetesSettings { Namespace = "chosen" }, Env(), _dir);

        connection.Server.ShouldStartWith("https://home:6443");
        connection.Namespace.ShouldBe("default");
        withNamespace.Namespace.ShouldBe("chosen");
    }

    [Fact]
    public void Should_use_provider_api_and_token_without_reading_any_kubeconfig()
    {
        Kubeconfig("env", "b", ("b", "https://env:6443", "ns-b"));
        var settings = new KubernetesSettings { Server = "https://api.example.com:8443", Token = "secret", TlsVerify = false };

        using var connection = KubernetesConnection.Resolve(settings, Env(Path.Combine(_dir, "env")), _dir);

        connection.Server.ShouldBe("https://api.example.com:8443");
        connection.Namespace.ShouldBe("default");
        connection.Configuration.AccessToken.ShouldBe("secret");
        connection.Configuration.SkipTlsVerify.ShouldBeTrue();
        connection.Source.ShouldNotContain("secret");
    }

    [Fact]
    public void Should_say_what_to_do_when_nothing_is_configured_or_a_file_or_context_is_missing()
    {
        var noCluster = Should.Throw<NuleculeException>(() => KubernetesConnection.Resolve(new KubernetesSettings(), Env(), _dir));
        var missingFile = Should.Throw<NuleculeException>(() => KubernetesConnection.Resolve(new KubernetesSettings { KubeconfigPath = Path.Combine(_dir, "nope") }, Env(), _dir));
        var path = Kubeconfig("one", "a", ("a", "https://a:6443", null));
        var missingContext = Should.Throw<NuleculeException>(() => KubernetesConnection.Resolve(new KubernetesSettings { KubeconfigPath = path, Context = "zzz" }, Env(), _dir));

        noCluster.Diagnostics[0].Hint.ShouldNotBeNull().ShouldContain("--kubeconfig");
        missingFile.Message.ShouldContain("does not exist");
        missingContext.Message.ShouldContain("zzz");
    }

    [Fact]
    public void Should_let_flags_win_over_answers_and_read_Atomic_App_keys()
    {
        var answers = KubernetesSettings.FromAnswers(new Dictionary<string, string>
        {
            ["namespace"] = "from-answers", ["provider-config"] = "/answers/kubeconfig", ["provider-tlsverify"] = "False", ["provider-api"] = "",
        });
        var flags = new KubernetesSettings { Namespace = "from-flag" };

        var combined = flags.Over(answers);

        combined.Namespace.ShouldBe("from-flag");
        combined.KubeconfigPath.ShouldBe("/answers/kubeconfig");
        combined.TlsVerify.ShouldBe(false);
        combined.Server.ShouldBeNull();
        Should.Throw<NuleculeException>(() => KubernetesSettings.FromAnswers(new Dictionary<string, string> { ["provider-tlsverify"] = "maybe" }));
    }
}
