using Nulecule.Providers;

namespace Nulecule.Cli.Tests.Commands;

/// <summary>
/// The engines the command line knows, as a new engine must fit in: one registration each, a
/// provider that answers to its registration's name and connects only when used, and renders its
/// own (or its declared) artifacts.
/// </summary>
public sealed class EngineRegistryTests
{
    public static TheoryData<string> Deployable() => [.. Engines.Registry.Where(r => r.Create is not null).Select(r => r.Name)];

    [Theory]
    [MemberData(nameof(Deployable))]
    public void Should_create_a_provider_of_the_registered_name_without_connecting(string name)
    {
        // A kubeconfig that does not exist and a Docker host nobody listens on: creating must not touch either.
        var environment = new Dictionary<string, string> { ["KUBECONFIG"] = "/nonexistent/kubeconfig", ["DOCKER_HOST"] = "tcp://127.0.0.1:1", ["HOME"] = "/nonexistent" };
        var settings = new ProviderSettings(new Dictionary<string, string?>(), new Dictionary<string, string>(), environment);

        var provider = Engines.Registry.Create(name, settings);
        using var owned = provider as IDisposable;

        provider.Name.ShouldBe(name);
    }

    [Fact]
    public void Should_know_every_provider_the_spec_names_and_refuse_deploying_the_render_only_one()
    {
        Engines.Registry.Names.ShouldBe(["docker", "swarm", "kubernetes", "openshift", "marathon"], ignoreOrder: true);
        Engines.Registry.Select(r => r.Artifacts).ShouldAllBe(key => Nulecule.Spec.SemanticChecks.KnownProviders.Contains(key));
        var refused = Should.Throw<NuleculeException>(() => Engines.Registry.Create("marathon", ProviderSettings.Empty));
        refused.Diagnostics[0].Hint.ShouldBe("deploy with --provider docker, swarm, kubernetes, openshift");
    }

    [Fact]
    public void Should_keep_each_engine_store_once_and_openshift_with_kubernetes()
    {
        Engines.Registry.EngineStores().Select(r => r.Name).ShouldBe(["kubernetes"]);
        Engines.Registry.Get("openshift").ReleaseHome.ShouldBe("kubernetes");
        Engines.Registry.Get("docker").KeepsReleasesOnEngine.ShouldBeFalse();
        Engines.Registry.Get("swarm").KeepsReleasesOnEngine.ShouldBeFalse();
    }
}
