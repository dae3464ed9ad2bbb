using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Tests;

/// <summary>run, then status, logs, list, scale and stop of the same release, found by its labels alone.</summary>
public sealed class LifecycleTests : IClassFixture<TestNamespace>
{
    private readonly TestNamespace _ns;

    public LifecycleTests(TestNamespace ns)
    {
        _ns = ns;
    }

    [ClusterFact]
    public async Task Should_show_status_logs_list_scale_and_stop_a_release_by_name()
    {
        // Given: a two-component release, deployed and ready
        var app = TestApps.App("shop", [
            ("db", [TestApps.ConfigMap("db-config", "x"), TestApps.Deployment("db", "echo db says hello; sleep 3600")]),
            ("web", [TestApps.Service("web"), TestApps.Deployment("web", "echo web says hello; sleep 3600")]),
        ]);
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        await provider.RunAsync(app, TestApps.Options("shop"), CancellationToken.None);

        // When: status
        var status = await provider.StatusAsync("shop", CancellationToken.None);

        // Then
        status.Provider.ShouldBe("kubernetes");
        status.Target.ShouldEndWith("/" + _ns.Name);
        status.Components.Select(c => c.Component).ShouldBe(["db", "web"], ignoreOrder: true);
        var web = status.Components.Single(c => c.Component == "web").Objects;
        web.ShouldContain(o => o.Kind == "Deployment" && o.Name == "web" && o.Ready);
        web.ShouldContain(o => o.Kind == "Service" && o.Ports == "80/TCP");
        web.ShouldContain(o => o.Kind == "Pod" && o.Ready);

        // When: logs of one component
        var lines = new List<LogLine>();
        await foreach (var line in provider.LogsAsync("shop", new LogOptions { Component = "db" }, CancellationToken.None))
        {
            lines.Add(line);
        }

        lines.ShouldContain(l => l.Text == "db says hello" && l.Component == "db" && l.Source.EndsWith("/main", StringComparison.Ordinal) && l.Time != null);
        lines.ShouldNotContain(l => l.Text.Contains("web", StringComparison.Ordinal));

        // When: list
        // (other tests of this class leave their own releases in the namespace)
        var releases = await provider.ListAsync(CancellationToken.None);
        var summary = releases.Single(r => r.Release == "shop");
        summary.AppId.ShouldBe("shop");
        summary.Objects.ShouldBe(4);
        summary.State.ShouldBe("deployed");
        summary.Revision.ShouldBe(1);

        // When: scale web to 2
        await provider.ScaleAsync("shop", "web", 2, CancellationToken.None);
        var deployment = (await _ns.GetAsync($"/apis/apps/v1/namespaces/{_ns.Name}/deployments/web"))!;
        ((int?)deployment["spec"]!["replicas"]).ShouldBe(2);
        (await Should.ThrowAsync<NuleculeException>(() => provider.ScaleAsync("shop", "nope", 2, CancellationToken.None))).Message.ShouldContain("no component 'nope'");

        // When: stop
        var stopped = await provider.StopAsync("shop", new StopOptions { Timeout = TimeSpan.FromMinutes(3) }, CancellationToken.None);

        // Then: reverse order, everything gone, pods too (the Deployments' foreground deletion)
        stopped.Objects.Select(o => $"{o.Component}/{o.Kind}").ShouldBe(["web/Deployment", "web/Service", "db/Deployment", "db/ConfigMap"]);
        stopped.Objects.ShouldAllBe(o => o.Action == ObjectAction.Deleted);
        (await _ns.ListAsync($"/api/v1/namespaces/{_ns.Name}/pods?labelSelector={Labels.Release}%3Dshop")).ShouldBeEmpty();
        (await provider.ListAsync(CancellationToken.None)).ShouldNotContain(r => r.Release == "shop");
    }

    [ClusterFact]
    public async Task Should_follow_logs_until_cancelled()
    {
        var app = TestApps.App("ticker", [("tick", [TestApps.Deployment("ticker", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done")])]);
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        await provider.RunAsync(app, TestApps.Options("ticker"), CancellationToken.None);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var lines = new List<string>();
        try
        {
            await foreach (var line in provider.LogsAsync("ticker", new LogOptions { Follow = true, Tail = 1 }, cts.Token))
            {
                lines.Add(line.Text);
                if (lines.Count == 5)
                {
                    await cts.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Following ends by cancellation.
        }

        lines.Count.ShouldBeGreaterThanOrEqualTo(5);
        lines.ShouldAllBe(l => l.StartsWith("tick ", StringComparison.Ordinal));
    }

    [ClusterFact]
    public async Task Should_plan_the_deletes_of_a_dry_run_stop()
    {
        var app = TestApps.App("keep", [("c", [TestApps.ConfigMap("keep-me", "v"), TestApps.Deployment("keep-web", "sleep 3600", replicas: 0)])]);
        var provider = new KubernetesProvider(Cluster.Settings(_ns.Name));
        await provider.RunAsync(app, TestApps.Options("keep", wait: false), CancellationToken.None);

        var result = await provider.StopAsync("keep", new StopOptions { DryRun = true }, CancellationToken.None);

        // (a workload in the foreground: stop waits for its pods; a ConfigMap, which owns nothing, in the background)
        result.PlannedOperations.ShouldBe([
            $"DELETE apps/v1 deployments {_ns.Name}/keep-web (propagationPolicy=Foreground)",
            $"DELETE v1 configmaps {_ns.Name}/keep-me (propagationPolicy=Background)",
        ]);
        (await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/configmaps/keep-me")).ShouldNotBeNull();
    }
}
