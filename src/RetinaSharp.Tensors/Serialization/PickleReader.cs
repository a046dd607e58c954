using System.Buffers.Binary;
using System.Text;

namespace RetinaSharp.Tensors.Serialization;

/// <summary>
/// A pickle (protocols 2–5) interpreter that never executes anything: it builds plain data
/// (numbers, strings, lists, tuples, dicts, OrderedDicts) and only recognises an allow-list of
/// globals needed by PyTorch state dicts. Any other global — os.system, builtins.eval, a custom
/// class — is refused with the module and name it asked for.
/// </summary>
internal sealed class PickleReader
{
    private static readonly HashSet<string> StorageTypes =
    [
        "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage",
        "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage",
    ];

    private readonly byte[] _data;
    private readonly string _source;
    private int _pos;
    private readonly List<object?> _stack = new(64);
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    private readonly Func<PickleTuple, object?> _persistentLoad;
    private long _values;

    /// <summary>Most values one pickle may build; a state dict needs a few dozen per tensor.</summary>
    public const long MaxValues = 10_000_000;

    public PickleReader(byte[] data, int start, string source, Func<PickleTuple, object?> persistentLoad)
    {
        _data = data;
        _pos = start;
        _source = source;
        _persistentLoad = persistentLoad;
    }

    /// <summary>Offset just past the STOP opcode of the last object read.</summary>
    public int Position => _pos;

    public static bool IsAllowedGlobal(string module, string name) => (module, name) switch
    {
        ("collections", "OrderedDict") => true,
        ("torch._utils", "_rebuild_tensor_v2") => true,
        ("torch._utils", "_rebuild_parameter") => true,
        ("torch._utils", "_rebuild_parameter_with_state") => true,
        ("torch", _) when StorageTypes.Contains(name) => true,
        ("torch", "device") => true,
        ("argparse", "Namespace") => true,
        ("builtins", "set") or ("__builtin__", "set") => true,
        _ => false,
    };

