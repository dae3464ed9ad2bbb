using Nulecule.Answers;

namespace Nulecule.Cli;

/// <summary>
/// Asks for a required param nobody answered, when a person is at the terminal (stdin and stderr
/// are terminals and `--no-prompt`/CI are not set). Hidden params are read without echo.
/// </summary>
internal static class Prompter
{
    public static Func<PromptRequest, string?>? For(IReadOnlyDictionary<string, string> environment, bool disabled)
    {
        if (disabled || environment.ContainsKey("CI") || Console.IsInputRedirected || Console.IsErrorRedirected)
        {
            return null;
        }

        return Ask;
    }

    private static string? Ask(PromptRequest request)
    {
        var about = request.Description is null ? "" : $" ({request.Description})";
        Console.Error.Write($"[{request.Scope}] {request.Name}{about}: ");
        if (!request.Hidden)
        {
            var line = Console.ReadLine();
            return string.IsNullOrEmpty(line) ? null : line;
        }

        var typed = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return typed.Length == 0 ? null : typed.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0)
                {
                    typed.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
    }
}
