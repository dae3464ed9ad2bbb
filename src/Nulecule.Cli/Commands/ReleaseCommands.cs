using System.CommandLine;
using System.Text.Json.Nodes;
using Nulecule.Providers;
using Spectre.Console;

namespace Nulecule.Cli.Commands;

/// <summary>Verbs that act on a deployed release by its name alone: stop, status, logs, list, scale.</summary>
internal static class ReleaseCommands
{
    private static Option<string?> ProviderOfRelease() => new("--provider", "-p")
    {
        Description = "The release's provider: docker (default), kubernetes or openshift.",
    };

    private static IProvider Connect(CommandContext context, ParseResult parse, ProviderOptions engine, Option<string?> provider) =>
        engine.Create(parse.GetValue(provider) ?? "docker", parse, new Dictionary<string, string>(), context.Environment);

    public static Command Stop(CommandContext context)
    {
        var release = Arguments.ReleaseArgument();
        var provider = ProviderOfRelease();
        var volumes = new Option<bool>("--volumes") { Description = "Also remove the release's volumes (kept by default)." };
        var timeout = Arguments.Timeout("How long to wait for objects to go.", "2m");
        var engine = new ProviderOptions();
        var command = new Command("stop", "Stop a release and remove what it deployed, in reverse order. Volumes are kept unless --volumes.") { release, provider, volumes, timeout };
        engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            var target = Connect(context, parse, engine, provider);
            using var owned = target as IDisposable;
            var result = await target.StopAsync(parse.GetValue(release)!, new StopOptions { RemoveVolumes = parse.GetValue(volumes), Timeout = parse.GetValue(timeout), Reporter = output }, ct);
            Summary.Print(output, result, dryRun: false);
            output.Info(result.Objects.Count == 0 ? $"release '{parse.GetValue(release)}' has nothing deployed" : $"release '{parse.GetValue(release)}' stopped");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Status(CommandContext context)
    {
        var release = Arguments.ReleaseArgument();
        var provider = ProviderOfRelease();
        var format = Arguments.Format("Output format: table or json.", "table", "json");
        var engine = new ProviderOptions();
        var command = new Command("status", "Show a release's objects per component: state, readiness, health, ports.") { release, provider, format };
        engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            var target = Connect(context, parse, engine, provider);
            using var owned = target as IDisposable;
            var status = await target.StatusAsync(parse.GetValue(release)!, ct);
            if (status.Components.Count == 0)
            {
                output.Error($"release '{status.Release}' not found on {status.Provider} ({status.Target})");
                return ExitCodes.Failed;
            }

            if (parse.GetValue(format) == "json")
            {
                var components = new JsonArray();
                foreach (var c in status.Components)
                {
                    var objects = new JsonArray();
                    foreach (var o in c.Objects)
                    {
                        objects.Add((JsonNode)new JsonObject
                        {
                            ["kind"] = o.Kind, ["name"] = o.Name, ["state"] = o.State, ["ready"] = o.Ready,
                            ["health"] = o.Health, ["ports"] = o.Ports, ["message"] = o.Message,
                        });
                    }

                    components.Add((JsonNode)new JsonObject { ["component"] = c.Component, ["objects"] = objects });
                }

                var doc = new JsonObject { ["release"] = status.Release, ["provider"] = status.Provider, ["target"] = status.Target, ["components"] = components };
                output.Result(doc.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Ok;
            }

            output.Result($"release {status.Release} on {status.Provider} ({status.Target})");
            var table = new Table { Border = TableBorder.Simple }.AddColumns("COMPONENT", "KIND", "NAME", "STATE", "READY", "HEALTH", "PORTS");
            foreach (var c in status.Components)
            {
                foreach (var o in c.Objects)
                {
                    table.AddRow(E(c.Component), E(o.Kind), E(o.Name), E(o.Message is null ? o.State : $"{o.State}: {o.Message}"), o.Ready ? "yes" : "no", E(o.Health ?? ""), E(o.Ports ?? ""));
                }
            }

            output.Stdout.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Logs(CommandContext context)
    {
        var release = Arguments.ReleaseArgument();
        var component = new Argument<string?>("COMPONENT") { Description = "Only this component's containers.", Arity = ArgumentArity.ZeroOrOne };
        var provider = ProviderOfRelease();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until interrupted." };
        var tail = new Option<int?>("--tail") { Description = "Only the last N lines of each container." };
        var engine = new ProviderOptions();
        var command = new Command("logs", "Print the container logs of a release, each line prefixed by its component and container.") { release, component, provider, follow, tail };
        engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            var target = Connect(context, parse, engine, provider);
            using var owned = target as IDisposable;
            var options = new LogOptions { Component = parse.GetValue(component), Follow = parse.GetValue(follow), Tail = parse.GetValue(tail) };
            await foreach (var line in target.LogsAsync(parse.GetValue(release)!, options, ct))
            {
                output.Result($"{line.Component}/{line.Source} | {line.Text}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command List(CommandContext context)
    {
        var provider = ProviderOfRelease();
        var engine = new ProviderOptions();
        var command = new Command("list", "List the releases deployed on an engine.") { provider };
        engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            var target = Connect(context, parse, engine, provider);
            using var owned = target as IDisposable;
            var releases = await target.ListAsync(ct);
            var table = new Table { Border = TableBorder.Simple }.AddColumns("RELEASE", "APP", "PROVIDER", "REVISION", "STATE", "OBJECTS", "TARGET");
            foreach (var r in releases)
            {
                table.AddRow(E(r.Release), E(r.AppId), E(r.Provider), r.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), E(r.State), r.Objects.ToString(System.Globalization.CultureInfo.InvariantCulture), E(r.Target));
            }

            output.Stdout.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Scale(CommandContext context)
    {
        var release = Arguments.ReleaseArgument();
        var component = new Argument<string>("COMPONENT") { Description = "The component whose workloads to scale." };
        var replicas = new Option<int>("--replicas") { Description = "The number of replicas.", Required = true };
        var provider = ProviderOfRelease();
        var engine = new ProviderOptions();
        var command = new Command("scale", "Set the replica count of a component's workloads (Kubernetes, OpenShift).") { release, component, replicas, provider };
        engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            if (parse.GetValue(replicas) < 0)
            {
                throw new NuleculeException("--replicas must be 0 or more");
            }

            var target = Connect(context, parse, engine, provider);
            using var owned = target as IDisposable;
            await target.ScaleAsync(parse.GetValue(release)!, parse.GetValue(component)!, parse.GetValue(replicas), ct);
            output.Info($"scaled {parse.GetValue(component)} of release '{parse.GetValue(release)}' to {parse.GetValue(replicas)} replica(s)");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string E(string text) => Markup.Escape(text);
}
