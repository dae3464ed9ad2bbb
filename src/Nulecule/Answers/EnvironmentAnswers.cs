using Nulecule.Answers.Internal;

namespace Nulecule.Answers;

/// <summary>
/// Params given by environment variables, one precedence step above the answers file and below
/// the command line.
/// <list type="bullet">
/// <item><c>NULECULE_PARAM_&lt;name&gt;</c> answers <c>[general]</c> <c>name</c> (so every scope
/// that has the param, like a <c>[general]</c> answer; <c>NULECULE_PARAM_provider=docker</c> sets
/// the provider, <c>NULECULE_PARAM_PROVIDER_CONFIG</c> the <c>provider-config</c> setting).</item>
/// <item><c>NULECULE_PARAM_&lt;scope&gt;__&lt;name&gt;</c> answers a component: the scope's
/// <c>:</c> is written <c>__</c> and any character an environment variable cannot hold
/// (<c>-</c>, <c>.</c>) as <c>_</c>: <c>[wordpress:mariadb-app] db_pass</c> is
/// <c>NULECULE_PARAM_wordpress__mariadb_app__db_pass</c>.</item>
/// </list>
/// Scopes are matched case-insensitively with <c>-</c> and <c>_</c> equivalent, the longest
/// matching scope winning (a variable that matches no scope answers <c>[general]</c>). The param
/// name is matched exactly, or case-insensitively (<c>-</c> = <c>_</c>) when that picks one param.
/// Values are typed by <see cref="PlainScalar"/>; an empty value gives no answer. A variable that
/// names no known scope or param is a warning, not an error: the environment is ambient.
/// </summary>
public static class EnvironmentAnswers
{
    public const string Prefix = "NULECULE_PARAM_";

    /// <summary>The variable that answers <paramref name="name"/> in <paramref name="scope"/>.</summary>
    public static string VariableFor(string scope, string name) =>
        scope == AnswerSection.General ? Prefix + Encode(name) : $"{Prefix}{Encode(scope)}__{Encode(name)}";

    private static string Encode(string text) =>
        string.Join("__", text.Split(':').Select(part =>
            string.Concat(part.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_'))));

    /// <summary>Maps the variables of <paramref name="environment"/> to (section, key) answers of the tree.</summary>
    internal static List<(string Section, string Key, string Variable, string Value)> Map(
        IReadOnlyDictionary<string, string> environment, ScopeTree tree, List<Diagnostic> warnings)
    {
        var found = new List<(string, string, string, string)>();
        foreach (var (variable, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!variable.StartsWith(Prefix, StringComparison.Ordinal) || variable.Length == Prefix.Length)
            {
                continue;
            }

            var rest = variable[Prefix.Length..];
            var normalized = Suggest.Normalize(rest);
            var matches = tree.Scopes
                .Where(s => s != AnswerSection.General)
                .Select(s => (Scope: s, Encoded: Suggest.Normalize(Encode(s)) + "__"))
                .Where(s => normalized.StartsWith(s.Encoded, StringComparison.Ordinal) && normalized.Length > s.Encoded.Length)
                .ToList();
            var section = AnswerSection.General;
            var keyText = rest;
            if (matches.Count > 0)
            {
                var longest = matches.Max(m => m.Encoded.Length);
                var best = matches.Where(m => m.Encoded.Length == longest).ToList();
                if (best.Count > 1)
                {
                    warnings.Add(Diagnostic.Warning(
                        $"environment variable {variable} is ignored: it could mean the scopes {string.Join(" or ", best.Select(b => $"[{b.Scope}]"))}",
                        hint: "use an answers file section or --set for these components"));
                    continue;
                }

                section = best[0].Scope;
                keyText = rest[longest..];
            }
            else if (normalized.StartsWith("general__", StringComparison.Ordinal) && normalized.Length > 9)
            {
                keyText = rest[9..];
            }

            found.Add((section, KeyFor(keyText, tree.KeysOf[section]), variable, value));
        }

        return found;
    }

    private static string KeyFor(string text, HashSet<string> known)
    {
        if (known.Contains(text))
        {
            return text;
        }

        var loose = known.Where(k => Suggest.Normalize(k) == Suggest.Normalize(text)).ToList();
        return loose.Count == 1 ? loose[0] : text;
    }
}
