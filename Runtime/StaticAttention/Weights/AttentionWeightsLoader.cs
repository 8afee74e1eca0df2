using System;
using System.Collections.Generic;
using System.IO;

namespace StaticAttention.Weights
{
    /// <summary>
    /// Builds an <see cref="AttentionWeights"/> from the tensors of a <see cref="SafetensorsCheckpoint"/> under a prefix:
    /// detects the naming convention, plans which tensors the layer's spec needs, rejects unexpected ones, checks
    /// every dtype and shape, and converts to the layout of the spec's <see cref="Projections"/>. Only the shards holding
    /// tensors under the prefix are mapped.
    /// </summary>
    internal sealed class AttentionWeightsLoader
    {
        private const int ListedNames = 20;

        private readonly SafetensorsCheckpoint _checkpoint;
        private readonly string _prefix;
        private readonly AttentionLayerSpec _spec;
        private readonly HashSet<string> _layer = new(StringComparer.Ordinal);
        private readonly List<string> _underPrefix = new();
        private readonly HashSet<string> _planned = new(StringComparer.Ordinal);

        public AttentionWeightsLoader(SafetensorsCheckpoint checkpoint, string prefix, AttentionLayerSpec spec)
        {
            _checkpoint = checkpoint;
            _prefix = prefix;
            _spec = spec;
            foreach (string name in checkpoint.TensorNames)
            {
                if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
                _underPrefix.Add(name);
                _layer.Add(name.Substring(prefix.Length));
            }
        }

        public AttentionWeights Load()
        {
            if (_spec.Projections == Projections.None) return LoadWithoutProjections();

            CheckpointConvention convention = DetectConvention();
            bool fusedForm = convention.HasFusedForm && (!convention.HasSeparateForm || _layer.Contains(convention.FusedWeight!));
            string? separateBias = convention.QueryBias;
            PlanInputs(convention, fusedForm);
            Plan(convention.OutputWeight);
            if (_spec.OutputBias) Plan(convention.OutputBias);
            if (_spec.RelativePositionBias) Plan(CheckpointConvention.RelativePositionBiasTable);
            RejectUnexpected(convention);

            (float[] query, float[] key, float[] value, float[] fused) = ReadInputWeights(convention, fusedForm);
            (float[] queryBias, float[] keyBias, float[] valueBias, float[] fusedBias) = _spec.QkvBias
                ? ReadInputBiases(convention, fusedForm || separateBias is null)
                : (Array.Empty<float>(), Array.Empty<float>(), Array.Empty<float>(), Array.Empty<float>());

            return new AttentionWeights
            {
                Convention = convention.Name,
                Fused = fused,
                FusedBias = fusedBias,
                Query = query,
                QueryBias = queryBias,
                Key = key,
                KeyBias = keyBias,
                Value = value,
                ValueBias = valueBias,
                Output = ReadMatrix(convention, convention.OutputWeight, _spec.ModelDim, _spec.QueryWidth),
                OutputBias = _spec.OutputBias ? Read(convention.OutputBias, _spec.ModelDim) : Array.Empty<float>(),
                RelativePositionBiasTable = ReadTable(),
            };
        }

        private AttentionWeights LoadWithoutProjections()
        {
            if (_spec.RelativePositionBias) Plan(CheckpointConvention.RelativePositionBiasTable);
            RejectUnexpected(null);
            return new AttentionWeights { Convention = CheckpointConvention.NoneName, RelativePositionBiasTable = ReadTable() };
        }

        private float[] ReadTable() => _spec.RelativePositionBias
            ? Read(CheckpointConvention.RelativePositionBiasTable, _spec.RelativePositionRows, _spec.Heads)
            : Array.Empty<float>();

        /// <summary>
        /// The convention whose names explain every convention name under the prefix. Conventions share names
        /// (<c>q_proj.weight</c> is HF's and CLIP's, <c>out_proj.weight</c> torch's and CLIP's), so the one that covers all
        /// of them wins; among several, the one with most names present, then the first in <see cref="CheckpointConvention.All"/>.
        /// </summary>
        private CheckpointConvention DetectConvention()
        {
            var found = new List<CheckpointConvention>();
            CheckpointConvention? best = null;
            int bestPresent = 0;
            foreach (CheckpointConvention convention in CheckpointConvention.All)
            {
                int present = 0;
                foreach (string name in convention.Names())
                {
                    if (_layer.Contains(name)) present++;
                }

                if (present == 0) continue;
                found.Add(convention);
                if (present > bestPresent && Covers(convention))
                {
                    best = convention;
                    bestPresent = present;
                }
            }

            if (best is not null) return best;

            var known = new List<string>();
            foreach (CheckpointConvention convention in (found.Count == 0 ? CheckpointConvention.All : found)) known.Add(convention.Describe());
            string head = found.Count == 0
                ? $"No attention weights of a known naming convention under prefix '{_prefix}' for layer '{_spec.LayerName}'; expected one of"
                : $"Tensors under prefix '{_prefix}' for layer '{_spec.LayerName}' mix naming conventions";
            throw new InvalidDataException($"{head} {string.Join("; ", known)}. Found {_underPrefix.Count}: {NameList.Describe(_underPrefix, ListedNames)}.");
        }

