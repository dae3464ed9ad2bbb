using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Answers;
using Nulecule.Docker.Planning;
using Nulecule.Docker.Run;
using Nulecule.Providers;
using Nulecule.Templating;
using static Nulecule.Docker.Internal.DockerObjects;

namespace Nulecule.Docker.Internal;

/// <summary>
/// Replaces containers without destroying what runs: the replacement is created (under
/// `NAME--next`) before the old container is touched, the old one is only stopped and set aside
/// (`NAME--prev`) until the whole revision is up, and <see cref="RestoreAsync"/> puts every old
/// container back when anything fails or the run is interrupted.
/// </summary>
/// <remarks>
/// When the new container publishes none of the host ports the old one holds, it is started and
/// (with `--wait`) made ready beside the old one, which is stopped only then: no outage. When they
/// share a host port, the new configuration is first tried as `NAME--trial` without those
/// ports and without network aliases, unless the two share a mount (two database servers on one
/// data directory would do harm); only a trial that keeps running leads to the swap.
/// </remarks>
internal sealed class ContainerReplacer(IDockerClient client, ContainerWaiter waiter, SecretMasker masker, IReporter reporter, ResolvedValues? values = null)
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly List<Replacement> _replaced = [];

    /// <summary>Containers are created and replaced concurrently (<see cref="ContainerRollout"/>): the lists change under this lock.</summary>
    private readonly Lock _gate = new();

    /// <summary>What <see cref="RestoreAsync"/> could not undo (the engine refused or did not answer), as "container NAME".</summary>
    public List<string> NotUndone { get; } = [];
    private readonly List<(string Id, string Name)> _created = [];

    /// <summary>An old container set aside (renamed `--prev`, stopped) and, unless it was pruned, the new one that took its name.</summary>
    private sealed record Replacement(string Name, string OldId, bool OldWasRunning, string? NewId);

    /// <summary>
    /// Repairs what an interrupted run left among the release's containers (<paramref name="all"/>,
    /// transient ones included): an old container set aside whose name nobody holds is renamed
    /// back and started; every other transient container is removed. Returns whether it changed anything.
    /// </summary>
    public static async Task<bool> RepairAsync(IDockerClient client, IReadOnlyList<ContainerListResponse> all, IReporter reporter, CancellationToken cancellationToken)
    {
        var names = all.Select(NameOf).ToHashSet(StringComparer.Ordinal);
        var changed = false;
        foreach (var container in all.Where(c => TransientNames.IsTransient(NameOf(c))).OrderBy(c => NameOf(c).EndsWith(TransientNames.Previous, StringComparison.Ordinal)))
        {
            var name = NameOf(container);
            var original = TransientNames.BaseOf(name);
            if (name.EndsWith(TransientNames.Previous, StringComparison.Ordinal) && !names.Contains(original))
            {
                reporter.Warn($"an interrupted command left {original} set aside as {name}: putting it back");
                await client.Containers.RenameContainerAsync(container.ID, new ContainerRenameParameters { NewName = original }, cancellationToken);
                await client.Containers.StartContainerAsync(container.ID, new ContainerStartParameters(), cancellationToken);
                names.Add(original);
                changed = true;
                continue;
            }

            reporter.Detail($"removing {name}, left by an interrupted command");
            await ForceRemoveAsync(client, container.ID, cancellationToken);
            names.Remove(name);
            changed = true;
        }

        return changed;
    }

    /// <summary>Creates (not starts) the container of a component that had none; <see cref="RestoreAsync"/> removes it.</summary>
    public async Task<string> CreateNewAsync(PlannedContainer container, CancellationToken cancellationToken)
    {
        var id = await CreateAsync(container, container.ContainerName, null, cancellationToken);
        lock (_gate)
        {
            _created.Add((id, container.ContainerName));
        }

        return id;
    }

    /// <summary>Starts a container <see cref="CreateNewAsync"/> made.</summary>
    public Task StartNewAsync(PlannedContainer container, string id, CancellationToken cancellationToken) =>
        StartAsync(container, id, container.ContainerName, cancellationToken);

    /// <summary>A replacement made ahead of time: the old container as it was then, and the new one, created as `NAME--next` and not started.</summary>
    public sealed record Prepared(ContainerListResponse Current, ContainerInspectResponse Old, string NextId);

    /// <summary>
    /// The first half of replacing <paramref name="current"/> by <paramref name="container"/>, which
    /// touches nothing running: the new container is created beside the old one as `NAME--next`.
    /// Until <see cref="ReplaceAsync"/> takes it, <see cref="RestoreAsync"/> removes it.
    /// </summary>
    public async Task<Prepared> PrepareReplacementAsync(ContainerListResponse current, PlannedContainer container, CancellationToken cancellationToken)
    {
        var old = await client.Containers.InspectContainerAsync(current.ID, cancellationToken);
        var nextId = await CreateAsync(container, container.ContainerName + TransientNames.Next, null, cancellationToken);
        lock (_gate)
        {
            _created.Add((nextId, container.ContainerName + TransientNames.Next));
        }

        return new Prepared(current, old, nextId);
    }

    /// <summary>
    /// Replaces the old container by the one <see cref="PrepareReplacementAsync"/> created. Returns
    /// true when the new container was already made <paramref name="readiness"/> before the swap
    /// (nothing left to wait for), false when the caller still has to wait for it.
    /// </summary>
    public async Task<bool> ReplaceAsync(Prepared prepared, PlannedContainer container, Readiness readiness, DateTimeOffset deadline, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (current, old, nextId) = prepared;
        lock (_gate)
        {
            // From here on the new container is this replacement's: removed on failure by OrRemoveAsync or RestoreAsync's replacement list.
            _created.RemoveAll(c => c.Id == nextId);
        }

        var name = container.ContainerName;
        var oldRunning = old.State?.Running == true;
        if (old.HostConfig?.AutoRemove == true && oldRunning)
        {
            reporter.Warn($"{name} was started with --rm: once stopped it cannot be put back if its replacement fails");
        }

        var nextName = name + TransientNames.Next;
        var shared = SharedHostPorts(old, container.Parameters);
        if (shared.Count == 0 && !UsesHostNetwork(old, container.Parameters) && !HasFixedAddress(container.Parameters) && container.ExtraNetworks.All(e => e.Ipv4Address is null))
        {
            // Side by side: the old container serves until the new one is up.
            await OrRemoveAsync(nextId, async () =>
            {
                await StartAsync(container, nextId, nextName, cancellationToken);
                await waiter.WaitAsync(container, nextName, readiness, deadline, timeout, cancellationToken);
            });
            await SwapAsync(current.ID, oldRunning, nextId, name, cancellationToken);
            return true;
        }

        if (SharesMount(old, container.Parameters) || UsesHostNetwork(old, container.Parameters))
        {
            reporter.Detail($"{name}: no trial run (it shares a mount or the host network with the running container)");
        }
        else
        {
            await OrRemoveAsync(nextId, () => TrialAsync(container, shared, deadline, timeout, cancellationToken));
        }

        await SwapAsync(current.ID, oldRunning, nextId, name, cancellationToken);
        await StartAsync(container, nextId, name, cancellationToken);
        return false;
    }

    /// <summary>Runs <paramref name="step"/>; if it fails, the not yet used new container goes.</summary>
    private async Task OrRemoveAsync(string nextId, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch
        {
            await ForceRemoveAsync(client, nextId, CancellationToken.None);
            throw;
        }
    }

    /// <summary>The old container is stopped and set aside (recorded first, so it can be put back), the new one takes its name.</summary>
    private async Task SwapAsync(string oldId, bool oldRunning, string nextId, string name, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _replaced.Add(new Replacement(name, oldId, oldRunning, nextId));
        }

        await SetAsideAsync(oldId, name, oldRunning, CancellationToken.None);
        await client.Containers.RenameContainerAsync(nextId, new ContainerRenameParameters { NewName = name }, CancellationToken.None);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>A container whose component left the app: stopped and set aside until the revision is up.</summary>
    public async Task RetireAsync(ContainerListResponse stale, CancellationToken cancellationToken)
    {
        var name = NameOf(stale);
        var running = stale.State == "running";
        lock (_gate)
        {
            _replaced.Add(new Replacement(name, stale.ID, running, null));
        }

        await SetAsideAsync(stale.ID, name, running, cancellationToken);
    }

    /// <summary>The revision is up: the old containers go.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        foreach (var replacement in _replaced)
        {
            await ForceRemoveAsync(client, replacement.OldId, cancellationToken);
        }

        _replaced.Clear();
        _created.Clear();
    }

    /// <summary>
    /// Undoes this run: new containers are removed and every old container gets its name back and
    /// runs again if it ran before. Returns the names put back. Never throws: what could not be
    /// restored is reported, and listed in <see cref="NotUndone"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> RestoreAsync()
    {
        var restored = new List<string>();
        foreach (var (id, name) in Enumerable.Reverse(_created))
        {
            if (!await TryAsync($"removing {name}, which this run created,", () => ForceRemoveAsync(client, id, CancellationToken.None)))
            {
                NotUndone.Add($"container {name}");
            }
        }

        foreach (var replacement in Enumerable.Reverse(_replaced))
        {
            if (replacement.NewId is not null && !await TryAsync($"removing the replacement of {replacement.Name}", () => ForceRemoveAsync(client, replacement.NewId, CancellationToken.None)))
            {
                NotUndone.Add($"the replacement of container {replacement.Name}");
            }

            var ok = await TryAsync($"putting {replacement.Name} back", async () =>
            {
                var old = await client.Containers.InspectContainerAsync(replacement.OldId, CancellationToken.None);
                if (old.Name.TrimStart('/') != replacement.Name)
                {
                    await client.Containers.RenameContainerAsync(replacement.OldId, new ContainerRenameParameters { NewName = replacement.Name }, CancellationToken.None);
                }

                if (replacement.OldWasRunning && old.State?.Running != true)
                {
                    await client.Containers.StartContainerAsync(replacement.OldId, new ContainerStartParameters(), CancellationToken.None);
                }
            });
            if (ok)
            {
                restored.Add(replacement.Name);
            }
            else
            {
                NotUndone.Add($"container {replacement.Name} (not put back)");
            }
        }

        _replaced.Clear();
        _created.Clear();
        restored.Reverse();
        return restored;
    }

    /// <remarks>
    /// Not abandoned half-way when interrupted or when a concurrent step failed: an engine still
    /// stopping the container when <see cref="RestoreAsync"/> looks would leave it stopped.
    /// </remarks>
    private async Task SetAsideAsync(string id, string name, bool running, CancellationToken cancellationToken)
    {
        if (running)
        {
            await client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)StopGrace.TotalSeconds }, CancellationToken.None);
        }

        await client.Containers.RenameContainerAsync(id, new ContainerRenameParameters { NewName = name + TransientNames.Previous }, CancellationToken.None);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Runs the new configuration once, without the host ports the old container holds and unreachable by alias.</summary>
    private async Task TrialAsync(PlannedContainer container, IReadOnlyCollection<string> sharedPorts, DateTimeOffset deadline, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var name = container.ContainerName + TransientNames.Trial;
        reporter.Detail($"trying the new configuration of {container.ContainerName} as {name} (its host ports or fixed addresses are held by the running container)");
        var id = await CreateAsync(container, name, p =>
        {
            if (p.HostConfig?.PortBindings is { } bindings)
            {
                p.HostConfig.PortBindings = bindings.ToDictionary(
                    b => b.Key,
                    b => (IList<PortBinding>)b.Value.Where(v => !sharedPorts.Contains(HostPortKey(b.Key, v))).ToList(),
                    StringComparer.Ordinal);
            }

            if (p.NetworkingConfig?.EndpointsConfig is { } endpoints)
            {
                p.NetworkingConfig = new NetworkingConfig
                {
                    EndpointsConfig = endpoints.ToDictionary(e => e.Key, _ => new EndpointSettings(), StringComparer.Ordinal),
                };
            }
        }, cancellationToken, container.Arguments.Settings.RawFields with { MacAddress = null }); // the running container holds its MAC address
        try
        {
            await StartAsync(container, id, name, cancellationToken);
            await waiter.WaitAsync(container, name, Readiness.Started, deadline, timeout, cancellationToken);
        }
        finally
        {
            await ForceRemoveAsync(client, id, CancellationToken.None);
        }
    }

    /// <summary>
    /// Puts a compose service's secrets and configs into the created container (a tar through the
    /// Engine API, as `docker cp` does): the contents never touch the host's disk. Secrets are
    /// readable by the owner only (0400), configs by all (0444).
    /// </summary>
    private async Task CopyFilesAsync(string id, IReadOnlyList<PlannedFile> files)
    {
        using var tar = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(tar, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            var directories = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                var parts = file.Path.Trim('/').Split('/');
                for (var i = 1; i < parts.Length; i++)
                {
                    var directory = string.Join('/', parts[..i]);
                    if (directories.Add(directory))
                    {
                        writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.Directory, directory + "/") { Mode = (UnixFileMode)0x1ED });
                    }
                }

                var entry = new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, file.Path.Trim('/'))
                {
                    Mode = file.Secret ? UnixFileMode.UserRead : UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(file.Content)),
                };
                writer.WriteEntry(entry);
            }
        }

        tar.Position = 0;
        await client.Containers.ExtractArchiveToContainerAsync(id, new CopyToContainerParameters { Path = "/" }, tar, CancellationToken.None);
    }

    /// <summary>Creates the planned container under <paramref name="name"/> and joins its other networks; with <paramref name="change"/> (a trial) its other networks without aliases or addresses.</summary>
    private async Task<string> CreateAsync(
        PlannedContainer container, string name, Action<CreateContainerParameters>? change, CancellationToken cancellationToken, RawCreateFields? fields = null)
    {
        var p = container.Parameters;

        // The planned parameters are shared with the plan (hash, dry run): change a copy of the fields touched.
        var saved = (p.Name, p.HostConfig?.PortBindings, p.NetworkingConfig);
        p.Name = name;
        change?.Invoke(p);
        try
        {
            // Not abandoned half-way when interrupted: the engine would make a container nobody
            // knows of. It is quick; the interruption is seen right after, with the id known.
            var id = (await ContainerCreate.CreateAsync(client, p, fields ?? container.Arguments.Settings.RawFields, CancellationToken.None)).ID;
            try
            {
                // The other networks before it starts, as compose does; a trial joins them without aliases or fixed addresses.
                foreach (var extra in container.ExtraNetworks)
                {
                    await client.Networks.ConnectNetworkAsync(
                        extra.Network, new NetworkConnectParameters { Container = id, EndpointConfig = change is null ? extra.Settings() : new EndpointSettings() }, CancellationToken.None);
                }

                if (container.Files.Count > 0)
                {
                    await CopyFilesAsync(id, container.Files);
                }
            }
            catch (Exception)
            {
                // Half made: not left for a later run to trip over.
                await ForceRemoveAsync(client, id, CancellationToken.None);
                throw;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                await ForceRemoveAsync(client, id, CancellationToken.None);
                cancellationToken.ThrowIfCancellationRequested();
            }

            return id;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            throw new OperationFailedException(
                $"component {container.Component}: a container named {name} already exists and does not belong to this release "
                + "(remove it, or choose another release name)", e);
        }
        catch (DockerApiException e)
        {
            throw new OperationFailedException(masker.Mask(
                $"component {container.Component}: creating {name} failed ({container.Arguments.Location}): {Describe(e)}"), e);
        }
        finally
        {
            // Docker.DotNet's models say non-null, but null (absent) is how the plan leaves a setting unset.
#pragma warning disable CS8601
            p.Name = saved.Name;
            if (p.HostConfig is not null)
            {
                p.HostConfig.PortBindings = saved.PortBindings;
            }

            p.NetworkingConfig = saved.NetworkingConfig;
#pragma warning restore CS8601
        }
    }

    private async Task StartAsync(PlannedContainer container, string id, string name, CancellationToken cancellationToken)
    {
        reporter.Progress(new ProgressEvent(container.Component, ProgressState.Starting) { Object = $"container {name}", Message = $"starting {name}" });
        try
        {
            await client.Containers.StartContainerAsync(id, new ContainerStartParameters(), CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (DockerApiException e)
        {
            var portInUse = await EngineErrors.DescribePortInUseAsync(client, container, Describe(e), values);
            throw new OperationFailedException(masker.Mask(
                portInUse ?? $"component {container.Component}: starting {name} failed ({container.Arguments.Location}): {Describe(e)}"), e);
        }
    }

    private async Task<bool> TryAsync(string what, Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (DockerApiException e)
        {
            reporter.Warn($"{what} failed: {masker.Mask(Describe(e))}");
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException)
        {
            reporter.Warn($"{what} failed: the engine did not answer ({masker.Mask(e.Message)})");
            return false;
        }
    }

    private static string HostPortKey(string containerPort, PortBinding binding)
    {
        var protocol = containerPort.Contains('/') ? containerPort[(containerPort.IndexOf('/') + 1)..] : "tcp";
        return $"{binding.HostPort}/{protocol}";
    }

    /// <summary>Fixed host ports (not ephemeral ones) that both containers publish.</summary>
    internal static IReadOnlyCollection<string> SharedHostPorts(ContainerInspectResponse old, CreateContainerParameters next)
    {
        static IEnumerable<string> Fixed(IDictionary<string, IList<PortBinding>>? bindings) =>
            bindings is null
                ? []
                : bindings.SelectMany(b => (b.Value ?? []).Where(v => !string.IsNullOrEmpty(v.HostPort) && v.HostPort != "0").Select(v => HostPortKey(b.Key, v)));

        return Fixed(old.HostConfig?.PortBindings).Intersect(Fixed(next.HostConfig?.PortBindings), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>A fixed IP or MAC address: two containers cannot hold it at once, so the new one is not started beside the old.</summary>
    private static bool HasFixedAddress(CreateContainerParameters next) =>
        next.NetworkingConfig?.EndpointsConfig?.Values.Any(e => e.IPAMConfig is not null || !string.IsNullOrEmpty(e.MacAddress)) == true;

    private static bool UsesHostNetwork(ContainerInspectResponse old, CreateContainerParameters next) =>
        old.HostConfig?.NetworkMode == "host" || next.HostConfig?.NetworkMode == "host";

    /// <summary>Both containers mount the same host path or named volume.</summary>
    internal static bool SharesMount(ContainerInspectResponse old, CreateContainerParameters next)
    {
        var oldSources = (old.Mounts ?? [])
            .Select(m => m.Type == "volume" ? m.Name : m.Source)
            .Where(s => !string.IsNullOrEmpty(s))
            .ToHashSet(StringComparer.Ordinal);
        var nextSources = (next.HostConfig?.Binds ?? []).Select(b => b.Split(':')[0]);
        var mounts = (next.HostConfig?.Mounts ?? []).Select(m => m.Source).OfType<string>();
        return nextSources.Concat(mounts).Any(oldSources.Contains);
    }
}
