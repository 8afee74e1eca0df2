using StaticAttention.Internal.Cpu;

namespace StaticAttention.Tests.Kernels;

/// <summary>Wrong arguments to <see cref="AttentionCore.Forward"/> are <see cref="ArgumentException"/>s naming the parameter.</summary>
public class AttentionCoreArgumentTests
{
    // A valid call: batch 2, 2 heads, 1 kv head, head dim 2, 3 query and 3 key tokens.
    private sealed class Call
    {
        public float[] Q = new float[2 * 3 * 4];
        public int QStride = 4;
        public float[] K = new float[2 * 3 * 2];
        public float[] V = new float[2 * 3 * 2];
        public int KvStride = 2;
        public int Heads = 2, KvHeads = 1;
        public AttentionMask Kind = AttentionMask.None;
        public int[] ValidLengths = [];
        public bool[] Mask = [];
        public float[] Table = [];
        public float[] Context = new float[2 * 3 * 4];
        public float[] Weights = [];
        public float[] Scratch = new float[3];

        public void Run() => AttentionCore.Forward(
            Q, QStride, K, V, KvStride, 2, Heads, KvHeads, 2, 3, 3, 1f, Kind, ValidLengths, Mask, Table, Context, Weights, Scratch);
    }

    public static TheoryData<string, string> Cases() => new()
    {
        { "q", "q" }, { "k", "k" }, { "v", "v" }, { "qStride", "qRowStride" }, { "kvStride", "kvRowStride" },
        { "context", "context" }, { "weights", "weights" }, { "scratch", "scratch" }, { "table", "relativePositionBias" },
        { "validLengthsForKind", "validLengths" }, { "validLengthsUnused", "validLengths" }, { "maskForKind", "mask" },
        { "maskUnused", "mask" }, { "kvHeads", "kvHeads" }, { "twoKinds", "maskKind" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void WrongArgumentNamesTheParameter(string change, string parameter)
    {
        var call = new Call();
        switch (change)
        {
            case "q": call.Q = new float[23]; break;
            case "k": call.K = new float[11]; break;
            case "v": call.V = new float[11]; break;
            case "qStride": call.QStride = 3; break;
            case "kvStride": call.KvStride = 1; break;
            case "context": call.Context = new float[23]; break;
            case "weights": call.Weights = new float[35]; break;
            case "scratch": call.Scratch = new float[2]; break;
            case "table": call.Table = new float[4]; break;
            case "validLengthsForKind": call.Kind = AttentionMask.ValidLengthsPerQuery; call.ValidLengths = [1, 2]; break;
            case "validLengthsUnused": call.ValidLengths = [1, 2]; break;
            case "maskForKind": call.Kind = AttentionMask.KeepMask; call.Mask = new bool[6]; break;
            case "maskUnused": call.Kind = AttentionMask.Causal; call.Mask = new bool[6]; break;
            case "kvHeads": call.KvHeads = 3; break;
            case "twoKinds": call.Kind = AttentionMask.KeepMask | AttentionMask.KeyPaddingMask; call.Mask = new bool[6]; break;
        }

        var e = Assert.ThrowsAny<ArgumentException>(call.Run);
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void MessageGivesTheLengths()
    {
        var call = new Call { Context = new float[23] };
        var e = Assert.Throws<ArgumentException>(call.Run);
        Assert.Contains("24", e.Message);
        Assert.Contains("23", e.Message);
    }

    [Fact]
    public void ValidCallPasses()
    {
        new Call().Run();
        new Call { Kind = AttentionMask.KeyPaddingMask | AttentionMask.Causal, Mask = new bool[6], Weights = new float[36], Table = new float[10] }.Run();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    public void ValidLengthOutOfRangeThrows(int bad)
    {
        var call = new Call { Kind = AttentionMask.ValidLengths, ValidLengths = [1, bad] };
        var e = Assert.Throws<ArgumentOutOfRangeException>(call.Run);
        Assert.Equal("validLengths", e.ParamName);
    }

    [Fact]
    public void RelativeBiasNeedsSelfAttention()
    {
        var e = Assert.Throws<ArgumentException>(() => AttentionCore.Forward(
            new float[2], 1, new float[3], new float[3], 1, 1, 1, 1, 1, 2, 3, 1f, AttentionMask.None, default, default, new float[3],
            new float[2], default, new float[3]));
        Assert.Equal("relativePositionBias", e.ParamName);
    }

    [Fact]
    public void ScratchLengthCoversTheKeys()
    {
        Assert.True(AttentionCore.ScratchLength(17) >= 17);
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionCore.ScratchLength(0));
    }
}
