using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Actions;

/// <summary>
/// `nulecule exec`: runs a command in a container of one of a release's components (by full or
/// short name) and returns the command's exit code.
/// </summary>
public sealed class ExecAction(ProviderRegistry registry, IProvider provider)
{
    public required string Release { get; init; }

    /// <summary>The request, with the component as typed (resolved here to its full scope).</summary>
    public required ExecRequest Request { get; init; }

    public Release? Record { get; init; }

    public ReleaseKey? Key { get; init; }

    public async Task<int> RunAsync(CancellationToken ct)
    {
        registry.Require(provider.Name, "exec", c => c.Exec);
        if (Request.Command.Count == 0)
        {
            throw new NuleculeException("exec needs a command to run", null, "give it after the component: nulecule exec RELEASE COMPONENT -- COMMAND [ARG...]");
        }

        if (Request.Index is < 1)
        {
            throw new NuleculeException($"--index counts from 1, not {Request.Index}");
        }

        var component = await ReleaseComponents.ResolveDeployedAsync(provider, Release, Request.Component, Record, Key, ct).ConfigureAwait(false);
        return await provider.ExecAsync(Release, Request with { Component = component }, ct).ConfigureAwait(false);
    }
}
