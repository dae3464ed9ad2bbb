using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using IniParser.Model;
using IniParser.Model.Configuration;
using IniParser.Model.Formatting;
using Nulecule.Answers.Internal;
using Nulecule.Resolution;
using Nulecule.Spec;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlScalar = YamlDotNet.Core.Events.Scalar;

namespace Nulecule.Answers;

/// <summary>
/// Builds answers to write (a <c>genanswers</c> sample, or the values of a deployment for
/// <c>--write-answers</c>) and writes them as INI, JSON or YAML so that <see cref="AnswersFile.Parse"/>
/// reads back the same values and types. Comments (descriptions, notes) are written in INI and
/// YAML; JSON has no comments, so there they are left out.
/// </summary>
public static partial class AnswersWriter
{
    /// <summary>
    /// The <c>genanswers</c> sample for an app tree: <c>[general]</c> with <c>provider</c> (the
    /// default of the root app's <c>provider</c> param, else the first provider the app has
    /// artifacts for) and <c>namespace</c> left empty (empty means the namespace of the kubeconfig
    /// context, so a sample never forces one), then the root app's other global params; then one
    /// section per scope that has params, in graph order. Each param carries its default, or is
    /// left empty when it has none (it is required) or when it is hidden (a secret is never
    /// written, not even a default; empty falls back to the default). The description and any
    /// constraint descriptions are the entry's comment. The other provider settings
    /// (<c>provider-config</c>, <c>provider-api</c> ...) are not written: they depend on the machine,
    /// not on the app.
    /// </summary>
    public static AnswersFile Sample(AppNode root)
    {
        var tree = new ScopeTree(root);
        var providerParam = root.App.Params.FirstOrDefault(p => p.Name == GeneralSettings.Provider);
        var provider = providerParam?.Default is { IsNull: false } chosen
            ? chosen
            : root.App.Providers.FirstOrDefault() is { } first ? Spec.Scalar.String(first) : null;
        var providers = root.App.Providers.Count == 0 ? "" : $" ({string.Join(", ", root.App.Providers)})";

        var general = new List<AnswerEntry>
        {
            new(GeneralSettings.Provider, provider, Comment: (providerParam?.Description?.Trim() ?? "The provider to deploy to") + providers),
            new(GeneralSettings.Namespace, null, Comment: "The namespace to deploy to; empty: the namespace of the kubeconfig context"),
        };
        var sections = new List<AnswerSection> { new(AnswerSection.General, general) };
        foreach (var scope in tree.Scopes)
        {
            var entries = tree.Params
                .Where(p => p.Scope == scope && !(scope == AnswerSection.General && (p.Param.Name is GeneralSettings.Provider or GeneralSettings.Namespace)))
                .Select(p => new AnswerEntry(p.Param.Name, p.Param.Hidden || p.Param.Default is { IsNull: true } ? null : p.Param.Default,
                    Comment: SampleComment(p.Param)))
                .ToList();
            if (scope == AnswerSection.General)
            {
                general.AddRange(entries);
            }
            else if (entries.Count > 0)
            {
                sections.Add(new AnswerSection(scope, entries));
            }
        }

        return new AnswersFile(sections);
    }

    /// <summary>
    /// The answers of a deployment, for <c>--write-answers</c>: <c>[general]</c> with the settings
    /// that have a value, then every param of every scope with its resolved value. A hidden param
    /// (and the <c>provider-auth</c> setting, a credential) is written EMPTY with a comment saying the
    /// value is hidden and how to supply it again: the file never holds a secret in plain text.
    /// Reading the file back therefore leaves a hidden param unanswered, so it falls back to its
    /// default, or is reported missing when it has none.
    /// </summary>
    public static AnswersFile FromResolved(ResolvedValues values)
    {
        var general = new List<AnswerEntry>();
        foreach (var (key, value) in values.General.Where(g => GeneralSettings.IsSetting(g.Key)))
        {
            if (values.Params.Any(p => p.Scope == AnswerSection.General && p.Name == key))
            {
                continue; // Written below as the param it also is.
            }

            general.Add(GeneralSettings.Secret.Contains(key)
                ? new AnswerEntry(key, null, Comment: $"{key} is a credential and is not written; pass it again with --{key}")
                : new AnswerEntry(key, Spec.Scalar.String(value)));
        }

        var sections = new List<AnswerSection> { new(AnswerSection.General, general) };
        foreach (var param in values.Params)
        {
            var entry = param.Hidden
                ? new AnswerEntry(param.Name, null, Comment: Join(param.Description,
                    $"Hidden value, not written: supply it again ({ParamResolver.HowToSupply(param.Scope, param.Name)})"))
                : new AnswerEntry(param.Name, param.Value, Comment: param.Description?.Trim());
            if (param.Scope == AnswerSection.General)
            {
                general.Add(entry);
                continue;
            }

            var index = sections.FindIndex(s => s.Name == param.Scope);
            if (index < 0)
            {
                sections.Add(new AnswerSection(param.Scope, [entry]));
            }
            else
            {
                sections[index] = sections[index] with { Entries = [.. sections[index].Entries, entry] };
            }
        }

        return new AnswersFile(sections);
    }

    /// <summary>The text of <paramref name="answers"/> in <paramref name="format"/>.</summary>
    public static string Write(AnswersFile answers, AnswersFormat format) => format switch
    {
        AnswersFormat.Ini => WriteIni(answers),
        AnswersFormat.Json => WriteJson(answers),
        _ => WriteYaml(answers),
    };

