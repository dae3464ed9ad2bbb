using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Actions;

/// <summary>`nulecule logs`: the container logs of a release, or of one of its components (by full or short name).</summary>
public sealed class LogsAction(ProviderRegistry registry, IProvider provider)
{
    public required string Release { get; init; }

    public string? Component { get; init; }

    public bool Follow { get; init; }

    public int? Tail { get; init; }

    /// <summary>Only lines written at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>The release's record and key, to know its components; null: asked of the engine.</summary>
    public Release? Record { get; init; }

    public ReleaseKey? Key { get; init; }

    /// <summary>Checks what can be checked before the first line (the provider, the component) and starts reading.</summary>
    public async Task<IAsyncEnumerable<LogLine>> StartAsync(CancellationToken ct)
    {
        if (!registry.Get(provider.Name).Capabilities.Logs)
        {
            throw new NuleculeException($"the {provider.Name} provider has no logs to show", null,
                $"providers with logs: {string.Join(", ", registry.Where(r => r.Capabilities.Logs).Select(r => r.Name))}");
        }

        if (Tail is < 0)
        {
            throw new NuleculeException($"--tail must be 0 or more, not {Tail}");
        }

        var component = Component is null
            ? null
            : ReleaseComponents.Resolve(Component, await ReleaseComponents.ListAsync(provider, Release, Record, Key, ct).ConfigureAwait(false), Release);
        var lines = provider.LogsAsync(Release, new LogOptions { Component = component, Follow = Follow, Tail = Tail, Since = Since }, ct);
        return Since is { } since ? After(lines, since) : lines;
    }

    /// <summary>An engine may round --since down (Kubernetes to the second): lines stamped earlier are dropped here.</summary>
    private static async IAsyncEnumerable<LogLine> After(IAsyncEnumerable<LogLine> lines, DateTimeOffset since)
    {
        await foreach (var line in lines.ConfigureAwait(false))
        {
            if (line.Time is not { } time || time >= since)
            {
                yield return line;
            }
        }
    }
}
