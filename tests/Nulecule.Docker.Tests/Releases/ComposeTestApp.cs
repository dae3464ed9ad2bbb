namespace Nulecule.Docker.Tests.Releases;

/// <summary>
/// A one-component app (`stack`) whose docker artifact is the given compose file; its params are
/// the hidden `token` (the release harnesses give it their canary) and the given names, which the
/// file reads as `${NAME}` (each defaults to empty).
/// </summary>
internal static class ComposeTestApp
{
    /// <summary>A compose `command` that runs until stopped and exits at once on SIGTERM.</summary>
    public const string Loop = "[\"sh\", \"-c\", \"trap 'exit 0' TERM; while sleep 1; do :; done\"]";

    public static string Write(string directory, string compose, IEnumerable<string> variables)
    {
        Directory.CreateDirectory(Path.Combine(directory, "artifacts", "docker"));
        var parameters = string.Concat(variables.Select(v => $"""

                  - name: {v}
                    description: a variable of the compose file
                    default: ""
            """));
        File.WriteAllText(Path.Combine(directory, "Nulecule"), $"""
            specversion: 0.0.2
            id: compose-test
            metadata:
              name: Compose test app
              appversion: 1.0.0
            graph:
              - name: stack
                params:
                  - name: token
                    description: a secret the services get
                    hidden: true{parameters}
                artifacts:
                  docker:
                    - file://artifacts/docker/compose.yaml
            """);
        File.WriteAllText(Path.Combine(directory, "artifacts", "docker", "compose.yaml"), compose);
        return directory;
    }
}
