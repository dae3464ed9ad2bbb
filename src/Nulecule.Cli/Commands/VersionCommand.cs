using System.CommandLine;
using System.Text.Json.Nodes;
using Nulecule.Docker.Endpoints;
using Nulecule.Kubernetes;

namespace Nulecule.Cli.Commands;

/// <summary>
/// `nulecule version`: the client's version and, when they answer within a few seconds, the Docker
/// engine's and the Kubernetes cluster's (as `docker version` and `kubectl version` show them).
/// An engine that does not answer is "not reachable" with the reason; the command never fails on it.
/// </summary>
internal static class VersionCommand
{
    private static readonly TimeSpan EngineTimeout = TimeSpan.FromSeconds(3);

    public static Command Create(CommandContext context)
    {
        var format = Reports.Option("one line per part");
        var engine = new ProviderOptions();
        var command = new Command("version", "Show the version of nulecule, of the Docker engine and of the Kubernetes cluster (each when it answers within 3 seconds).") { format };
        engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            var docker = DockerAsync(context, ct);
            var kubernetes = KubernetesAsync(context, parse, engine, ct);
            var reports = new[] { await docker, await kubernetes };
            var chosen = Reports.Of(parse, format);
            if (chosen.IsDocument())
            {
                var doc = Reports.Document("Version");
                doc["client"] = new JsonObject { ["version"] = Client, ["runtime"] = Environment.Version.ToString() };
                foreach (var r in reports)
                {
                    doc[r.Name] = new JsonObject
                    {
                        ["reachable"] = r.Version is not null, ["version"] = r.Version, ["apiVersion"] = r.ApiVersion, ["platform"] = r.Platform,
                        ["endpoint"] = r.Endpoint, ["error"] = r.Error,
                    };
                }

                output.Write(doc, chosen);
                return ExitCodes.Ok;
            }

            output.Line(chosen, $"client:     {Client} (.NET {Environment.Version})");
            foreach (var r in reports)
            {
                var where = r.Endpoint is null ? "" : $" at {r.Endpoint}";
                var about = r.ApiVersion is null ? "" : $" (API {r.ApiVersion}, {r.Platform})";
                output.Line(chosen, $"{r.Name + ":",-11} {(r.Version is { } v ? v + about + where : $"not reachable{where} ({r.Error})")}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The client's version: the assembly's informational version (the package version).</summary>
    public static string Client { get; } =
        typeof(VersionCommand).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0";

    private sealed record Report(string Name, string? Version, string? Endpoint, string? Error, string? ApiVersion = null, string? Platform = null);

    private static async Task<Report> DockerAsync(CommandContext context, CancellationToken ct)
    {
        string? endpoint = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(EngineTimeout);
            var resolved = new DockerEndpointResolver().Resolve(Apps.Endpoint(context));
            endpoint = resolved.Uri.ToString();
            using var client = await DockerConnector.ConnectAsync(resolved, timeout.Token);
            var version = await client.System.GetVersionAsync(timeout.Token);
            return new Report("docker", version.Version, endpoint, null, version.APIVersion, $"{version.Os}/{version.Arch}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new Report("docker", null, endpoint, Reason(e));
        }
    }

    private static async Task<Report> KubernetesAsync(CommandContext context, ParseResult parse, ProviderOptions engine, CancellationToken ct)
    {
        string? endpoint = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(EngineTimeout);
            var provider = (KubernetesProvider)engine.Create("kubernetes", parse, new Dictionary<string, string>(), context.Environment);
            using var connection = provider.Connection;
            endpoint = connection.Server;
            return new Report("kubernetes", await connection.ServerVersionAsync(timeout.Token) ?? "unknown", endpoint, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new Report("kubernetes", null, endpoint, Reason(e));
        }
    }

    private static string Reason(Exception e) => e switch
    {
        OperationCanceledException => $"no answer in {Parsing.Durations.Format(EngineTimeout)}",
        NuleculeException n => n.Diagnostics[0].Message,
        _ => Unexpected.Describe(e).Message,
    };
}
