namespace RnnGen.Kernels;

/// <summary>
/// The distinct rows (embedding ids) written since the set was last cleared, so that zeroing them costs O(rows used)
/// instead of O(Vocab). Membership is a stamp per row, so clearing the set is one increment, not a pass over every row.
/// </summary>
public sealed class RowTracker
{
    private readonly int[] _stamps;
    private int _stamp = 1;
    private int[] _rows = [];
    private int _count;

    /// <summary>Creates an empty set over rows [0, <paramref name="rowCount"/>).</summary>
    public RowTracker(int rowCount) => _stamps = new int[rowCount];

    /// <summary>The rows in the set, in the order they were first added.</summary>
    public ReadOnlySpan<int> Rows => new(_rows, 0, _count);

    /// <summary>Makes room for <paramref name="capacity"/> distinct rows (no more than exist), keeping the set.</summary>
    public void EnsureCapacity(int capacity)
    {
        capacity = Math.Min(capacity, _stamps.Length);
        if (_rows.Length < capacity)
        {
            int[] rows = new int[capacity];
            Array.Copy(_rows, rows, _count);
            _rows = rows;
        }
    }

    /// <summary>Adds <paramref name="row"/>; returns <see langword="true"/> when it was not in the set yet.</summary>
    public bool Add(int row)
    {
        if (_stamps[row] == _stamp)
        {
            return false;
        }

        _stamps[row] = _stamp;
        _rows[_count++] = row;
        return true;
    }

    /// <summary>Zeroes the set's rows of <paramref name="values"/> (rows of <paramref name="width"/> floats from offset 0) and empties the set.</summary>
    public void ClearRows(Span<float> values, int width)
    {
        foreach (int row in Rows)
        {
            values.Slice(row * width, width).Clear();
        }

        Reset();
    }

    /// <summary>Empties the set without touching any values (for buffers whose rows are overwritten on first use).</summary>
    public void Reset()
    {
        _count = 0;
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_stamps);
            _stamp = 1;
        }
    }
}
