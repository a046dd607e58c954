namespace RetinaSharp.Imaging.Drawing;

/// <summary>
/// A small bitmap font for printable ASCII (32 to 126), drawn for this library. Each character occupies a cell of
/// <see cref="CellWidth"/> x <see cref="CellHeight"/> pixels: a blank top row, a 5x7 glyph body, one row for
/// descenders (g, j, p, q, y, _ and the comma), and a blank column on the right that separates characters.
/// Any other character is drawn as '?'.
/// </summary>
public static class BitmapFont
{
    public const int CellWidth = 6;
    public const int CellHeight = 9;

    private const int GlyphWidth = 5;
    private const int GlyphRows = 8;
    private const int FirstChar = 32;
    private const int LastChar = 126;

    // One band per line of characters in ASCII order; '>' lines name the characters below them.
    private const string Sheet = """
> sp     !      "      #      $      %      &      '
.....  ..#..  .#.#.  .#.#.  ..#..  ##...  .##..  ..#..
.....  ..#..  .#.#.  .#.#.  .####  ##..#  #..#.  ..#..
.....  ..#..  .....  #####  #.#..  ...#.  #.#..  .#...
.....  ..#..  .....  .#.#.  .###.  ..#..  .#...  .....
.....  ..#..  .....  #####  ..#.#  .#...  #.#.#  .....
.....  .....  .....  .#.#.  ####.  #..##  #..#.  .....
.....  ..#..  .....  .#.#.  ..#..  ...##  .##.#  .....
.....  .....  .....  .....  .....  .....  .....  .....

> (      )      *      +      ,      -      .      /
...#.  .#...  .....  .....  .....  .....  .....  .....
..#..  ..#..  ..#..  ..#..  .....  .....  .....  ....#
.#...  ...#.  #.#.#  ..#..  .....  .....  .....  ...#.
.#...  ...#.  .###.  #####  .....  #####  .....  ..#..
.#...  ...#.  #.#.#  ..#..  .....  .....  .....  .#...
..#..  ..#..  ..#..  ..#..  .##..  .....  .##..  #....
...#.  .#...  .....  .....  ..#..  .....  .##..  .....
.....  .....  .....  .....  .#...  .....  .....  .....

> 0      1      2      3      4      5      6      7
.###.  ..#..  .###.  #####  ...#.  #####  ..##.  #####
#...#  .##..  #...#  ...#.  ..##.  #....  .#...  ....#
#..##  ..#..  ....#  ..#..  .#.#.  ####.  #....  ...#.
#.#.#  ..#..  ...#.  ...#.  #..#.  ....#  ####.  ..#..
##..#  ..#..  ..#..  ....#  #####  ....#  #...#  .#...
#...#  ..#..  .#...  #...#  ...#.  #...#  #...#  .#...
.###.  .###.  #####  .###.  ...#.  .###.  .###.  .#...
.....  .....  .....  .....  .....  .....  .....  .....

> 8      9      :      ;      <      =      >      ?
.###.  .###.  .....  .....  ...#.  .....  .#...  .###.
#...#  #...#  .##..  .##..  ..#..  .....  ..#..  #...#
#...#  #...#  .##..  .##..  .#...  #####  ...#.  ....#
.###.  .####  .....  .....  #....  .....  ....#  ...#.
#...#  ....#  .##..  .##..  .#...  #####  ...#.  ..#..
#...#  ...#.  .##..  ..#..  ..#..  .....  ..#..  .....
.###.  .##..  .....  .#...  ...#.  .....  .#...  ..#..
.....  .....  .....  .....  .....  .....  .....  .....

> @      A      B      C      D      E      F      G
.###.  .###.  ####.  .###.  ###..  #####  #####  .###.
#...#  #...#  #...#  #...#  #..#.  #....  #....  #...#
....#  #...#  #...#  #....  #...#  #....  #....  #....
.##.#  #####  ####.  #....  #...#  ####.  ####.  #.###
#.#.#  #...#  #...#  #....  #...#  #....  #....  #...#
#.#.#  #...#  #...#  #...#  #..#.  #....  #....  #...#
.###.  #...#  ####.  .###.  ###..  #####  #....  .####
.....  .....  .....  .....  .....  .....  .....  .....

> H      I      J      K      L      M      N      O
#...#  .###.  ..###  #...#  #....  #...#  #...#  .###.
#...#  ..#..  ...#.  #..#.  #....  ##.##  #...#  #...#
#...#  ..#..  ...#.  #.#..  #....  #.#.#  ##..#  #...#
#####  ..#..  ...#.  ##...  #....  #.#.#  #.#.#  #...#
#...#  ..#..  ...#.  #.#..  #....  #...#  #..##  #...#
#...#  ..#..  #..#.  #..#.  #....  #...#  #...#  #...#
#...#  .###.  .##..  #...#  #####  #...#  #...#  .###.
.....  .....  .....  .....  .....  .....  .....  .....

> P      Q      R      S      T      U      V      W
####.  .###.  ####.  .####  #####  #...#  #...#  #...#
#...#  #...#  #...#  #....  ..#..  #...#  #...#  #...#
#...#  #...#  #...#  #....  ..#..  #...#  #...#  #...#
####.  #...#  ####.  .###.  ..#..  #...#  #...#  #.#.#
#....  #.#.#  #.#..  ....#  ..#..  #...#  #...#  #.#.#
#....  #..#.  #..#.  ....#  ..#..  #...#  .#.#.  #.#.#
#....  .##.#  #...#  ####.  ..#..  .###.  ..#..  .#.#.
.....  .....  .....  .....  .....  .....  .....  .....

> X      Y      Z      [      \      ]      ^      _
#...#  #...#  #####  .###.  .....  .###.  ..#..  .....
#...#  #...#  ....#  .#...  #....  ...#.  .#.#.  .....
.#.#.  .#.#.  ...#.  .#...  .#...  ...#.  #...#  .....
..#..  ..#..  ..#..  .#...  ..#..  ...#.  .....  .....
.#.#.  ..#..  .#...  .#...  ...#.  ...#.  .....  .....
#...#  ..#..  #....  .#...  ....#  ...#.  .....  .....
#...#  ..#..  #####  .###.  .....  .###.  .....  .....
.....  .....  .....  .....  .....  .....  .....  #####

> `      a      b      c      d      e      f      g
.#...  .....  #....  .....  ....#  .....  ..##.  .....
..#..  .....  #....  .....  ....#  .....  .#..#  .....
...#.  .###.  ####.  .###.  .####  .###.  .#...  .####
.....  ....#  #...#  #....  #...#  #...#  ###..  #...#
.....  .####  #...#  #....  #...#  #####  .#...  #...#
.....  #...#  #...#  #...#  #...#  #....  .#...  .####
.....  .####  ####.  .###.  .####  .###.  .#...  ....#
.....  .....  .....  .....  .....  .....  .....  .###.

> h      i      j      k      l      m      n      o
#....  ..#..  ...#.  #....  .##..  .....  .....  .....
#....  .....  .....  #....  ..#..  .....  .....  .....
#.##.  .##..  ..##.  #..#.  ..#..  ##.#.  #.##.  .###.
##..#  ..#..  ...#.  #.#..  ..#..  #.#.#  ##..#  #...#
#...#  ..#..  ...#.  ##...  ..#..  #.#.#  #...#  #...#
#...#  ..#..  ...#.  #.#..  ..#..  #.#.#  #...#  #...#
#...#  .###.  #..#.  #..#.  .###.  #.#.#  #...#  .###.
.....  .....  .##..  .....  .....  .....  .....  .....

> p      q      r      s      t      u      v      w
.....  .....  .....  .....  .#...  .....  .....  .....
.....  .....  .....  .....  .#...  .....  .....  .....
####.  .####  #.##.  .####  ###..  #...#  #...#  #...#
#...#  #...#  ##..#  #....  .#...  #...#  #...#  #...#
#...#  #...#  #....  .###.  .#...  #...#  #...#  #.#.#
####.  .####  #....  ....#  .#..#  #..##  .#.#.  #.#.#
#....  ....#  #....  ####.  ..##.  .##.#  ..#..  .#.#.
#....  ....#  .....  .....  .....  .....  .....  .....

> x      y      z      {      |      }      ~
.....  .....  .....  ...##  ..#..  ##...  .....
.....  .....  .....  ..#..  ..#..  ..#..  .....
#...#  #...#  #####  ..#..  ..#..  ..#..  .#...
.#.#.  #...#  ...#.  .#...  ..#..  ...#.  #.#.#
..#..  #...#  ..#..  ..#..  ..#..  ..#..  ...#.
.#.#.  .####  .#...  ..#..  ..#..  ..#..  .....
#...#  ....#  #####  ...##  ..#..  ##...  .....
.....  .###.  .....  .....  .....  .....  .....
""";

