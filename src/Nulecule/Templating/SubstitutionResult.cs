namespace Nulecule.Templating;

/// <summary>
/// Where one `$name` was replaced: offsets into the template and into the output, so an error in
/// the rendered text can be traced back to the reference (and the param) that produced it.
/// </summary>
public sealed record SubstitutionSpan(string Name, int SourceStart, int SourceLength, int OutputStart, int OutputLength);

/// <summary>The outcome of substituting one template string.</summary>
/// <param name="Text">The substituted text.</param>
/// <param name="Used">Names that were replaced, distinct, in order of first use.</param>
/// <param name="Unresolved">`$names` with no value in the context, left as written, distinct, in order.</param>
/// <param name="Spans">Every replaced reference, in order.</param>
/// <param name="Escapes">How many `$$` were turned into `$`.</param>
public sealed record SubstitutionResult(
    string Text,
    IReadOnlyList<string> Used,
    IReadOnlyList<string> Unresolved,
    IReadOnlyList<SubstitutionSpan> Spans,
    int Escapes)
{
    /// <summary>True when the output differs from the template (a reference replaced or `$$` unescaped).</summary>
    public bool Changed => Spans.Count > 0 || Escapes > 0;
}
