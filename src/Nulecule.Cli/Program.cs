namespace Nulecule.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var stdout = StandardWriter.Output();
        using var stderr = StandardWriter.Error();
        return await CliApp.RunAsync(args, stdout, stderr, EnvironmentSnapshot.Current());
    }
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
