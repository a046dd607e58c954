using RetinaSharp.Tensors;

namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// Smooth colour noise: random RGB offsets in [-1, 1] on a square lattice, blended between lattice
/// points with a smoothstep, so the texture has no visible grid.
/// </summary>
internal sealed class ValueNoise
{
    private readonly float[] _lattice;
    private readonly int _columns;
    private readonly double _cell;

    /// <param name="colorfulness">0 for grey noise (all channels equal), 1 for independent channels.</param>
    public ValueNoise(RandomGenerator rng, int width, int height, double cell, double colorfulness)
    {
        _cell = cell;
        _columns = (int)Math.Ceiling(width / cell) + 2;
        int rows = (int)Math.Ceiling(height / cell) + 2;
        _lattice = new float[_columns * rows * 3];
        float grey = (float)(1 - colorfulness), tint = (float)colorfulness;
        for (int i = 0; i < _columns * rows; i++)
        {
            float l = (float)rng.Uniform(-1, 1);
            for (int c = 0; c < 3; c++) _lattice[3 * i + c] = grey * l + tint * (float)rng.Uniform(-1, 1);
        }
    }

    /// <summary>Adds amplitude × noise to every pixel of the canvas.</summary>
    public void AddTo(Canvas canvas, float amplitude)
    {
        // Column positions and weights are the same for every row; per row, blend the two lattice rows
        // once, then each pixel is one interpolation per channel.
        var column = new int[canvas.Width];
        var weight = new float[canvas.Width];
        for (int x = 0; x < canvas.Width; x++)
        {
            double fx = (x + 0.5) / _cell;
            column[x] = 3 * (int)fx;
            weight[x] = Smooth((float)(fx - (int)fx));
        }
        var blended = new float[_columns * 3];
        for (int y = 0; y < canvas.Height; y++)
        {
            double fy = (y + 0.5) / _cell;
            int iy = (int)fy;
            float ty = Smooth((float)(fy - iy));
            var top = _lattice.AsSpan(iy * _columns * 3, _columns * 3);
            var bottom = _lattice.AsSpan((iy + 1) * _columns * 3, _columns * 3);
            for (int i = 0; i < blended.Length; i++) blended[i] = amplitude * (top[i] + (bottom[i] - top[i]) * ty);
            var row = canvas.Row(y);
            for (int x = 0; x < column.Length; x++)
            {
                int i = column[x];
                float t = weight[x];
                row[3 * x] += blended[i] + (blended[i + 3] - blended[i]) * t;
                row[3 * x + 1] += blended[i + 1] + (blended[i + 4] - blended[i + 1]) * t;
                row[3 * x + 2] += blended[i + 2] + (blended[i + 5] - blended[i + 2]) * t;
            }
        }
    }

    private static float Smooth(float t) => t * t * (3 - 2 * t);
}
