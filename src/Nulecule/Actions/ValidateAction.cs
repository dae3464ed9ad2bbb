using Nulecule.Answers;
using Nulecule.Resolution;
using Nulecule.Spec;
using Nulecule.Templating;

namespace Nulecule.Actions;

/// <summary>What <c>validate</c> checks: the app, the answers it would be given, and how docker-run lines are read.</summary>
public sealed record ValidateOptions
{
    public required string AppPath { get; init; }

    /// <summary>`-f/-a` in order (a later one wins); else the app directory's `answers.conf`, as for rendering.</summary>
    public IReadOnlyList<string> AnswersFiles { get; init; } = [];

    /// <summary>`--set [SCOPE.]NAME=VALUE`, as for `template` and `run`: the values the user will deploy with win.</summary>
    public IReadOnlyList<string> Sets { get; init; } = [];

    /// <summary>`--set-string`, as for rendering.</summary>
    public IReadOnlyList<string> SetStrings { get; init; } = [];

    /// <summary>`--set-file`, as for rendering.</summary>
    public IReadOnlyList<string> SetFiles { get; init; } = [];

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Reads one rendered docker-run command as `run` would (the Docker project's flag parser),
    /// returning its problems; null checks only the tokenizing.
    /// </summary>
    public Func<DockerRunCommand, string, IReadOnlyList<Diagnostic>>? CheckDockerRun { get; init; }

    /// <summary>
    /// The checks `run` makes of the whole rendered docker app before it contacts an engine (the
    /// Docker planner: two containers of one name, a `--link` to no container of the app); called
    /// once every docker artifact read without error. Null skips them.
    /// </summary>
    public Func<RenderedApp, IReadOnlyList<Diagnostic>>? CheckDockerApp { get; init; }

    public ArtifactResolver Resolver { get; init; } = new();
}

/// <summary>Every diagnostic, and the nested apps that could not be checked because they are not fetched.</summary>
public sealed record ValidateResult(AppNode? Root, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<(string Scope, Component Component)> NotFetched);

/// <summary>
/// `nulecule validate`: everything `template` or `run` would reject without an engine, for every
/// provider at once. The app tree is loaded; every default is checked against its constraints;
/// the answers (file, environment) are resolved and checked, with a stand-in for required values
/// nobody gave; every artifact of every provider is read and rendered as `template` would (the
/// provider named in each message); docker-run lines go through the parser `run` uses;
/// references no param in scope defines are warnings, with a suggestion.
/// </summary>
public static class ValidateAction
{
    public static async Task<ValidateResult> RunAsync(ValidateOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loaded = AppTreeLoader.Load(options.AppPath, requireNested: false);
        var diagnostics = new List<Diagnostic>(loaded.Diagnostics);
        if (!loaded.Succeeded)
        {
            return new ValidateResult(loaded.Root, diagnostics, loaded.Missing);
        }

        var root = loaded.Root!;
        var values = ResolveValues(root, options, diagnostics);
        CheckDefaults(root, diagnostics);

        // Every provider's artifacts of every local component, read side by side.
        var jobs = new List<(ComponentRef Reference, string Provider)>();
        foreach (var reference in root.Walk())
        {
            foreach (var provider in reference.Component.Artifacts.Keys.Where(SemanticChecks.KnownProviders.Contains))
            {
                jobs.Add((reference, provider));
            }
        }

        var appDir = NuleculeLoader.DisplayPath(root.App.Directory);
        var found = await Task.WhenAll(jobs.Select(job => Task.Run(() => CheckAsync(job.Reference, job.Provider, root, values, options, appDir, cancellationToken), cancellationToken))).ConfigureAwait(false);
        foreach (var (list, _) in found)
        {
            diagnostics.AddRange(list);
        }

        if (options.CheckDockerApp is { } checkApp && values is not null && !diagnostics.Any(d => d.IsError))
        {
            var components = jobs.Select((job, i) => (job, found[i].Rendered))
                .Where(j => j.job.Provider == "docker")
                .Select(j => new RenderedComponent(j.job.Reference.Scope, j.job.Reference.Component.Name, j.job.Reference.Owner, j.Rendered))
                .ToList();
            if (components.Count > 0)
            {
                diagnostics.AddRange(checkApp(new RenderedApp(root, "docker", components, [], values)).Select(d => Located(d, appDir)));
            }
        }

        return new ValidateResult(root, Masked(diagnostics, values), loaded.Missing);
    }

