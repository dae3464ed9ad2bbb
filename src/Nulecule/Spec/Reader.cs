using Nulecule.Yaml;

namespace Nulecule.Spec;

/// <summary>
/// Walks the YAML nodes of a Nulecule file into the model, recording a located diagnostic for
/// every rule it finds broken and carrying on, so one run reports every problem.
/// </summary>
internal sealed class Reader(string file)
{
    private static readonly string[] RootKeys = ["id", "specversion", "metadata", "params", "graph", "requirements"];
    private static readonly string[] ComponentKeys = ["name", "source", "params", "artifacts"];
    private static readonly string[] ParamKeys = ["name", "description", "default", "constraints", "hidden"];
    private static readonly string[] ConstraintKeys = ["allowed_pattern", "description"];
    private static readonly string[] MetadataKeys = ["name", "appversion", "description", "license"];
    private static readonly string[] VolumeKeys = ["name", "accessMode", "size"];
    private static readonly string[] AccessModes = ["ReadWrite", "ReadOnly", "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"];

    private readonly List<Diagnostic> _diagnostics = [];

    public string File { get; } = file;

    public IReadOnlyList<Diagnostic> Diagnostics => _diagnostics;

    public bool HasErrors => _diagnostics.Any(d => d.IsError);

    public SourceLocation At(TreeNode node) => node.Locate(File);

    public void Error(TreeNode node, string message, string? hint = null) => _diagnostics.Add(Diagnostic.Error(message, At(node), hint));

    public void Error(SourceLocation at, string message, string? hint = null) => _diagnostics.Add(Diagnostic.Error(message, at, hint));

    public void Warn(TreeNode node, string message, string? hint = null) => _diagnostics.Add(Diagnostic.Warning(message, At(node), hint));

    public void Warn(SourceLocation at, string message, string? hint = null) => _diagnostics.Add(Diagnostic.Warning(message, at, hint));

    public Application? ReadApplication(TreeNode root, string path)
    {
        if (root is not TreeMapping map)
        {
            Error(root, $"the Nulecule file must be a mapping of fields, found {Describe(root)}", "start with `specversion: 0.0.2`, `id: ...` and `graph: ...`");
            return null;
        }

        CheckKeys(map, RootKeys, "the application");
        var specNode = Child(map, "specversion");
        var specVersion = RequiredString(map, "specversion", "the application", "write `specversion: 0.0.2`") ?? "0.0.2";
        if (specNode is not null && !NuleculeLoader.SpecVersions.Contains(specVersion))
        {
            Warn(specNode, $"specversion '{specVersion}' is not one this tool knows ({string.Join(", ", NuleculeLoader.SpecVersions)}); reading it as 0.0.2");
        }

        var id = RequiredString(map, "id", "the application", "add `id: my-app`") ?? "";
        if (id.Length > 0 && !IsSafeId(id))
        {
            Error(Child(map, "id")!, $"application id '{Printable(id)}' cannot be used: it names releases, labels and directories",
                "use letters, digits, '.', '_' and '-' (at most 253), starting with a letter or digit");
        }
        var legacy = specVersion == "0.0.1-alpha";
        var graphNode = Child(map, "graph");
        if (graphNode is null)
        {
            Error(map, "the application has no `graph`", "list its components under `graph:`");
        }

        return new Application
        {
            Id = id,
            SpecVersion = specVersion,
            Metadata = Child(map, "metadata") is { } meta ? ReadMetadata(meta) : new Metadata(),
            Params = Child(map, "params") is { } ps ? ReadParams(ps, "global params", legacy) : [],
            Graph = graphNode is null ? [] : ReadGraph(graphNode, legacy),
            Requirements = Child(map, "requirements") is { } reqs ? ReadRequirements(reqs) : [],
            Directory = Path.GetDirectoryName(Path.GetFullPath(path))!,
            File = Path.GetFullPath(path),
            Location = At(root),
        };
    }

