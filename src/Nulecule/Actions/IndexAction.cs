using Nulecule.Spec;
using Nulecule.Yaml;
using YamlDotNet.RepresentationModel;

namespace Nulecule.Actions;

public sealed record IndexEntry(string Id, string Path, string SpecVersion, string? Name, string? AppVersion, string? Description, string? Location, IReadOnlyList<string> Providers);

public sealed record AppIndex(IReadOnlyList<IndexEntry> Entries, IReadOnlyList<string> Skipped);

/// <summary>
/// The application index (`index.yaml`) in the shape of the public Nulecule library's: a
/// `location` and a `nulecules` list with id, metadata, path, providers and specversion.
/// </summary>
public static class IndexAction
{
    public static (string Path, AppIndex Index) Generate(string directory, string? file)
    {
        var root = System.IO.Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new NuleculeException($"no such directory: {directory}");
        }

        var entries = new List<IndexEntry>();
        var skipped = new List<string>();
        var nulecules = new YamlSequenceNode();
        foreach (var dir in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            if (!File.Exists(System.IO.Path.Combine(dir, NuleculeLoader.FileName)))
            {
                continue;
            }

            var loaded = NuleculeLoader.Load(dir);
            if (!loaded.Succeeded)
            {
                skipped.Add($"{System.IO.Path.GetFileName(dir)} skipped: {loaded.Diagnostics.First(d => d.IsError)}");
                continue;
            }

            var app = loaded.Application!;
            var entry = new IndexEntry(app.Id, System.IO.Path.GetFileName(dir), app.SpecVersion, app.Metadata.Name, app.Metadata.AppVersion,
                app.Metadata.Description, app.Metadata.Extra.GetValueOrDefault("location"), app.Providers.Order(StringComparer.Ordinal).ToList());
            entries.Add(entry);
            var metadata = new YamlMappingNode();
            AddIf(metadata, "appversion", entry.AppVersion);
            AddIf(metadata, "description", entry.Description);
            AddIf(metadata, "location", entry.Location);
            AddIf(metadata, "name", entry.Name);
            nulecules.Add(new YamlMappingNode(
                new YamlScalarNode("id"), new YamlScalarNode(entry.Id),
                new YamlScalarNode("metadata"), metadata,
                new YamlScalarNode("path"), new YamlScalarNode(entry.Path),
                new YamlScalarNode("providers"), new YamlSequenceNode(entry.Providers.Select(p => new YamlScalarNode(p))),
                new YamlScalarNode("specversion"), new YamlScalarNode(entry.SpecVersion)));
        }

        var document = new YamlMappingNode(new YamlScalarNode("location"), new YamlScalarNode("."), new YamlScalarNode("nulecules"), nulecules);
        var path = System.IO.Path.GetFullPath(file ?? System.IO.Path.Combine(root, "index.yaml"));
        using (var writer = new StringWriter())
        {
            new YamlStream(new YamlDocument(document)).Save(writer, assignAnchors: false);
            AtomicFile.Write(path, writer.ToString().Replace("\n...\n", "\n", StringComparison.Ordinal));
        }

        return (path, new AppIndex(entries, skipped));
    }

    public static IReadOnlyList<IndexEntry> Read(string file)
    {
        if (!File.Exists(file))
        {
            throw new NuleculeException($"no such index file: {file}", null, "create one with `nulecule index generate DIR`");
        }

        var display = NuleculeLoader.DisplayPath(file);
        var docs = YamlTree.Parse(TextFile.Read(file, SafeFiles.MaxInputBytes), display);
        if (docs.Count == 0 || docs[0] is not TreeMapping root || Reader.Child(root, "nulecules") is not TreeSequence list)
        {
            throw new NuleculeException("an index file is a mapping with a `nulecules` list", new SourceLocation(display, 1, 1));
        }

        var result = new List<IndexEntry>();
        foreach (var item in list.Children)
        {
            if (item is not TreeMapping map)
            {
                throw new NuleculeException("an index entry must be a mapping", item.Locate(display));
            }

            var meta = Reader.Child(map, "metadata") as TreeMapping;
            result.Add(new IndexEntry(
                Text(map, "id") ?? throw new NuleculeException("an index entry has no `id`", item.Locate(display)),
                Text(map, "path") ?? "",
                Text(map, "specversion") ?? "",
                meta is null ? null : Text(meta, "name"),
                meta is null ? null : Text(meta, "appversion"),
                meta is null ? null : Text(meta, "description"),
                meta is null ? null : Text(meta, "location"),
                (Reader.Child(map, "providers") as TreeSequence)?.Children.OfType<TreeScalar>().Select(s => s.Value ?? "").ToList() ?? []));
        }

        return result;
    }

    private static string? Text(TreeMapping map, string key) => (Reader.Child(map, key) as TreeScalar)?.Value;

    private static void AddIf(YamlMappingNode map, string key, string? value)
    {
        if (value is not null)
        {
            map.Add(key, value);
        }
    }
}
