namespace Nulecule.Cli.Commands;

/// <summary>
/// The `Examples:` section of each command's help, keyed by command path (`index list`; the root
/// is ""). Kept in one place so the command files stay about parsing and doing; the CLI tests parse
/// every `nulecule ...` line here against the real command tree, so an example cannot drift from
/// the options it shows. A `#` line says what the next one does.
/// </summary>
internal static class Examples
{
    public static IReadOnlyDictionary<string, string[]> ByCommand { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [""] =
        [
            "# a new app, checked, rendered, run on the local Docker engine and removed again",
            "nulecule init hello && nulecule validate hello",
            "nulecule template hello --provider kubernetes",
            "nulecule run hello --provider docker --wait",
            "nulecule stop hello",
        ],
        ["validate"] =
        [
            "nulecule validate examples/wordpress",
            "# warnings fail too; diagnostics as JSON for an editor or CI",
            "nulecule validate examples/wordpress -a answers.conf --strict -o json",
        ],
        ["template"] =
        [
            "nulecule template examples/wordpress --provider kubernetes --set wordpress.hostport=8081",
            "# one file per artifact: out/<component>/<file>",
            "nulecule template examples/wordpress -p docker -a answers.conf --output-dir out",
        ],
        ["export"] =
        [
            "nulecule export examples/wordpress --format compose --output-file compose.yaml",
            "# docker-compose runs the containers `nulecule run -p docker` would",
            "nulecule export examples/wordpress --format compose -a answers.conf | docker-compose -f - up -d",
        ],
        ["params"] =
        [
            "nulecule params examples/wordpress",
            "nulecule params examples/wordpress -a answers.conf --set db_user=wp -o json",
        ],
        ["genanswers"] =
        [
            "nulecule genanswers examples/wordpress > answers.conf",
            "nulecule genanswers examples/wordpress --output-file answers.yaml",
        ],
        ["init"] =
        [
            "nulecule init hello",
            "nulecule init hello --destination apps/hello",
        ],
        ["import"] =
        [
            "nulecule import docker-compose.yml --destination shop",
            "# -f order merge; the fidelity report as JSON",
            "nulecule import compose.yaml compose.prod.yaml -d shop -o json",
            "# into a directory that already has files",
            "nulecule import compose.yaml -d shop --force",
        ],
        ["index"] =
        [
            "nulecule index generate examples",
            "nulecule index list examples/index.yaml",
        ],
        ["index generate"] =
        [
            "# writes examples/index.yaml",
            "nulecule index generate examples",
            "nulecule index generate examples --file catalogue.yaml",
        ],
        ["index list"] =
        [
            "nulecule index list examples/index.yaml",
        ],
        ["run"] =
        [
            "# install (or upgrade) release hello, each component started when the previous ones run",
            "nulecule run hello --provider docker --wait --timeout 2m",
            "nulecule run examples/wordpress -p kubernetes -n blog --name blog -a answers.conf",
            "# what would be done, without doing it",
            "nulecule run hello -p docker --set web.port=8081 --dry-run",
        ],
        ["upgrade"] =
        [
            "nulecule upgrade hello --set web.port=8081 --wait",
            "# from a new version of the app; go back if it is not ready in 5 minutes",
            "nulecule upgrade hello ./hello-v2 --atomic --timeout 5m",
        ],
        ["rollback"] =
        [
            "# back to the revision before the current one",
            "nulecule rollback hello --wait",
            "nulecule rollback hello 1",
        ],
        ["history"] =
        [
            "nulecule history hello",
            "nulecule history blog -n blog -o json",
        ],
        ["diff"] =
        [
            "nulecule diff hello --set web.port=8082",
            "# exit code 0: nothing would change, 1: something would",
            "nulecule diff hello ./hello-v2 -q",
        ],
        ["stop"] =
        [
            "nulecule stop hello",
            "# the same command, by the names docker compose and helm users type",
            "nulecule down hello",
            "nulecule uninstall blog -n blog",
            "# also its volumes and its history; no error when it is already gone",
            "nulecule stop hello --volumes --purge --ignore-not-found",
            "nulecule stop blog -n blog --timeout 90s",
        ],
        ["status"] =
        [
            "nulecule status hello",
            "nulecule status blog -n blog -o json",
        ],
        ["logs"] =
        [
            "nulecule logs hello --tail 20",
            "nulecule logs blog wordpress -n blog -f",
            "# the last 10 minutes, with the engine's timestamps, lines only",
            "nulecule logs hello web --since 10m -t --no-prefix",
            "nulecule logs hello --since 2026-11-30T15:00:00Z",
        ],
        ["ps"] =
        [
            "# every release's containers on the local Docker engine",
            "nulecule ps",
            "nulecule ps blog -p kubernetes -n blog -o wide",
            "nulecule ps -o yaml",
        ],
        ["exec"] =
        [
            "nulecule exec hello web -- ls -l /var/www",
            "# a nested component by its own name, in its second pod",
            "nulecule exec blog mariadb -n blog --index 2 -- mysql --version",
            "# standard input passed on",
            "nulecule exec hello web -i -- sh < script.sh",
        ],
        ["restart"] =
        [
            "nulecule restart hello",
            "# only these components (Kubernetes: a rolling restart of their Deployments)",
            "nulecule restart blog wordpress mariadb -n blog",
        ],
        ["list"] =
        [
            "nulecule list",
            "# stopped releases too, Kubernetes ones only",
            "nulecule list --all -p kubernetes",
            "# every column, whole; or one document for a script (docs/output.md)",
            "nulecule list -o wide",
            "nulecule list -o yaml",
        ],
        ["scale"] =
        [
            "nulecule scale blog wordpress --replicas 3 -n blog",
        ],
        ["fetch"] =
        [
            "nulecule fetch docker.io/projectatomic/helloapache --destination helloapache",
            "# the nested apps (source: docker://...) of an app directory, into external/",
            "nulecule fetch examples/wordpress --update",
        ],
        ["build"] =
        [
            "nulecule build hello -t localhost/hello-app:1",
        ],
        ["version"] =
        [
            "nulecule version",
            "nulecule version --kubeconfig ~/.kube/config --context prod",
        ],
        ["completion"] =
        [
            "# bash: now, and for every new shell",
            "source <(nulecule completion bash)",
            "nulecule completion bash > ~/.local/share/bash-completion/completions/nulecule",
            "nulecule completion zsh > \"${fpath[1]}/_nulecule\"",
            "nulecule completion fish > ~/.config/fish/completions/nulecule.fish",
            "nulecule completion powershell >> $PROFILE",
        ],
    };

    /// <summary>The help section for <paramref name="path"/>, or "" when it has none.</summary>
    public static string Section(string path) =>
        ByCommand.TryGetValue(path, out var lines)
            ? "Examples:\n" + string.Concat(lines.Select(l => "  " + l + "\n"))
            : "";
}
