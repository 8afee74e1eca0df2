using StaticAttention.Reference;

namespace StaticAttention.Benchmarks;

/// <summary>
/// <c>decode_llama1b</c>: one decode step of the Llama-3.2-1B layer, batch 1, one new token, through the cached
/// <c>Forward</c>. The cache holds <see cref="Prefill"/> tokens before the first step of a block; a block appends
/// <see cref="Block"/> tokens one at a time (positions 512 .. 543), and then <see cref="Prepare"/> (not timed) empties the
/// cache and fills it again with the same prompt, so the steps never run past its capacity and always see the same lengths.
/// </summary>
public sealed class DecodeWorkload : Workload
{
    /// <summary>Tokens in the cache before a block's first step.</summary>
    public const int Prefill = 512;

    /// <summary>Steps between two refills of the cache.</summary>
    public const int Block = 32;

    private const int C = Llama1BAttention.ModelDim;

    private readonly Llama1BAttention[] _layers;
    private readonly Llama1BAttention.Cache[] _caches;
    private readonly float[] _prompt, _tokens, _prefillOutput, _output;
    private int _step, _turn;

    public DecodeWorkload(Shape shape)
        : base(shape)
    {
        // Shape.Layers instances, each with its own packed weights and cache; a call steps the next one in turn.
        _layers = new Llama1BAttention[shape.Layers];
        _caches = new Llama1BAttention.Cache[shape.Layers];
        for (int l = 0; l < shape.Layers; l++)
        {
            _layers[l] = Llama1BCheckpoint.Load();
            _caches[l] = _layers[l].CreateCache(batch: 1);
        }

        _prompt = Random(Prefill * C, seed: 42);
        _tokens = Random(Block * C, seed: 43);
        _prefillOutput = new float[Prefill * C];
        _output = new float[C];
        Prepare();
    }

    /// <summary>
    /// The bytes a step must read: the four projection matrices (q and o 2048×2048, k and v 512×2048 floats) and the
    /// cached keys and values it attends over, 2·KvHeads·HeadDim floats per token, averaged over a block's steps
    /// (step i attends over Prefill + i + 1 tokens).
    /// </summary>
    public static double BytesPerStep(Shape shape) =>
        sizeof(float) * (shape.ProjectionWeights + 2.0 * shape.KeyValueHeads * shape.HeadDim * MeanAttendedTokens(shape));

    /// <summary>Tokens a step attends over, the mean of a block: Prefill + (Block + 1) / 2.</summary>
    public static double MeanAttendedTokens(Shape shape) => shape.Tokens + (Block + 1) / 2.0;

    public override bool NeedsPreparation => _step == Block;

    /// <summary>Empties the caches and decodes the prompt into them again (the prefill of the next block).</summary>
    public override void Prepare()
    {
        for (int l = 0; l < _layers.Length; l++)
        {
            _caches[l].Reset();
            _layers[l].Forward(_prompt, _caches[l], _prefillOutput);
        }
        _step = 0;
        _turn = 0;
    }

    /// <summary>
    /// One step of the next layer in turn: the block's next token; refills first (timed) when a caller skipped
    /// <see cref="Prepare"/>.
    /// </summary>
    public override void Run()
    {
        if (_step == Block) Prepare();
        _layers[_turn].Forward(_tokens.AsSpan(_step * C, C), _caches[_turn], _output);
        if (++_turn == _layers.Length)
        {
            _turn = 0;
            _step++;
        }
    }

    /// <summary>
    /// The first step of a block against the reference's last row over the prompt and that token together
    /// (Prefill + 1 positions, causal): checks the prefill into the cache and the step.
    /// </summary>
    public override double RelativeError()
    {
        Prepare();
        Run();
        int tokens = Prefill + 1;
        var x = new float[tokens * C];
        _prompt.CopyTo(x, 0);
        _tokens.AsSpan(0, C).CopyTo(x.AsSpan(Prefill * C));
        var reference = new float[x.Length];
        ReferenceAttention.Forward(Llama1BCheckpoint.Spec(tokens), _layers[0].Weights, 1, x, x, x, default, default, reference, default);
        return RelativeError(_output, reference.AsSpan(Prefill * C));
    }
}
