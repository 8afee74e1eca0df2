namespace StaticAttention.Cpu.Attention
{
    /// <summary>Checks on rows of scores shared by the kernels' softmax steps.</summary>
    internal static unsafe class ScoreRows
    {
        /// <summary>Whether any of the <paramref name="length"/> scores at <paramref name="s"/> is NaN (which a native max may drop).</summary>
        public static bool HasNaN(float* s, int length)
        {
            for (int j = 0; j < length; j++)
            {
                if (float.IsNaN(s[j])) return true;
            }

            return false;
        }
    }
}
