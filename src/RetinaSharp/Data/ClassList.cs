using System.Collections;

namespace RetinaSharp.Data;

/// <summary>
/// The classes of a data set in label order: label i (0 ≤ i &lt; Count) is this[i]. Maps labels to
/// the source's category ids and back, and names to labels.
/// </summary>
public sealed class ClassList : IReadOnlyList<DetectionClass>
{
    private readonly DetectionClass[] _classes;
    private readonly Dictionary<long, int> _labelByCategory = [];
    private readonly Dictionary<string, int> _labelByName = new(StringComparer.Ordinal);

    /// <summary>Classes in label order; category ids must be unique.</summary>
    public ClassList(IEnumerable<DetectionClass> classes)
    {
        _classes = [.. classes];
        for (int i = 0; i < _classes.Length; i++)
        {
            if (!_labelByCategory.TryAdd(_classes[i].CategoryId, i))
                throw new ArgumentException($"Category id {_classes[i].CategoryId} appears twice (\"{_classes[_labelByCategory[_classes[i].CategoryId]].Name}\" and \"{_classes[i].Name}\").", nameof(classes));
            _labelByName.TryAdd(_classes[i].Name, i);
        }
    }

    /// <summary>Labels in increasing category id order, as torchvision and detectron2 number COCO categories.</summary>
    public static ClassList SortedByCategoryId(IEnumerable<DetectionClass> classes)
    {
        var list = new List<DetectionClass>(classes);
        list.Sort((a, b) => a.CategoryId.CompareTo(b.CategoryId));
        return new ClassList(list);
    }

    /// <summary>Classes named in order, with category ids 1..K (0 left for background, as in VOC-to-COCO conversions).</summary>
    public static ClassList FromNames(IEnumerable<string> names)
    {
        var list = new List<DetectionClass>();
        foreach (var name in names) list.Add(new DetectionClass(name, list.Count + 1));
        return new ClassList(list);
    }

    public int Count => _classes.Length;

    public DetectionClass this[int label] => _classes[label];

    public string NameOf(int label) => _classes[label].Name;

    public long CategoryIdOf(int label) => _classes[label].CategoryId;

    public bool TryGetLabel(long categoryId, out int label) => _labelByCategory.TryGetValue(categoryId, out label);

    public int LabelOf(long categoryId) =>
        _labelByCategory.TryGetValue(categoryId, out int label) ? label : throw new KeyNotFoundException($"No class has category id {categoryId}.");

    /// <summary>The label of the first class with this exact (case-sensitive) name.</summary>
    public bool TryGetLabelByName(string name, out int label) => _labelByName.TryGetValue(name, out label);

    public IEnumerator<DetectionClass> GetEnumerator() => ((IEnumerable<DetectionClass>)_classes).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