    private static ResolvedValues? ResolveValues(AppNode root, ValidateOptions options, List<Diagnostic> diagnostics)
    {
        // Every malformed --set is reported, not just the first; the app is checked with the others.
        var overrides = new List<SetOverride>();
        foreach (var (set, kind) in options.Sets.Select(t => (t, SetKind.Typed))
            .Concat(options.SetStrings.Select(t => (t, SetKind.String)))
            .Concat(options.SetFiles.Select(t => (t, SetKind.File))))
        {
            try
            {
                overrides.AddRange(SetOverride.ParseList(set, kind));
            }
            catch (NuleculeException ex)
            {
                diagnostics.AddRange(ex.Diagnostics);
            }
        }

        var sources = new AnswerSources
        {
            File = RenderAction.LoadAnswers(RenderAction.AnswersFilesFor(options.AnswersFiles, root), null),
            Environment = options.Environment,
            Overrides = overrides,
            Missing = MissingValues.Placeholder,
        };
        try
        {
            var values = ParamResolver.Resolve(root, sources, out var warnings);
            diagnostics.AddRange(warnings);
            return values;
        }
        catch (NuleculeException ex)
        {
            diagnostics.AddRange(ex.Diagnostics);
            return null;
        }
    }

    // A default that breaks its own constraint is an error even when an answer hides it today.
    private static void CheckDefaults(AppNode root, List<Diagnostic> diagnostics)
    {
        foreach (var app in root.Apps())
        {
            var scopes = app.App.Params.Select(p => (Scope: app.Scope ?? AnswerSection.General, Param: p))
                .Concat(app.App.Graph.Where(c => !c.IsNested).SelectMany(c => c.Params.Select(p => (Scope: app.ScopeOf(c), Param: p))));
            foreach (var (scope, param) in scopes)
            {
                if (param.Default is not { } value)
                {
                    continue;
                }

                foreach (var constraint in param.Constraints.Where(c => !c.Allows(value.Text)))
                {
                    var already = $"[{scope}] {param.Name} = ";
                    if (diagnostics.Any(d => d.IsError && d.Message.StartsWith(already, StringComparison.Ordinal) && d.Message.Contains("from the default", StringComparison.Ordinal)))
                    {
                        continue; // the resolver reported it (the default was the value)
                    }

                    var shown = param.Hidden ? SecretMasker.Stars : $"'{value.Text}'";
                    var rule = string.IsNullOrWhiteSpace(constraint.Description)
                        ? $"the pattern {constraint.AllowedPattern}"
                        : $"\"{constraint.Description.Trim()}\" (pattern {constraint.AllowedPattern})";
                    diagnostics.Add(Diagnostic.Error($"[{scope}] {param.Name}: the default {shown} does not satisfy {rule}", param.Location,
                        "change the default or the constraint"));
                }
            }
        }
    }

