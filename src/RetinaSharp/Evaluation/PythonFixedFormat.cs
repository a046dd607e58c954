using System.Globalization;
using System.Numerics;

namespace RetinaSharp.Evaluation;

/// <summary>
/// Python's '{:0.Nf}' formatting: the exact binary value rounded half to even. .NET's "F3" rounds
/// exact ties such as 0.0625 away from zero, which would make summary lines differ from pycocotools'.
/// </summary>
internal static class PythonFixedFormat
{
    public static string Format(double value, int decimals)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var bits = BitConverter.DoubleToInt64Bits(value);
        var negative = bits < 0;
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & ((1L << 52) - 1);
        if (exponent == 0) exponent = 1;
        else mantissa |= 1L << 52;
        var shift = exponent - 1075;

        // value * 10^decimals = mantissa * 10^decimals * 2^shift, rounded to an integer.
        var scaled = new BigInteger(mantissa) * BigInteger.Pow(10, decimals);
        BigInteger units;
        if (shift >= 0)
        {
            units = scaled << shift;
        }
        else
        {
            var denominator = BigInteger.One << -shift;
            units = BigInteger.DivRem(scaled, denominator, out var remainder);
            var twice = remainder * 2;
            if (twice > denominator || (twice == denominator && !units.IsEven)) units += 1;
        }

        var digits = units.ToString(CultureInfo.InvariantCulture).PadLeft(decimals + 1, '0');
        var text = decimals == 0 ? digits : digits[..^decimals] + "." + digits[^decimals..];
        return negative ? "-" + text : text;
    }
}
