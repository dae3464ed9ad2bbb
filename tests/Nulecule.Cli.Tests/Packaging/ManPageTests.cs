using System.CommandLine;
using System.Text.RegularExpressions;
using Nulecule.Cli.Tests.Parsing;

namespace Nulecule.Cli.Tests.Packaging;

/// <summary>The manual pages `nulecule manpage` writes from the command tree: complete, as the help says, lint-clean.</summary>
public partial class ManPageTests
{
    private static readonly DateOnly Date = new(2026, 11, 30);

    private static IReadOnlyList<ManPages.Page> Pages { get; } = ManPages.All(CommandTree.Root(), Date);

    [Fact]
    public void Should_write_one_page_per_command_and_one_for_nulecule()
    {
        var expected = CommandTree.Commands.Select(c => ManPages.FileName(c.Path)).Prepend("nulecule.1");

        Pages.Select(p => p.FileName).ShouldBe(expected);
        Pages.Select(p => p.FileName).ShouldContain("nulecule-index-list.1");
        Pages.Select(p => p.FileName).ShouldNotContain("nulecule-manpage.1");
    }

    [Theory]
    [MemberData(nameof(CommandTree.Paths), MemberType = typeof(CommandTree))]
    public async Task Should_list_every_option_of_the_command_as_its_help_shows_it(string path)
    {
        // Given: the command's help, as the user sees it
        var help = (await Cli.RunAsync(path.Split(' ').Append("--help").ToArray())).Stdout;
        var command = CommandTree.Commands.Single(c => c.Path == path).Command;
        var page = Plain(Pages.Single(p => p.FileName == ManPages.FileName(path)).Text);

        // Then: each option, with its value name, appears in both
        foreach (var option in ManPages.Options(command, inherited: false))
        {
            var label = option.Value is null ? option.Names : $"{option.Names} <{option.Value}>";
            help.ShouldContain(label, customMessage: $"the help of '{path}' has no '{label}'");
            page.ShouldContain(option.Value is null ? option.Names : $"{option.Names} {option.Value}");
        }

        foreach (var argument in command.Arguments)
        {
            page.ShouldContain(argument.Name);
        }

        page.ShouldContain($"nulecule {path}");
    }

    [Fact]
    public void Should_carry_the_exit_codes_the_environment_and_the_examples_into_nulecule_1()
    {
        var page = Pages[0].Text;

        page.ShouldStartWith(".TH NULECULE 1 2026-11-30 \"nulecule 0.1.0\" \"Nulecule Manual\"\n");
        page.ShouldContain(".SH \"EXIT STATUS\"");
        page.ShouldContain("130 interrupted");
        page.ShouldContain("\\fBNULECULE_STATE_DIR\\fR");
        page.ShouldContain("nulecule run hello \\-\\-provider docker \\-\\-wait");
        page.ShouldContain("\\fBnulecule\\-run\\fR(1)");
    }

    [Fact]
    public void Should_keep_text_from_being_read_as_roff_requests()
    {
        // Given: every line of every page
        var lines = Pages.SelectMany(p => p.Text.Split('\n')).ToList();

        // Then: a line beginning with . or ' is one of the requests the generator writes, never text
        lines.Where(l => l.StartsWith('.') || l.StartsWith('\''))
            .Select(l => l.Split(' ')[0]).Distinct().Order(StringComparer.Ordinal)
            .ShouldBeSubsetOf([".EE", ".EX", ".PP", ".RE", ".RS", ".SH", ".TH", ".TP"]);
        lines.ShouldAllBe(l => l.TrimEnd() == l);
        string.Concat(Pages.Select(p => p.Text)).ShouldNotContain("\\fB\\fR");
    }

    [Fact]
    public void Should_escape_backslashes_and_mark_option_hyphens_as_minus_signs()
    {
        ManPages.Escape(@"--set a\b").ShouldBe(@"\-\-set a\eb");
        ManPages.FirstSentence("Show a release. Then more.").ShouldBe("Show a release.");
        ManPages.FirstSentence("Uses file.yaml and `x`. Next").ShouldBe("Uses file.yaml and `x`.");
    }

    [MandocFact]
    public async Task Should_pass_mandoc_lint_without_a_message()
    {
        // Given: the pages as `nulecule manpage --output-dir` writes them
        using var dir = new TempDir();
        var written = await Cli.RunAsync("manpage", "--output-dir", dir.Path);
        written.ExitCode.ShouldBe(0, written.Stderr);
        var files = Directory.GetFiles(dir.Path, "*.1").Order(StringComparer.Ordinal).ToArray();
        files.Length.ShouldBe(Pages.Count);

        // When: mandoc checks them at its strictest level
        var lint = await Processes.RunAsync("mandoc", ["-T", "lint", "-W", "style", .. files]);

        // Then
        (lint.Stdout + lint.Stderr).ShouldBeEmpty();
        lint.ExitCode.ShouldBe(0);
    }

    [MandocFact]
    public async Task Should_render_the_run_page_with_its_options_and_examples()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "nulecule-run.1");
        await File.WriteAllTextAsync(file, Pages.Single(p => p.FileName == "nulecule-run.1").Text);

        var text = await Processes.RunAsync("mandoc", ["-T", "utf8", "-O", "width=100", file], environment: new Dictionary<string, string> { ["MANWIDTH"] = "100" });

        var plain = Backspaces().Replace(text.Stdout, "");
        plain.ShouldContain("nulecule-run - Install an application as a release, or upgrade the release if it exists");
        plain.ShouldContain("--timeout DURATION");
        plain.ShouldContain("[default: 5m]");
        plain.ShouldContain("nulecule run hello --provider docker --wait --timeout 2m");
    }

    /// <summary>The page's text without font escapes, with hyphens as typed.</summary>
    private static string Plain(string roff) =>
        roff.Replace("\\fB", "", StringComparison.Ordinal).Replace("\\fI", "", StringComparison.Ordinal)
            .Replace("\\fR", "", StringComparison.Ordinal).Replace("\\-", "-", StringComparison.Ordinal);

    /// <summary>Overstrike (x BACKSPACE x) as a terminal pager shows bold.</summary>
    [GeneratedRegex(".\b")]
    private static partial Regex Backspaces();
}

/// <summary>A test that runs mandoc (scripts/test.sh installs it); skipped, saying so, without it.</summary>
public sealed class MandocFactAttribute : FactAttribute
{
    public MandocFactAttribute() =>
        Skip = File.Exists("/usr/bin/mandoc") ? null : "mandoc is not installed (apt-get install mandoc; scripts/test.sh does)";
}
