using Nulecule.Answers;
using Nulecule.Resolution;
using Nulecule.Spec;
using Nulecule.Templating;

namespace Nulecule.Actions;

/// <summary>What to render: the app, where its values come from, and for which provider.</summary>
public sealed record RenderOptions
{
    public required string AppPath { get; init; }

    /// <summary>Explicit provider (`--provider`); else the answers' `provider`, else the app's `provider` param, else kubernetes.</summary>
    public string? Provider { get; init; }

    /// <summary>Answers files (`-f/--values/-a`), in command-line order: a later one wins, key by key.</summary>
    public IReadOnlyList<string> AnswersFiles { get; init; } = [];

    /// <summary>Answers under the file's (e.g. the values given to a release's previous revision); the file wins.</summary>
    public AnswersFile? BaseAnswers { get; init; }

    /// <summary>`--set [SCOPE.]NAME=VALUE[,...]` texts, in command-line order.</summary>
    public IReadOnlyList<string> Sets { get; init; } = [];

    /// <summary>`--set-string` texts (values taken as written); they win over `--set`, as in Helm.</summary>
    public IReadOnlyList<string> SetStrings { get; init; } = [];

    /// <summary>`--set-file NAME=PATH` texts (values read from files); they win over `--set-string`.</summary>
    public IReadOnlyList<string> SetFiles { get; init; } = [];

    /// <summary>Deploying verbs: a `--set` naming no param is an error (`--allow-unknown` clears it).</summary>
    public bool RejectUnknownSets { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>`[general]` settings given by flags (namespace, provider-config ...).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();
    public Func<PromptRequest, string?>? Prompt { get; init; }
    public ArtifactResolver Resolver { get; init; } = new();

    /// <summary>
    /// For `template`: write each artifact as printed text on the core that rendered it, keep only
    /// that text (<see cref="RenderedArtifact.Printed"/>) and drop its documents, so a large app
    /// never holds every parsed document at once. Deploying verbs leave it null.
    /// </summary>
    public PrintMode? Print { get; init; }

    /// <summary>
    /// The engines the host knows: the provider must be one of them, and its registration says
    /// which artifacts it reads. Null: the spec's providers, each reading its own artifacts.
    /// </summary>
    public Providers.ProviderRegistry? Providers { get; init; }

    /// <summary>`run` and friends: an artifact that renders to nothing is an error (`template` warns).</summary>
    public bool RejectEmptyArtifacts { get; init; }

    /// <summary>`params`: a required param nothing answers is listed without value instead of failing.</summary>
    public bool AllowMissing { get; init; }

    /// <summary>
    /// The app tree of <see cref="AppPath"/> when the caller has just loaded it (`run` looks for
    /// nested apps to fetch first): used instead of reading and parsing the files again, unless a
    /// nested app was missing from it.
    /// </summary>
    public AppTreeLoader.Result? Loaded { get; init; }
}

/// <summary>How <see cref="RenderOptions.Print"/> treats hidden values.</summary>
public enum PrintMode
{
    MaskSecrets,
    ShowSecrets,
}

public sealed record RenderOutcome(RenderedApp App, IReadOnlyList<Diagnostic> Warnings, IReadOnlyList<string> Notes);

/// <summary>
/// The pipeline every deploying verb starts with: load the app tree, resolve values, render each
/// component's artifacts for one provider, in deployment order. Touches no engine.
/// </summary>
public static class RenderAction
{
    public const string DefaultProvider = "kubernetes";

    public static async Task<RenderOutcome> RunAsync(RenderOptions options, CancellationToken cancellationToken = default)
    {
        // Nothing missing: loading with requireNested would give the same tree and diagnostics.
        var loaded = options.Loaded is { Missing.Count: 0 } given ? given : AppTreeLoader.Load(options.AppPath, requireNested: true);
        if (!loaded.Succeeded)
        {
            throw new NuleculeException(loaded.Diagnostics);
        }

        var root = loaded.Root!;
        var warnings = loaded.Diagnostics.Where(d => !d.IsError).ToList();
        var values = ResolveValues(root, options, warnings);
        var provider = ChooseProvider(options.Provider, values, options.Providers?.Names);
        var artifactKey = options.Providers?.Get(provider).Artifacts ?? provider;
        var errors = new List<Diagnostic>();
        var references = new List<ComponentRef>();
        foreach (var reference in root.Walk())
        {
            var component = reference.Component;
            if (!component.Artifacts.ContainsKey(artifactKey))
            {
                errors.Add(Diagnostic.Error(
                    $"component '{reference.Scope}' has no artifacts for provider '{artifactKey}'",
                    component.Location,
                    component.Artifacts.Count == 0 ? null : $"it has artifacts for: {string.Join(", ", component.Artifacts.Keys)}; choose one with --provider"));
                continue;
            }

            references.Add(reference);
        }

        // Reading thousands of small files is system calls: read components side by side too.
        var files = await Task.WhenAll(references.Select(r => Task.Run(
            () => options.Resolver.ResolveAsync(r.Owner.App, r.Component, artifactKey, root.App.Directory, cancellationToken), cancellationToken))).ConfigureAwait(false);
        var work = references.Select((r, i) => (Reference: r, Files: files[i])).ToList();

        // Artifacts are independent of each other: render them on every core, keep their order.
        var jobs = work.SelectMany((w, c) => w.Files.Select(f => (Component: c, w.Reference, File: f))).ToArray();
        var results = new (ArtifactRendering? Rendering, NuleculeException? Error)[jobs.Length];
        var empty = new bool[jobs.Length];
        var printMasker = options.Print == PrintMode.ShowSecrets ? SecretMasker.None : values.Masker;
        Parallel.For(0, jobs.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var (_, reference, file) = jobs[i];
            try
            {
                var rendering = ArtifactRenderer.RenderWithReport(reference.Scope, artifactKey, file.Display, file.Text, values.ContextFor(reference.Scope), file.Pointers, file.FullPath, root.App.Directory);
                empty[i] = IsEmpty(rendering);
                if (options.Print is not null)
                {
                    rendering = rendering with { Artifact = TemplateOutput.PrintedOnly(rendering.Artifact, printMasker) };
                }

                results[i] = (rendering, null);
            }
            catch (NuleculeException ex)
            {
                results[i] = (null, ex);
            }
        });

