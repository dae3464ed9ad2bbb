using Nulecule.Spec;

namespace Nulecule.Tests.Templating;

/// <summary>Small helpers to write contexts in tests.</summary>
internal static class Values
{
    public static Scalar Str(string text) => new(text, ScalarKind.String);

    public static Scalar Int(string text) => new(text, ScalarKind.Integer);

    public static Scalar Bool(string text) => new(text, ScalarKind.Boolean);

    public static Scalar Flt(string text) => new(text, ScalarKind.Float);

    public static Scalar Nul() => new("", ScalarKind.Null);

    public static IReadOnlyDictionary<string, Scalar> Ctx(params (string Name, Scalar Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
}
