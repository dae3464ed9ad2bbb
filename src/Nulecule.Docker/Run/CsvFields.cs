using System.Text;

namespace Nulecule.Docker.Run;

/// <summary>
/// One comma-separated record as Go's encoding/csv reads it (the docker CLI reads `--mount` and
/// `--gpus` values so): a field that starts with a double quote runs to the closing quote, `""`
/// inside it is one quote; a quote inside an unquoted field is an error; spaces are kept.
/// </summary>
internal static class CsvFields
{
    /// <summary>The fields, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static List<string>? Read(string text, out string? error)
    {
        error = null;
        if (text.Length == 0)
        {
            error = "empty value";
            return null;
        }

        var fields = new List<string>();
        var i = 0;
        while (true)
        {
            var field = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        error = "a quoted field has no closing quote";
                        return null;
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }

                if (i < text.Length && text[i] != ',')
                {
                    error = $"extraneous character '{text[i]}' after a quoted field";
                    return null;
                }
            }
            else
            {
                while (i < text.Length && text[i] != ',')
                {
                    if (text[i] == '"')
                    {
                        error = "a double quote inside an unquoted field (quote the whole field: \"key=a,b\")";
                        return null;
                    }

                    field.Append(text[i++]);
                }
            }

            fields.Add(field.ToString());
            if (i >= text.Length)
            {
                return fields;
            }

            i++; // the comma
        }
    }
}
