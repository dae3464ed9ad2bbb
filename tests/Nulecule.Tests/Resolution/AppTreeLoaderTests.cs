using Nulecule.Resolution;
using Nulecule.Tests.TestSupport;

namespace Nulecule.Tests.Resolution;

public class AppTreeLoaderTests
{
    [Fact]
    public void Should_load_nested_apps_from_external_and_walk_them_in_place()
    {
        // Given: root (a, nested db, b); db itself nests cache
        using var dir = new TempDir();
        const string Leaf = "    artifacts:\n      docker:\n        - file://run\n";
        dir.Write("run", "docker run -d busybox\n");
        dir.Write("Nulecule", "specversion: 0.0.2\nid: root\ngraph:\n  - name: a\n" + Leaf + "  - name: db\n    source: docker://x/db\n  - name: b\n" + Leaf);
        dir.Write("external/db/run", "docker run -d busybox\n");
        dir.Write("external/db/Nulecule", "specversion: 0.0.2\nid: db\ngraph:\n  - name: cache\n    source: docker://x/cache\n  - name: server\n" + Leaf);
        dir.Write("external/db/external/cache/run", "docker run -d busybox\n");
        dir.Write("external/db/external/cache/Nulecule", "specversion: 0.0.2\nid: cache\ngraph:\n  - name: redis\n" + Leaf);

        // When
        var root = AppTreeLoader.LoadOrThrow(dir.Path);

        // Then
        root.Walk().Select(c => c.Scope).ShouldBe(["a", "db:cache:redis", "db:server", "b"]);
        root.Apps().Select(a => a.App.Id).ShouldBe(["root", "db", "cache"]);
    }

    [Fact]
    public void Should_report_a_nested_app_that_is_not_fetched_at_its_component()
    {
        using var dir = new TempDir();
        dir.Write("Nulecule", "specversion: 0.0.2\nid: root\ngraph:\n  - name: db\n    source: docker://x/db\n");

        var strict = AppTreeLoader.Load(dir.Path);
        var lenient = AppTreeLoader.Load(dir.Path, requireNested: false);

        strict.Succeeded.ShouldBeFalse();
        var error = strict.Diagnostics.Single();
        error.Location!.Line.ShouldBe(4);
        error.Message.ShouldStartWith("nested application 'db' (docker://x/db) has not been fetched");
        lenient.Succeeded.ShouldBeTrue();
        lenient.Missing.Single().Scope.ShouldBe("db");
    }

    [Fact]
    public void Should_report_many_nested_apps_in_graph_order_although_they_load_side_by_side()
    {
        // Given: twelve nested apps, the even ones fetched (each with a warning), the odd ones not
        using var dir = new TempDir();
        var graph = string.Concat(Enumerable.Range(0, 12).Select(i => $"  - name: n{i:00}\n    source: docker://x/n{i:00}\n"));
        dir.Write("Nulecule", "specversion: 0.0.2\nid: root\ngraph:\n" + graph);
        foreach (var i in Enumerable.Range(0, 12).Where(i => i % 2 == 0))
        {
            dir.Write($"external/n{i:00}/run", "docker run -d busybox\n");
            dir.Write($"external/n{i:00}/Nulecule", $"specversion: 0.0.2\nid: n{i:00}\nunknown{i:00}: x\ngraph:\n  - name: c\n    artifacts:\n      docker:\n        - file://run\n");
        }

        // When
        var result = AppTreeLoader.Load(dir.Path, requireNested: false);

        // Then: warnings of fetched apps and missing apps both come in graph order
        result.Succeeded.ShouldBeTrue();
        result.Missing.Select(m => m.Scope).ShouldBe(Enumerable.Range(0, 12).Where(i => i % 2 == 1).Select(i => $"n{i:00}"));
        result.Diagnostics.Select(d => d.Message).Where(m => m.Contains("'unknown", StringComparison.Ordinal))
            .Select(m => m[(m.IndexOf("'unknown", StringComparison.Ordinal) + 1)..][..9])
            .ShouldBe(Enumerable.Range(0, 12).Where(i => i % 2 == 0).Select(i => $"unknown{i:00}"));
        result.Root!.Walk().Select(c => c.Scope).ShouldBe(Enumerable.Range(0, 12).Where(i => i % 2 == 0).Select(i => $"n{i:00}:c"));
    }
}
