using Nulecule.Compose;
using Nulecule.Spec;

namespace Nulecule.Templating;

/// <summary>
/// A compose file as an artifact: loaded with the component's params as the interpolation
/// variables (Compose's `${VAR}` rules, not Atomic App's `$param`), and kept as one resolved
/// document that needs neither the app directory nor the environment to deploy again.
/// </summary>
public static class ComposeArtifact
{
    public static ArtifactRendering Render(
        string component, string provider, string file, string text, IReadOnlyDictionary<string, Scalar> context,
        PointerArtifact? pointers, string? fullPath, string? appRoot)
    {
        if (pointers is not null)
        {
            throw new NuleculeException("the pointer form (resource + params) does not apply to compose files", pointers.Location,
                "use ${param} references in the compose file instead");
        }

        var directory = fullPath is null ? null : Path.GetDirectoryName(fullPath);
        var result = ComposeLoader.Load([new ComposeSource(file, text, directory)], new ComposeLoadOptions
        {
            Variables = name => context.TryGetValue(name, out var value) && !value.IsNull ? value.Text : null,
            Root = appRoot is not null && directory is not null && SafeFiles.IsUnder(Path.GetFullPath(appRoot), Path.GetFullPath(directory)) ? appRoot : directory,
        });
        var artifact = new RenderedArtifact { Component = component, Provider = provider, Source = file, Format = ArtifactFormat.Compose, Documents = [result.Document], ComposeProject = result.Project };
        return new ArtifactRendering(
            artifact,
            result.Used.Where(context.ContainsKey).Order(StringComparer.Ordinal).ToList(),
            [])
        {
            InactiveServices = result.Inactive,
        };
    }
}
