using System.CommandLine;
using System.Globalization;

namespace Nulecule.Cli.Commands;

/// <summary>
/// `nulecule manpage [--output-dir DIR]` (hidden): the manual pages of this binary's own command
/// tree (<see cref="ManPages"/>). Without a directory, nulecule(1) goes to standard output.
/// scripts/pack.sh and the container image use it; the pages are not kept in the repository.
/// </summary>
internal static class ManPageCommand
{
    public static Command Create(CommandContext context)
    {
        var directory = new Option<string?>("--output-dir")
        {
            Description = "Write nulecule.1 and one nulecule-COMMAND.1 per command into this directory (created if missing).",
        };
        var command = new Command("manpage", "Write the manual pages of nulecule, generated from its commands and options.") { directory };
        command.Hidden = true;
        context.Action(command, (parse, output, _) =>
        {
            var pages = ManPages.All((RootCommand)parse.RootCommandResult.Command, Date(context.Environment));
            if (parse.GetValue(directory) is not { } dir)
            {
                output.Out.Write(pages[0].Text);
                return Task.FromResult(ExitCodes.Ok);
            }

            Directory.CreateDirectory(dir);
            foreach (var page in pages)
            {
                File.WriteAllText(Path.Combine(dir, page.FileName), page.Text);
            }

            output.Info($"{pages.Count} pages written to {dir}");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    /// <summary>SOURCE_DATE_EPOCH when set (reproducible builds), else today (UTC).</summary>
    private static DateOnly Date(IReadOnlyDictionary<string, string> environment) =>
        environment.TryGetValue("SOURCE_DATE_EPOCH", out var epoch) && long.TryParse(epoch, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime)
            : DateOnly.FromDateTime(DateTime.UtcNow);
}