    private Metadata ReadMetadata(TreeNode node)
    {
        if (node is TreeScalar scalar && YamlTree.IsNullLike(scalar))
        {
            return new Metadata();
        }

        if (node is not TreeMapping map)
        {
            Error(node, $"`metadata` must be a mapping, found {Describe(node)}");
            return new Metadata();
        }

        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Children)
        {
            var name = ((TreeScalar)key).Value ?? "";
            if (!MetadataKeys.Contains(name))
            {
                // Extra metadata keys (location, tags ...) are allowed by the spec.
                extra[name] = value is TreeScalar s ? s.Value ?? "" : Describe(value);
            }
        }

        return new Metadata
        {
            Name = OptionalString(map, "name", "metadata"),
            AppVersion = OptionalString(map, "appversion", "metadata"),
            Description = OptionalString(map, "description", "metadata"),
            Licenses = Child(map, "license") is { } lic ? ReadLicenses(lic) : [],
            Extra = extra,
        };
    }

    private List<License> ReadLicenses(TreeNode node)
    {
        var items = node is TreeSequence seq ? seq.Children.ToList() : [node];
        var result = new List<License>();
        foreach (var item in items)
        {
            if (item is TreeMapping map)
            {
                CheckKeys(map, ["name", "url"], "a license");
                result.Add(new License(OptionalString(map, "name", "license"), OptionalString(map, "url", "license")));
            }
            else if (item is TreeScalar s)
            {
                result.Add(new License(s.Value, null));
            }
            else
            {
                Error(item, $"a license must be a mapping with `name` and `url`, found {Describe(item)}");
            }
        }

        return result;
    }

    /// <summary>Params: a list (0.0.2) or a map keyed by name (0.0.1-alpha); both forms are accepted in either version.</summary>
    public List<Param> ReadParams(TreeNode node, string owner, bool legacy)
    {
        var result = new List<Param>();
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var (item, nameFromKey) in Items(node, $"`params` of {owner}", legacy))
        {
            var param = ReadParam(item, nameFromKey, owner);
            if (param is null)
            {
                continue;
            }

            if (seen.TryGetValue(param.Name, out var first))
            {
                Error(param.Location, $"param '{param.Name}' is declared twice in {owner} (first at line {first.Line})", "rename or remove one of them");
                continue;
            }

            seen[param.Name] = param.Location;
            result.Add(param);
        }

        return result;
    }

    private Param? ReadParam(TreeNode node, TreeScalar? nameFromKey, string owner)
    {
        if (node is TreeScalar empty && YamlTree.IsNullLike(empty) && nameFromKey is not null)
        {
            node = new TreeMapping(1, 1); // never located: the key names the param
        }

        if (node is not TreeMapping map)
        {
            Error(node, $"a param of {owner} must be a mapping with `name` and `description`, found {Describe(node)}");
            return null;
        }

        var location = nameFromKey is null ? At(map) : At(nameFromKey);
        var name = nameFromKey?.Value ?? RequiredString(map, "name", $"a param of {owner}", "add `name: ...`");
        if (name is null)
        {
            return null;
        }

        CheckKeys(map, ParamKeys, $"param '{name}'");
        if (!IsIdentifier(name))
        {
            Error(nameFromKey ?? Child(map, "name") ?? map, $"param name '{name}' cannot be used in artifacts: a name is a letter or `_` followed by letters, digits or `_`");
        }

        var description = OptionalString(map, "description", $"param '{name}'");
        if (description is null)
        {
            Warn(location, $"param '{name}' of {owner} has no description", "the spec requires one; it is shown by `genanswers` and in error messages");
        }

        Scalar? defaultValue = null;
        if (Child(map, "default") is { } def)
        {
            if (def is TreeScalar scalar)
            {
                defaultValue = ScalarTyping.DefaultOf(scalar);
            }
            else
            {
                Error(def, $"the default of param '{name}' must be a scalar (text, number or boolean), found {Describe(def)}");
            }
        }

        var hidden = false;
        if (Child(map, "hidden") is { } hiddenNode)
        {
            var text = (hiddenNode as TreeScalar)?.Value?.ToLowerInvariant();
            if (text is "true" or "false")
            {
                hidden = text == "true";
            }
            else
            {
                Error(hiddenNode, $"`hidden` of param '{name}' must be true or false, found {Describe(hiddenNode)}");
            }
        }

        return new Param
        {
            Name = name,
            Description = description,
            Default = defaultValue,
            Hidden = hidden,
            Constraints = Child(map, "constraints") is { } cs ? ReadConstraints(cs, name) : [],
            Location = location,
        };
    }

    private List<Constraint> ReadConstraints(TreeNode node, string param)
    {
        var result = new List<Constraint>();
        if (node is TreeScalar empty && YamlTree.IsNullLike(empty))
        {
            return result;
        }

        IEnumerable<TreeNode> items;
        if (node is TreeMapping single)
        {
            // Real apps (gitlab) write one constraint as a mapping; read it, but say so.
            Warn(node, $"`constraints` of param '{param}' should be a list of {{allowed_pattern, description}}; read as a list of one", "write `constraints:` followed by `- allowed_pattern: ...`");
            items = [single];
        }
        else if (node is TreeSequence seq)
        {
            items = seq.Children;
        }
        else
        {
            Error(node, $"`constraints` of param '{param}' must be a list of {{allowed_pattern, description}}, found {Describe(node)}");
            return result;
        }

        foreach (var item in items)
        {
            if (item is not TreeMapping map)
            {
                Error(item, $"a constraint of param '{param}' must be a mapping with `allowed_pattern` and `description`, found {Describe(item)}");
                continue;
            }

            var patternNode = Child(map, "allowed_pattern");
            if (patternNode is null && Child(map, "allowed_patterns") is { } misspelt)
            {
                Warn(misspelt, $"constraint of param '{param}' uses `allowed_patterns`; the spec's key is `allowed_pattern`", "rename the key");
                patternNode = misspelt;
            }

            foreach (var (key, _) in map.Children)
            {
                var k = ((TreeScalar)key).Value;
                if (k is not null && !ConstraintKeys.Contains(k) && k != "allowed_patterns")
                {
                    Warn(key, $"unknown key '{k}' in a constraint of param '{param}'", "known keys: allowed_pattern, description");
                }
            }

            if (patternNode is null)
            {
                Error(map, $"a constraint of param '{param}' has no `allowed_pattern`", "add `allowed_pattern: <regular expression>`");
                continue;
            }

            if (patternNode is not TreeScalar { Value: { } pattern })
            {
                Error(patternNode, $"`allowed_pattern` of param '{param}' must be a text (a regular expression), found {Describe(patternNode)}");
                continue;
            }

            try
            {
                _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                Error(patternNode, $"`allowed_pattern` of param '{param}' is not a valid regular expression: {ex.Message}");
                continue;
            }

            var description = OptionalString(map, "description", $"a constraint of param '{param}'");
            if (description is null)
            {
                Warn(map, $"a constraint of param '{param}' has no description", "it is shown when a value is refused");
            }

            result.Add(new Constraint(pattern, description, At(patternNode)));
        }

        return result;
    }

    private List<Component> ReadGraph(TreeNode node, bool legacy)
    {
        var result = new List<Component>();
        foreach (var (item, nameFromKey) in Items(node, "`graph`", legacy))
        {
            if (ReadComponent(item, nameFromKey, legacy) is { } component)
            {
                result.Add(component);
            }
        }

        if (node is TreeSequence { Children.Count: 0 } or TreeMapping { Children.Count: 0 })
        {
            Error(node, "the graph is empty", "list at least one component");
        }

        return result;
    }

    private Component? ReadComponent(TreeNode node, TreeScalar? nameFromKey, bool legacy)
    {
        if (node is not TreeMapping map)
        {
            Error(node, $"a graph item must be a mapping with `name` and `artifacts` (or `source`), found {Describe(node)}");
            return null;
        }

        var name = nameFromKey?.Value ?? RequiredString(map, "name", "a graph item", "add `name: ...`");
        if (name is null)
        {
            return null;
        }

        if (!IsSafeComponentName(name))
        {
            Error(nameFromKey ?? Child(map, "name")!, $"component name '{Printable(name)}' cannot be used: it names a directory, an answers section and labels",
                "use letters, digits, '.', '_' and '-' (at most 63), starting with a letter or digit (':' separates nested scopes, '/' directories)");
            return null;
        }

        var owner = $"component '{name}'";
        CheckKeys(map, ComponentKeys, owner);
        var source = OptionalString(map, "source", owner);
        if (source is not null && !source.StartsWith("docker://", StringComparison.Ordinal))
        {
            Error(Child(map, "source")!, $"source '{source}' of {owner} is not supported: only `docker://IMAGE` names a nested application");
        }
        else if (source is not null && !ImageReference.IsValid(source["docker://".Length..]))
        {
            Error(Child(map, "source")!, $"source '{Printable(source)}' of {owner} is not a valid image reference",
                "image names are lower case: docker://[registry/]name[:tag][@digest]");
        }

        var parameters = Child(map, "params") is { } ps ? ReadParams(ps, owner, legacy) : [];
        var artifacts = new Dictionary<string, IReadOnlyList<ArtifactEntry>>(StringComparer.Ordinal);
        var artifactsNode = Child(map, "artifacts");
        if (artifactsNode is TreeMapping artMap)
        {
            foreach (var (key, value) in artMap.Children)
            {
                var provider = ((TreeScalar)key).Value ?? "";
                artifacts[provider] = ReadArtifactList(value, owner, provider);
            }
        }
        else if (artifactsNode is not null && !(artifactsNode is TreeScalar s && YamlTree.IsNullLike(s)))
        {
            Error(artifactsNode, $"`artifacts` of {owner} must map a provider (docker, kubernetes ...) to a list of files, found {Describe(artifactsNode)}");
        }

        if (source is null && artifactsNode is null)
        {
            Error(nameFromKey ?? (TreeNode)map, $"{owner} has neither `artifacts` nor `source`", "give it `artifacts:` per provider, or `source: docker://IMAGE` for a nested application");
        }

        return new Component
        {
            Name = name,
            Source = source,
            Params = parameters,
            Artifacts = artifacts,
            Location = nameFromKey is null ? At(map) : At(nameFromKey),
        };
    }

    private List<ArtifactEntry> ReadArtifactList(TreeNode node, string owner, string provider)
    {
        var result = new List<ArtifactEntry>();
        if (node is not TreeSequence seq)
        {
            Error(node, $"the {provider} artifacts of {owner} must be a list, found {Describe(node)}", $"write `{provider}:` followed by `- file://artifacts/{provider}/...`");
            return result;
        }

        foreach (var item in seq.Children)
        {
            if (ReadArtifact(item, owner, provider) is { } entry)
            {
                result.Add(entry);
            }
        }

        return result;
    }

    private ArtifactEntry? ReadArtifact(TreeNode node, string owner, string provider)
    {
        var at = At(node);
        if (node is TreeScalar { Value: { } reference } && reference.Length > 0)
        {
            return new PathArtifact(reference, at);
        }

        if (node is not TreeMapping map)
        {
            Error(node, $"an artifact of {owner} ({provider}) must be a path such as `file://artifacts/...`, found {Describe(node)}");
            return null;
        }

        if (Child(map, "inherit") is { } inherit)
        {
            CheckKeys(map, ["inherit"], $"an inherit item of {owner}");
            var names = new List<string>();
            var list = inherit is TreeSequence s ? s.Children.ToList() : [inherit];
            foreach (var n in list)
            {
                if (n is TreeScalar { Value: { Length: > 0 } v })
                {
                    names.Add(v);
                }
                else
                {
                    Error(n, $"`inherit` of {owner} lists provider names, found {Describe(n)}");
                }
            }

            return new InheritArtifact(names, at);
        }

        if (Child(map, "resource") is { } resource)
        {
            CheckKeys(map, ["resource", "params"], $"a pointer artifact of {owner}");
            if (resource is not TreeScalar { Value: { Length: > 0 } res })
            {
                Error(resource, $"`resource` of {owner} must be a path, found {Describe(resource)}");
                return null;
            }

            var pointers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            if (Child(map, "params") is TreeMapping pmap)
            {
                foreach (var (key, value) in pmap.Children)
                {
                    var paramName = ((TreeScalar)key).Value ?? "";
                    var values = value is TreeSequence pseq ? pseq.Children : [value];
                    var list = new List<string>();
                    foreach (var p in values)
                    {
                        if (p is TreeScalar { Value: { } ptr } && (ptr.Length == 0 || ptr[0] == '/'))
                        {
                            list.Add(ptr);
                        }
                        else
                        {
                            Error(p, $"pointer of param '{paramName}' in {owner} must be a JSON pointer such as /spec/replicas, found {Describe(p)}");
                        }
                    }

                    pointers[paramName] = list;
                }
            }
            else if (Child(map, "params") is { } bad)
            {
                Error(bad, $"`params` of a pointer artifact of {owner} maps a param name to a list of JSON pointers, found {Describe(bad)}");
            }

            return new PointerArtifact(res, pointers, at);
        }

        if (Child(map, "source") is not null)
        {
            CheckKeys(map, ["source", "path", "type", "branch", "tag"], $"a repository artifact of {owner}");
            var type = OptionalString(map, "type", owner) ?? "git";
            if (type != "git")
            {
                Error(Child(map, "type")!, $"repository type '{type}' of {owner} is not supported; only `git` is");
            }

            return new RepositoryArtifact(OptionalString(map, "source", owner) ?? "", OptionalString(map, "path", owner), type,
                OptionalString(map, "branch", owner), OptionalString(map, "tag", owner), at);
        }

        Error(node, $"an artifact of {owner} ({provider}) must be a path, `inherit: [...]`, `resource: ... params: ...` or a repository `source:`; this mapping is none of them");
        return null;
    }

    private List<Requirement> ReadRequirements(TreeNode node)
    {
        var result = new List<Requirement>();
        if (node is TreeScalar s && YamlTree.IsNullLike(s))
        {
            return result;
        }

        if (node is not TreeSequence seq)
        {
            Error(node, $"`requirements` must be a list, found {Describe(node)}");
            return result;
        }

        foreach (var item in seq.Children)
        {
            if (item is not TreeMapping map || map.Children.Count != 1)
            {
                Error(item, "a requirement must be a mapping with one key, such as `persistentVolume:`");
                continue;
            }

            var (key, value) = map.Children.First();
            var kind = ((TreeScalar)key).Value;
            if (kind != "persistentVolume")
            {
                Error(key, $"requirement '{kind}' is not known; the spec defines only `persistentVolume`");
                continue;
            }

            if (value is not TreeMapping pv)
            {
                Error(value, $"`persistentVolume` must be a mapping with name, accessMode and size, found {Describe(value)}");
                continue;
            }

            CheckKeys(pv, VolumeKeys, "a persistentVolume");
            var name = RequiredString(pv, "name", "a persistentVolume", "add `name: ...`");
            var mode = RequiredString(pv, "accessMode", "a persistentVolume", "use ReadWrite, ReadOnly, ReadWriteOnce, ReadOnlyMany or ReadWriteMany");
            if (mode is not null && !AccessModes.Contains(mode))
            {
                Error(Child(pv, "accessMode")!, $"accessMode '{mode}' of persistentVolume '{name}' is not known", "use ReadWrite, ReadOnly, ReadWriteOnce, ReadOnlyMany or ReadWriteMany");
            }

            var size = ReadSize(pv, name);
            if (name is not null && mode is not null && size is not null)
            {
                result.Add(new PersistentVolumeRequirement(name, mode, size, At(value)));
            }
        }

        return result;
    }

    private string? ReadSize(TreeMapping pv, string? volume)
    {
        var node = Child(pv, "size");
        if (node is null)
        {
            Error(pv, $"persistentVolume '{volume}' has no `size`", "add `size: 4` (GiB) or a quantity such as `size: 500Mi`");
            return null;
        }

        var text = (node as TreeScalar)?.Value ?? "";
        if (System.Text.RegularExpressions.Regex.IsMatch(text, "^[0-9]+$"))
        {
            return text + "Gi"; // The spec's unit is GB; Atomic App passed bare numbers on, which Kubernetes reads as bytes.
        }

        if (System.Text.RegularExpressions.Regex.IsMatch(text, "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)$"))
        {
            return text;
        }

        Error(node, $"size '{text}' of persistentVolume '{volume}' is not a size", "write a number of GiB (`4`) or a quantity (`500Mi`, `10Gi`)");
        return null;
    }

    /// <summary>Items of a list, or of a legacy map keyed by name (yielding the key as the name).</summary>
    private IEnumerable<(TreeNode Item, TreeScalar? Name)> Items(TreeNode node, string what, bool legacy)
    {
        switch (node)
        {
            case TreeSequence seq:
                foreach (var child in seq.Children)
                {
                    yield return (child, null);
                }

                break;
            case TreeMapping map:
                if (!legacy)
                {
                    Warn(node, $"{what} is written as a map keyed by name (the 0.0.1-alpha form) under specversion 0.0.2", "write a list of items with `name:` each");
                }

                foreach (var (key, value) in map.Children)
                {
                    yield return (value, (TreeScalar)key);
                }

                break;
            case TreeScalar s when YamlTree.IsNullLike(s):
                break;
            default:
                Error(node, $"{what} must be a list, found {Describe(node)}");
                break;
        }
    }

    private void CheckKeys(TreeMapping map, string[] known, string owner)
    {
        foreach (var (key, _) in map.Children)
        {
            if (key is not TreeScalar { Value: { } name })
            {
                Error(key, $"keys of {owner} must be plain names");
                continue;
            }

            if (!known.Contains(name))
            {
                var near = Suggest.Closest(name, known);
                Warn(key, $"unknown key '{name}' in {owner}", near is null ? $"known keys: {string.Join(", ", known)}" : $"did you mean '{near}'?");
            }
        }
    }

    public static TreeNode? Child(TreeMapping map, string key)
    {
        foreach (var (k, v) in map.Children)
        {
            if (k is TreeScalar { Value: { } name } && name == key)
            {
                return v;
            }
        }

        return null;
    }

    private string? RequiredString(TreeMapping map, string key, string owner, string hint)
    {
        var node = Child(map, key);
        if (node is null || (node is TreeScalar s && YamlTree.IsNullLike(s)))
        {
            Error(node ?? map, $"{owner} has no `{key}`", hint);
            return null;
        }

        return AsString(node, key, owner);
    }

    private string? OptionalString(TreeMapping map, string key, string owner)
    {
        var node = Child(map, key);
        if (node is null || (node is TreeScalar s && YamlTree.IsNullLike(s)))
        {
            return null;
        }

        return AsString(node, key, owner);
    }

    private string? AsString(TreeNode node, string key, string owner)
    {
        if (node is TreeScalar scalar)
        {
            return scalar.Value;
        }

        Error(node, $"`{key}` of {owner} must be a text, found {Describe(node)}");
        return null;
    }

    public static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    public static string Describe(TreeNode node) => node switch
    {
        TreeMapping => "a mapping",
        TreeSequence => "a list",
        TreeScalar s when YamlTree.IsNullLike(s) => "nothing",
        TreeScalar s => $"'{s.Value}'",
        _ => "something else",
    };

    /// <summary>A component name becomes external/NAME, DIR/NAME of `template -o`, an answers section and a label.</summary>
    public static bool IsSafeComponentName(string name) => IsSafeName(name, 63);

    /// <summary>An app id names releases, images' directories and index entries.</summary>
    public static bool IsSafeId(string id) => IsSafeName(id, 253);

    private static bool IsSafeName(string name, int max) =>
        name.Length > 0 && name.Length <= max && char.IsAsciiLetterOrDigit(name[0]) &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>A name as it can be printed: control characters shown as escapes.</summary>
    public static string Printable(string text) =>
        text.Any(char.IsControl) ? string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) : text;
}
