using System.Collections.Generic;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;
using static StaticAttention.Generator.Emitting.RuntimeTypes;

namespace StaticAttention.Generator.Emitting
{
    /// <summary>
    /// Writes a layer's GPU path into its partial class: <c>UseAccelerator</c>, the device-view <c>Forward</c>, the
    /// host-span bridge the CPU <c>Forward</c> hands over to (<see cref="EmitDispatch"/>), and the ILGPU kernels with
    /// every size a literal: the projection GEMMs (<c>GpuEmitter.Gemm.cs</c>), the rotary embedding on q and k for a
    /// layer that has one (<c>GpuEmitter.Rotary.cs</c>) and one attention kernel, small-sequence
    /// (<c>GpuEmitter.Small.cs</c>) or flash (<c>GpuEmitter.Flash.cs</c>). Nothing is written for a layer whose kernels
    /// would not fit in shared memory (head widths above 128).
    /// </summary>
    internal static partial class GpuEmitter
    {
        private const string View = ForwardParameter.FloatView;
        private const string IntView = ForwardParameter.IntView;
        private const string KernelConfig = "global::ILGPU.KernelConfig";
        private const string Index3D = "global::ILGPU.Index3D";

        // Device scratch slots: projected activations, then copies of the span overload's inputs and outputs.
        private const int QkvSlot = 0, QuerySlot = 0, KeySlot = 1, ValueSlot = 2, ContextSlot = 3;
        private const int InputSlot = 4, KeyInputSlot = 5, ValueInputSlot = 6, OutputSlot = 7, WeightsSlot = 8, FloatSlots = 9;

        /// <summary>The line the CPU <c>Forward</c> starts with, after its checks: hand over to the accelerator when there is one.</summary>
        public static void EmitDispatch(CodeWriter w, LayerModel l)
        {
            if (!GpuPlan.For(l).Supported) return;
            w.Line("if (TryForwardOnAccelerator(batch, " + string.Join(", ", ParameterNames(l)) + ")) return;");
            w.Line();
        }

        /// <summary>Every GPU member of the layer, after a blank line; nothing when the layer is not supported.</summary>
        public static void Emit(CodeWriter w, LayerModel l)
        {
            GpuPlan plan = GpuPlan.For(l);
            if (!plan.Supported && plan.Unsupported is { } reason)
            {
                w.Line();
                w.Line("// No GPU path for this layer: " + reason + ". It runs on the CPU.");
                return;
            }
            if (!plan.Supported)
            {
                w.Line();
                w.Line("// No GPU path for this layer: its attention kernel would need " + Int(plan.SharedFloats * 4) + " bytes of shared memory per group,");
                w.Line("// more than ILGPU's " + Int(GpuPlan.SharedFloatLimit * 4) + " (head widths up to 128 fit). It runs on the CPU.");
                return;
            }
            List<Linear> linears = Linears(l);

            w.Line();
            w.Line("// GPU path: ILGPU kernels with this layer's sizes as literals. UseAccelerator moves the layer onto a device.");
            w.Line();
            w.Line("private volatile DevicePath? _device;");
            w.Line();
            EmitUseAccelerator(w, l);
            w.Line();
            EmitDevicePath(w, l, linears);
            w.Line();
            EmitDeviceForward(w, l);
            w.Line();
            EmitBridge(w, l);
            w.Line();
            EmitRun(w, l, plan, linears);
            var emitted = new HashSet<string>();
            foreach (Linear linear in linears)
            {
                if (!emitted.Add(linear.Kernel)) continue;
                w.Line();
                EmitGemm(w, linear, GpuPlan.WideGemm);
                w.Line();
                EmitGemm(w, linear, GpuPlan.NarrowGemm);
            }
            if (l.Decoder.HasRotary)
            {
                w.Line();
                EmitRotary(w, l);
            }
            w.Line();
            if (plan.Small)
            {
                EmitSmall(w, l, plan);
            }
            else
            {
                EmitFlash(w, l, plan, "GpuAttention");
                if (plan.Narrow is { } narrow)
                {
                    w.Line();
                    EmitFlash(w, l, narrow, "GpuAttentionNarrow");
                }
            }
        }

