using Nulecule.Spec;

namespace Nulecule.Answers;

/// <summary>
/// One <c>key = value</c> of an answers section. <see cref="Value"/> is null when the key is
/// unanswered (<c>None</c>, <c>null</c>, nothing after <c>=</c>); <c>0</c>, <c>false</c> and
/// <c>""</c> are real answers. <see cref="Location"/> is where the entry was read (null for
/// entries built in code); <see cref="Comment"/> is written above the entry, never read back.
/// </summary>
public sealed record AnswerEntry(string Key, Scalar? Value, SourceLocation? Location = null, string? Comment = null);
