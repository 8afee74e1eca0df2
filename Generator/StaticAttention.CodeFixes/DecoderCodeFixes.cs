using System.Collections.Generic;
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
using Microsoft.CodeAnalysis.Simplification;
using StaticAttention.Generator.Diagnostics;

namespace StaticAttention.CodeFixes
{
    /// <summary>SA0026: adds <c>AttentionMask.Causal</c> to <c>Mask</c> (<c>Mask = AttentionMask.Causal</c> when there is none).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddCausalCodeFix)), Shared]
    public sealed class AddCausalCodeFix : AttributeArgumentsCodeFix
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.DecoderOptionNeedsCausalId);

        /// <inheritdoc/>
        protected override (string Title, AttributeArgumentListSyntax Fixed)? Rewrite(AttributeArgumentListSyntax list, SemanticModel model, CancellationToken cancellationToken)
        {
            ExpressionSyntax causal = TypeMember("AttentionMask", "Causal");
            if (Find(list, "Mask") is not AttributeArgumentSyntax mask)
                return ("Add Mask = AttentionMask.Causal", Append(list, Argument("Mask", causal)));

            ExpressionSyntax written = mask.Expression;
            ExpressionSyntax value = model.GetConstantValue(written, cancellationToken).Value is 0
                ? causal
                : SyntaxFactory.BinaryExpression(SyntaxKind.BitwiseOrExpression,
                    (written is ConditionalExpressionSyntax ? SyntaxFactory.ParenthesizedExpression(written.WithoutTrivia()) : written.WithoutTrivia())
                        .WithTrailingTrivia(SyntaxFactory.Space),
                    SyntaxFactory.Token(SyntaxKind.BarToken).WithTrailingTrivia(SyntaxFactory.Space),
                    causal);
            return ("Add AttentionMask.Causal to Mask", list.ReplaceNode(written, value.WithTriviaFrom(written)));
        }
    }

    /// <summary>
    /// SA0028: an odd <c>RotaryDims</c> becomes the even number below it; one above <c>HeadDim</c> (or 0 with an odd
    /// <c>HeadDim</c>) becomes the largest even number up to <c>HeadDim</c>. (A negative value has no obvious fix.)
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(EvenRotaryDimsCodeFix)), Shared]
    public sealed class EvenRotaryDimsCodeFix : AttributeArgumentsCodeFix
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidRotaryDimsId);

        /// <inheritdoc/>
        protected override (string Title, AttributeArgumentListSyntax Fixed)? Rewrite(AttributeArgumentListSyntax list, SemanticModel model, CancellationToken cancellationToken)
        {
            int? Value(string name) =>
                Find(list, name) is AttributeArgumentSyntax argument ? model.GetConstantValue(argument.Expression, cancellationToken).Value as int? : null;

            int? headDim = Value("HeadDim");
            if (headDim is null && Value("Heads") is int heads && Value("ModelDim") is int modelDim && heads > 0 && modelDim % heads == 0)
                headDim = modelDim / heads;
            if (headDim is not int limit || limit <= 0) return null;

            AttributeArgumentSyntax? written = Find(list, "RotaryDims");
            int dims = written is null ? 0 : Value("RotaryDims") ?? -1;
            if (dims < 0) return null;
            int resolved = dims == 0 ? limit : dims;
            int target = resolved > limit ? limit - limit % 2 : resolved - resolved % 2;
            // 0 would mean "all of HeadDim", not the few features written.
            if (target <= 0 || target == dims) return null;

            string text = target.ToString(CultureInfo.InvariantCulture);
            ExpressionSyntax literal = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(target));
            AttributeArgumentListSyntax fixedList = written is null
                ? Append(list, Argument("RotaryDims", literal))
                : list.ReplaceNode(written.Expression, literal.WithTriviaFrom(written.Expression));
            return ("Set RotaryDims = " + text + " (even, at most HeadDim " + limit.ToString(CultureInfo.InvariantCulture) + ")", fixedList);
        }
    }

    /// <summary>SA0029: sets <c>Rotary = RotaryEmbedding.RotateHalf</c>, the layout of most Hugging Face decoders.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddRotaryCodeFix)), Shared]
    public sealed class AddRotaryCodeFix : AttributeArgumentsCodeFix
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.RotaryOptionWithoutRotaryId);

        /// <inheritdoc/>
        protected override (string Title, AttributeArgumentListSyntax Fixed)? Rewrite(AttributeArgumentListSyntax list, SemanticModel model, CancellationToken cancellationToken)
        {
            ExpressionSyntax rotateHalf = TypeMember("RotaryEmbedding", "RotateHalf");
            const string title = "Set Rotary = RotaryEmbedding.RotateHalf";
            return Find(list, "Rotary") is AttributeArgumentSyntax rotary
                ? (title, list.ReplaceNode(rotary.Expression, rotateHalf.WithTriviaFrom(rotary.Expression)))
                : (title, Append(list, Argument("Rotary", rotateHalf)));
        }
    }

    /// <summary>
    /// A code fix that rewrites the arguments of one <c>[MultiHeadAttention]</c>. Fix-all rewrites each attribute once,
    /// however many of its arguments carry the diagnostic, so an argument is never added twice.
    /// </summary>
    public abstract class AttributeArgumentsCodeFix : CodeFixProvider
    {
        /// <summary>The fix's title and the rewritten argument list, or null when no fix is obvious.</summary>
        protected abstract (string Title, AttributeArgumentListSyntax Fixed)? Rewrite(
            AttributeArgumentListSyntax list, SemanticModel model, CancellationToken cancellationToken);

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null) return;
            if (ListAt(root, context.Span) is not AttributeArgumentListSyntax list) return;
            if (Rewrite(list, model, context.CancellationToken) is not (string title, AttributeArgumentListSyntax fixedList)) return;
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(list, fixedList))), GetType().Name),
                context.Diagnostics);
        }

        private async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            SyntaxNode? root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            SemanticModel? model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null) return null;
            var lists = new HashSet<AttributeArgumentListSyntax>();
            foreach (Diagnostic diagnostic in diagnostics)
            {
                if (ListAt(root, diagnostic.Location.SourceSpan) is AttributeArgumentListSyntax list) lists.Add(list);
            }
            return document.WithSyntaxRoot(root.ReplaceNodes(lists, (original, _) =>
                Rewrite(original, model, context.CancellationToken)?.Fixed ?? original));
        }

        private static AttributeArgumentListSyntax? ListAt(SyntaxNode root, Microsoft.CodeAnalysis.Text.TextSpan span) =>
            root.FindNode(span).FirstAncestorOrSelf<AttributeArgumentSyntax>()?.Parent as AttributeArgumentListSyntax;

        /// <summary>The named argument <paramref name="name"/> of <paramref name="list"/>, or null.</summary>
        protected static AttributeArgumentSyntax? Find(AttributeArgumentListSyntax list, string name) =>
            list.Arguments.FirstOrDefault(argument => argument.NameEquals?.Name.Identifier.ValueText == name);

        /// <summary><c>Type.Member</c> of the StaticAttention namespace, written as short as the file's usings allow.</summary>
        protected static ExpressionSyntax TypeMember(string type, string member) =>
            SyntaxFactory.ParseExpression("global::StaticAttention." + type + "." + member).WithAdditionalAnnotations(Simplifier.Annotation);

        /// <summary><c>Name = value</c>.</summary>
        protected static AttributeArgumentSyntax Argument(string name, ExpressionSyntax value) =>
            SyntaxFactory.AttributeArgument(
                SyntaxFactory.NameEquals(
                    SyntaxFactory.IdentifierName(name).WithTrailingTrivia(SyntaxFactory.Space),
                    SyntaxFactory.Token(SyntaxKind.EqualsToken).WithTrailingTrivia(SyntaxFactory.Space)),
                null,
                value);

        /// <summary>Adds <paramref name="argument"/> after the last argument, which hands it its trailing trivia.</summary>
        protected static AttributeArgumentListSyntax Append(AttributeArgumentListSyntax list, AttributeArgumentSyntax argument)
        {
            if (list.Arguments.Count == 0) return list.AddArguments(argument);
            AttributeArgumentSyntax last = list.Arguments[list.Arguments.Count - 1];
            SyntaxNodeOrTokenList items = list.Arguments.GetWithSeparators()
                .Replace(last, last.WithoutTrailingTrivia())
                .Add(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space))
                .Add(argument.WithTrailingTrivia(last.GetTrailingTrivia()));
            return list.WithArguments(SyntaxFactory.SeparatedList<AttributeArgumentSyntax>(items));
        }
    }
}
