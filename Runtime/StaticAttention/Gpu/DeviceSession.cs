using System;
using System.ComponentModel;
using System.Threading;
using ILGPU.Runtime;
using StaticAttention.Gpu;
using StaticAttention.Weights;

namespace StaticAttention.Internal.Gpu
{
    /// <summary>
    /// What a generated layer holds on an ILGPU accelerator while a session is live: the weights uploaded once
    /// (<see cref="Weights"/>), the device scratch reused across calls (<see cref="Scratch"/>), and the gate that serialises
    /// the layer's device calls. The user sees it as the <see cref="AcceleratorSession"/> <c>UseAccelerator</c> returns
    /// (<see cref="Handle"/>); disposing either frees the device memory and returns the layer to the CPU.
    /// </summary>
    /// <remarks>
    /// Thread-safety: a layer's <c>Forward</c> may still be called from several threads; while a session is live,
    /// those calls run one at a time on the accelerator (each holds the gate from its first copy or launch to its
    /// last). <see cref="Dispose"/> waits for a running call, then frees the memory; later calls run on the CPU (span
    /// overloads) or throw <see cref="InvalidOperationException"/> (device-view overloads). The session does not own the
    /// accelerator, which must outlive it.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class DeviceSession : IDisposable
    {
        /// <summary>The warp width the generated kernels are written for (NVIDIA's).</summary>
        public const int WarpSize = 32;

        /// <summary>The largest group the generated kernels launch (the flash kernel's four warps).</summary>
        public const int MinThreadsPerGroup = 128;

        private readonly object _gate = new();
        private bool _disposed;

        /// <summary>Uploads the weights of a layer described by <paramref name="spec"/> and prepares its scratch.</summary>
        /// <param name="accelerator">The accelerator to run on (for example a CUDA accelerator, or ILGPU's CPU accelerator).</param>
        /// <param name="spec">The layer's shapes and options.</param>
        /// <param name="weights">The layer's loaded weights.</param>
        /// <param name="floatSlots">The float scratch buffers the layer's device forward pass uses.</param>
        /// <param name="intSlots">The int scratch buffers (masks, valid lengths) it uses.</param>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="ArgumentException">
        /// A weight array has the wrong length, or the accelerator's warps are not 32 threads wide or its groups cannot
        /// hold 128 threads (the generated kernels' shape).
        /// </exception>
        public DeviceSession(Accelerator accelerator, AttentionLayerSpec spec, AttentionWeights weights, int floatSlots, int intSlots)
        {
            ArgumentNullException.ThrowIfNull(accelerator);
            if (accelerator.WarpSize != WarpSize || accelerator.MaxNumThreadsPerGroup < MinThreadsPerGroup)
            {
                throw new ArgumentException(
                    $"The generated kernels need warps of {WarpSize} threads and groups of up to {MinThreadsPerGroup}, but {accelerator.Name} has warps of " +
                    $"{accelerator.WarpSize} and groups of up to {accelerator.MaxNumThreadsPerGroup}. Use a CUDA accelerator, or ILGPU's CPU accelerator " +
                    "with its NVIDIA preset (Context.Create(b => b.CPU(CPUDeviceKind.Nvidia))).",
                    nameof(accelerator));
            }

            Accelerator = accelerator;
            Multiprocessors = accelerator.NumMultiprocessors;
            Weights = new DeviceWeights(accelerator, spec, weights);
            Scratch = new DeviceScratch(accelerator, floatSlots, intSlots);
            Handle = new AcceleratorSession(this);
        }

        /// <summary>The session as its user sees it, returned by the layer's <c>UseAccelerator</c>.</summary>
        public AcceleratorSession Handle { get; }

        /// <summary>The accelerator the layer runs on.</summary>
        public Accelerator Accelerator { get; }

        /// <summary>
        /// The multiprocessors the projection GEMMs fill (their tiling and K splits follow it): the accelerator's. Tests
        /// set it to a GPU's count to take a GPU's paths on ILGPU's CPU accelerator, which has one.
        /// </summary>
        public int Multiprocessors { get; internal set; }

        /// <summary>The weights on the device.</summary>
        public DeviceWeights Weights { get; }

        /// <summary>The device scratch; use it only between <see cref="TryEnter"/> and <see cref="Exit"/>.</summary>
        public DeviceScratch Scratch { get; }

        /// <summary>Whether <see cref="Dispose"/> has run.</summary>
        public bool IsDisposed => Volatile.Read(ref _disposed);

        /// <summary>Takes the gate; returns false (without holding it) when the session is disposed.</summary>
        public bool TryEnter()
        {
            Monitor.Enter(_gate);
            if (_disposed)
            {
                Monitor.Exit(_gate);
                return false;
            }

            return true;
        }

        /// <summary>Releases the gate taken by <see cref="TryEnter"/>.</summary>
        public void Exit() => Monitor.Exit(_gate);

        /// <summary>Takes the gate or throws when the session is disposed; for the device-view overloads.</summary>
        /// <exception cref="InvalidOperationException">The session is disposed.</exception>
        public void Enter(string layerName)
        {
            if (!TryEnter())
            {
                throw new InvalidOperationException($"{layerName}: its accelerator session was disposed; call UseAccelerator again to run on a device.");
            }
        }

        /// <summary>Waits for a running call, then frees the device weights and scratch. Idempotent.</summary>
        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed) return;
                Volatile.Write(ref _disposed, true);
                Accelerator.Synchronize();
                Scratch.Dispose();
                Weights.Dispose();
            }
        }

        /// <summary>The exception of a second <c>UseAccelerator</c> while the layer's first session is live.</summary>
        public static InvalidOperationException AlreadyOnAccelerator(string layerName, Accelerator current) =>
            new($"{layerName} already runs on {current.Name}: dispose the session UseAccelerator returned before calling it again.");

        /// <summary>The exception of a device-view overload called before <c>UseAccelerator</c>.</summary>
        public static InvalidOperationException NotOnAccelerator(string layerName) =>
            new($"{layerName} has no accelerator: call UseAccelerator(accelerator) before passing device views to Forward.");
    }
}
