using System;
using ILGPU.Runtime;
using StaticAttention.Internal.Gpu;

namespace StaticAttention.Gpu
{
    /// <summary>
    /// A generated layer's hold on an ILGPU accelerator, returned by its <c>UseAccelerator</c>: the layer's weights
    /// uploaded once and the device scratch it reuses across calls. Disposing it frees that device memory and returns
    /// the layer to the CPU.
    /// </summary>
    /// <remarks>
    /// Thread-safety: a layer's <c>Forward</c> may still be called from several threads; while the session is live,
    /// those calls run one at a time on the accelerator. <see cref="Dispose"/> waits for a running call, then frees the
    /// memory; later calls run on the CPU (span overloads) or throw <see cref="InvalidOperationException"/> (device-view
    /// overloads). The session does not own the accelerator, which must outlive it. A layer has at most one live session:
    /// a second <c>UseAccelerator</c> throws <see cref="InvalidOperationException"/> until this one is disposed.
    /// </remarks>
    public sealed class AcceleratorSession : IDisposable
    {
        internal AcceleratorSession(DeviceSession device) => Device = device;

        /// <summary>The accelerator the layer runs on.</summary>
        public Accelerator Accelerator => Device.Accelerator;

        /// <summary>Whether <see cref="Dispose"/> has run.</summary>
        public bool IsDisposed => Device.IsDisposed;

        /// <summary>The device state behind the session (for tests).</summary>
        internal DeviceSession Device { get; }

        /// <summary>Waits for a running call, then frees the layer's device weights and scratch. Idempotent.</summary>
        public void Dispose() => Device.Dispose();
    }
}