    public object? Load()
    {
        _stack.Clear();
        _marks.Clear();
        while (true)
        {
            int opAt = _pos;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: ReadByte(); break; // PROTO
                case 0x95: Skip(8); break; // FRAME
                case (byte)'.': // STOP
                    if (_stack.Count != 1) Fail(opAt, $"STOP with {_stack.Count} items on the stack");
                    return _stack[0];
                case (byte)'(': _marks.Push(_stack.Count); break; // MARK
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break; // NEWTRUE
                case 0x89: Push(false); break; // NEWFALSE
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break; // BININT
                case (byte)'K': Push((long)ReadByte()); break; // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case 0x8a: Push(ReadLong(ReadByte(), opAt)); break; // LONG1
                case 0x8b: Push(ReadLong(checked((int)BinaryPrimitives.ReadUInt32LittleEndian(Take(4))), opAt)); break; // LONG4
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT
                case (byte)'X': Push(Encoding.UTF8.GetString(Take(ReadLength32(opAt)))); break; // BINUNICODE
                case 0x8c: Push(Encoding.UTF8.GetString(Take(ReadByte()))); break; // SHORT_BINUNICODE
                case 0x8d: Push(Encoding.UTF8.GetString(Take(ReadLength64(opAt)))); break; // BINUNICODE8
                case (byte)'T': Push(Encoding.Latin1.GetString(Take(ReadLength32(opAt)))); break; // BINSTRING
                case (byte)'U': Push(Encoding.Latin1.GetString(Take(ReadByte()))); break; // SHORT_BINSTRING
                case (byte)'B': Push(Take(ReadLength32(opAt)).ToArray()); break; // BINBYTES
                case (byte)'C': Push(Take(ReadByte()).ToArray()); break; // SHORT_BINBYTES
                case 0x8e: Push(Take(ReadLength64(opAt)).ToArray()); break; // BINBYTES8
                case (byte)'}': Push(new Dictionary<object, object?>()); break; // EMPTY_DICT
                case (byte)']': Push(new List<object?>()); break; // EMPTY_LIST
                case (byte)')': Push(new PickleTuple([])); break; // EMPTY_TUPLE
                case 0x8f: Push(new List<object?>()); break; // EMPTY_SET (kept as a list)
                case (byte)'t': Push(new PickleTuple(PopMark(opAt))); break; // TUPLE
                case 0x85: Push(new PickleTuple([Pop(opAt)])); break; // TUPLE1
                case 0x86: { var b = Pop(opAt); var a = Pop(opAt); Push(new PickleTuple([a, b])); break; } // TUPLE2
                case 0x87: { var c = Pop(opAt); var b = Pop(opAt); var a = Pop(opAt); Push(new PickleTuple([a, b, c])); break; } // TUPLE3
                case (byte)'l': Push(new List<object?>(PopMark(opAt))); break; // LIST
                case (byte)'d': // DICT
                {
                    var items = PopMark(opAt);
                    var d = new Dictionary<object, object?>();
                    SetItems(d, items, opAt);
                    Push(d);
                    break;
                }
                case (byte)'a': { var v = Pop(opAt); AsList(Peek(opAt), opAt).Add(v); break; } // APPEND
                case (byte)'e': { var items = PopMark(opAt); AsList(Peek(opAt), opAt).AddRange(items); break; } // APPENDS
                case 0x90: { var items = PopMark(opAt); AsList(Peek(opAt), opAt).AddRange(items); break; } // ADDITEMS
                case (byte)'s': { var v = Pop(opAt); var k = Pop(opAt); SetItems(Peek(opAt), [k, v], opAt); break; } // SETITEM
                case (byte)'u': { var items = PopMark(opAt); SetItems(Peek(opAt), items, opAt); break; } // SETITEMS
                case (byte)'q': _memo[ReadByte()] = Peek(opAt); break; // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek(opAt); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(opAt); break; // MEMOIZE
                case (byte)'h': Push(MemoGet(ReadByte(), opAt)); break; // BINGET
                case (byte)'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)), opAt)); break; // LONG_BINGET
                case (byte)'c': // GLOBAL
                {
                    var module = ReadLine(opAt);
                    var name = ReadLine(opAt);
                    Push(MakeGlobal(module, name, opAt));
                    break;
                }
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop(opAt) as string ?? Fail<string>(opAt, "STACK_GLOBAL name is not a string");
                    var module = Pop(opAt) as string ?? Fail<string>(opAt, "STACK_GLOBAL module is not a string");
                    Push(MakeGlobal(module, name, opAt));
                    break;
                }
                case (byte)'Q': // BINPERSID
                {
                    var pid = Pop(opAt) as PickleTuple ?? Fail<PickleTuple>(opAt, "persistent id is not a tuple");
                    Push(_persistentLoad(pid));
                    break;
                }
                case (byte)'R': // REDUCE
                {
                    var args = Pop(opAt) as PickleTuple ?? Fail<PickleTuple>(opAt, "REDUCE arguments are not a tuple");
                    var fn = Pop(opAt) as PickleGlobal ?? Fail<PickleGlobal>(opAt, "REDUCE target is not an allowed global");
                    Push(Reduce(fn, args.Items, opAt));
                    break;
                }
                case 0x81: // NEWOBJ
                {
                    var args = Pop(opAt) as PickleTuple ?? Fail<PickleTuple>(opAt, "NEWOBJ arguments are not a tuple");
                    var cls = Pop(opAt) as PickleGlobal ?? Fail<PickleGlobal>(opAt, "NEWOBJ class is not an allowed global");
                    Push(Reduce(cls, args.Items, opAt));
                    break;
                }
                case (byte)'b': // BUILD
                {
                    var state = Pop(opAt);
                    var target = Peek(opAt);
                    // OrderedDict state carries attributes such as _metadata; tensors' state is unused.
                    if (target is PickleObject po) po.State = state;
                    break;
                }
                case 0x97: Pop(opAt); break; // NEXT_BUFFER / READONLY_BUFFER are protocol-5 out-of-band: unsupported below
                default:
                    Fail(opAt, $"unsupported pickle opcode 0x{op:x2}");
                    break;
            }
        }
    }

    private object MakeGlobal(string module, string name, int at)
    {
        if (!IsAllowedGlobal(module, name))
            Fail(at, $"refusing to load global '{module}.{name}': only PyTorch tensors, storages and plain containers are allowed (the file may contain code)");
        return new PickleGlobal(module, name);
    }

    private object? Reduce(PickleGlobal fn, object?[] args, int at)
    {
        switch (fn.FullName)
        {
            case "collections.OrderedDict":
                if (args.Length != 0) Fail(at, "OrderedDict with constructor arguments is not supported");
                return new Dictionary<object, object?>();
            case "torch._utils._rebuild_tensor_v2":
            {
                if (args.Length < 4) Fail(at, "_rebuild_tensor_v2 needs at least 4 arguments");
                var storage = args[0] as StorageRef ?? Fail<StorageRef>(at, "tensor storage is not a storage reference");
                long offset = AsLong(args[1], at);
                var size = AsLongs(args[2], at);
                var stride = AsLongs(args[3], at);
                if (size.Length != stride.Length) Fail(at, "tensor size and stride differ in length");
                var shape = new int[size.Length];
                for (int i = 0; i < size.Length; i++)
                {
                    if (size[i] < 0 || size[i] > int.MaxValue) Fail(at, $"tensor dimension {size[i]} out of range");
                    if (stride[i] < 0) Fail(at, "negative tensor stride");
                    shape[i] = (int)size[i];
                }
                if (offset < 0 || offset > long.MaxValue - storage.ElementOffset) Fail(at, $"tensor storage offset {offset} out of range");
                return new PendingTensor(storage, offset + storage.ElementOffset, shape, stride);
            }
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                if (args.Length < 1 || args[0] is not PendingTensor t) return Fail<object>(at, "_rebuild_parameter needs a tensor");
                return t;
            case "torch.device":
                return args.Length > 0 ? args[0] as string : null;
            case "builtins.set":
            case "__builtin__.set":
                return args.Length > 0 && args[0] is List<object?> l ? l : new List<object?>();
            case "argparse.Namespace":
                return new PickleObject(fn, args);
            default:
                return Fail<object>(at, $"'{fn.FullName}' cannot be called");
        }
    }

    private void SetItems(object? target, object?[] items, int at)
    {
        if (target is not Dictionary<object, object?> d) { Fail(at, "SETITEM on something that is not a dict"); return; }
        if (items.Length % 2 != 0) Fail(at, "odd number of dict items");
        for (int i = 0; i < items.Length; i += 2)
        {
            var key = items[i] ?? "None";
            if (key is List<object?> or Dictionary<object, object?> or PickleObject) Fail(at, "unhashable dict key");
            d[key is PickleTuple pt ? string.Join(",", pt.Items) : key] = items[i + 1];
        }
    }

    private List<object?> AsList(object? o, int at) => o as List<object?> ?? Fail<List<object?>>(at, "APPEND on something that is not a list");

    private long AsLong(object? o, int at) => o switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => Fail<long>(at, "expected an integer"),
    };

    private long[] AsLongs(object? o, int at)
    {
        var items = o switch
        {
            PickleTuple t => t.Items,
            List<object?> l => l.ToArray(),
            _ => Fail<object?[]>(at, "expected a tuple of integers"),
        };
        var r = new long[items.Length];
        for (int i = 0; i < r.Length; i++) r[i] = AsLong(items[i], at);
        return r;
    }

    private object? MemoGet(long key, int at) => _memo.TryGetValue(key, out var v) ? v : Fail<object>(at, $"memo key {key} not defined");

    private object ReadLong(int n, int at)
    {
        if (n > 64) Fail(at, $"integer of {n} bytes is too large");
        var b = Take(n);
        if (n > 8) return new System.Numerics.BigInteger(b, isUnsigned: false, isBigEndian: false);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = (v << 8) | b[i];
        if (n > 0 && n < 8 && (b[n - 1] & 0x80) != 0) v -= 1L << (8 * n);
        return v;
    }

    private int ReadLength32(int at)
    {
        uint n = BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
        if (n > _data.Length - _pos) Fail(at, $"declared length {n} exceeds the remaining {_data.Length - _pos} bytes");
        return (int)n;
    }

    private int ReadLength64(int at)
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
        if (n > (ulong)(_data.Length - _pos)) Fail(at, $"declared length {n} exceeds the remaining {_data.Length - _pos} bytes");
        return (int)n;
    }

    private string ReadLine(int at)
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0 || end - _pos > 1024) Fail(at, "unterminated GLOBAL name");
        var s = Encoding.ASCII.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return s;
    }

    private byte ReadByte()
    {
        if (_pos >= _data.Length) Fail(_pos, "unexpected end of pickle data");
        return _data[_pos++];
    }

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || n > _data.Length - _pos) Fail(_pos, "unexpected end of pickle data");
        var s = _data.AsSpan(_pos, n);
        _pos += n;
        return s;
    }

    private void Skip(int n) => Take(n);

    private void Push(object? o)
    {
        if (_stack.Count > 1_000_000) Fail(_pos, "pickle stack too deep");
        // Every value costs memory, and a few bytes of pickle can make one; a limit far above what a
        // state dict or training checkpoint needs keeps a small file from demanding gigabytes of objects.
        if (++_values > MaxValues) Fail(_pos, $"more than {MaxValues} values, far more than a checkpoint needs");
        _stack.Add(o);
    }

    private object? Pop(int at)
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _stack.Count <= _marks.Peek())) Fail(at, "pickle stack underflow");
        var o = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return o;
    }

    private object? Peek(int at)
    {
        if (_stack.Count == 0) Fail(at, "pickle stack underflow");
        return _stack[^1];
    }

    private object?[] PopMark(int at)
    {
        if (_marks.Count == 0) Fail(at, "MARK missing");
        int m = _marks.Pop();
        var items = _stack.GetRange(m, _stack.Count - m).ToArray();
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private void Fail(int at, string message) => throw new CheckpointFormatException($"{_source}: pickle at byte {at}: {message}.");

    private T Fail<T>(int at, string message) => throw new CheckpointFormatException($"{_source}: pickle at byte {at}: {message}.");

}