        /// <summary>One projection: <c>output = input · Wᵀ (+ bias)</c>, <c>[rows, K] -> [rows, N]</c>, and the kernel that runs it.</summary>
        private sealed class Linear
        {
            public Linear(string input, string weight, string? bias, string output, string rows, int k, int n, int tokens)
            {
                Input = input;
                Weight = weight;
                Bias = bias;
                Output = output;
                Rows = rows;
                K = k;
                N = n;
                Tokens = tokens;
            }

            public string Input { get; }
            public string Weight { get; }
            public string? Bias { get; }
            public string Output { get; }
            public string Rows { get; }
            public int K { get; }
            public int N { get; }
            public int Tokens { get; }

            /// <summary>The kernel's name: one kernel per distinct shape, shared by projections that have it.</summary>
            public string Kernel => "GpuLinear" + Int(K) + "x" + Int(N) + (Bias is null ? "" : "Bias");

            public string Field => Kernel.Substring(3);
        }

        private static List<Linear> Linears(LayerModel l)
        {
            var linears = new List<Linear>();
            if (l.Projections == Projections.None) return linears;
            string query = l.SelfAttention ? "x" : "query", key = l.SelfAttention ? "x" : "key", value = l.SelfAttention ? "x" : "value";
            if (l.Projections == Projections.Fused && l.SelfAttention)
            {
                linears.Add(new Linear("x", "parameters.Input", l.QkvBias ? "parameters.InputBias" : null, "qkv", "batch * QueryTokens",
                    l.QuerySize, l.FusedWidth, l.QueryTokens));
            }
            else
            {
                linears.Add(new Linear(query, "parameters.Query", l.QkvBias ? "parameters.QueryBias" : null, "q", "batch * QueryTokens", l.QuerySize, l.QueryWidth, l.QueryTokens));
                linears.Add(new Linear(key, "parameters.Key", l.QkvBias ? "parameters.KeyBias" : null, "k", "batch * KeyTokens", l.KeySize, l.KvWidth, l.KeyTokens));
                linears.Add(new Linear(value, "parameters.Value", l.QkvBias ? "parameters.ValueBias" : null, "v", "batch * KeyTokens", l.ValueSize, l.KvWidth, l.KeyTokens));
            }
            linears.Add(new Linear("context", "parameters.Output", l.OutputBias ? "parameters.OutputBias" : null, "output", "batch * QueryTokens",
                l.QueryWidth, l.ModelDim, l.QueryTokens));
            return linears;
        }

        /// <summary>The span <c>Forward</c>'s parameter names, in order.</summary>
        private static List<string> ParameterNames(LayerModel l)
        {
            var names = new List<string>();
            foreach (ForwardParameter parameter in l.ForwardParameters) names.Add(parameter.Name);
            return names;
        }

        /// <summary>The forward parameters as the device overloads take them: <c>ArrayView&lt;float&gt; x</c>...</summary>
        private static List<string> DeviceParameters(LayerModel l)
        {
            var parameters = new List<string>();
            foreach (ForwardParameter parameter in l.ForwardParameters) parameters.Add(parameter.DeviceType + " " + parameter.Name);
            return parameters;
        }

