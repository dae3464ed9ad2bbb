using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Nulecule.Actions;
using Nulecule.Providers;

namespace Nulecule.Cli.Commands;

/// <summary>Verbs on what a release runs, as docker compose and kubectl users type them: ps, exec, restart.</summary>
internal static class ProcessCommands
{
    public static Command Ps(CommandContext context)
    {
        var release = new Argument<string?>("RELEASE") { Description = "Only this release's objects. Default: every release on the engine (or in the namespace).", Arity = ArgumentArity.ZeroOrOne, HelpName = "RELEASE" };
        var provider = ReleaseCommands.ProviderOfRelease();
        var format = Reports.Option();
        var engine = new ProviderOptions();
        var command = new Command("ps", "List the containers (Docker) or pods (Kubernetes) of every release, or of one: component, name, image, state, ports, age.") { release, provider, format };
        engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            var name = parse.GetValue(release);
            using var releases = ReleaseContext.Open(context);
            IProvider target;
            Nulecule.Releases.Release? record = null;
            if (name is null)
            {
                target = engine.Create(parse.GetValue(provider) ?? Engines.Registry.DefaultForReleases, parse, new Dictionary<string, string>(), context.Environment);
            }
            else
            {
                (target, record, _) = await releases.FindAsync(name, context, parse, engine, parse.GetValue(provider), ct, output);
            }

            using var owned = target as IDisposable;
            var rows = await new PsAction(Engines.Registry, target) { Release = name, Record = record }.RunAsync(ct);
            var chosen = Reports.Of(parse, format);
            if (chosen.IsDocument())
            {
                var doc = Reports.Document("ProcessList");
                doc["provider"] = target.Name;
                doc["target"] = target.Target;
                doc["items"] = Reports.Array(rows, r => new JsonObject
                {
                    ["release"] = r.Release, ["component"] = r.Component, ["kind"] = r.Kind, ["name"] = r.Name, ["image"] = r.Image,
                    ["state"] = r.State, ["ports"] = r.Ports, ["created"] = r.Created?.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture),
                });
                output.Write(doc, chosen);
                return ExitCodes.Ok;
            }

            output.Table(chosen, rows, PsColumns(DateTimeOffset.UtcNow));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Exec(CommandContext context)
    {
        var verb = new ReleaseVerb();
        var component = new Argument<string>("COMPONENT") { Description = "The component to run the command in (its own name is enough when unambiguous).", HelpName = "COMPONENT" };
        var commandLine = new Argument<string[]>("COMMAND") { Description = "The command and its arguments; put `--` before it when it has options of its own.", Arity = ArgumentArity.OneOrMore };
        var interactive = new Option<bool>("--stdin", "-i") { Description = "Pass this command's standard input to the command." };
        var container = new Option<string?>("--container", "-c") { Description = "The container: Docker, one of the component's containers by name; Kubernetes, the container in the pod (default: the pod's first)." };
        var pod = new Option<string?>("--pod") { Description = "Kubernetes: the pod to run in. Default: the component's first ready pod." };
        var index = new Option<int?>("--index") { Description = "The N-th (from 1, by name) of the component's containers or pods, ready or not." };
        var command = new Command("exec", "Run a command in a container of a release's component; its output is printed as it comes and its exit code is nulecule's.")
        {
            verb.Release, component, commandLine, verb.Provider, interactive, container, pod, index,
        };
        verb.Engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            using var found = await verb.OpenAsync(context, parse, output, ct);
            var name = found.Name;
            await using var stdout = OutputStream.For(output.Out);
            await using var stderr = OutputStream.For(context.Stderr);
            return await new ExecAction(Engines.Registry, found.Provider)
            {
                Release = name,
                Record = found.Record,
                Key = found.Key,
                Request = new ExecRequest
                {
                    Component = parse.GetValue(component)!,
                    Command = parse.GetValue(commandLine)!,
                    Container = parse.GetValue(container),
                    Pod = parse.GetValue(pod),
                    Index = parse.GetValue(index),
                    Stdin = parse.GetValue(interactive) ? context.Stdin() : null,
                    Stdout = stdout,
                    Stderr = stderr,
                },
            }.RunAsync(ct);
        });
        return command;
    }

    public static Command Restart(CommandContext context)
    {
        var verb = new ReleaseVerb();
        var components = new Argument<string[]>("COMPONENT") { Description = "Only these components (their own names are enough when unambiguous). Default: all.", Arity = ArgumentArity.ZeroOrMore, HelpName = "COMPONENT" };
        var command = new Command(
            "restart",
            "Restart a release's containers (Docker, in the release's order) or roll its Deployments, StatefulSets and DaemonSets (Kubernetes, as `kubectl rollout restart`). "
            + "Bare pods and other workloads are named and left alone. Nothing is recorded in the history: the release keeps its revision.")
        {
            verb.Release, components, verb.Provider,
        };
        verb.Engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            using var found = await verb.OpenAsync(context, parse, output, ct);
            var name = found.Name;
            var outcomes = await new RestartAction(Engines.Registry, found.Provider)
            {
                Release = name,
                Components = parse.GetValue(components) ?? [],
                Record = found.Record,
                Key = found.Key,
                Reporter = output,
            }.RunAsync(ct);
            foreach (var o in outcomes.Where(o => o.Restarted))
            {
                output.Result($"restarted {o.Component,-24} {o.Kind.ToLowerInvariant()} {o.Name}");
            }

            foreach (var o in outcomes.Where(o => !o.Restarted))
            {
                output.Warn($"not restarted: {o.Kind} {o.Name} (component {o.Component}): {o.Reason}");
            }

            if (!outcomes.Any(o => o.Restarted))
            {
                output.Error($"nothing of release '{name}' could be restarted");
                return ExitCodes.Failed;
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static IReadOnlyList<Column<ProcessRow>> PsColumns(DateTimeOffset now) =>
    [
        new("RELEASE", r => r.Release),
        new("COMPONENT", r => r.Component),
        new("KIND", r => r.Kind, Wide: true),
        new("NAME", r => r.Name),
        new("IMAGE", r => r.Image),
        new("STATE", r => r.State),
        new("PORTS", r => r.Ports),
        new("AGE", r => r.Created is { } created ? Age(now - created) : ""),
        new("CREATED", r => r.Created is { } created ? Reports.Time(created.ToUniversalTime()) : "", Wide: true),
    ];

    /// <summary>`45s`, `12m`, `5h`, `3d`: as kubectl's AGE column.</summary>
    internal static string Age(TimeSpan age) => age switch
    {
        { TotalSeconds: < 0 } => "0s",
        { TotalMinutes: < 2 } => $"{(int)age.TotalSeconds}s",
        { TotalHours: < 2 } => $"{(int)age.TotalMinutes}m",
        { TotalDays: < 2 } => $"{(int)age.TotalHours}h",
        _ => $"{(int)age.TotalDays}d",
    };
}