    private static async Task<(List<Diagnostic> Found, List<RenderedArtifact> Rendered)> CheckAsync(
        ComponentRef reference, string provider, AppNode root, ResolvedValues? values, ValidateOptions options, string appDir, CancellationToken ct)
    {
        var found = new List<Diagnostic>();
        var rendered = new List<RenderedArtifact>();
        IReadOnlyList<ArtifactFile> files;
        try
        {
            files = await options.Resolver.ResolveAsync(reference.Owner.App, reference.Component, provider, root.App.Directory, ct).ConfigureAwait(false);
        }
        catch (NuleculeException ex)
        {
            found.AddRange(ex.Diagnostics.Select(d => Named(d, provider, reference.Scope)));
            return (found, rendered);
        }

        // With the values resolved, render exactly as `template` does; without, only parse.
        var context = values?.ContextFor(reference.Scope) ?? new Dictionary<string, Scalar>();
        foreach (var file in files)
        {
            ArtifactRendering rendering;
            try
            {
                rendering = ArtifactRenderer.RenderWithReport(reference.Scope, provider, file.Display, file.Text, context, file.Pointers, file.FullPath);
            }
            catch (NuleculeException ex)
            {
                found.AddRange(ex.Diagnostics.Select(d => Named(Located(d, appDir), provider, reference.Scope)));
                continue;
            }

            // Only the docker app is checked as a whole afterwards; other documents are dropped
            // here rather than kept alive (and copied by every collection) until the end.
            if (provider == "docker")
            {
                rendered.Add(rendering.Artifact);
            }

            if (RenderAction.IsEmpty(rendering))
            {
                found.Add(Diagnostic.Warning($"{provider} artifact {file.Display} of component '{reference.Scope}' is empty: it deploys nothing (`run` refuses it)",
                    file.DeclaredAt, "give it content, or remove it from the component's artifacts"));
            }

            // Only rendered lines: a `$port` left by values that failed to resolve is no flag value to judge.
            if (provider == "docker" && options.CheckDockerRun is { } check && values is not null)
            {
                // `--env-file` and relative binds are relative to the artifact's directory, as for `run`.
                var artifactDirectory = file.Display.Contains("://", StringComparison.Ordinal)
                    ? reference.Owner.App.Directory
                    : Path.GetDirectoryName(Path.Combine(root.App.Directory, file.Display)) ?? reference.Owner.App.Directory;
                foreach (var command in rendering.Artifact.Commands)
                {
                    found.AddRange(check(command, artifactDirectory).Select(d => Named(Located(d, appDir), provider, reference.Scope)));
                }
            }

            if (values is not null)
            {
                foreach (var name in rendering.Unresolved)
                {
                    found.Add(Diagnostic.Warning(
                        $"{provider} artifact of component '{reference.Scope}': ${name} is defined by no param in scope, so it is left as written{Suggest.DidYouMean(name, context.Keys)}",
                        Locate(Path.Combine(appDir, file.Display), file.Text, name),
                        "declare the param, or write $$ for a literal $"));
                }
            }
        }

        return (found, rendered);
    }

    // Artifact paths are relative to the root app; locate them from the working directory.
    private static Diagnostic Located(Diagnostic d, string appDir) =>
        d.Location is { } at && !Path.IsPathRooted(at.File) && !at.File.Contains("://", StringComparison.Ordinal)
            ? d with { Location = at with { File = Path.Combine(appDir, at.File) } }
            : d;

    private static Diagnostic Named(Diagnostic d, string provider, string scope) =>
        d.Message.StartsWith(provider + " artifact", StringComparison.Ordinal) ? d : d with { Message = $"{provider} artifact of component '{scope}': {d.Message}" };

    // Where `$name` (or `${name}`) first appears in the artifact.
    private static SourceLocation Locate(string file, string text, string name)
    {
        var at = text.IndexOf("$" + name, StringComparison.Ordinal);
        if (at < 0)
        {
            at = text.IndexOf("${" + name + "}", StringComparison.Ordinal);
        }

        if (at < 0)
        {
            return new SourceLocation(file, 0, 0);
        }

        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < at; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new SourceLocation(file, line, at - lineStart + 1);
    }

    private static List<Diagnostic> Masked(List<Diagnostic> diagnostics, ResolvedValues? values) =>
        values is null || values.Masker.IsEmpty ? diagnostics : diagnostics.Select(d => d with { Message = values.Masker.Mask(d.Message) }).ToList();
}