        /// <summary>True when every projection name under the prefix belongs to <paramref name="convention"/>.</summary>
        private bool Covers(CheckpointConvention convention)
        {
            var names = new HashSet<string>(convention.Names(), StringComparer.Ordinal) { CheckpointConvention.RelativePositionBiasTable };
            foreach (string name in _layer)
            {
                if (CheckpointConvention.Vocabulary.Contains(name) && !names.Contains(name)) return false;
            }

            return true;
        }

        private void PlanInputs(CheckpointConvention convention, bool fusedForm)
        {
            if (fusedForm)
            {
                Plan(convention.FusedWeight!);
                if (_spec.QkvBias) Plan(convention.FusedBias!);
                return;
            }

            Plan(convention.QueryWeight!);
            Plan(convention.KeyWeight!);
            Plan(convention.ValueWeight!);
            if (!_spec.QkvBias) return;
            if (convention.QueryBias is null)
            {
                Plan(convention.FusedBias!);
                return;
            }

            Plan(convention.QueryBias);
            Plan(convention.KeyBias!);
            Plan(convention.ValueBias!);
        }

        private void Plan(string name) => _planned.Add(name);

        private void RejectUnexpected(CheckpointConvention? convention)
        {
            foreach (string fullName in _underPrefix)
            {
                string name = fullName.Substring(_prefix.Length);
                if (!CheckpointConvention.Vocabulary.Contains(name) || _planned.Contains(name)) continue;
                SafetensorsTensor tensor = _checkpoint.GetTensor(fullName);
                throw new InvalidDataException(
                    $"Unexpected tensor '{fullName}' {tensor.ShapeText} for layer '{_spec.LayerName}': {WhyUnexpected(name, convention)}.");
            }
        }

        private string WhyUnexpected(string name, CheckpointConvention? convention)
        {
            if (name == CheckpointConvention.RelativePositionBiasTable) return "the layer declares RelativePositionBias = false";
            if (convention is null) return "the layer declares Projections.None, which has no projection weights";
            if (convention.IsInputBias(name) && !_spec.QkvBias) return "the layer declares QkvBias = false";
            if (name == convention.OutputBias && !_spec.OutputBias) return "the layer declares OutputBias = false";
            return $"the '{convention.Name}' convention as loaded for Projections.{_spec.Projections} does not use it";
        }

        private (float[] Query, float[] Key, float[] Value, float[] Fused) ReadInputWeights(CheckpointConvention convention, bool fusedForm)
        {
            AttentionLayerSpec s = _spec;
            if (fusedForm)
            {
                RequireEqualInputSizes(convention.FusedWeight!);
                float[] fused = ReadMatrix(convention, convention.FusedWeight!, s.FusedWidth, s.QuerySize);
                if (s.Projections == Projections.Fused) return (Array.Empty<float>(), Array.Empty<float>(), Array.Empty<float>(), fused);
                (float[] q, float[] k, float[] v) = SplitRows(fused, s.QuerySize);
                return (q, k, v, Array.Empty<float>());
            }

            float[] query = Read(convention.QueryWeight!, s.QueryWidth, s.QuerySize);
            float[] key = Read(convention.KeyWeight!, s.KvWidth, s.KeySize);
            float[] value = Read(convention.ValueWeight!, s.KvWidth, s.ValueSize);
            return s.Projections == Projections.Fused
                ? (Array.Empty<float>(), Array.Empty<float>(), Array.Empty<float>(), Concat(query, key, value))
                : (query, key, value, Array.Empty<float>());
        }

