namespace Nulecule.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args) =>
        CliApp.RunAsync(args, Console.Out, Console.Error, EnvironmentSnapshot.Current());
}

internal static class EnvironmentSnapshot
{
    public static IReadOnlyDictionary<string, string> Current()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = entry.Value as string ?? "";
        }

        return result;
    }
}
