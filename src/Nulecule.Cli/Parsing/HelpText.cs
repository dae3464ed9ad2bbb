using System.Globalization;
using System.Text.RegularExpressions;

namespace Nulecule.Cli.Parsing;

/// <summary>
/// Finishes the help System.CommandLine writes: defaults as the user would type them (`5m`, not
/// `00:05:00`), no spaces at the ends of lines, and the command's `Examples:` section
/// (<see cref="Commands.Examples"/>).
/// System.CommandLine 2.0 keeps its help builder internal, so its text is taken and finished here.
/// </summary>
internal static partial class HelpText
{
    /// <param name="help">The help as System.CommandLine wrote it.</param>
    /// <param name="path">The command path after `nulecule` (`index list`; "" for the root).</param>
    public static string Finish(string help, string path)
    {
        var text = DefaultDuration().Replace(help.ReplaceLineEndings("\n"), m =>
            $"[default: {Durations.Format(TimeSpan.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))}]");
        var examples = Commands.Examples.Section(path);
        if (examples.Length > 0)
        {
            text = text.TrimEnd('\n') + "\n\n" + examples;
        }

        // The help builder leaves the spaces it wrapped at; lines end with their last word here.
        return string.Join(Environment.NewLine, text.Split('\n').Select(l => l.TrimEnd()));
    }

    [GeneratedRegex(@"\[default: (-?(?:\d+\.)?\d{2}:\d{2}:\d{2}(?:\.\d+)?)\]")]
    private static partial Regex DefaultDuration();
}