        private static void EmitUseAccelerator(CodeWriter w, LayerModel l)
        {
            w.Line("/// <summary>");
            w.Line("/// Moves the layer onto an ILGPU accelerator: uploads its weights once (projection matrices transposed to [in, out])");
            w.Line("/// and compiles its kernels. From then on every <c>Forward</c> runs there: the span overloads copy their inputs in and");
            w.Line("/// their results out, the <see cref=\"global::ILGPU.ArrayView{T}\"/> overload keeps activations on the device. Dispose");
            w.Line("/// the returned session to free the device memory; the layer then runs on the CPU again. While a session is live,");
            w.Line("/// calls from several threads run one at a time on the device.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"accelerator\">A CUDA accelerator, or ILGPU's CPU accelerator (its NVIDIA preset: warp size 32).</param>");
            w.Line("/// <returns>The session holding the device memory; it does not own <paramref name=\"accelerator\"/>.</returns>");
            w.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"accelerator\"/> is null.</exception>");
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">The layer already has a live session; dispose it first.</exception>");
            using (w.Block("public " + AcceleratorSession + " UseAccelerator(global::ILGPU.Runtime.Accelerator accelerator)"))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(accelerator);");
                w.Line("DevicePath? current = _device;");
                w.Line("if (current is { Session.IsDisposed: false }) throw " + DeviceSession + ".AlreadyOnAccelerator(" + String(l.ClassName) + ", current.Session.Accelerator);");
                w.Line("var session = new " + DeviceSession + "(accelerator, Spec, _weights, floatSlots: " + Int(FloatSlots) + ", intSlots: 1);");
                using (w.Block("try"))
                {
                    w.Line("// A concurrent UseAccelerator that got there first wins; this one's session is freed below.");
                    w.Line("if (global::System.Threading.Interlocked.CompareExchange(ref _device, new DevicePath(session), current) != current)");
                    w.Line("    throw " + DeviceSession + ".AlreadyOnAccelerator(" + String(l.ClassName) + ", accelerator);");
                }
                using (w.Block("catch"))
                {
                    w.Line("session.Dispose();");
                    w.Line("throw;");
                }
                w.Line("return session.Handle;");
            }
            w.Line();
            w.Line("/// <summary>The accelerator <c>Forward</c> runs on, or null when it runs on the CPU.</summary>");
            w.Line("public global::ILGPU.Runtime.Accelerator? Accelerator => _device is { Session.IsDisposed: false } device ? device.Session.Accelerator : null;");
        }

        private static void EmitDevicePath(CodeWriter w, LayerModel l, List<Linear> linears)
        {
            w.Line("/// <summary>A live accelerator session and this layer's kernels, compiled for its accelerator.</summary>");
            using (w.Block("private sealed class DevicePath"))
            {
                w.Line("public readonly " + DeviceSession + " Session;");
                var fields = new HashSet<string>();
                foreach (Linear linear in linears)
                {
                    if (!fields.Add(linear.Field)) continue;
                    string types = KernelConfig + ", " + View + ", " + View + ", " + (linear.Bias is null ? "" : View + ", ") + View + ", int";
                    w.Line("public readonly global::System.Action<" + types + "> " + linear.Field + ";");
                    w.Line("public readonly global::System.Action<" + types + ", int> " + linear.Field + GpuPlan.NarrowGemm.Suffix + ";");
                }
                if (l.Decoder.HasRotary)
                    w.Line("public readonly global::System.Action<" + KernelConfig + ", " + string.Join(", ", RotaryParameterTypes(l)) + "> Rotary;");
                w.Line("public readonly global::System.Action<" + KernelConfig + ", " + string.Join(", ", AttentionParameterTypes(l)) + "> Attention;");
                if (GpuPlan.For(l).Narrow is not null)
                    w.Line("public readonly global::System.Action<" + KernelConfig + ", " + string.Join(", ", AttentionParameterTypes(l)) + "> AttentionNarrow;");
                w.Line();
                using (w.Block("public DevicePath(" + DeviceSession + " session)"))
                {
                    w.Line("Session = session;");
                    w.Line("global::ILGPU.Runtime.Accelerator accelerator = session.Accelerator;");
                    fields.Clear();
                    foreach (Linear linear in linears)
                    {
                        if (!fields.Add(linear.Field)) continue;
                        string types = View + ", " + View + ", " + (linear.Bias is null ? "" : View + ", ") + View + ", int";
                        w.Line(linear.Field + " = global::ILGPU.Runtime.KernelLoaders.LoadStreamKernel<" + types + ">(accelerator, " + linear.Kernel + ");");
                        string narrow = GpuPlan.NarrowGemm.Suffix;
                        w.Line(linear.Field + narrow + " = global::ILGPU.Runtime.KernelLoaders.LoadStreamKernel<" + types + ", int>(accelerator, " + linear.Kernel + narrow + ");");
                    }
                    if (l.Decoder.HasRotary)
                        w.Line("Rotary = global::ILGPU.Runtime.KernelLoaders.LoadStreamKernel<" + string.Join(", ", RotaryParameterTypes(l)) + ">(accelerator, GpuRotary);");
                    w.Line("Attention = global::ILGPU.Runtime.KernelLoaders.LoadStreamKernel<" + string.Join(", ", AttentionParameterTypes(l)) + ">(accelerator, " +
                        (GpuPlan.For(l).Small ? "GpuSmallAttention" : "GpuAttention") + ");");
                    if (GpuPlan.For(l).Narrow is not null)
                        w.Line("AttentionNarrow = global::ILGPU.Runtime.KernelLoaders.LoadStreamKernel<" + string.Join(", ", AttentionParameterTypes(l)) + ">(accelerator, GpuAttentionNarrow);");
                }
            }
        }

        private static void EmitDeviceForward(CodeWriter w, LayerModel l)
        {
            w.Line("/// <summary>");
            w.Line("/// Runs the layer on the accelerator given to <see cref=\"UseAccelerator\"/>, on device views in the span overload's");
            w.Line("/// layouts; the kernels are queued on the accelerator's default stream (synchronise it before reading the results).");
            w.Line("/// Boolean masks are ints there, 0 or 1 with the same polarity; valid lengths are not range-checked on the device.");
            w.Line("/// The outputs must not overlap the inputs.");
            w.Line("/// </summary>");
            List<string> parameters = DeviceParameters(l);
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A view's length does not fit the batch.</exception>");
            w.Line("/// <exception cref=\"global::System.InvalidOperationException\">The layer has no live accelerator session.</exception>");
            WriteSignature(w, "public void Forward(", parameters);
            using (w.Block())
            {
                w.Line("DevicePath device = _device ?? throw " + DeviceSession + ".NotOnAccelerator(" + String(l.ClassName) + ");");
                ForwardParameter[] forward = l.ForwardParameters;
                string first = forward[0].Name;
                w.Line("int batch = " + Guard + ".Batch(" + first + ".Length, " + forward[0].PerItem + ", nameof(" + first + "));");
                for (int i = 1; i < forward.Length; i++)
                    w.Line(Guard + ".Length(" + forward[i].Name + ".Length, batch, " + forward[i].PerItem + ", nameof(" + forward[i].Name + "), " + String(forward[i].Shape) + ");");
                w.Line("device.Session.Enter(" + String(l.ClassName) + ");");
                using (w.Block("try"))
                {
                    w.Line("RunOnAccelerator(device, batch, " + string.Join(", ", ParameterNames(l)) + ");");
                }
                using (w.Block("finally"))
                {
                    w.Line("device.Session.Exit();");
                }
            }
        }

        /// <summary>The span overload on the device: the CPU <c>Forward</c> has checked every length and calls this first.</summary>
        private static void EmitBridge(CodeWriter w, LayerModel l)
        {
            var parameters = new List<string> { "int batch" };
            foreach (ForwardParameter parameter in l.ForwardParameters) parameters.Add(parameter.SpanType + " " + parameter.Name);
            w.Line("/// <summary>The span <c>Forward</c> on the accelerator, when there is one: copies in, runs the kernels, copies out.</summary>");
            WriteSignature(w, "private bool TryForwardOnAccelerator(", parameters);
            using (w.Block())
            {
                w.Line("DevicePath? device = _device;");
                w.Line("if (device is null || !device.Session.TryEnter()) return false;");
                using (w.Block("try"))
                {
                    w.Line(DeviceScratch + " scratch = device.Session.Scratch;");
                    var arguments = new List<string>();
                    foreach (string name in ParameterNames(l))
                    {
                        string local = name + "View";
                        arguments.Add(local);
                        switch (name)
                        {
                            case "validLengths":
                                w.Line(IntView + " " + local + " = scratch.Ints(0, validLengths.Length);");
                                w.Line(DeviceTransfer + ".Upload(validLengths, " + local + ");");
                                break;
                            case "mask":
                                w.Line(IntView + " " + local + " = scratch.Ints(0, mask.Length);");
                                w.Line(DeviceTransfer + ".UploadMask(mask, scratch.HostInts(mask.Length), " + local + ");");
                                break;
                            case "output":
                                w.Line(View + " " + local + " = scratch.Floats(" + Int(OutputSlot) + ", output.Length);");
                                break;
                            case "weights":
                                w.Line(View + " " + local + " = scratch.Floats(" + Int(WeightsSlot) + ", weights.Length);");
                                break;
                            default:
                                int slot = name == "key" ? KeyInputSlot : name == "value" ? ValueInputSlot : InputSlot;
                                w.Line(View + " " + local + " = scratch.Floats(" + Int(slot) + ", " + name + ".Length);");
                                w.Line(DeviceTransfer + ".Upload(" + name + ", " + local + ");");
                                break;
                        }
                    }
                    w.Line("RunOnAccelerator(device, batch, " + string.Join(", ", arguments) + ");");
                    w.Line(DeviceTransfer + ".Download(outputView, output);");
                    if (l.ReturnWeights) w.Line(DeviceTransfer + ".Download(weightsView, weights);");
                }
                using (w.Block("finally"))
                {
                    w.Line("device.Session.Exit();");
                }
                w.Line("return true;");
            }
        }

        /// <summary>The launches: projections, attention, output projection, each with its grid.</summary>
        private static void EmitRun(CodeWriter w, LayerModel l, GpuPlan plan, List<Linear> linears)
        {
            var parameters = new List<string> { "DevicePath device", "int batch" };
            parameters.AddRange(DeviceParameters(l));
            w.Line("/// <summary>Queues the kernels of one forward pass; the caller holds the session's gate and has checked every length.</summary>");
            WriteSignature(w, "private static void RunOnAccelerator(", parameters);
            using (w.Block())
            {
                if (l.Projections != Projections.None || l.RelativePositionBias)
                    w.Line(DeviceWeights + " parameters = device.Session.Weights; // the layer's weights on the device");
                if (l.Projections != Projections.None)
                {
                    w.Line(DeviceScratch + " scratch = device.Session.Scratch;");
                    if (l.Projections == Projections.Fused && l.SelfAttention)
                    {
                        w.Line(View + " qkv = scratch.Floats(" + Int(QkvSlot) + ", (long)batch * QueryTokens * " + Int(l.FusedWidth) + "); // [batch·" + Int(l.QueryTokens) + ", " + Int(l.FusedWidth) + "], columns q | k | v");
                    }
                    else
                    {
                        w.Line(View + " q = scratch.Floats(" + Int(QuerySlot) + ", (long)batch * QueryTokens * " + Int(l.QueryWidth) + "); // [batch·" + Int(l.QueryTokens) + ", " + Int(l.QueryWidth) + "]");
                        w.Line(View + " k = scratch.Floats(" + Int(KeySlot) + ", (long)batch * KeyTokens * " + Int(l.KvWidth) + "); // [batch·" + Int(l.KeyTokens) + ", " + Int(l.KvWidth) + "]");
                        w.Line(View + " v = scratch.Floats(" + Int(ValueSlot) + ", (long)batch * KeyTokens * " + Int(l.KvWidth) + "); // [batch·" + Int(l.KeyTokens) + ", " + Int(l.KvWidth) + "]");
                    }
                    w.Line(View + " context = scratch.Floats(" + Int(ContextSlot) + ", (long)batch * QueryTokens * " + Int(l.QueryWidth) + "); // [batch·" + Int(l.QueryTokens) + ", " + Int(l.QueryWidth) + "]");
                    EmitAlignedViews(w, linears);
                    w.Line();
                    for (int i = 0; i < linears.Count - 1; i++) EmitLinearLaunch(w, l, linears[i]);
                    w.Line();
                    if (l.Decoder.HasRotary)
                    {
                        EmitRotaryLaunch(w, l);
                        w.Line();
                    }
                }

                string source = l.Projections == Projections.None ? "x" : l.Projections == Projections.Fused && l.SelfAttention ? "qkv" : null!;
                var arguments = new List<string>();
                if (source is not null) arguments.Add(source);
                else arguments.AddRange(new[] { "q", "k", "v" });
                if (l.RelativePositionBias) arguments.Add("parameters.RelativePositionBiasTable");
                if (l.TakesValidLengths) arguments.Add("validLengths");
                if (l.TakesMask) arguments.Add("mask");
                arguments.Add(l.Projections == Projections.None ? "output" : "context");
                if (l.ReturnWeights) arguments.Add("weights");
                if (plan.Small)
                {
                    int groups = (l.Heads + 3) / 4;
                    w.Line("// Attention: one warp per (head, batch item), four heads per group: ceil(" + Int(l.Heads) + " / 4) = " + Int(groups) + " groups per item.");
                    w.Line("device.Attention(new " + KernelConfig + "(new " + Index3D + "(" + Int(groups) + ", batch, 1), new " + Index3D + "(" + Int(GpuPlan.Threads) + ", 1, 1)), " +
                        string.Join(", ", arguments) + ");");
                }
                else
                {
                    int tiles = Tiles(l.QueryTokens, plan.QueryTile);
                    w.Line("// Attention: one group of 128 threads per (query tile of " + Int(plan.QueryTile) + " rows, head, batch item): ceil(" +
                        Int(l.QueryTokens) + " / " + Int(plan.QueryTile) + ") = " + Int(tiles) + " tiles.");
                    string attention = "device.Attention(new " + KernelConfig + "(new " + Index3D + "(" + Int(tiles) + ", Heads, batch), new " + Index3D + "(" +
                        Int(GpuPlan.Threads) + ", 1, 1)), " + string.Join(", ", arguments) + ");";
                    if (plan.Narrow is not { } narrow)
                    {
                        w.Line(attention);
                    }
                    else
                    {
                        int narrowTiles = Tiles(l.QueryTokens, narrow.QueryTile);
                        w.Line("// Too few groups to give every multiprocessor one: tiles of " + Int(narrow.QueryTile) + " rows, " + Int(narrowTiles) + " per item, each half the work.");
                        w.Line("if (" + Int(tiles) + " * Heads * (long)batch >= device.Session.Multiprocessors)");
                        w.Line("    " + attention);
                        w.Line("else");
                        w.Line("    device.AttentionNarrow(new " + KernelConfig + "(new " + Index3D + "(" + Int(narrowTiles) + ", Heads, batch), new " + Index3D + "(" +
                            Int(GpuPlan.Threads) + ", 1, 1)), " + string.Join(", ", arguments) + ");");
                    }
                }
                if (l.Projections != Projections.None)
                {
                    w.Line();
                    Linear last = linears[linears.Count - 1];
                    if (last.N % 4 != 0)
                    {
                        EmitLinearLaunch(w, l, last);
                    }
                    else
                    {
                        EmitLinearLaunch(w, l, new Linear(last.Input, last.Weight, last.Bias, "projected", last.Rows, last.K, last.N, last.Tokens));
                        w.Line(GemmLaunch + ".CopyBack(projected, output);");
                    }
                }
            }
        }

        /// <summary>
        /// The caller's views the GEMMs read or write 16 bytes at a time, made 16-byte aligned: an input not on a
        /// four-float boundary is copied into its scratch slot, and the output projection then writes into scratch and
        /// copies back.
        /// </summary>
        private static void EmitAlignedViews(CodeWriter w, List<Linear> linears)
        {
            var done = new HashSet<string>();
            foreach (Linear linear in linears)
            {
                if (linear.K % 4 != 0 || linear.Input is not ("x" or "query" or "key" or "value") || !done.Add(linear.Input)) continue;
                int slot = linear.Input == "key" ? KeyInputSlot : linear.Input == "value" ? ValueInputSlot : InputSlot;
                w.Line(linear.Input + " = " + GemmLaunch + ".Aligned(" + linear.Input + ", scratch, " + Int(slot) + "); // a copy only when not 16-byte aligned");
            }

            if (linears[linears.Count - 1].N % 4 == 0)
                w.Line(View + " projected = " + GemmLaunch + ".AlignedTarget(output, scratch, " + Int(OutputSlot) + "); // output itself when 16-byte aligned");
        }

        private static void EmitLinearLaunch(CodeWriter w, LayerModel l, Linear linear)
        {
            GpuPlan.GemmTiling wide = GpuPlan.WideGemm, narrow = GpuPlan.NarrowGemm;
            string launch = GemmLaunch;
            w.Line("// " + linear.Output + " = " + linear.Input + " · Wᵀ" + (linear.Bias is null ? "" : " + b") + ": [batch·" + Int(linear.Tokens) + ", " + Int(linear.K) + "] -> [batch·" +
                Int(linear.Tokens) + ", " + Int(linear.N) + "]; " + Int(wide.Tile) + "×" + Int(wide.Tile) + " tiles when they fill the device, else " +
                Int(narrow.Tile) + "×" + Int(narrow.Tile) + " with K split");
            string arguments = linear.Input + ", " + linear.Weight + ", " + (linear.Bias is null ? "" : linear.Bias + ", ") + linear.Output + ", " + linear.Rows;
            string threads = "new " + Index3D + "(" + Int(GpuPlan.GemmThreads) + ", 1, 1)";
            w.Line("if (" + launch + ".Wide(" + linear.Rows + ", " + Int(linear.N) + ", device.Session.Multiprocessors))");
            w.Line("    device." + linear.Field + "(new " + KernelConfig + "(new " + Index3D + "(" + Int(Tiles(linear.N, wide.Tile)) + ", " + launch + ".Tiles(" + linear.Rows + ", " +
                Int(wide.Tile) + "), 1), " + threads + "), " + arguments + ");");
            using (w.Block("else"))
            {
                w.Line("int depth = " + launch + ".SplitDepth(" + linear.Rows + ", " + Int(linear.N) + ", " + Int(linear.K) + ", device.Session.Multiprocessors);");
                w.Line("if (depth < " + Int(linear.K) + ") global::ILGPU.Runtime.ArrayViewExtensions.MemSetToZero(" + linear.Output + "); // the splits add into it");
                w.Line("device." + linear.Field + narrow.Suffix + "(new " + KernelConfig + "(new " + Index3D + "(" + Int(Tiles(linear.N, narrow.Tile)) + ", " + launch + ".Tiles(" + linear.Rows + ", " +
                    Int(narrow.Tile) + "), " + launch + ".Tiles(" + Int(linear.K) + ", depth)), " + threads + "), " + arguments + ", depth);");
            }
        }

        private static int Tiles(int length, int tile) => (length + tile - 1) / tile;

        private static List<string> RotaryParameterTypes(LayerModel l)
        {
            var types = new List<string>();
            foreach (var (type, _) in RotaryParameters(l)) types.Add(type);
            return types;
        }

        private static List<string> AttentionParameterTypes(LayerModel l)
        {
            var types = new List<string>();
            foreach (var (type, _) in AttentionParameters(l)) types.Add(type);
            return types;
        }

        /// <summary>The attention kernel's parameters: its q/k/v source(s), the score terms, context and weights.</summary>
        private static List<(string Type, string Name)> AttentionParameters(LayerModel l)
        {
            var parameters = new List<(string, string)>();
            if (l.Projections == Projections.None) parameters.Add((View, "x"));
            else if (l.Projections == Projections.Fused && l.SelfAttention) parameters.Add((View, "qkv"));
            else parameters.AddRange(new[] { (View, "q"), (View, "k"), (View, "v") });
            if (l.RelativePositionBias) parameters.Add((View, "table"));
            if (l.TakesValidLengths) parameters.Add((IntView, "validLengths"));
            if (l.TakesMask) parameters.Add((IntView, "mask"));
            parameters.Add((View, "context"));
            if (l.ReturnWeights) parameters.Add((View, "weights"));
            return parameters;
        }

        private static void WriteSignature(CodeWriter w, string head, List<string> parameters)
        {
            if (parameters.Count <= 3)
            {
                w.Line(head + string.Join(", ", parameters) + ")");
                return;
            }
            w.Line(head);
            for (int i = 0; i < parameters.Count; i++)
                w.Line("    " + parameters[i] + (i < parameters.Count - 1 ? "," : ")"));
        }
    }
}
