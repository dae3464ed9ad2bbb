using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Nulecule.Cli.Parsing;

/// <summary>
/// Turns what System.CommandLine found wrong with a command line into one line per problem, in the
/// user's words: unknown options and commands with the nearest known one, values named by what
/// they should be (a whole number, a duration, one of a list), never a .NET type name.
/// </summary>
/// <remarks>
/// System.CommandLine takes a token that is no known option (`stop --dry-run`) as the value of the
/// next argument, and only reports tokens no argument wanted; so option-like tokens that did not
/// end up as an option's value are looked for here, up to a `--`.
/// </remarks>
internal static partial class UsageErrors
{
    /// <summary>
    /// What is wrong, one line each. Unknown options and commands come alone: the other errors
    /// of such a line (a value taken for an argument, a missing one) follow from them.
    /// </summary>
    public static IReadOnlyList<string> Find(ParseResult parse)
    {
        var unknown = new List<string>();
        var others = new List<string>();
        var command = parse.CommandResult;
        var optionValues = OptionValueTokens(command);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var afterDoubleDash = parse.Tokens.SkipWhile(t => t.Type != TokenType.DoubleDash).Select(t => t.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var token in parse.Tokens.TakeWhile(t => t.Type != TokenType.DoubleDash))
        {
            if (token.Type == TokenType.Argument && LooksLikeOption(token.Value) && !optionValues.Contains(token) && reported.Add(token.Value))
            {
                unknown.Add(UnknownOption(token.Value, command));
            }
        }

        foreach (var token in parse.UnmatchedTokens)
        {
            if (!reported.Add(token))
            {
                continue;
            }

            if (LooksLikeOption(token) && !afterDoubleDash.Contains(token))
            {
                unknown.Add(UnknownOption(token, command));
            }
            else if (command.Command.Subcommands.Any(c => !c.Hidden))
            {
                if (unknown.Any(u => u.StartsWith("unknown command", StringComparison.Ordinal)))
                {
                    continue; // the words after an unknown command are its arguments
                }

                var nearest = Suggestions.Nearest(token, command.Command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name)));
                unknown.Add($"unknown command '{token}' for '{PathOf(command)}'" + (nearest is null ? $" (see '{PathOf(command)} --help')" : $" (did you mean '{nearest}'?)"));
            }
            else
            {
                others.Add($"unexpected argument '{token}' for '{PathOf(command)}' (see '{PathOf(command)} --help')");
            }
        }

        if (unknown.Count > 0)
        {
            return unknown;
        }

        foreach (var error in parse.Errors)
        {
            var message = error.SymbolResult is CommandResult commandResult
                ? CommandMessage(error.Message, commandResult, reported)
                : ValueMessage(error);
            if (message is not null && !others.Contains(message))
            {
                others.Add(message);
            }
        }

        return others;
    }

    /// <summary>`nulecule index list`, whatever the executable (a test host) is called.</summary>
    public static string PathOf(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? r = command; r is CommandResult c; r = c.Parent)
        {
            names.Insert(0, c.Parent is null ? "nulecule" : c.Command.Name);
        }

        return string.Join(' ', names);
    }

    /// <summary>The options <paramref name="command"/> accepts: its own and its ancestors' recursive ones.</summary>
    public static IEnumerable<Option> OptionsOf(CommandResult command)
    {
        for (SymbolResult? r = command; r is CommandResult c; r = c.Parent)
        {
            foreach (var option in c.Command.Options.Where(o => !o.Hidden && (c == command || o.Recursive)))
            {
                yield return option;
            }
        }
    }

    private static string UnknownOption(string token, CommandResult command)
    {
        var name = token.Split('=', 2)[0];
        var nearest = name.StartsWith("--", StringComparison.Ordinal)
            ? Suggestions.Nearest(name, OptionsOf(command).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(a => a.StartsWith("--", StringComparison.Ordinal)))
            : null;
        return $"unknown option '{name}' for '{PathOf(command)}'" + (nearest is null ? $" (see '{PathOf(command)} --help')" : $" (did you mean '{nearest}'?)");
    }

    private static HashSet<Token> OptionValueTokens(CommandResult command)
    {
        var tokens = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        for (SymbolResult? r = command; r is CommandResult c; r = c.Parent)
        {
            foreach (var option in c.Children.OfType<OptionResult>())
            {
                tokens.UnionWith(option.Tokens);
            }
        }

        return tokens;
    }

    /// <summary>`-x`, `--name`, `--name=value`; not `-` (stdin) nor a negative number (a value, checked by its option).</summary>
    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string? CommandMessage(string message, CommandResult command, HashSet<string> reported)
    {
        if (reported.Any(t => message.Contains($"'{t}'", StringComparison.Ordinal)))
        {
            return null; // an unmatched token, reported above in other words
        }

        if (command.Command.Action is null && command.Command.Subcommands.Count > 0)
        {
            return $"'{PathOf(command)}' needs a command: {string.Join(", ", command.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        }

        return OneLine(message);
    }

    private static string? ValueMessage(ParseError error)
    {
        var (symbol, name) = error.SymbolResult switch
        {
            OptionResult o => ((Symbol)o.Option, o.Option.Name),
            ArgumentResult { Parent: OptionResult o } => (o.Option, o.Option.Name),
            ArgumentResult a => (a.Argument, a.Argument.Name),
            _ => (null, null),
        };
        if (symbol is null || name is null || error.Message.StartsWith(name + ":", StringComparison.Ordinal))
        {
            return OneLine(error.Message);
        }

        var tokens = error.SymbolResult!.Tokens.Select(t => t.Value).ToList();
        if (tokens.Count == 0)
        {
            return symbol is Option
                ? $"{name} is required"
                : $"'{PathOf((CommandResult)error.SymbolResult.Parent!)}' needs {name}";
        }

        var type = symbol is Option option ? option.ValueType : ((Argument)symbol).ValueType;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long))
        {
            if (tokens.FirstOrDefault(t => !long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)) is { } bad)
            {
                return $"{name}: '{bad}' is not a whole number";
            }
        }
        else if (type == typeof(bool))
        {
            if (tokens.FirstOrDefault(t => !bool.TryParse(t, out _)) is { } bad)
            {
                return $"{name}: '{bad}' is not true or false";
            }
        }
        else if (Choices(symbol) is { Count: > 0 } choices && tokens.FirstOrDefault(t => !choices.Contains(t)) is { } bad)
        {
            var nearest = Suggestions.Nearest(bad, choices);
            return $"{name}: '{bad}' is not one of {string.Join(", ", choices)}" + (nearest is null ? "" : $" (did you mean '{nearest}'?)");
        }

        return $"{name}: {OneLine(error.Message)}";
    }

    /// <summary>The values a string option or argument accepts only from among (System.CommandLine lists them as its completions).</summary>
    private static List<string> Choices(Symbol symbol) => symbol switch
    {
        Option { CompletionSources.Count: > 0 } o => [.. o.GetCompletions(CompletionContext.Empty).Select(c => c.Label)],
        Argument { CompletionSources.Count: > 0 } a => [.. a.GetCompletions(CompletionContext.Empty).Select(c => c.Label)],
        _ => [],
    };

    /// <summary>The first line of a message, without a .NET type name.</summary>
    private static string OneLine(string message) =>
        TypeName().Replace(message.ReplaceLineEndings("\n").Split('\n')[0], "").TrimEnd();

    [GeneratedRegex(" ?(as expected type|of type) '?System\\.[^' ]*'?")]
    private static partial Regex TypeName();
}