        var notes = new List<string>();
        var artifacts = work.Select(_ => new List<RenderedArtifact>()).ToList();
        var appDir = NuleculeLoader.DisplayPath(root.App.Directory);
        for (var i = 0; i < jobs.Length; i++)
        {
            var (rendering, error) = results[i];
            if (error is not null)
            {
                // Artifact paths are relative to the root app; locate them from the working directory.
                errors.AddRange(error.Diagnostics.Select(d => d.Location is { } at && !Path.IsPathRooted(at.File) && !at.File.Contains("://", StringComparison.Ordinal)
                    ? d with { Location = at with { File = Path.Combine(appDir, at.File) } }
                    : d));
                continue;
            }

            if (empty[i])
            {
                var message = $"{jobs[i].File.Provider} artifact {jobs[i].File.Display} of component '{jobs[i].Reference.Scope}' is empty: it deploys nothing";
                if (options.RejectEmptyArtifacts)
                {
                    errors.Add(Diagnostic.Error(message, jobs[i].File.DeclaredAt, "give it content, or remove it from the component's artifacts"));
                    continue;
                }

                warnings.Add(Diagnostic.Warning(message, jobs[i].File.DeclaredAt));
            }

            artifacts[jobs[i].Component].Add(rendering!.Artifact);
            if (rendering.Unresolved.Count > 0)
            {
                notes.Add($"{jobs[i].File.Display}: left as written (no param of that name): {string.Join(", ", rendering.Unresolved.Select(n => "$" + n))}");
            }
        }

        var components = work.Select((w, c) => new RenderedComponent(w.Reference.Scope, w.Reference.Component.Name, w.Reference.Owner, artifacts[c])).ToList();

        if (errors.Count > 0)
        {
            // Messages may quote rendered text: hide the secrets in it.
            throw new NuleculeException(errors.Select(d => d with { Message = values.Masker.Mask(d.Message) }).ToList());
        }

        var volumes = root.Apps().SelectMany(a => a.App.Requirements.OfType<PersistentVolumeRequirement>()).ToList();
        return new RenderOutcome(new RenderedApp(root, provider, components, volumes, values), warnings, notes);
    }

    /// <summary>An artifact with nothing to deploy by mistake: a compose file whose services the active profiles all leave out deploys nothing on purpose.</summary>
    internal static bool IsEmpty(ArtifactRendering rendering) => rendering.InactiveServices.Count == 0 && IsEmpty(rendering.Artifact);

    /// <summary>An artifact with nothing to deploy: no document, no command, no text.</summary>
    internal static bool IsEmpty(RenderedArtifact artifact) => artifact.Format switch
    {
        ArtifactFormat.DockerRun => artifact.Commands.Count == 0,
        ArtifactFormat.Json or ArtifactFormat.Yaml => artifact.Documents.Count == 0,
        ArtifactFormat.Compose => artifact.Documents.Count == 0 || artifact.Documents[0]["services"] is not System.Text.Json.Nodes.JsonObject { Count: > 0 },
        _ => string.IsNullOrWhiteSpace(artifact.Text),
    };

    /// <summary>
    /// The answers files: the ones given (<c>-f</c>/<c>-a</c>), else an <c>answers.conf</c> in the
    /// app's directory (Atomic App read it), else none.
    /// </summary>
    public static IReadOnlyList<string> AnswersFilesFor(IReadOnlyList<string> given, AppNode root)
    {
        ArgumentNullException.ThrowIfNull(given);
        ArgumentNullException.ThrowIfNull(root);
        if (given.Count > 0)
        {
            return given;
        }

        var beside = Path.Combine(root.App.Directory, AppAnswersFile);
        return File.Exists(beside) ? [beside] : [];
    }

