using Nulecule.Actions;

namespace Nulecule.Tests.Actions;

public class DiffActionTests
{
    private static DiffAction Diff(ReleaseHarness h) => new(h.Store, h.Key) { Release = ReleaseHarness.Name };

    [Fact]
    public async Task Should_report_no_changes_for_the_same_app()
    {
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make());

        var diff = await Diff(h).RunAsync(ReleaseTestApps.Make());

        diff.HasChanges.ShouldBeFalse();
        diff.AgainstRevision.ShouldBe(1);
        diff.Lines.ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_show_a_changed_image_as_a_unified_hunk_of_that_object_only()
    {
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make(image: "nginx:1.25"));

        var diff = await Diff(h).RunAsync(ReleaseTestApps.Make(image: "nginx:1.27"));

        diff.HasChanges.ShouldBeTrue();
        diff.Changes.ShouldBe([new ObjectChange("web", "Deployment", "web", ObjectChangeKind.Changed)]);
        diff.Lines[0].ShouldBe("--- web Deployment/web (revision 1)");
        diff.Lines[1].ShouldBe("+++ web Deployment/web (new)");
        diff.Lines[2].ShouldStartWith("@@ -");
        diff.Lines.ShouldContain(l => l.StartsWith('-') && l.Contains("nginx:1.25") && !l.StartsWith("---"));
        diff.Lines.ShouldContain(l => l.StartsWith('+') && l.Contains("nginx:1.27") && !l.StartsWith("+++"));
        diff.Lines.ShouldContain(l => l.StartsWith(' '));
    }

    [Fact]
    public async Task Should_detect_a_changed_secret_but_print_only_stars()
    {
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make(password: "canary-old-51c2"));

        var diff = await Diff(h).RunAsync(ReleaseTestApps.Make(password: "canary-new-93ad"));

        diff.HasChanges.ShouldBeTrue();
        var text = string.Join("\n", diff.Lines);
        text.ShouldNotContain("canary-old-51c2");
        text.ShouldNotContain("canary-new-93ad");
        diff.Lines.ShouldContain(l => l.StartsWith("-") && l.Contains(SecretMasker.Stars));
        diff.Lines.ShouldContain(l => l.StartsWith("+") && l.Contains(SecretMasker.Stars));
    }

    [Fact]
    public async Task Should_list_removed_and_added_objects()
    {
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make(withDb: true));

        var removed = await Diff(h).RunAsync(ReleaseTestApps.Make(withDb: false));

        removed.Changes.ShouldBe([new ObjectChange("db", "Service", "db", ObjectChangeKind.Removed)]);
        removed.Lines.ShouldContain("+++ db Service/db (removed)");

        var fresh = new ReleaseHarness();
        var added = await Diff(fresh).RunAsync(ReleaseTestApps.Make());
        added.AgainstRevision.ShouldBeNull();
        added.Changes.Select(c => c.Change).ShouldBe([ObjectChangeKind.Added, ObjectChangeKind.Added]);
        added.Lines.ShouldNotContain(l => l.Contains("s3cret-pass"));
    }

    [Fact]
    public async Task Should_compare_with_the_deployed_revision_not_a_later_failed_one()
    {
        var h = new ReleaseHarness();
        await h.RunAsync(ReleaseTestApps.Make(image: "a:1"));
        h.Provider.FailWhen = (_, _) => "boom";
        await Should.ThrowAsync<OperationFailedException>(() => h.RunAsync(ReleaseTestApps.Make(image: "a:2")));

        var diff = await Diff(h).RunAsync(ReleaseTestApps.Make(image: "a:1"));

        diff.AgainstRevision.ShouldBe(1);
        diff.HasChanges.ShouldBeFalse();
    }
}
