using Nulecule.Yaml;

namespace Nulecule.Spec;

/// <summary>The outcome of loading one Nulecule file: the model (when no error) and every diagnostic.</summary>
public sealed record LoadResult(Application? Application, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Application is not null && !Diagnostics.Any(d => d.IsError);

    public Application GetOrThrow() =>
        Succeeded ? Application! : throw new NuleculeException(Diagnostics);
}

/// <summary>
/// Loads a `Nulecule` file (YAML or JSON; spec 0.0.2 or the legacy 0.0.1-alpha map form) into
/// the model, checking the rules of the spec's schema and the semantic rules listed in
/// docs/validation.md. The schema is applied by hand rather than with a JSON Schema library:
/// it is draft-04 and types `default` as a string, while we keep a default's own type.
/// </summary>
public static class NuleculeLoader
{
    public const string FileName = "Nulecule";

    public static readonly IReadOnlyList<string> SpecVersions = ["0.0.2", "0.0.1-alpha"];

    /// <summary>Loads from an application directory or a Nulecule file path.</summary>
    public static LoadResult Load(string path)
    {
        var full = Path.GetFullPath(path);
        string file;
        if (System.IO.Directory.Exists(full))
        {
            file = Path.Combine(full, FileName);
            if (!File.Exists(file))
            {
                var alt = new[] { "Nulecule.yaml", "Nulecule.yml", "Nulecule.json" }.Select(n => Path.Combine(full, n)).FirstOrDefault(File.Exists);
                if (alt is null)
                {
                    return Fail(Diagnostic.Error($"no {FileName} file in {path}", new SourceLocation(path, 0, 0), "an application directory holds a file named Nulecule; create one with `nulecule init NAME`"));
                }

                file = alt;
            }
        }
        else if (File.Exists(full))
        {
            file = full;
        }
        else
        {
            return Fail(Diagnostic.Error($"no such application directory or file: {path}", new SourceLocation(path, 0, 0)));
        }

        string text;
        try
        {
            text = TextFile.Read(file, SafeFiles.MaxInputBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(Diagnostic.Error($"cannot read the Nulecule file: {e.Message}", new SourceLocation(DisplayPath(file), 0, 0),
                "a Nulecule file is a regular text file of at most " + SafeFiles.Limit(SafeFiles.MaxInputBytes)));
        }

        return Parse(text, file, DisplayPath(file));
    }

    /// <summary>Parses Nulecule text. <paramref name="file"/> locates artifacts; <paramref name="display"/> names it in diagnostics.</summary>
    public static LoadResult Parse(string text, string file, string? display = null)
    {
        var reader = new Reader(display ?? file);
        IReadOnlyList<TreeNode> documents;
        bool direct;
        try
        {
            documents = YamlTree.Parse(text, reader.File, out direct);
        }
        catch (NuleculeException ex)
        {
            return new LoadResult(null, ex.Diagnostics);
        }

        if (documents.Count == 0 || documents[0] is TreeScalar { Value: null or "" })
        {
            return Fail(Diagnostic.Error("the Nulecule file is empty", new SourceLocation(reader.File, 1, 1), "it needs at least `specversion`, `id` and `graph`"));
        }

        // Nodes the block reader built have text keys only (and share nothing): nothing to walk.
        if (!direct && FirstComplexKey(documents[0]) is { } complex)
        {
            return Fail(Diagnostic.Error("a mapping key must be a plain text key, not a list or a mapping", complex.Locate(reader.File), "write `key: value` with a plain key"));
        }

        if (documents.Count > 1)
        {
            reader.Warn(documents[1], "only the first YAML document of a Nulecule file is read; the others are ignored");
        }

        var app = reader.ReadApplication(documents[0], file);
        if (app is not null)
        {
            app = app with { ResolvedPaths = SemanticChecks.Run(app, reader) };
        }

        return new LoadResult(reader.HasErrors ? null : app, reader.Diagnostics);
    }

    /// <summary>The first key that is a list or a mapping (`? [a]: b`); the reader expects text keys only.</summary>
    private static TreeNode? FirstComplexKey(TreeNode root)
    {
        // A node that aliases share is looked at once: walking each reference would take time
        // exponential in the aliases of a "billion laughs" file.
        var seen = new HashSet<TreeNode>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<TreeNode>([root]);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (!seen.Add(node))
            {
                continue;
            }

            switch (node)
            {
                case TreeMapping map:
                    foreach (var (key, value) in map.Children)
                    {
                        if (key is not TreeScalar)
                        {
                            return key;
                        }

                        // Scalars hold no keys: only collections are walked (and remembered).
                        if (value is not TreeScalar)
                        {
                            pending.Push(value);
                        }
                    }

                    break;
                case TreeSequence list:
                    foreach (var item in list.Children)
                    {
                        if (item is not TreeScalar)
                        {
                            pending.Push(item);
                        }
                    }

                    break;
            }
        }

        return null;
    }

    private static LoadResult Fail(Diagnostic diagnostic) => new(null, [diagnostic]);

    /// <summary>Paths in messages are relative to the working directory when below it.</summary>
    public static string DisplayPath(string path)
    {
        var relative = Path.GetRelativePath(System.IO.Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
