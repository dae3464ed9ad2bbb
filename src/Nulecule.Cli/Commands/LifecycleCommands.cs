using System.CommandLine;
using System.Text.Json.Nodes;
using Nulecule.Actions;
using Nulecule.Answers;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Cli.Commands;

/// <summary>The release verbs that keep history: run, upgrade, rollback, history, diff.</summary>
internal static class LifecycleCommands
{
    private sealed class DeployFlags
    {
        public Option<string?> Provider { get; } = Arguments.Provider();
        public ValueOptions Values { get; } = new(deploying: true);
        public Option<bool> Wait { get; } = new("--wait") { Description = "Start each component only when the previous ones are running (and healthy where they have a health check)." };
        public Option<TimeSpan> Timeout { get; } = Arguments.Timeout("How long --wait waits in all (e.g. 90s, 5m).", "5m");
        public Option<bool> DryRun { get; } = new("--dry-run") { Description = "Print the engine operations that would be made; change nothing." };
        public Option<bool> KeepFailed { get; } = new("--keep-failed") { Description = "Keep what a failed first run created, for inspection (default: remove it)." };
        public Option<bool> Atomic { get; } = new("--atomic") { Description = "If the deployment fails or is not ready in time, go back to the last deployed revision (implies --wait)." };
        public Option<bool> ForceUnlock { get; } = new("--force-unlock") { Description = "Break the release's lock left by a command that is gone." };
        public Option<int> Parallel { get; } = Arguments.Parallel("Docker: at most N pulls, creates and starts at once; with --wait a component still starts only after the previous one is ready");

        public Option<bool> TakeOwnership { get; } = new("--take-ownership") { Description = "Adopt objects of the same names that another release (or no release) owns, instead of refusing (recorded in the history)." };
        public ProviderOptions Engine { get; } = new();

        public Option<string> Format { get; } = Reports.Option("one changed object a line");

        public void AddTo(Command command)
        {
            command.Options.Add(Provider);
            Values.AddTo(command);
            foreach (var option in new Option[] { Wait, Timeout, DryRun, KeepFailed, Atomic, ForceUnlock, TakeOwnership, Parallel, Format })
            {
                command.Options.Add(option);
            }

            Engine.AddTo(command);
            Engine.AddRunOptionsTo(command);
        }
    }

