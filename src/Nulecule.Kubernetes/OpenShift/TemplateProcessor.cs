using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nulecule.Spec;

namespace Nulecule.Kubernetes.OpenShift;

/// <summary>
/// Processes an OpenShift Template on the client, like `oc process`: each parameter takes the
/// component's answer of the same name, else its `value`, else a generated value
/// (`generate: expression`); a `required` one left without a value is an error. `${NAME}` is
/// replaced inside strings, and a string that is exactly `${{NAME}}` takes the value's type.
/// </summary>
public static partial class TemplateProcessor
{
    public static bool IsTemplate(JsonObject document)
    {
        var apiVersion = (string?)document["apiVersion"] ?? "";
        return (string?)document["kind"] == "Template" && (apiVersion == "v1" || apiVersion.StartsWith("template.openshift.io/", StringComparison.Ordinal));
    }

    /// <param name="answers">The component's substitution context (answers by param name).</param>
    /// <param name="where">`component web: artifacts/openshift/t.yaml`, for messages.</param>
    public static IReadOnlyList<JsonObject> Process(JsonObject template, IReadOnlyDictionary<string, Scalar> answers, string where)
    {
        var name = (string?)template["metadata"]?["name"] ?? "(unnamed)";
        var values = new Dictionary<string, Scalar>(StringComparer.Ordinal);
        var missing = new List<Diagnostic>();
        foreach (var parameter in (template["parameters"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var param = (string?)parameter["name"];
            if (string.IsNullOrEmpty(param))
            {
                throw new NuleculeException($"{where}: Template {name} has a parameter without a name");
            }

            if (answers.TryGetValue(param, out var answer) && !answer.IsNull)
            {
                values[param] = answer;
            }
            else if (parameter["value"] is JsonValue value && !string.IsNullOrEmpty(Text(value)))
            {
                values[param] = Scalar.String(Text(value));
            }
            else if ((string?)parameter["generate"] == "expression")
            {
                var from = (string?)parameter["from"] ?? throw new NuleculeException($"{where}: Template {name} parameter {param} has generate: expression but no from");
                values[param] = Scalar.String(ExpressionGenerator.Generate(from));
            }
            else if (IsTrue(parameter["required"]))
            {
                var description = (string?)parameter["description"] ?? (string?)parameter["displayName"];
                missing.Add(Diagnostic.Error(
                    $"{where}: Template {name} requires parameter {param}{(description is null ? "" : $" ({description})")}",
                    hint: $"answer {param} in the component's section of the answers file"));
            }
            else
            {
                values[param] = Scalar.String("");
            }
        }

        if (missing.Count > 0)
        {
            throw new NuleculeException(missing);
        }

        var labels = template["labels"] as JsonObject;
        var objects = new List<JsonObject>();
        foreach (var item in (template["objects"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var processed = (JsonObject)Substitute(item.DeepClone(), values)!;
            if (labels is not null)
            {
                var metadata = processed["metadata"] as JsonObject ?? [];
                processed["metadata"] = metadata;
                var objectLabels = metadata["labels"] as JsonObject ?? [];
                metadata["labels"] = objectLabels;
                foreach (var (key, value) in labels)
                {
                    if (!objectLabels.ContainsKey(key))
                    {
                        objectLabels[key] = value?.DeepClone();
                    }
                }
            }

            objects.Add(processed);
        }

        return objects;
    }

    private static JsonNode? Substitute(JsonNode? node, IReadOnlyDictionary<string, Scalar> values)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var replaced = Substitute(obj[key], values);
                    if (!ReferenceEquals(replaced, obj[key]))
                    {
                        obj[key] = replaced;
                    }
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var replaced = Substitute(array[i], values);
                    if (!ReferenceEquals(replaced, array[i]))
                    {
                        array[i] = replaced;
                    }
                }

                return array;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return SubstituteString((string)value!, values) ?? value;
            default:
                return node;
        }
    }

    /// <summary>The replacement node, or null when the string has no known reference.</summary>
    private static JsonNode? SubstituteString(string text, IReadOnlyDictionary<string, Scalar> values)
    {
        var whole = TypedReference().Match(text);
        if (whole.Success && whole.Length == text.Length && values.TryGetValue(whole.Groups[1].Value, out var typed))
        {
            return Typed(typed);
        }

        var changed = false;
        string Replace(Match m)
        {
            if (values.TryGetValue(m.Groups[1].Value, out var v))
            {
                changed = true;
                return v.Text;
            }

            return m.Value;
        }

        var result = StringReference().Replace(TypedReference().Replace(text, Replace), Replace);
        return changed ? JsonValue.Create(result) : null;
    }

    private static JsonNode? Typed(Scalar value)
    {
        switch (value.Kind)
        {
            case ScalarKind.Null:
                return null;
            case ScalarKind.Boolean:
            case ScalarKind.Integer:
            case ScalarKind.Float:
            case ScalarKind.String:
                // As `oc process` does: the value is read as JSON when it is JSON (3, true, {"a":1}).
                try
                {
                    return JsonNode.Parse(value.Kind == ScalarKind.Boolean ? value.Text.ToLowerInvariant() : value.Text) ?? JsonValue.Create(value.Text);
                }
                catch (JsonException)
                {
                    return JsonValue.Create(value.Text);
                }

            default:
                return JsonValue.Create(value.Text);
        }
    }

    private static string Text(JsonValue value) => value.GetValueKind() == JsonValueKind.String ? (string)value! : value.ToJsonString();

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && (v.GetValueKind() == JsonValueKind.True || (v.GetValueKind() == JsonValueKind.String && string.Equals((string?)v, "true", StringComparison.OrdinalIgnoreCase)));

    [GeneratedRegex(@"\$\{\{([a-zA-Z0-9_]+)\}\}")]
    private static partial Regex TypedReference();

    [GeneratedRegex(@"\$\{([a-zA-Z0-9_]+)\}")]
    private static partial Regex StringReference();
}
