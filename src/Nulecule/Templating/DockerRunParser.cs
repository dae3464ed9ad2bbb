using System.Text;
using Nulecule.Spec;

namespace Nulecule.Templating;

/// <summary>
/// Reads a docker artifact: `docker run ...` commands, one per logical line (backslash-newline
/// continues a line; blank lines and `#` comments are skipped). Words are split like a POSIX
/// shell does, then params are substituted per word, so a value with spaces or quotes stays one
/// argument. The text is never handed to a shell, so shell operators are rejected, not run.
/// </summary>
/// <remarks>
/// Unlike a shell, `$name` is substituted inside single quotes too: Atomic App substituted the raw
/// text, and real apps rely on it (`-e 'USER=$db_user'`). Write `\$` (outside single quotes) or
/// `$$` for a literal `$`. Unknown `$NAMES` stay as written. No globbing, no `~` expansion, and an
/// unquoted value is not split into several words.
/// </remarks>
public static class DockerRunParser
{
    public static DockerRunResult Parse(string file, string text, IReadOnlyDictionary<string, Scalar> context)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(context);
        return new Reader(file, text.Replace("\r\n", "\n", StringComparison.Ordinal), context).Read();
    }

    /// <summary>The commands as a person would type them (`docker run` and shell-quoted arguments).</summary>
    public static string Format(IReadOnlyList<DockerRunCommand> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        return string.Concat(commands.Select(c => "docker run " + string.Join(' ', c.Arguments.Select(Quote)) + "\n"));
    }

    /// <summary>POSIX single-quoting, only where needed.</summary>
    public static string Quote(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "_@%+=:,./-".Contains(c, StringComparison.Ordinal)))
        {
            return argument;
        }

        return "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>One argument being read: runs of text split at quote changes, each substituted on its own.</summary>
    private sealed class Word(int line, int column)
    {
        public int Line { get; } = line;
        public int Column { get; } = column;

        // Templates: a literal (escaped) `$` is stored as `$$`, which substitution turns back into `$`.
        public List<StringBuilder> Segments { get; } = [new StringBuilder()];

        public StringBuilder Current => Segments[^1];

        public void Break() => Segments.Add(new StringBuilder());
    }

    private sealed class Reader(string file, string text, IReadOnlyDictionary<string, Scalar> context)
    {
        private readonly List<DockerRunCommand> _commands = [];
        private readonly List<Word> _words = [];
        private readonly List<string> _used = [];
        private readonly List<string> _unresolved = [];
        private Word? _word;
        private int _i;
        private int _line = 1;
        private int _column = 1;

        private char C => text[_i];

        private char Next => _i + 1 < text.Length ? text[_i + 1] : '\0';

        public DockerRunResult Read()
        {
            while (_i < text.Length)
            {
                var c = C;
                switch (c)
                {
                    case '\n':
                        EndWord();
                        EndCommand();
                        Advance();
                        break;
                    case ' ' or '\t' or '\r':
                        EndWord();
                        Advance();
                        break;
                    case '#' when _word is null:
                        while (_i < text.Length && C != '\n')
                        {
                            Advance();
                        }

                        break;
                    case '\\':
                        ReadUnquotedEscape();
                        break;
                    case '\'':
                        ReadSingleQuoted();
                        break;
                    case '"':
                        ReadDoubleQuoted();
                        break;
                    case '|' or ';' or '&' or '<' or '>' or '(' or ')' or '`':
                        throw Operator(c.ToString(), _line, _column);
                    case '$' when Next == '(':
                        throw Operator("$(", _line, _column);
                    default:
                        StartWord().Current.Append(c);
                        Advance();
                        break;
                }
            }

            EndWord();
            EndCommand();
            return new DockerRunResult(_commands, _used, _unresolved);
        }

        private void ReadUnquotedEscape()
        {
            if (Next == '\n')
            {
                // Line continuation: both characters vanish, as in a shell.
                Advance();
                Advance();
                return;
            }

            var word = StartWord();
            Advance();
            if (_i >= text.Length)
            {
                word.Current.Append('\\');
                return;
            }

            AppendLiteral(word, C);
            Advance();
        }

        private void ReadSingleQuoted()
        {
            var (line, column) = (_line, _column);
            var word = StartWord();
            word.Break();
            Advance();
            while (_i < text.Length && C != '\'')
            {
                // Substituted here too, for compatibility (see the remarks on the class).
                word.Current.Append(C);
                Advance();
            }

            if (_i >= text.Length)
            {
                throw new NuleculeException("unterminated single quote", new SourceLocation(file, line, column), "close the quote with '");
            }

            Advance();
            word.Break();
        }

        private void ReadDoubleQuoted()
        {
            var (line, column) = (_line, _column);
            var word = StartWord();
            word.Break();
            Advance();
            while (_i < text.Length && C != '"')
            {
                var c = C;
                if (c == '\\' && Next is '\\' or '"' or '$' or '`' or '\n')
                {
                    Advance();
                    if (C != '\n')
                    {
                        AppendLiteral(word, C);
                    }

                    Advance();
                    continue;
                }

                // A shell would run these even inside double quotes; we never run anything.
                if (c == '`')
                {
                    throw Operator("`", _line, _column);
                }

                if (c == '$' && Next == '(')
                {
                    throw Operator("$(", _line, _column);
                }

                word.Current.Append(c);
                Advance();
            }

            if (_i >= text.Length)
            {
                throw new NuleculeException("unterminated double quote", new SourceLocation(file, line, column), "close the quote with \"");
            }

            Advance();
            word.Break();
        }

        private static void AppendLiteral(Word word, char c)
        {
            if (c == '$')
            {
                word.Current.Append("$$");
            }
            else
            {
                word.Current.Append(c);
            }
        }

        private Word StartWord() => _word ??= new Word(_line, _column);

        private void EndWord()
        {
            if (_word is not null)
            {
                _words.Add(_word);
                _word = null;
            }
        }

        private void EndCommand()
        {
            if (_words.Count == 0)
            {
                return;
            }

            var at = new SourceLocation(file, _words[0].Line, _words[0].Column);
            var raw = _words.Select(w => string.Concat(w.Segments)).ToList();
            var skip = raw is ["docker", "run", ..] ? 2 : raw is ["docker", "container", "run", ..] ? 3 : 0;
            if (skip == 0)
            {
                throw new NuleculeException(
                    $"a docker artifact holds `docker run ...` commands; this one starts with '{string.Join(' ', raw.Take(2))}'",
                    at,
                    "write one `docker run [OPTIONS] IMAGE [COMMAND] [ARG...]` per line");
            }

            if (_words.Count == skip)
            {
                throw new NuleculeException("`docker run` without an image", at, "add the image, e.g. `docker run -d $image`");
            }

            var arguments = new List<string>();
            foreach (var word in _words.Skip(skip))
            {
                var argument = Substitute(word);
                var template = string.Concat(word.Segments);
                if (argument.StartsWith('-') && !template.StartsWith('-'))
                {
                    // `docker run -d $image` with image=--privileged: a value may fill a word, never add an option.
                    var name = word.Segments.Select(seg => Substitution.Apply(seg.ToString(), context).Used.FirstOrDefault()).FirstOrDefault(n => n is not null) ?? "?";
                    throw new NuleculeException(
                        $"the value of param '{name}' starts with '-' and would turn this word into an option",
                        new SourceLocation(file, word.Line, word.Column),
                        "a value can never add an option: change the value, or write the option with its value in one word (--flag=$param)");
                }

                arguments.Add(argument);
            }

            _commands.Add(new DockerRunCommand(arguments, at));
            _words.Clear();
        }

        private string Substitute(Word word)
        {
            var result = new StringBuilder();
            foreach (var segment in word.Segments)
            {
                var substituted = Substitution.Apply(segment.ToString(), context);
                result.Append(substituted.Text);
                AddOnce(_used, substituted.Used);
                AddOnce(_unresolved, substituted.Unresolved);
            }

            return result.ToString();
        }

        private static void AddOnce(List<string> names, IEnumerable<string> more)
        {
            foreach (var name in more)
            {
                if (!names.Contains(name, StringComparer.Ordinal))
                {
                    names.Add(name);
                }
            }
        }

        private NuleculeException Operator(string op, int line, int column) =>
            new(
                $"shell syntax '{op}' in a docker artifact: it is never run through a shell",
                new SourceLocation(file, line, column),
                "keep to one plain `docker run ...` command per line; quote the character if it belongs to an argument");

        private void Advance()
        {
            if (text[_i] == '\n')
            {
                _line++;
                _column = 1;
            }
            else
            {
                _column++;
            }

            _i++;
        }
    }
}
