using System.Text.Json.Nodes;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Cli.Commands;

/// <summary>
/// What a run, upgrade, rollback or stop did: one object a line (or the planned operations of a
/// dry run), or the `ReleaseResult` document (docs/output.md).
/// </summary>
internal static class Summary
{
    private static readonly Column<DeployedObject>[] Columns =
    [
        new("ACTION", o => Reports.Name(o.Action)),
        new("COMPONENT", o => o.Component),
        new("KIND", o => o.Kind),
        new("NAME", o => o.Namespace is null ? o.Name : $"{o.Namespace}/{o.Name}"),
        new("HASH", o => o.Hash, Wide: true),
    ];

    /// <summary>What happened, for the result document.</summary>
    public sealed record Outcome(string Operation, string Release, DeployResult Result)
    {
        public bool DryRun { get; init; }

        /// <summary>The revision recorded, when one was.</summary>
        public Release? Record { get; init; }

        /// <summary>Nothing changed: no revision was recorded.</summary>
        public bool UpToDate { get; init; }
    }

    public static void Print(Output output, ReportFormat format, Outcome outcome)
    {
        if (format.IsDocument())
        {
            output.Write(Document(outcome), format);
            return;
        }

        if (outcome.DryRun)
        {
            foreach (var line in outcome.Result.PlannedOperations)
            {
                output.Result(line);
            }

            return;
        }

        output.Table(format, outcome.Result.Objects, Columns, header: false);
    }

    private static JsonObject Document(Outcome outcome)
    {
        var doc = Reports.Document("ReleaseResult");
        doc["operation"] = outcome.Operation;
        doc["release"] = outcome.Release;
        doc["revision"] = outcome.Record?.Revision;
        doc["state"] = outcome.Record is { } record ? Reports.Name(record.State) : null;
        doc["description"] = outcome.Record?.Description;
        doc["provider"] = outcome.Record?.Provider;
        doc["target"] = outcome.Record?.Target;
        doc["dryRun"] = outcome.DryRun;
        doc["upToDate"] = outcome.UpToDate;
        doc["objects"] = Reports.Array(outcome.Result.Objects, o => new JsonObject
        {
            ["component"] = o.Component, ["kind"] = o.Kind, ["name"] = o.Name, ["namespace"] = o.Namespace, ["action"] = Reports.Name(o.Action),
        });
        doc["plannedOperations"] = Reports.Array(outcome.Result.PlannedOperations, line => JsonValue.Create(line));
        return doc;
    }
}