    /// <summary>Glyph rows, <see cref="GlyphRows"/> per character; bit 4 is the leftmost column.</summary>
    private static readonly byte[] Glyphs = ParseSheet();

    /// <summary>Whether pixel (<paramref name="column"/>, <paramref name="row"/>) of <paramref name="c"/>'s cell is ink.</summary>
    public static bool IsInk(char c, int column, int row)
    {
        if ((uint)column >= GlyphWidth || row < 1 || row > GlyphRows) return false;
        return (Glyphs[GlyphIndex(c) * GlyphRows + row - 1] & (0x10 >> column)) != 0;
    }

    /// <summary>Pixel size of <paramref name="text"/> drawn at <paramref name="scale"/>; '\n' starts a new line.</summary>
    public static (int Width, int Height) Measure(ReadOnlySpan<char> text, int scale = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        if (text.IsEmpty) return (0, 0);
        int lines = 1, longest = 0, current = 0;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                lines++;
                current = 0;
            }
            else
            {
                longest = Math.Max(longest, ++current);
            }
        }
        return (checked(longest * CellWidth * scale), checked(lines * CellHeight * scale));
    }

    internal static ReadOnlySpan<byte> GlyphRowsOf(char c) => Glyphs.AsSpan(GlyphIndex(c) * GlyphRows, GlyphRows);

    private static int GlyphIndex(char c) => c is >= (char)FirstChar and <= (char)LastChar ? c - FirstChar : '?' - FirstChar;

    private static byte[] ParseSheet()
    {
        var glyphs = new byte[(LastChar - FirstChar + 1) * GlyphRows];
        int bandStart = 0, rowInBand = 0, bandWidth = -1;
        foreach (var raw in Sheet.Split('\n'))
        {
            var line = raw.TrimEnd('\r'); // the sheet may arrive with CRLF line ends
            if (line.Length == 0 || line[0] == '>') continue;
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (bandWidth < 0) bandWidth = cells.Length;
            if (cells.Length != bandWidth) throw new InvalidOperationException($"Font sheet row '{line}' has {cells.Length} glyphs, expected {bandWidth}.");
            for (int k = 0; k < cells.Length; k++)
            {
                if (cells[k].Length != GlyphWidth) throw new InvalidOperationException($"Font sheet cell '{cells[k]}' is not {GlyphWidth} wide.");
                byte bits = 0;
                foreach (var p in cells[k]) bits = (byte)(bits << 1 | (p == '#' ? 1 : 0));
                glyphs[(bandStart + k) * GlyphRows + rowInBand] = bits;
            }
            if (++rowInBand == GlyphRows)
            {
                bandStart += bandWidth;
                rowInBand = 0;
                bandWidth = -1;
            }
        }
        if (bandStart != LastChar - FirstChar + 1 || rowInBand != 0)
            throw new InvalidOperationException($"Font sheet defines {bandStart} glyphs, expected {LastChar - FirstChar + 1}.");
        return glyphs;
    }
}
