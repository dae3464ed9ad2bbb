using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nulecule.Templating;

namespace Nulecule.Cli;

/// <summary>What `-o` asks for.</summary>
internal enum ReportFormat
{
    /// <summary>A table fitted to the terminal (cells cut with '…'), or the command's own lines.</summary>
    Table,

    /// <summary>The table with its extra columns, never cut.</summary>
    Wide,

    /// <summary>The command's document as indented JSON.</summary>
    Json,

    /// <summary>The same document as YAML.</summary>
    Yaml,
}

/// <summary>
/// How every reporting command prints its result: a document (one JSON object with
/// `apiVersion` and `kind`, shapes in docs/output.md) written as JSON or YAML, or a table
/// whose extra columns only `-o wide` shows. Secrets are masked before anything is laid out or
/// written, so a cut cell never shows the start of one.
/// </summary>
internal static class Reports
{
    public const string ApiVersion = "nulecule/v1";

    public static readonly string[] Choices = ["table", "wide", "json", "yaml"];

    /// <summary>`-o, --output table|wide|json|yaml`, table by default.</summary>
    public static Option<string> Option(string tableMeans = "a table fitted to the terminal")
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = $"Output format: table ({tableMeans}), wide (every column, never cut), json or yaml (docs/output.md).",
            DefaultValueFactory = _ => Choices[0],
            HelpName = "FORMAT",
        };
        option.AcceptOnlyFromAmong(Choices);
        return option;
    }

    public static ReportFormat Of(ParseResult parse, Option<string> option) => parse.GetValue(option) switch
    {
        "wide" => ReportFormat.Wide,
        "json" => ReportFormat.Json,
        "yaml" => ReportFormat.Yaml,
        _ => ReportFormat.Table,
    };

    public static bool IsDocument(this ReportFormat format) => format is ReportFormat.Json or ReportFormat.Yaml;

    /// <summary>A new document of <paramref name="kind"/>: `apiVersion` and `kind` first.</summary>
    public static JsonObject Document(string kind) => new() { ["apiVersion"] = ApiVersion, ["kind"] = kind };

    /// <summary>Writes <paramref name="document"/> to stdout as JSON or YAML, every string masked.</summary>
    public static void Write(this Output output, JsonObject document, ReportFormat format)
    {
        output.EndProgress(); // the live progress lines end above the result
        var masked = Mask(document, output.Masker);
        var text = format == ReportFormat.Yaml ? DocumentWriter.ToYaml(masked) : DocumentWriter.ToJson(masked);
        output.Out.Write(text);
        output.Out.Flush();
    }

    /// <summary>
    /// Writes a table: the columns marked wide only for `-o wide`, which is never cut; else fitted
    /// to the output's width. <paramref name="header"/> false leaves the header line out.
    /// </summary>
    public static void Table<T>(this Output output, ReportFormat format, IEnumerable<T> rows, IReadOnlyList<Column<T>> columns, bool header = true)
    {
        var shown = columns.Where(c => !c.Wide || format == ReportFormat.Wide).ToList();
        var cells = rows.Select(r => (IReadOnlyList<string>)shown.Select(c => output.Masker.Mask(c.Value(r))).ToList()).ToList();
        var lines = Tables.Layout(shown.Select(c => c.Header).ToList(), cells, Width(output, format));
        output.EndProgress();
        foreach (var line in header ? lines : lines.Skip(1))
        {
            output.Out.WriteLine(line);
        }
    }

    /// <summary>One line of a human report, masked, cut to the width unless wide.</summary>
    public static void Line(this Output output, ReportFormat format, string text)
    {
        var line = output.Masker.Mask(text).ReplaceLineEndings(" ");
        var width = Width(output, format);
        output.EndProgress();
        output.Out.WriteLine(width >= Tables.Unlimited ? line : Tables.Cut(line, width));
    }

    private static int Width(Output output, ReportFormat format) => format == ReportFormat.Wide ? Tables.Unlimited : output.Stdout.Profile.Width;

    /// <summary>A copy whose strings (keys and values) are masked; numbers and booleans are the tool's own.</summary>
    private static JsonNode? Mask(JsonNode? node, SecretMasker masker)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    copy[masker.Mask(key)] = Mask(value, masker);
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    items.Add(Mask(item, masker));
                }

                return items;
            default:
                return node.GetValueKind() == JsonValueKind.String ? JsonValue.Create(masker.Mask(node.GetValue<string>())) : node.DeepClone();
        }
    }

    /// <summary>Lower-case names for enums in documents and tables (`deployed`, `created`).</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => value.ToString().ToLowerInvariant();

    public static string Time(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    public static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An array of the nodes <paramref name="select"/> makes of <paramref name="items"/>.</summary>
    public static JsonArray Array<T>(IEnumerable<T> items, Func<T, JsonNode?> select)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            array.Add(select(item));
        }

        return array;
    }
}

/// <summary>A table column: its header, its cell, and whether only `-o wide` shows it.</summary>
internal sealed record Column<T>(string Header, Func<T, string> Value, bool Wide = false);