        private (float[] Query, float[] Key, float[] Value, float[] Fused) ReadInputBiases(CheckpointConvention convention, bool fusedBias)
        {
            AttentionLayerSpec s = _spec;
            if (fusedBias)
            {
                float[] fused = Read(convention.FusedBias!, s.FusedWidth);
                if (s.Projections == Projections.Fused) return (Array.Empty<float>(), Array.Empty<float>(), Array.Empty<float>(), fused);
                (float[] q, float[] k, float[] v) = SplitRows(fused, 1);
                return (q, k, v, Array.Empty<float>());
            }

            float[] query = Read(convention.QueryBias!, s.QueryWidth);
            float[] key = convention.OptionalKeyBias && !_layer.Contains(convention.KeyBias!) ? new float[s.KvWidth] : Read(convention.KeyBias!, s.KvWidth);
            float[] value = Read(convention.ValueBias!, s.KvWidth);
            return s.Projections == Projections.Fused
                ? (Array.Empty<float>(), Array.Empty<float>(), Array.Empty<float>(), Concat(query, key, value))
                : (query, key, value, Array.Empty<float>());
        }

        /// <summary>A fused matrix has one input width, so a layer whose query, key and value sizes differ cannot use it.</summary>
        private void RequireEqualInputSizes(string name)
        {
            AttentionLayerSpec s = _spec;
            if (s.QuerySize == s.KeySize && s.KeySize == s.ValueSize) return;
            throw new InvalidDataException(
                $"Tensor '{_prefix}{name}' stores fused q/k/v projections, which need equal input sizes, but layer '{s.LayerName}' " +
                $"has QuerySize = {s.QuerySize}, KeySize = {s.KeySize}, ValueSize = {s.ValueSize}.");
        }

        /// <summary>Splits a fused <c>[(Heads + 2·KvHeads)·HeadDim, columns]</c> array into its q, k and v rows.</summary>
        private (float[] Query, float[] Key, float[] Value) SplitRows(float[] fused, int columns)
        {
            int queryLength = _spec.QueryWidth * columns, kvLength = _spec.KvWidth * columns;
            return (
                fused.AsSpan(0, queryLength).ToArray(),
                fused.AsSpan(queryLength, kvLength).ToArray(),
                fused.AsSpan(queryLength + kvLength, kvLength).ToArray());
        }

        private static float[] Concat(float[] query, float[] key, float[] value)
        {
            var fused = new float[query.Length + key.Length + value.Length];
            query.CopyTo(fused, 0);
            key.CopyTo(fused, query.Length);
            value.CopyTo(fused, query.Length + key.Length);
            return fused;
        }

        /// <summary>
        /// Reads the matrix <paramref name="name"/> as <c>[rows, columns]</c> (<c>nn.Linear</c> layout); a <c>Conv1D</c> convention
        /// stores it <c>[columns, rows]</c>, so it is read in that shape and transposed.
        /// </summary>
        private float[] ReadMatrix(CheckpointConvention convention, string name, int rows, int columns)
        {
            if (!convention.Conv1DWeights) return Read(name, rows, columns);
            float[] stored = Read(name, " (Conv1D weights are stored [in, out])", columns, rows);
            var matrix = new float[stored.Length];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++) matrix[r * columns + c] = stored[c * rows + r];
            }

            return matrix;
        }

        /// <summary>Reads the tensor <paramref name="name"/> (without prefix) as F32 after checking it exists, its dtype and its shape.</summary>
        private float[] Read(string name, params ReadOnlySpan<int> shape) => Read(name, "", shape);

        /// <summary>As <see cref="Read(string, ReadOnlySpan{int})"/>; <paramref name="layoutNote"/> follows the expected shape in messages.</summary>
        private float[] Read(string name, string layoutNote, params ReadOnlySpan<int> shape)
        {
            string fullName = _prefix + name;
            if (!_layer.Contains(name))
                throw new InvalidDataException(
                    $"Tensor '{fullName}' {ShapeFormat.Format(shape)}{layoutNote} needed by layer '{_spec.LayerName}' is missing; " +
                    $"found {_underPrefix.Count} tensors under prefix '{_prefix}': {NameList.Describe(_underPrefix, ListedNames)}.");
            (SafetensorsFile file, SafetensorsTensor tensor) = _checkpoint.Find(fullName);
            if (!tensor.DType.IsFloat32Convertible())
                throw new InvalidDataException(
                    $"Tensor '{fullName}' has dtype {tensor.DType.ToHeaderString()} but layer '{_spec.LayerName}' expects F32, F16 or BF16.");
            if (!tensor.HasShape(shape))
                throw new InvalidDataException(
                    $"Tensor '{fullName}' has shape {tensor.ShapeText} but layer '{_spec.LayerName}' expects {ShapeFormat.Format(shape)}{layoutNote}.");
            return file.ReadFloat32(tensor);
        }
    }
}
