using StaticAttention.Dimensions;
using StaticAttention.Tensors;
using StaticAttention.Tests.Layers;

namespace StaticAttention.Tests.Tensors;

/// <summary>
/// <see cref="Tensor{TTokens, TFeatures}"/>: memory of its own, checked conversions from and to spans, disposal; and the
/// generated typed <c>Forward</c> overloads, which must give exactly the span <c>Forward</c>'s results.
/// </summary>
public sealed class TensorTests
{
    [Fact]
    public void Static_dimensions_come_from_the_marker_types()
    {
        Assert.Equal(8, D8.Value);
        Assert.Equal(8, Tensor<D8, D64>.Tokens);
        Assert.Equal(64, Tensor<D8, D64>.Features);
        Assert.Equal(512, Tensor<D8, D64>.ItemLength);
    }

    [Fact]
    public void New_tensor_is_zeroed_with_the_batch_as_its_only_dynamic_dimension()
    {
        using var tensor = new Tensor<D8, D64>(3);
        Assert.Equal(3, tensor.Batch);
        Assert.Equal(3 * 8 * 64, tensor.Length);
        Assert.Equal(tensor.Length, tensor.Span.Length);
        Assert.All(tensor.ToArray(), value => Assert.Equal(0f, value));
        Assert.Equal("Tensor[batch 3, Tokens 8, Features 64]", tensor.ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Batch_must_be_positive(int batch)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Tensor<D8, D64>(batch));
        Assert.Equal("batch", error.ParamName);
    }

    [Fact]
    public void Batch_too_large_for_one_array_is_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Tensor<D8, D64>(int.MaxValue / 100));
        Assert.Contains("does not fit in one array", error.Message);
    }

    [Fact]
    public void FromSpan_copies_and_derives_the_batch()
    {
        float[] data = Enumerable.Range(0, 2 * 512).Select(i => (float)i).ToArray();
        using var tensor = Tensor<D8, D64>.FromSpan(data);
        data[0] = -1;
        Assert.Equal(2, tensor.Batch);
        Assert.Equal(0f, tensor.Span[0]);
        Assert.Equal(1023f, tensor.Span[^1]);
        Assert.Equal(512f, tensor.Item(1)[0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(511)]
    [InlineData(513)]
    public void FromSpan_rejects_a_length_that_is_not_whole_items(int length)
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor<D8, D64>.FromSpan(new float[length]));
        Assert.Equal("source", error.ParamName);
        Assert.Contains("512", error.Message);
    }

    [Fact]
    public void CopyTo_checks_the_destination_length()
    {
        using var tensor = Tensor<D8, D64>.FromSpan(Enumerable.Repeat(2f, 512).ToArray());
        var exact = new float[512];
        tensor.CopyTo(exact);
        Assert.All(exact, value => Assert.Equal(2f, value));

        var error = Assert.Throws<ArgumentException>(() => tensor.CopyTo(new float[1024]));
        Assert.Equal("destination", error.ParamName);
        Assert.Contains("[batch 1, Tokens 8, Features 64]", error.Message);
    }

    [Fact]
    public void Item_checks_the_index()
    {
        using var tensor = new Tensor<D8, D64>(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => tensor.Item(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => tensor.Item(-1));
    }

    [Fact]
    public void Disposed_tensor_throws_and_a_second_dispose_does_nothing()
    {
        var tensor = new Tensor<D8, D64>(1);
        tensor.Dispose();
        tensor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => tensor.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => tensor.CopyTo(new float[512]));
        Assert.Equal(1, tensor.Batch);
    }

    [Fact]
    public void Span_taken_before_dispose_never_sees_another_tensors_values()
    {
        // With pooled memory, the second tensor would be handed the first one's array and write through the old span.
        var first = new Tensor<D8, D64>(1);
        Span<float> kept = first.Span;
        kept.Fill(1f);
        first.Dispose();

        for (int i = 0; i < 8; i++)
        {
            using var next = new Tensor<D8, D64>(1);
            next.Span.Fill(2f);
            using var copied = Tensor<D8, D64>.FromSpan(new float[512]);
            copied.Span.Fill(3f);
        }

        Assert.All(kept.ToArray(), value => Assert.Equal(1f, value));
    }

    [Fact]
    public void Typed_Forward_matches_the_span_Forward_self_attention()
    {
        var layer = TemporalAttention.Load(RandomCheckpoint.For(TemporalAttention.Spec, 7));
        var io = LayerInputs.For(TemporalAttention.Spec, 3, 7);
        layer.Forward(io.Query, io.Output);

        using Tensor<D8, D64> x = Tensor<D8, D64>.FromSpan(io.Query);
        using Tensor<D8, D64> y = layer.Forward(x);
        Assert.Equal(io.Output, y.ToArray());

        using var into = new Tensor<D8, D64>(3);
        layer.Forward(x, into);
        Assert.Equal(io.Output, into.ToArray());
    }

    [Fact]
    public void Typed_Forward_matches_the_span_Forward_cross_attention_with_valid_lengths()
    {
        var layer = D2lAttention.Load(RandomCheckpoint.For(D2lAttention.Spec, 11));
        var io = LayerInputs.For(D2lAttention.Spec, 2, 11);
        layer.Forward(io.Query, io.Key, io.Value, io.ValidLengths, io.Output);

        using var query = Tensor<D4, D24>.FromSpan(io.Query);
        using var key = Tensor<D6, D16>.FromSpan(io.Key);
        using var value = Tensor<D6, D12>.FromSpan(io.Value);
        using Tensor<D4, D40> output = layer.Forward(query, key, value, io.ValidLengths);
        Assert.Equal(io.Output, output.ToArray());
    }

    [Fact]
    public void Typed_Forward_checks_the_batches_at_call_time()
    {
        var layer = D2lAttention.Load(RandomCheckpoint.For(D2lAttention.Spec, 11));
        using var query = new Tensor<D4, D24>(2);
        using var key = new Tensor<D6, D16>(3);
        using var value = new Tensor<D6, D12>(2);
        var error = Assert.Throws<ArgumentException>(() => layer.Forward(query, key, value, new int[2]));
        Assert.Equal("key", error.ParamName);

        var temporal = TemporalAttention.Load(RandomCheckpoint.For(TemporalAttention.Spec, 7));
        using var x = new Tensor<D8, D64>(2);
        using var output = new Tensor<D8, D64>(3);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => temporal.Forward(x, output)).ParamName);
    }
}