    /// <summary>
    /// Writes a file atomically (a temporary file renamed over the target). The format comes from
    /// <paramref name="format"/>, else from the extension, else INI.
    /// </summary>
    public static void WriteFile(AnswersFile answers, string path, AnswersFormat? format = null)
    {
        var text = Write(answers, format ?? AnswersFile.FormatOfPath(path) ?? AnswersFormat.Ini);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, text);
        File.Move(temp, full, overwrite: true);
    }

    private static string? SampleComment(Param param)
    {
        var comment = param.Description?.Trim();
        var rules = param.Constraints.Select(c => string.IsNullOrWhiteSpace(c.Description) ? $"must match {c.AllowedPattern}" : c.Description.Trim()).ToList();
        if (rules.Count > 0)
        {
            comment = Join(comment, "Allowed: " + string.Join("; ", rules));
        }

        if (param.Hidden)
        {
            comment = Join(comment, param.Default is null ? "Hidden (a secret)" : "Hidden (a secret); empty: the default");
        }
        else if (param.Default is null)
        {
            comment = Join(comment, "Required");
        }

        return comment;
    }

    private static string? Join(string? first, string second) =>
        string.IsNullOrWhiteSpace(first) ? second : $"{first.Trim()}. {second}";

    private static IEnumerable<string> CommentLines(string? comment) =>
        comment is null ? [] : comment.Split('\n').Select(l => l.TrimEnd('\r'));

    private static string WriteIni(AnswersFile answers)
    {
        var configuration = new IniParserConfiguration { CommentString = "#", AssigmentSpacer = " ", NewLineStr = "\n" };
        var data = new IniData { Configuration = configuration };
        foreach (var section in answers.Sections)
        {
            data.Sections.AddSection(section.Name);
            var target = data.Sections.GetSectionData(section.Name);
            target.Comments.AddRange(CommentLines(section.Comment).Select(l => " " + l));
            foreach (var entry in section.Entries)
            {
                var key = new KeyData(entry.Key) { Value = IniText(section.Name, entry) };
                key.Comments.AddRange(CommentLines(entry.Comment).Select(l => " " + l));
                target.Keys.SetKeyData(key);
            }
        }

        // The formatter writes `key = ` for an empty value; trailing blanks carry nothing (values with them are quoted).
        var text = new DefaultIniDataFormatter(configuration).IniDataToString(data);
        return string.Join('\n', text.Split('\n').Select(line => line.TrimEnd()));
    }

    // Quotes are added exactly when the bare text would read back as another type or value.
    private static string IniText(string section, AnswerEntry entry)
    {
        if (entry.Value is null)
        {
            return "";
        }

        if (entry.Value.Text.Contains('\n', StringComparison.Ordinal) || entry.Value.Text.Contains('\r', StringComparison.Ordinal))
        {
            throw new NuleculeException($"the value of [{section}] {entry.Key} spans several lines, which INI cannot hold",
                hint: "write the answers as YAML or JSON (--answers-format yaml)");
        }

        var plain = entry.Value.Kind == ScalarKind.String ? PlainScalar.RoundTripsPlain(entry.Value) : PlainScalar.KindOf(entry.Value.Text) == entry.Value.Kind;
        return plain ? entry.Value.Text : $"\"{entry.Value.Text}\"";
    }

    private static string WriteJson(AnswersFile answers)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            foreach (var section in answers.Sections)
            {
                json.WriteStartObject(section.Name);
                foreach (var entry in section.Entries)
                {
                    json.WritePropertyName(entry.Key);
                    WriteJsonValue(json, entry.Value);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteJsonValue(Utf8JsonWriter json, Spec.Scalar? value)
    {
        switch (value)
        {
            case null or { IsNull: true }:
                json.WriteNullValue();
                break;
            case { Kind: ScalarKind.Boolean }:
                json.WriteBooleanValue(value.Text.Equals("true", StringComparison.OrdinalIgnoreCase));
                break;
            case { Kind: ScalarKind.Integer or ScalarKind.Float } when JsonNumber().IsMatch(value.Text):
                json.WriteRawValue(value.Text);
                break;
            default:
                // Also numbers JSON cannot spell (0x1F, .inf): kept as their text.
                json.WriteStringValue(value.Text);
                break;
        }
    }

    private static string WriteYaml(AnswersFile answers)
    {
        var text = new StringWriter { NewLine = "\n" };
        var emitter = new Emitter(text);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        emitter.Emit(new MappingStart());
        foreach (var section in answers.Sections)
        {
            EmitComments(emitter, section.Comment);
            emitter.Emit(new YamlScalar(section.Name));
            emitter.Emit(new MappingStart());
            foreach (var entry in section.Entries)
            {
                EmitComments(emitter, entry.Comment);
                emitter.Emit(new YamlScalar(entry.Key));
                emitter.Emit(YamlValue(entry.Value));
            }

            emitter.Emit(new MappingEnd());
        }

        emitter.Emit(new MappingEnd());
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void EmitComments(Emitter emitter, string? comment)
    {
        foreach (var line in CommentLines(comment))
        {
            emitter.Emit(new Comment(line, false));
        }
    }

    private static YamlScalar YamlValue(Spec.Scalar? value)
    {
        if (value is null || value.IsNull)
        {
            return new YamlScalar(AnchorName.Empty, TagName.Empty, "null", ScalarStyle.Plain, true, false);
        }

        var plain = value.Kind == ScalarKind.String ? PlainScalar.RoundTripsPlain(value) && value.Text.Length > 0 : PlainScalar.KindOf(value.Text) == value.Kind;
        // The emitter itself falls back to quoting when a plain scalar would not parse back (`a: b`).
        return new YamlScalar(AnchorName.Empty, TagName.Empty, value.Text, plain ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted, plain, !plain);
    }

    [GeneratedRegex(@"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();
}
