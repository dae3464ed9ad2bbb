namespace Nulecule.Docker.Tests.Releases;

/// <summary>
/// examples/compose-shop, written into a test's app directory: one compose file with a web
/// service gated on a healthy db and a finished one-shot migration, and a db that reads its
/// password from a secret. The hidden param is renamed `token` (the release harnesses give
/// `token` their canary), so the secret's value is the canary. The docker and the swarm
/// lifecycle tests run this same app.
/// </summary>
internal static class ComposeShopApp
{
    private static readonly string Example = Examples.ExampleApp.Source("compose-shop");

    public static string Write(string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, "artifacts", "docker"));
        File.WriteAllText(Path.Combine(directory, "Nulecule"), File.ReadAllText(Path.Combine(Example, "Nulecule")).Replace("name: DB_PASSWORD", "name: token", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(directory, "artifacts", "docker", "compose.yaml"),
            File.ReadAllText(Path.Combine(Example, "artifacts", "docker", "compose.yaml")).Replace("environment: DB_PASSWORD", "environment: token", StringComparison.Ordinal));
        return directory;
    }
}