    public static Command Run(CommandContext context)
    {
        var app = Arguments.App();
        var name = Arguments.ReleaseName();
        var flags = new DeployFlags();
        var command = new Command("run", "Install an application as a release, or upgrade the release if it exists. APP is a directory or an image holding one.") { app, name };
        flags.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            var (appPath, loaded) = await Apps.LocateAsync(context, parse.GetValue(app)!, output, ct);
            var options = Render.Options(context, parse, app, flags.Provider, flags.Values, flags.Engine.Settings(parse)) with { AppPath = appPath, Loaded = loaded };
            return await DeployAsync(context, parse, output, flags, options, parse.GetValue(name), ct);
        });
        return command;
    }

    public static Command Upgrade(CommandContext context)
    {
        var release = Arguments.ReleaseArgument();
        var app = new Argument<string?>("APP") { Description = "The new version of the app. Default: the directory the release was last deployed from.", Arity = ArgumentArity.ZeroOrOne };
        var reset = new Option<bool>("--reset-values") { Description = "Forget the values given to earlier revisions; use only this command's." };
        var flags = new DeployFlags();
        var command = new Command("upgrade", "Upgrade a release: render the app again with the values given before plus this command's, and converge (objects that left the app are removed).")
        {
            release, app, reset,
        };
        flags.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            var name = parse.GetValue(release)!;
            using var releases = ReleaseContext.Open(context);
            var found = await releases.FindAsync(name, context, parse, flags.Engine, parse.GetValue(flags.Provider), ct);
            using var owned = found.Provider as IDisposable;
            var previous = await PreviousRevision.LastDeployedAsync(found.Store, releases.Key, name, $"install it with `nulecule run APP --name {name}`", ct);
            var appPath = parse.GetValue(app) ?? previous.AppDirectory;
            if (!Directory.Exists(appPath))
            {
                throw new NuleculeException($"release '{name}' was deployed from {appPath}, which is gone", null, "give the app directory: `nulecule upgrade " + name + " APP`");
            }

            var options = Render.Options(context, parse, app!, flags.Provider, flags.Values, flags.Engine.Settings(parse)) with
            {
                AppPath = appPath,
                Provider = parse.GetValue(flags.Provider) ?? previous.Record.Provider,
                BaseAnswers = parse.GetValue(reset) ? null : previous.GivenValues(),
            };
            return await DeployAsync(context, parse, output, flags, options, name, ct, releases, found.Provider);
        });
        return command;
    }

    /// <param name="found">The provider that found the release (upgrade): the one that deploys shares its connection where it can.</param>
    private static async Task<int> DeployAsync(CommandContext context, ParseResult parse, Output output, DeployFlags flags, RenderOptions options, string? releaseName, CancellationToken ct, ReleaseContext? open = null, IProvider? found = null)
    {
        var outcome = await RenderAction.RunAsync(options with { RejectEmptyArtifacts = true }, ct);
        Render.Report(output, outcome);
        var rendered = outcome.App;
        var release = Arguments.Release(releaseName, rendered.Root.App.Id);
        var provider = flags.Engine.Create(rendered.Provider, parse, rendered.Values.General, context.Environment, found);
        using var owned = provider as IDisposable;
        using var created = open is null ? ReleaseContext.Open(context) : null;
        var releases = open ?? created!;
        var action = new InstallOrUpgradeAction(releases.Configuration(provider, provider.Target, output))
        {
            Release = release,
            Wait = parse.GetValue(flags.Wait),
            Atomic = parse.GetValue(flags.Atomic),
            Timeout = parse.GetValue(flags.Timeout),
            KeepFailed = parse.GetValue(flags.KeepFailed),
            DryRun = parse.GetValue(flags.DryRun),
            ForceUnlock = parse.GetValue(flags.ForceUnlock),
            TakeOwnership = parse.GetValue(flags.TakeOwnership),
            Parallel = parse.GetValue(flags.Parallel),
        };
        var result = await action.RunAsync(rendered, ct);
        Summary.Print(output, Reports.Of(parse, flags.Format), new Summary.Outcome(result.Upgraded ? "upgrade" : "install", release, result.Result)
        {
            DryRun = action.DryRun,
            Record = result.Release,
            UpToDate = result.UpToDate,
        });
        if (result.Release is { } record)
        {
            output.Info($"release '{release}' revision {record.Revision} {record.State.ToString().ToLowerInvariant()} ({(result.Upgraded ? "upgrade" : "install")}); see `nulecule status {release}`");
            return record.State == ReleaseState.Deployed ? ExitCodes.Ok : ExitCodes.Failed;
        }

        return ExitCodes.Ok;
    }

    public static Command Rollback(CommandContext context)
    {
        var release = Arguments.ReleaseArgument();
        var revision = new Argument<int?>("REVISION") { Description = "The revision to go back to. Default: the one deployed before the current one.", Arity = ArgumentArity.ZeroOrOne };
        var wait = new Option<bool>("--wait") { Description = "Wait until the restored objects are ready." };
        var timeout = Arguments.Timeout("How long --wait waits.", "5m");
        var forceUnlock = new Option<bool>("--force-unlock") { Description = "Break the release's lock left by a command that is gone." };
        var engine = new ProviderOptions();
        var format = Reports.Option("one line: the new revision");
        var command = new Command("rollback", "Redeploy an earlier revision of a release (as a new revision). Needs no app directory.") { release, revision, wait, timeout, forceUnlock, format };
        engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            using var releases = ReleaseContext.Open(context);
            var name = parse.GetValue(release)!;
            var (provider, record, store) = await releases.FindAsync(name, context, parse, engine, null, ct);
            using var owned = provider as IDisposable;
            if (record is null)
            {
                throw ReleaseNotFoundException.In(name, store.Location);
            }

            var result = await new RollbackAction(releases.Configuration(provider, record.Target, output))
            {
                Release = name,
                Revision = parse.GetValue(revision),
                Wait = parse.GetValue(wait),
                Timeout = parse.GetValue(timeout),
                ForceUnlock = parse.GetValue(forceUnlock),
            }.RunAsync(ct);
            var chosen = Reports.Of(parse, format);
            if (chosen.IsDocument())
            {
                Summary.Print(output, chosen, new Summary.Outcome("rollback", name, new DeployResult(result.Objects)) { Record = result });
            }
            else
            {
                output.Line(chosen, $"release '{name}' is at revision {result.Revision} ({result.Description})");
            }

            return result.State == ReleaseState.Deployed ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    public static Command History(CommandContext context)
    {
        var release = Arguments.ReleaseArgument();
        var format = Reports.Option();
        var engine = new ProviderOptions();
        var command = new Command("history", "The revisions of a release, oldest first. Hidden values show as ******.") { release, format };
        engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            using var releases = ReleaseContext.Open(context);
            var found = await releases.FindAsync(parse.GetValue(release)!, context, parse, engine, null, ct);
            using var owned = found.Provider as IDisposable;
            var revisions = await new HistoryAction(found.Store) { Release = parse.GetValue(release)! }.RunAsync(ct);
            if (revisions.Count == 0)
            {
                throw ReleaseNotFoundException.In(parse.GetValue(release)!, found.Store.Location);
            }

            var chosen = Reports.Of(parse, format);
            if (chosen.IsDocument())
            {
                var doc = Reports.Document("ReleaseHistory");
                doc["release"] = parse.GetValue(release);
                doc["items"] = Reports.Array(revisions, r => new JsonObject
                {
                    ["revision"] = r.Revision, ["state"] = Reports.Name(r.State), ["provider"] = r.Provider, ["target"] = r.Target,
                    ["app"] = r.AppId, ["appVersion"] = r.AppVersion, ["created"] = r.Created.ToString("o"), ["updated"] = r.Updated.ToString("o"),
                    ["description"] = r.Description, ["objects"] = r.Objects.Count,
                    ["values"] = Reports.Array(r.Values, v => new JsonObject { ["scope"] = v.Scope, ["name"] = v.Name, ["value"] = v.Display, ["hidden"] = v.Hidden, ["source"] = v.Origin }),
                });
                output.Write(doc, chosen);
                return ExitCodes.Ok;
            }

            output.Table(chosen, revisions, HistoryColumns);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static readonly Column<Release>[] HistoryColumns =
    [
        new("REVISION", r => Reports.Number(r.Revision)),
        new("UPDATED", r => Reports.Time(r.Updated)),
        new("STATE", r => Reports.Name(r.State)),
        new("PROVIDER", r => r.Provider),
        new("APP VERSION", r => r.AppVersion ?? ""),
        new("DESCRIPTION", r => r.Description),
        new("TARGET", r => r.Target, Wide: true),
        new("OBJECTS", r => Reports.Number(r.Objects.Count), Wide: true),
    ];

    /// <summary>As git colours a diff: file headers bold, hunk headers cyan, removed lines red, added green.</summary>
    internal static string? DiffColor(string line) => line switch
    {
        _ when line.StartsWith("--- ", StringComparison.Ordinal) || line.StartsWith("+++ ", StringComparison.Ordinal) => "1",
        _ when line.StartsWith("@@", StringComparison.Ordinal) => "36",
        _ when line.StartsWith('-') => "31",
        _ when line.StartsWith('+') => "32",
        _ => null,
    };

    public static Command Diff(CommandContext context)
    {
        var release = Arguments.ReleaseArgument();
        var app = new Argument<string?>("APP") { Description = "The app to compare with. Default: the directory the release was last deployed from.", Arity = ArgumentArity.ZeroOrOne };
        var provider = Arguments.Provider();
        var values = new ValueOptions();
        var reset = new Option<bool>("--reset-values") { Description = "Compare without the values given to earlier revisions." };
        var engine = new ProviderOptions();
        var format = Reports.Option("the changed lines of each object, as a unified diff");
        var command = new Command("diff", "Show what an upgrade would change, object by object (hidden values masked). Exit code 0: no change, 1: changes, 2: error.")
        {
            release, app, provider, reset, format,
        };
        values.AddTo(command);
        engine.AddTo(command);
        context.Action(command, async (parse, output, ct) =>
        {
            var name = parse.GetValue(release)!;
            using var releases = ReleaseContext.Open(context);
            var found = await releases.FindAsync(name, context, parse, engine, parse.GetValue(provider), ct);
            using var owned = found.Provider as IDisposable;
            var previous = await PreviousRevision.LastDeployedAsync(found.Store, releases.Key, name, "see `nulecule list`", ct);
            var options = Render.Options(context, parse, app!, provider, values) with
            {
                AppPath = parse.GetValue(app) ?? previous.AppDirectory,
                Provider = parse.GetValue(provider) ?? previous.Record.Provider,
                BaseAnswers = parse.GetValue(reset) ? null : previous.GivenValues(),
            };
            var outcome = await RenderAction.RunAsync(options, ct);
            Render.Report(output, outcome);
            output.Masker = outcome.App.Values.Masker.With(previous.Manifest.HiddenValues);
            var diff = await new DiffAction(found.Store, releases.Key) { Release = name, Engine = found.Provider }.RunAsync(outcome.App, ct);
            var chosen = Reports.Of(parse, format);
            if (chosen.IsDocument())
            {
                var doc = Reports.Document("ReleaseDiff");
                doc["release"] = name;
                doc["againstRevision"] = diff.AgainstRevision;
                doc["changed"] = diff.HasChanges;
                doc["changes"] = Reports.Array(diff.Changes, c => new JsonObject
                {
                    ["component"] = c.Component, ["kind"] = c.Kind, ["name"] = c.Name, ["change"] = Reports.Name(c.Change),
                    ["fields"] = Reports.Array(c.Fields, f => JsonValue.Create(f)),
                });
                doc["lines"] = Reports.Array(diff.Lines, line => JsonValue.Create(line));
                output.Write(doc, chosen);
            }
            else
            {
                foreach (var line in diff.Lines)
                {
                    output.Result(line, DiffColor(line));
                }
            }

            output.Info(diff.HasChanges ? $"{diff.Changes.Count} object(s) would change" : "no changes");
            return diff.HasChanges ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }
}
