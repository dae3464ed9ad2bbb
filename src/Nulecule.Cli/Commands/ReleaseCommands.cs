using System.CommandLine;
using System.Text.Json.Nodes;
using Nulecule.Actions;
using Nulecule.Providers;

namespace Nulecule.Cli.Commands;

/// <summary>Verbs that act on a deployed release by its name alone: stop, status, logs, list, scale.</summary>
internal static class ReleaseCommands
{
    internal static Option<string?> ProviderOfRelease() => new("--provider", "-p")
    {
        Description = "The release's provider: docker (default), kubernetes or openshift.",
    };

    public static Command Stop(CommandContext context)
    {
        var verb = new ReleaseVerb();
        var volumes = new Option<bool>("--volumes") { Description = "Also remove the release's volumes (kept by default)." };
        var timeout = Arguments.Timeout("How long to wait for objects to go.", "2m");
        var purge = new Option<bool>("--purge") { Description = "Also delete the release's history." };
        var forceUnlock = new Option<bool>("--force-unlock") { Description = "Break the release's lock left by a command that is gone." };
        var parallel = Arguments.Parallel("Docker: at most N containers stopped at once; of two related components the later in graph order still goes first");
        var ignoreNotFound = new Option<bool>("--ignore-not-found") { Description = "Succeed (exit 0) when there is no such release, instead of exit 4." };
        var format = Reports.Option("one removed object a line");
        var command = new Command("stop", "Stop a release and remove what it deployed: of two related components (one names the other) the later in graph order first, the others side by side (Atomic App's stop; `down` and `uninstall` are the same command). Volumes are kept unless --volumes; history is kept unless --purge.")
        {
            verb.Release, verb.Provider, volumes, timeout, purge, forceUnlock, ignoreNotFound, parallel, format,
        };
        command.Aliases.Add("down");
        command.Aliases.Add("uninstall");
        verb.Engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            using var found = await verb.OpenAsync(context, parse, output, ct);
            var (name, record) = (found.Name, found.Record);
            var result = record is null
                ? await found.Provider.StopAsync(name, new StopOptions { RemoveVolumes = parse.GetValue(volumes), Timeout = parse.GetValue(timeout), Parallel = parse.GetValue(parallel), Reporter = output }, ct)
                : await new UninstallAction(found.Releases.Configuration(found.Provider, record.Target, output))
                {
                    Release = name,
                    RemoveVolumes = parse.GetValue(volumes),
                    Timeout = parse.GetValue(timeout),
                    Purge = parse.GetValue(purge),
                    ForceUnlock = parse.GetValue(forceUnlock),
                    Parallel = parse.GetValue(parallel),
                }.RunAsync(ct);
            if (result.Objects.Count == 0 && (record is null || (record.State == Nulecule.Releases.ReleaseState.Uninstalled && !parse.GetValue(purge))) && !parse.GetValue(ignoreNotFound))
            {
                throw new ReleaseNotFoundException(name, $"release '{name}' not found: nothing of it is deployed{(record is null ? " and it has no history" : " (stopped before)")}; --ignore-not-found makes this exit 0");
            }

            Summary.Print(output, Reports.Of(parse, format), new Summary.Outcome("stop", name, result));
            output.Info(result.Objects.Count == 0 ? $"release '{name}' has nothing deployed" : $"release '{name}' stopped");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Status(CommandContext context)
    {
        var verb = new ReleaseVerb();
        var format = Reports.Option("the objects per component, after a summary");
        var command = new Command("status", "Show a release's objects per component: state, readiness, health, ports.") { verb.Release, verb.Provider, format };
        verb.Engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            using var found = await verb.OpenAsync(context, parse, output, ct);
            var name = found.Name;
            var health = await new StatusAction(found.Provider, found.Store) { Release = name }.RunAsync(ct);
            var status = health.Engine;
            if (health.NotFound)
            {
                output.Error($"release '{status.Release}' not found on {status.Provider} ({status.Target})"
                    + (health.Latest is { } last ? $"; its last revision, {last.Revision}, is {last.State.ToString().ToLowerInvariant()}" : ""));
                return ExitCodes.NotFound;
            }

            var chosen = Reports.Of(parse, format);
            if (chosen.IsDocument())
            {
                output.Write(StatusDocument(health), chosen);
                return health.Degraded ? ExitCodes.Degraded : ExitCodes.Ok;
            }

            output.Line(chosen, $"release {status.Release} on {status.Provider} ({status.Target})");
            output.Line(chosen, Header(health));
            var rows = health.Components.SelectMany(c => c.Objects.Select(o => (c.Component, Object: o)));
            output.Table(chosen, rows, StatusColumns);
            return health.Degraded ? ExitCodes.Degraded : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>`revision 2 deployed, degraded: 1 object missing, 0 not ready; revision 3 failed: ...`</summary>
    private static string Header(ReleaseHealth health)
    {
        var objects = health.Components.SelectMany(c => c.Objects).ToList();
        var missing = objects.Count(o => o.State == StatusAction.Missing);
        var notReady = objects.Count(o => !o.Ready && o.State != StatusAction.Missing && !ReleaseHealth.Completed(o));
        var text = health.Running is { } running
            ? $"revision {running.Revision} {running.State.ToString().ToLowerInvariant()}"
            : "not recorded in the history (found by its labels)";
        text += health.Degraded ? $", degraded: {missing} missing, {notReady} not ready" : ", every object ready";
        if (health.Latest is { } latest)
        {
            text += $"; revision {latest.Revision} {latest.State.ToString().ToLowerInvariant()}: {latest.Description}";
        }

        return text;
    }

    private static readonly Column<(string Component, ObjectStatus Object)>[] StatusColumns =
    [
        new("COMPONENT", r => r.Component),
        new("KIND", r => r.Object.Kind),
        new("NAME", r => r.Object.Name),
        new("STATE", r => r.Object.Message is null ? r.Object.State : $"{r.Object.State}: {r.Object.Message}"),
        new("READY", r => r.Object.Ready ? "yes" : "no"),
        new("HEALTH", r => r.Object.Health ?? ""),
        new("PORTS", r => r.Object.Ports ?? ""),
        new("REVISION", r => r.Object.Revision is { } n ? Reports.Number(n) : "", Wide: true),
    ];

    /// <summary>The `ReleaseStatus` document (docs/output.md).</summary>
    private static JsonObject StatusDocument(ReleaseHealth health)
    {
        var doc = Reports.Document("ReleaseStatus");
        doc["release"] = health.Engine.Release;
        doc["provider"] = health.Engine.Provider;
        doc["target"] = health.Engine.Target;
        doc["revision"] = health.Running?.Revision;
        doc["state"] = health.Running is { } running ? Reports.Name(running.State) : null;
        doc["latestRevision"] = health.Latest?.Revision;
        doc["latestState"] = health.Latest is { } latest ? Reports.Name(latest.State) : null;
        doc["degraded"] = health.Degraded;
        doc["components"] = Reports.Array(health.Components, c => new JsonObject
        {
            ["component"] = c.Component,
            ["objects"] = Reports.Array(c.Objects, o => new JsonObject
            {
                ["kind"] = o.Kind, ["name"] = o.Name, ["state"] = o.State, ["ready"] = o.Ready,
                ["health"] = o.Health, ["ports"] = o.Ports, ["message"] = o.Message, ["revision"] = o.Revision,
            }),
        });
        return doc;
    }

    public static Command Logs(CommandContext context)
    {
        var verb = new ReleaseVerb();
        var component = new Argument<string?>("COMPONENT") { Description = "Only this component's containers.", Arity = ArgumentArity.ZeroOrOne, HelpName = "COMPONENT" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until interrupted." };
        var tail = new Option<int?>("--tail") { Description = "Only the last N lines of each container." };
        var since = new Option<DateTimeOffset?>("--since")
        {
            Description = "Only lines written since then: a duration back from now (90s, 5m, 1h30m) or a time (2026-11-30T15:04:05Z).",
            HelpName = "DURATION|TIME",
            CustomParser = result => Since(result.Tokens.Single().Value, DateTimeOffset.UtcNow, result.AddError),
        };
        var timestamps = new Option<bool>("--timestamps", "-t") { Description = "Start each line with the time the engine recorded it (RFC 3339, UTC)." };
        var noPrefix = new Option<bool>("--no-prefix") { Description = "Print lines without the `component/container | ` prefix." };
        var command = new Command("logs", "Print the container logs of a release, each line prefixed by its component and container.") { verb.Release, component, verb.Provider, follow, tail, since, timestamps, noPrefix };
        verb.Engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            using var found = await verb.OpenAsync(context, parse, output, ct);
            var name = found.Name;
            var lines = await new LogsAction(Engines.Registry, found.Provider)
            {
                Release = name,
                Component = parse.GetValue(component),
                Follow = parse.GetValue(follow),
                Tail = parse.GetValue(tail),
                Since = parse.GetValue(since),
                Record = found.Record,
                Key = found.Key,
            }.StartAsync(ct);
            var count = 0;
            await foreach (var line in lines)
            {
                count++;
                var stamp = parse.GetValue(timestamps) ? (line.Time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture) ?? "-") + " " : "";
                output.Result(parse.GetValue(noPrefix) ? stamp + line.Text : $"{stamp}{line.Component}/{line.Source} | {line.Text}");
            }

            return count == 0 && found.Record is null or { State: Nulecule.Releases.ReleaseState.Uninstalled }
                ? throw new ReleaseNotFoundException(name, $"release '{name}' not found: nothing of it is deployed")
                : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>`--since`: a duration back from <paramref name="now"/>, or an RFC 3339 time (as `docker logs --since` takes both).</summary>
    internal static DateTimeOffset? Since(string text, DateTimeOffset now, Action<string> error)
    {
        if (text.Contains('T', StringComparison.Ordinal) || text.Contains('-', StringComparison.Ordinal))
        {
            if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time))
            {
                return time;
            }

            error($"--since: '{text}' is not a time (write 2026-11-30T15:04:05Z) nor a duration (90s, 5m, 1h30m)");
            return null;
        }

        var (duration, problem) = Parsing.Durations.Parse(text);
        if (problem is not null)
        {
            error($"--since: {problem}, or give a time (2026-11-30T15:04:05Z)");
            return null;
        }

        return now - duration!.Value;
    }

    public static Command List(CommandContext context)
    {
        var all = new Option<bool>("--all") { Description = "Include stopped (uninstalled) releases." };
        var engine = new ProviderOptions();
        var provider = new Option<string?>("--provider", "-p") { Description = "Only the releases of this provider." };
        var format = Reports.Option();
        var command = new Command("list", "List every recorded release with its revision and state: the local history and, when a cluster is configured, the namespace's.") { all, provider, format };
        engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            using var releases = ReleaseContext.Open(context);
            var list = (await releases.ListAsync(context, parse, engine, parse.GetValue(all), output, ct))
                .Where(r => parse.GetValue(provider) is not { } only || r.Provider == only).ToList();
            var chosen = Reports.Of(parse, format);
            if (chosen.IsDocument())
            {
                var doc = Reports.Document("ReleaseList");
                doc["items"] = Reports.Array(list, r => new JsonObject
                {
                    ["name"] = r.Name, ["app"] = r.AppId, ["appVersion"] = r.AppVersion, ["provider"] = r.Provider, ["revision"] = r.Revision,
                    ["state"] = Reports.Name(r.State), ["updated"] = r.Updated.ToString("o"), ["target"] = r.Target, ["description"] = r.Description,
                });
                output.Write(doc, chosen);
                return ExitCodes.Ok;
            }

            output.Table(chosen, list, ListColumns);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static readonly Column<Nulecule.Releases.Release>[] ListColumns =
    [
        new("RELEASE", r => r.Name),
        new("APP", r => r.AppId),
        new("VERSION", r => r.AppVersion ?? ""),
        new("PROVIDER", r => r.Provider),
        new("REVISION", r => Reports.Number(r.Revision)),
        new("STATE", r => Reports.Name(r.State)),
        new("UPDATED", r => Reports.Time(r.Updated)),
        new("TARGET", r => r.Target),
        new("DESCRIPTION", r => r.Description, Wide: true),
    ];

    public static Command Scale(CommandContext context)
    {
        var verb = new ReleaseVerb();
        var component = new Argument<string>("COMPONENT") { Description = "The component whose workloads to scale, or COMPONENT/SERVICE for one service of its compose file (docker).", HelpName = "COMPONENT" };
        var replicas = new Option<int>("--replicas") { Description = "The number of replicas.", Required = true };
        var command = new Command("scale", "Set the replica count of a component's workloads (Kubernetes, OpenShift, Swarm; Docker: compose services).") { verb.Release, component, replicas, verb.Provider };
        verb.Engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            using var found = await verb.OpenAsync(context, parse, output, ct);
            var name = found.Name;
            var scaled = await new ScaleAction(Engines.Registry, found.Provider)
            {
                Release = name,
                Component = parse.GetValue(component)!,
                Replicas = parse.GetValue(replicas),
                Record = found.Record,
                Key = found.Key,
                Store = found.Store,
                Reporter = output,
            }.RunAsync(ct);
            output.Info($"scaled {scaled} of release '{name}' to {parse.GetValue(replicas)} replica(s)");
            return ExitCodes.Ok;
        });
        return command;
    }

}
