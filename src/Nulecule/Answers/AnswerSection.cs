namespace Nulecule.Answers;

/// <summary>
/// One section of an answers file: <c>general</c>, a component (<c>web</c>) or a component of a
/// nested app (<c>parent:child</c>). <see cref="Comment"/> is written above the section header.
/// </summary>
public sealed record AnswerSection(string Name, IReadOnlyList<AnswerEntry> Entries, SourceLocation? Location = null, string? Comment = null)
{
    public const string General = "general";

    /// <summary>The entry with this key (keys are case-sensitive, like param names), or null.</summary>
    public AnswerEntry? Find(string key) => Entries.FirstOrDefault(e => e.Key == key);
}