    /// <summary>The answers file an app directory may carry, read when no <c>-a</c> is given.</summary>
    public const string AppAnswersFile = "answers.conf";

    /// <summary>Loads the app tree and resolves its values (for `params`, which renders nothing).</summary>
    public static (AppNode Root, ResolvedValues Values, IReadOnlyList<Diagnostic> Warnings) Resolve(RenderOptions options)
    {
        var loaded = AppTreeLoader.Load(options.AppPath, requireNested: true);
        if (!loaded.Succeeded)
        {
            throw new NuleculeException(loaded.Diagnostics);
        }

        var warnings = loaded.Diagnostics.Where(d => !d.IsError).ToList();
        var values = ResolveValues(loaded.Root!, options, warnings);
        return (loaded.Root!, values, warnings);
    }

    private static ResolvedValues ResolveValues(AppNode root, RenderOptions options, List<Diagnostic> warnings)
    {
        var sources = new AnswerSources
        {
            File = LoadAnswers(AnswersFilesFor(options.AnswersFiles, root), KnownOnly(options.BaseAnswers, root)),
            Environment = options.Environment,
            // Helm's order: --set, then --set-string, then --set-file; a later one wins.
            Overrides =
            [
                .. options.Sets.SelectMany(text => SetOverride.ParseList(text, SetKind.Typed)),
                .. options.SetStrings.SelectMany(text => SetOverride.ParseList(text, SetKind.String)),
                .. options.SetFiles.SelectMany(text => SetOverride.ParseList(text, SetKind.File)),
            ],
            UnknownOverrides = options.RejectUnknownSets ? UnknownNames.Error : UnknownNames.Warn,
            Settings = options.Settings,
            Prompt = options.Prompt,
            Missing = options.AllowMissing ? MissingValues.Leave : MissingValues.Error,
        };
        var values = ParamResolver.Resolve(root, sources, out var answerWarnings);
        warnings.AddRange(answerWarnings);
        return values;
    }

    /// <summary>
    /// Keeps the base answers that still mean something in this app: a param removed from the
    /// app, or a component that left it, is dropped rather than reported as unknown.
    /// </summary>
    private static AnswersFile? KnownOnly(AnswersFile? answers, AppNode root)
    {
        if (answers is null)
        {
            return null;
        }

        var known = new HashSet<(string, string)>(GeneralSettings.All.Select(n => (AnswerSection.General, n)));
        foreach (var app in root.Apps())
        {
            known.UnionWith(app.App.Params.Select(p => (app.Scope ?? AnswerSection.General, p.Name)));
        }

        known.UnionWith(root.Walk().SelectMany(c => c.Component.Params.Select(p => (c.Scope, p.Name))));
        var sections = answers.Sections
            .Select(s => s with { Entries = s.Entries.Where(e => known.Contains((s.Name, e.Key))).ToList() })
            .Where(s => s.Entries.Count > 0)
            .ToList();
        return new AnswersFile(sections, answers.Path, answers.Format);
    }

    /// <summary>The answers files loaded and merged over <paramref name="base"/>, in order: a later file wins, key by key.</summary>
    public static AnswersFile? LoadAnswers(IReadOnlyList<string> paths, AnswersFile? @base)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return paths.Aggregate(@base, (under, path) => Merge(under, AnswersFile.Load(path)));
    }

    /// <summary><paramref name="top"/>'s sections and keys over <paramref name="base"/>'s.</summary>
    private static AnswersFile? Merge(AnswersFile? @base, AnswersFile? top)
    {
        if (@base is null || top is null)
        {
            return top ?? @base;
        }

        var sections = @base.Sections.Select(section =>
        {
            var over = top.Section(section.Name);
            return over is null ? section : section with { Entries = [.. section.Entries.Where(e => over.Find(e.Key) is null), .. over.Entries] };
        }).Concat(top.Sections.Where(s => @base.Section(s.Name) is null)).ToList();
        return new AnswersFile(sections, top.Path, top.Format);
    }

    /// <summary>`--provider`, else the answers', else the app's `provider` param, else <see cref="DefaultProvider"/>; one of <paramref name="known"/> (default: the spec's).</summary>
    public static string ChooseProvider(string? explicitProvider, ResolvedValues values, IReadOnlyList<string>? known = null)
    {
        known ??= SemanticChecks.KnownProviders;
        var provider = explicitProvider
            ?? values.GeneralValue("provider")
            ?? values.ContextFor(AnswerSection.General).GetValueOrDefault("provider")?.Text
            ?? DefaultProvider;
        if (!known.Contains(provider))
        {
            throw new NuleculeException($"provider '{provider}' is not known", null,
                $"{(Suggest.Closest(provider, known) is { } near ? $"did you mean '{near}'? " : "")}use one of: {string.Join(", ", known)}");
        }

        return provider;
    }
}
