using Nulecule.Actions;

namespace Nulecule.Docker.Tests.Releases;

/// <summary>`diff` of a compose component on the real engine: which service (network, volume...) changed and in which keys, hidden values masked.</summary>
public sealed class ComposeDiffTests : IDisposable
{
    private static readonly string Compose = $$"""
        services:
          web:
            image: ${WEB_IMAGE:-local/busybox:latest}
            command: {{ComposeTestApp.Loop}}
            environment: {GREETING: "${GREETING:-hi}", TOKEN: "${token}"}
            ports: ["127.0.0.1::80"]
          db:
            image: {{TestImages.Busybox}}
            command: {{ComposeTestApp.Loop}}
            volumes: ["data:/data"]
        volumes:
          data: {}
        """;

    private readonly DockerReleaseHarness _h = new(d => ComposeTestApp.Write(d, Compose, ["GREETING", "WEB_IMAGE"]));

    public void Dispose() => _h.Dispose();

    private async Task<DiffResult> DiffAsync(params string[] sets) =>
        await new DiffAction(_h.Store, _h.Key) { Release = _h.Release, Engine = _h.Provider }.RunAsync(await _h.RenderAsync(sets));

    [DockerFact]
    public async Task Should_show_which_service_changed_and_in_which_keys_with_hidden_values_masked()
    {
        // Given
        await _h.RunAsync();
        (await DiffAsync()).HasChanges.ShouldBeFalse();

        // When: web's greeting, image and secret change
        var diff = await DiffAsync("GREETING=v2", "WEB_IMAGE=local/busybox:other", "token=another-secret-value");

        // Then: one change, the web service, with the keys that differ; db and the volume are not listed
        var change = diff.Changes.ShouldHaveSingleItem();
        (change.Component, change.Kind, change.Name, change.Change).ShouldBe(("stack", "service", "web", ObjectChangeKind.Changed));
        change.Fields.ShouldBe(["environment.GREETING", "environment.TOKEN", "image"]);
        diff.Lines[0].ShouldBe("--- stack service/web (revision 1)");
        diff.Lines[1].ShouldBe("+++ stack service/web (new)");
        diff.Lines.ShouldContain(l => l.StartsWith('-') && l.Contains("GREETING: hi", StringComparison.Ordinal));
        diff.Lines.ShouldContain(l => l.StartsWith('+') && l.Contains("GREETING: v2", StringComparison.Ordinal));
        diff.Lines.ShouldContain(l => l.StartsWith('+') && l.Contains("image: local/busybox:other", StringComparison.Ordinal));
        diff.Lines.ShouldContain(l => l.StartsWith('+') && l.Contains("TOKEN: " + SecretMasker.Stars, StringComparison.Ordinal));
        diff.Lines.ShouldAllBe(l => !l.Contains("another-secret-value", StringComparison.Ordinal) && !l.Contains(_h.Canary, StringComparison.Ordinal));
        diff.Lines.ShouldNotContain(l => l.Contains("service/db", StringComparison.Ordinal));
    }

    [DockerFact]
    public async Task Should_list_an_added_service_and_network_and_a_removed_volume_as_objects_of_their_kind()
    {
        await _h.RunAsync();
        var changed = Compose.Replace("    volumes: [\"data:/data\"]\nvolumes:\n  data: {}", "    networks: [back]\n  cache:\n    image: x\nnetworks:\n  back: {}", StringComparison.Ordinal);
        changed.ShouldNotBe(Compose);
        await File.WriteAllTextAsync(Path.Combine(_h.AppDir, "artifacts", "docker", "compose.yaml"), changed);

        var diff = await DiffAsync();

        diff.Changes.Select(c => (c.Kind, c.Name, c.Change)).ShouldBe(
            [("service", "db", ObjectChangeKind.Changed), ("volume", "data", ObjectChangeKind.Removed), ("service", "cache", ObjectChangeKind.Added), ("network", "back", ObjectChangeKind.Added)],
            ignoreOrder: true);
        diff.Changes.Single(c => c.Name == "db").Fields.ShouldBe(["networks", "volumes"]);
    }
}
