using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticAttention.Generator.Diagnostics;
using StaticAttention.Generator.Parsing;

namespace StaticAttention.CodeFixes
{
    /// <summary>SA0015: adds <c>partial</c> to a layer or stack class.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix)), Shared]
    public sealed class MakePartialCodeFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.ClassNotPartialId);

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root?.FindToken(context.Span.Start).Parent?.FirstAncestorOrSelf<ClassDeclarationSyntax>() is not ClassDeclarationSyntax type) return;
            context.RegisterCodeFix(
                CodeAction.Create("Make '" + type.Identifier.ValueText + "' partial", ct => Task.FromResult(context.Document.WithSyntaxRoot(
                    root.ReplaceNode(type, type.AddModifiers(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space))))),
                    nameof(MakePartialCodeFix)),
                context.Diagnostics);
        }
    }

    /// <summary>SA0001: sets <c>Heads</c> to the divisor of <c>ModelDim</c> nearest to it.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NearestDivisorHeadsCodeFix)), Shared]
    public sealed class NearestDivisorHeadsCodeFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.ModelDimNotDivisibleByHeadsId);

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null) return;
            if (root.FindNode(context.Span).FirstAncestorOrSelf<AttributeArgumentSyntax>() is not AttributeArgumentSyntax heads) return;
            if (heads.Parent is not AttributeArgumentListSyntax list) return;
            int? Value(string name)
            {
                AttributeArgumentSyntax? argument = list.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
                return argument is null ? null : model.GetConstantValue(argument.Expression, context.CancellationToken).Value as int?;
            }
            if (Value("Heads") is not int current || Value("ModelDim") is not int modelDim || current <= 0 || modelDim <= 0) return;

            int divisor = LayerValidator.NearestDivisor(modelDim, current);
            string text = divisor.ToString(CultureInfo.InvariantCulture);
            context.RegisterCodeFix(
                CodeAction.Create("Set Heads = " + text + " (a divisor of ModelDim " + modelDim.ToString(CultureInfo.InvariantCulture) + ")",
                    ct => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(heads.Expression,
                        SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(divisor)).WithTriviaFrom(heads.Expression)))),
                    nameof(NearestDivisorHeadsCodeFix)),
                context.Diagnostics);
        }
    }

    /// <summary>
    /// SA0006 with one cross-attention length given: makes the layer self-attention by renaming that length to
    /// <c>Tokens</c>. (With no length at all there is no obvious value, so no fix is offered.)
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseTokensCodeFix)), Shared]
    public sealed class UseTokensCodeFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.MissingLengthsId);

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root?.FindNode(context.Span).FirstAncestorOrSelf<AttributeArgumentSyntax>() is not AttributeArgumentSyntax length) return;
            if (length.NameEquals?.Name.Identifier.ValueText is not ("QueryTokens" or "KeyTokens")) return;
            context.RegisterCodeFix(
                CodeAction.Create("Use Tokens (self-attention)", ct => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(
                    length.NameEquals.Name, SyntaxFactory.IdentifierName("Tokens").WithTriviaFrom(length.NameEquals.Name)))),
                    nameof(UseTokensCodeFix)),
                context.Diagnostics);
        }
    }
}
