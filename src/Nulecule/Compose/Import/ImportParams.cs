using System.Text.Json.Nodes;

namespace Nulecule.Compose.Import;

/// <summary>
/// The params of an imported app: one per interpolation variable. The default is the `.env`
/// value, else the `${VAR:-x}`/`${VAR-x}` default written in the file, else none (`${VAR:?msg}`:
/// required, its message the description; plain `${VAR}`: "" as compose gives an unset variable).
/// The type is how the compose loader types the value where a whole value is the variable
/// (`replicas: ${N}` is an integer); names that look like secrets are hidden, and their `.env`
/// values are not copied into the Nulecule file.
/// </summary>
public static class ImportParams
{
    private static readonly HashSet<string> SecretWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "SECRETS", "TOKEN", "KEY", "APIKEY", "CREDENTIAL", "CREDENTIALS", "PRIVATE", "SALT", "AUTH", "CERT",
    };

    /// <summary>Whether a variable's name says it holds a secret: one of its `_`-separated words is PASSWORD, SECRET, TOKEN, KEY, ...</summary>
    public static bool LooksSecret(string name) =>
        name.Split('_', StringSplitOptions.RemoveEmptyEntries).Any(SecretWords.Contains) || name.EndsWith("PASSWORD", StringComparison.OrdinalIgnoreCase);

    internal static List<ImportedParam> Infer(ImportSource project, IReadOnlyList<string> order)
    {
        var found = new SortedDictionary<string, Builder>(StringComparer.Ordinal);
        Builder Get(string name) => found.TryGetValue(name, out var b) ? b : found[name] = new Builder(name);

        foreach (var value in project.Values)
        {
            var whole = value.References.Count == 1 && IsWhole(value.Text, value.References[0]);
            var cast = ComposeCasts.For(value.Path);
            foreach (var reference in value.References)
            {
                var b = Get(reference.Name);
                b.Uses.Add(value);
                if (value.Path is ["services", var service, ..])
                {
                    b.Services.Add(service);
                }

                if (whole && cast is not null && ReferenceEquals(reference, value.References[0]))
                {
                    b.Cast ??= cast;
                }

                switch (reference.Operator)
                {
                    case ":-" or "-" when !reference.Argument.Contains('$', StringComparison.Ordinal):
                        b.Defaults.Add((reference.Argument, value.At));
                        break;
                    case ":?" or "?":
                        b.Required = true;
                        b.Message ??= reference.Argument.Length > 0 ? reference.Argument : null;
                        break;
                }
            }
        }

        // A compose secret or config read from a variable: the variable is a param, a secret's hidden.
        foreach (var section in new[] { "secrets", "configs" })
        {
            foreach (var (name, node) in project.Document[section] as JsonObject ?? [])
            {
                if (node?["environment"] is JsonValue variable)
                {
                    var b = Get(variable.GetValue<string>());
                    b.Required = true;
                    b.Message ??= $"the content of the {section[..^1]} {name}";
                    b.Hidden |= section == "secrets";
                }
            }
        }

        if ((project.Document["services"] as JsonObject ?? []).Any(s => s.Value?["profiles"] is JsonArray { Count: > 0 }))
        {
            var b = Get("COMPOSE_PROFILES");
            b.Message ??= "the compose profiles to enable, comma-separated (* for all); a service outside them does not run on docker and swarm";
            b.Defaults.Insert(0, ("", null));
        }

        var rank = order.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        return found.Values.Select(b => b.Build(project, rank)).ToList();
    }

    /// <summary>Whether the whole text is the one reference (`${N}`, `${N:-3}`, `$N`).</summary>
    private static bool IsWhole(string text, ComposeReference reference) =>
        text == "$" + reference.Name || text == "${" + reference.Name + reference.Operator + reference.Argument + "}";

    private sealed class Builder(string name)
    {
        public List<ComposeRawValue> Uses { get; } = [];
        public SortedSet<string> Services { get; } = new(StringComparer.Ordinal);
        public List<(string Text, SourceLocation? At)> Defaults { get; } = [];
        public bool Required { get; set; }
        public bool Hidden { get; set; }
        public string? Message { get; set; }
        public ComposeCast? Cast { get; set; }

        public ImportedParam Build(ImportSource project, IReadOnlyDictionary<string, int> rank)
        {
            var hidden = Hidden || LooksSecret(name);
            var type = Cast switch
            {
                ComposeCast.Integer => "integer",
                ComposeCast.Float => "number",
                ComposeCast.Boolean => "boolean",
                _ => "string",
            };
            string? text = null;
            string? origin = null;
            if (project.DotEnv.TryGetValue(name, out var fromEnv) || project.IncludedEnv.TryGetValue(name, out fromEnv))
            {
                if (!hidden)
                {
                    (text, origin) = (fromEnv, ".env");
                }
            }
            else if (Defaults.Count > 0)
            {
                (text, origin) = (Defaults[0].Text, "compose");
            }
            else if (!Required && !hidden)
            {
                (text, origin) = ("", "compose");
            }

            JsonNode? value = text is null ? null : JsonValue.Create(text);
            if (text is not null && Cast is { } cast && text.Length > 0 && ComposeCasts.Apply(cast, text) is { } typed)
            {
                value = typed;
            }
            else if (text is not null && Cast is not null)
            {
                type = "string";
            }

            var where = Services.Count == 0 ? "the compose file" : string.Join(", ", Services.OrderBy(s => rank.GetValueOrDefault(s, int.MaxValue)));
            var description = Message is not null ? $"{Message} (used by {where})" : $"${{{name}}} of {where}";
            if (hidden && text is null && (project.DotEnv.ContainsKey(name) || project.IncludedEnv.ContainsKey(name)))
            {
                description += "; its .env value is a secret and was not copied: give it with --set or an answers file";
            }

            return new ImportedParam(name, description, value, hidden, type, origin, Services.OrderBy(s => rank.GetValueOrDefault(s, int.MaxValue)).ToList());
        }
    }
}
