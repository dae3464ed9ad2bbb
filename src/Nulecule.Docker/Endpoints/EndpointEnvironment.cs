namespace Nulecule.Docker.Endpoints;

/// <summary>
/// What endpoint discovery reads: environment variables and the user's home directory. Tests
/// pass a dictionary and a temporary home, so the chain is checked without touching the real user.
/// </summary>
public sealed class EndpointEnvironment
{
    private readonly Func<string, string?> _variable;

    public EndpointEnvironment(Func<string, string?> variable, string homeDirectory)
    {
        _variable = variable;
        HomeDirectory = homeDirectory;
    }

    public static EndpointEnvironment Current { get; } = new(
        Environment.GetEnvironmentVariable,
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    public static EndpointEnvironment From(IReadOnlyDictionary<string, string> variables, string homeDirectory) =>
        new(name => variables.TryGetValue(name, out var value) ? value : null, homeDirectory);

    public string HomeDirectory { get; }

    /// <summary>A variable's value, or null when it is unset or empty (the docker CLI treats both alike).</summary>
    public string? Get(string name)
    {
        var value = _variable(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>The docker CLI configuration directory: DOCKER_CONFIG, else ~/.docker.</summary>
    public string ConfigDirectory => Get("DOCKER_CONFIG") ?? Path.Combine(HomeDirectory, ".docker");
}
