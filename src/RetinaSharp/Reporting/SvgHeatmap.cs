using System.Globalization;

namespace RetinaSharp.Reporting;

/// <summary>
/// A grid of coloured cells with row and column names (a confusion matrix): white for 0 to dark
/// blue for the largest value, with the value written in each cell while the cells are big enough
/// to read it. Cells shrink with the number of classes down to a few pixels; names are clipped.
/// </summary>
public sealed class SvgHeatmap(string title, string rowTitle, string columnTitle, IReadOnlyList<string> rowNames, IReadOnlyList<string> columnNames,
    double[,] values, Func<double, string> format)
{
    /// <summary>The value drawn darkest; null: the largest value (shares use 1, so shades compare across matrices).</summary>
    public double? Max { get; init; }

    /// <summary>
    /// Darkness of each cell in [0, 1] in place of value / max, with <see cref="ShadingName"/> on
    /// the colour bar: a matrix of counts shaded by row share stays readable when one class has
    /// most of the boxes.
    /// </summary>
    public double[,]? Shading { get; init; }

    public string? ShadingName { get; init; }

    public string Render()
    {
        int rows = rowNames.Count, cols = columnNames.Count;
        if (values.GetLength(0) != rows || values.GetLength(1) != cols)
            throw new ArgumentException($"{values.GetLength(0)}x{values.GetLength(1)} values for {rows} rows and {cols} columns.", nameof(values));
        // Two matrices side by side fit a 1200-pixel page up to about ten classes; beyond, cells shrink to 8 pixels.
        double cell = Math.Clamp(Math.Floor(520.0 / Math.Max(rows, cols)), 8, 44);
        double labelFont = Math.Min(11, Math.Max(6, cell * 0.8));
        double valueFont = Math.Min(11, cell / 3.4);
        bool writeValues = cell >= 20;
        double rowLabelWidth = MaxWidth(rowNames, labelFont) + 8;
        double columnLabelHeight = MaxWidth(columnNames, labelFont) * 0.71 + 10;
        double left = 30 + rowLabelWidth, top = 40;
        double gridWidth = cell * cols, gridHeight = cell * rows;
        double width = left + gridWidth + 16 + 50, height = top + gridHeight + columnLabelHeight + 30;
        double max = 0;
        foreach (var v in values) if (double.IsFinite(v)) max = Math.Max(max, v);
        if (Max is double fixedMax) max = fixedMax;
        var sb = Svg.Begin(width, height);
        Svg.Text(sb, width / 2, 18, title, size: 13);
        // Empty cells are the white background with thin grid lines: with 80 classes nearly all of
        // the 6561 cells are empty, and one element each would make the file a megabyte.
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Svg.Num(left)}\" y=\"{Svg.Num(top)}\" width=\"{Svg.Num(gridWidth)}\" height=\"{Svg.Num(gridHeight)}\" fill=\"{Shade(0)}\"/>");
        sb.Append("<path stroke=\"#e4e4e4\" stroke-width=\"0.5\" d=\"");
        for (int r = 1; r < rows; r++) sb.Append(CultureInfo.InvariantCulture, $"M{Svg.Num(left)},{Svg.Num(top + r * cell)}h{Svg.Num(gridWidth)}");
        for (int c = 1; c < cols; c++) sb.Append(CultureInfo.InvariantCulture, $"M{Svg.Num(left + c * cell)},{Svg.Num(top)}v{Svg.Num(gridHeight)}");
        sb.Append("\"/>");
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double v = values[r, c];
                if (v == 0 || !double.IsFinite(v)) continue;
                double f = Shading != null ? Math.Clamp(Shading[r, c], 0, 1) : max > 0 ? Math.Clamp(v / max, 0, 1) : 0;
                double x = left + c * cell, y = top + r * cell;
                sb.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{Svg.Num(x)}\" y=\"{Svg.Num(y)}\" width=\"{Svg.Num(cell)}\" height=\"{Svg.Num(cell)}\" fill=\"{Shade(f)}\">" +
                    $"<title>{Svg.Escape(rowNames[r])} → {Svg.Escape(columnNames[c])}: {Svg.Escape(format(v))}</title></rect>");
                if (writeValues)
                    Svg.Text(sb, x + cell / 2, y + cell / 2 + valueFont * 0.35, format(v), size: valueFont, extra: f > 0.55 ? "fill=\"white\"" : null);
            }
        sb.Append(CultureInfo.InvariantCulture,
            $"<rect x=\"{Svg.Num(left)}\" y=\"{Svg.Num(top)}\" width=\"{Svg.Num(gridWidth)}\" height=\"{Svg.Num(gridHeight)}\" fill=\"none\" stroke=\"#999\"/>");
        for (int r = 0; r < rows; r++)
            Svg.Text(sb, left - 4, top + r * cell + cell / 2 + labelFont * 0.35, Svg.Clip(rowNames[r], 20), "end", labelFont);
        for (int c = 0; c < cols; c++)
        {
            double x = left + c * cell + cell / 2 + labelFont * 0.3, y = top + gridHeight + 8;
            Svg.Text(sb, x, y, Svg.Clip(columnNames[c], 20), "end", labelFont, $"transform=\"rotate(-45 {Svg.Num(x)} {Svg.Num(y)})\"");
        }
        Svg.Text(sb, left + gridWidth / 2, height - 8, columnTitle);
        double cy = top + gridHeight / 2;
        Svg.Text(sb, 14, cy, rowTitle, extra: $"transform=\"rotate(-90 14 {Svg.Num(cy)})\"");
        ColourBar(sb, left + gridWidth + 16, top, Math.Min(gridHeight, 200), max);
        sb.Append("</svg>");
        return sb.ToString();
    }

    private void ColourBar(System.Text.StringBuilder sb, double x, double y, double h, double max)
    {
        const int steps = 20;
        for (int i = 0; i < steps; i++)
            sb.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{Svg.Num(x)}\" y=\"{Svg.Num(y + h * i / steps)}\" width=\"12\" height=\"{Svg.Num(h / steps + 0.5)}\" fill=\"{Shade(1 - (i + 0.5) / steps)}\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Svg.Num(x)}\" y=\"{Svg.Num(y)}\" width=\"12\" height=\"{Svg.Num(h)}\" fill=\"none\" stroke=\"#999\"/>");
        bool shaded = Shading != null;
        Svg.Text(sb, x + 16, y + 8, shaded ? "1" : format(max), "start", 10);
        Svg.Text(sb, x + 16, y + h, shaded ? "0" : format(0), "start", 10);
        if (shaded && ShadingName != null)
            Svg.Text(sb, x + 6, y + h + 14, ShadingName, "middle", 9);
    }

    private static double MaxWidth(IReadOnlyList<string> names, double font)
    {
        double w = 0;
        foreach (var n in names) w = Math.Max(w, Svg.TextWidth(Svg.Clip(n, 20), font));
        return w;
    }

    /// <summary>White to dark blue, linear in RGB between matplotlib's "Blues" ends.</summary>
    private static string Shade(double f)
    {
        int r = (int)Math.Round(247 + (8 - 247) * f), g = (int)Math.Round(251 + (48 - 251) * f), b = (int)Math.Round(255 + (107 - 255) * f);
        return FormattableString.Invariant($"#{r:x2}{g:x2}{b:x2}");
    }
}
