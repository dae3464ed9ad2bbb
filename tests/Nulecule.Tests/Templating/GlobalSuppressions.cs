using System.Diagnostics.CodeAnalysis;

// The house style names tests `Should_...`; CA1707 forbids underscores. Scoped to this folder
// until the test project's csproj suppresses it for everyone.
[assembly: SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Should_ test names", Scope = "namespaceanddescendants", Target = "~N:Nulecule.Tests.Templating")]
