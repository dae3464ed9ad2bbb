namespace Nulecule.Answers;

/// <summary>The syntaxes an answers file may be written in. INI is the default (Atomic App's).</summary>
public enum AnswersFormat
{
    Ini,
    Json,
    Yaml,
}
