using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using StaticAttention.Generator.Analyzers;

namespace StaticAttention.Generator.Tests;

/// <summary>
/// The corpus under <c>Corpus/</c>: small programs, each compiled alone with the generator and the analyzers, the way a
/// user project builds. <c>Invalid/*.cs</c> mark every diagnostic they must produce as <c>{|ID:text|}</c> (ID and exact
/// span); <c>Valid/*.cs</c> must compile with no diagnostic at all. Checked both ways: every marked diagnostic is
/// reported, every StaticAttention diagnostic is marked, and a compiler error that is not marked must lie inside a marked
/// span (the same mistake, explained by the StaticAttention diagnostic there).
/// </summary>
public sealed class CorpusTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Corpus");

    public static TheoryData<string> InvalidFiles => Files("Invalid");

    public static TheoryData<string> ValidFiles => Files("Valid");

    [Theory, MemberData(nameof(InvalidFiles))]
    public void Invalid_program_reports_exactly_its_marked_diagnostics(string file)
    {
        MarkupSource markup = MarkupSource.Parse(File.ReadAllText(Path.Combine(Root, "Invalid", file)));
        Assert.True(markup.Spans.Count > 0, $"{file} marks no expected diagnostic.");

        ImmutableArray<Diagnostic> actual = Compile(markup.Source, out SyntaxTree tree);

        var problems = new List<string>();
        foreach (MarkedSpan expected in markup.Spans)
        {
            if (!actual.Any(d => d.Id == expected.Id && d.Location.SourceTree == tree && d.Location.SourceSpan == expected.Span))
                problems.Add($"missing {Describe(expected.Id, expected.Span, markup.Source)}");
        }
        foreach (Diagnostic diagnostic in actual)
        {
            bool marked = markup.Spans.Any(m => m.Id == diagnostic.Id && m.Span == diagnostic.Location.SourceSpan);
            if (marked) continue;
            bool explained = !diagnostic.Id.StartsWith("SA", StringComparison.Ordinal) && diagnostic.Location.SourceTree == tree &&
                markup.Spans.Any(m => m.Id.StartsWith("SA", StringComparison.Ordinal) && m.Span.Contains(diagnostic.Location.SourceSpan));
            if (!explained)
                problems.Add($"unexpected {Describe(diagnostic, markup.Source)}");
        }

        Assert.True(problems.Count == 0, $"{file}:\n  {string.Join("\n  ", problems)}\nAll diagnostics:\n  {string.Join("\n  ", actual.Select(d => Describe(d, markup.Source)))}");
    }

    [Theory, MemberData(nameof(ValidFiles))]
    public void Valid_program_compiles_with_no_diagnostics(string file)
    {
        string source = File.ReadAllText(Path.Combine(Root, "Valid", file));
        Assert.DoesNotContain("{|", source, StringComparison.Ordinal);

        ImmutableArray<Diagnostic> actual = Compile(source, out _);

        Assert.True(actual.IsEmpty, $"{file}:\n  {string.Join("\n  ", actual.Select(d => Describe(d, source)))}");
    }

    [Fact]
    public void Corpus_has_at_least_30_invalid_and_10_valid_programs()
    {
        Assert.True(InvalidFiles.Count >= 30, $"{InvalidFiles.Count} invalid programs");
        Assert.True(ValidFiles.Count >= 10, $"{ValidFiles.Count} valid programs");
    }

    /// <summary>Generator, compiler (warnings included, as with TreatWarningsAsErrors) and analyzer diagnostics of one file.</summary>
    internal static ImmutableArray<Diagnostic> Compile(string source, out SyntaxTree tree)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        tree = run.UserTree;
        ImmutableArray<DiagnosticAnalyzer> analyzers = [new ForwardCallAnalyzer(), new LoadPrefixAnalyzer()];
        ImmutableArray<Diagnostic> analyzerDiagnostics = run.OutputCompilation
            .WithAnalyzers(analyzers)
            .GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken)
            .GetAwaiter().GetResult();
        return [.. run.GeneratorDiagnostics
            .Concat(run.CompilationDiagnostics)
            .Concat(analyzerDiagnostics)
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)];
    }

    private static TheoryData<string> Files(string folder)
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(Path.Combine(Root, folder), "*.cs").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    private static string Describe(string id, TextSpan span, string source) =>
        $"{id} at {span} '{(span.End <= source.Length ? source.Substring(span.Start, span.Length) : "?")}'";

    private static string Describe(Diagnostic d, string source) =>
        $"{Describe(d.Id, d.Location.SourceSpan, source)} ({(d.Location.SourceTree?.FilePath ?? "")}): {d.GetMessage(CultureInfo.InvariantCulture)}";
}
